/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Everything cmdlinegen knows about the machine and the kernel it proposes parameters for,
 * read once through the root prefix: CPUs, memory, PCI functions and IOMMU groups, firmware
 * tables, interrupt remapping, the target kernel's config and patches, the running command line,
 * the boot chain, and the intent in /etc/initbind.conf.
 */
#pragma once

#include "boot_chain.h"
#include "config.h"
#include "cpu_topology.h"
#include "iomem.h"
#include "kcmdline.h"
#include "memory_info.h"
#include "pci_host.h"

struct kernel_config;

/* The running vfio-pci's parameters, a file each (only those with permissions). */
#define VFIO_PCI_SYSFS_PARAMS "/sys/module/vfio_pci/parameters"

struct machine {
        const struct rootdir *root;

        struct initbind_config *config;
        const char *config_path;
        bool config_missing;

        struct cpu_topology cpus;
        struct memory_info memory;
        struct pci_host *pci;
        struct framebuffer_range *framebuffers;
        size_t n_framebuffers;
        enum tristate interrupt_remapping; /* IR-* interrupt chips in /proc/interrupts */
        bool has_kvm_device;

        char *running_release;
        char *target_release; /* what the parameters are for (--kernel), default running */
        bool target_is_running;
        enum target_source {
                TARGET_RUNNING,
                TARGET_FROM_OPTION,      /* --kernel */
                TARGET_NEWEST_INSTALLED, /* no kernel runs in the root (no /proc) */
        } target_source;
        unsigned kernel_major, kernel_minor; /* of the target; 0.0 when unparsable */
        struct kernel_config *kernel_config; /* of the target; NULL when not found */
        enum tristate acs_patch;             /* the target carries pcie_acs_override= */
        /* The parameters the target's vfio-pci takes: the files of /sys/module/vfio_pci/parameters
         * when the target runs with vfio-pci loaded or built in, joined with the module's modinfo
         * "parmtype=" entries when its file can be read. */
        char **vfio_pci_params;
        size_t n_vfio_pci_params;
        bool vfio_pci_params_read;     /* either was read; else what vfio-pci takes is unknown */
        bool vfio_pci_params_complete; /* modinfo was read: sysfs hides parameters without permissions */

        char *cmdline_text;       /* /proc/cmdline without its newline */
        struct kcmdline *cmdline; /* parsed leniently, as the kernel did */

        struct boot_chain boot;
};

/*
 * Read it all. CONFIG_PATH NULL means /etc/initbind.conf; TARGET_RELEASE NULL the running
 * kernel. Fails (after logging why) only for what makes a proposal impossible: no CPU list, no
 * PCI bus, no /proc/cmdline, an unreadable config.
 */
int machine_detect(const struct rootdir *root, const char *config_path, const char *target_release,
                   struct machine *ret);
void machine_done(struct machine *m);

/* CONFIG_NAME of the target kernel: YES, NO (unset or =n) or UNKNOWN (no config found). */
enum tristate machine_kernel_has(const struct machine *m, const char *name);
/*
 * Whether the target's vfio-pci takes parameter NAME ("-" and "_" alike, as the kernel compares
 * them): YES, NO, or UNKNOWN when neither sysfs nor modinfo could be read, or when only sysfs
 * was and NAME is not in it.
 */
enum tristate machine_vfio_pci_has(const struct machine *m, const char *name);
/* Where machine_vfio_pci_has() looked, for messages. */
const char *machine_vfio_pci_params_source(const struct machine *m);

/* The target kernel is at least MAJOR.MINOR. */
bool machine_kernel_at_least(const struct machine *m, unsigned major, unsigned minor);
