/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "machine.h"

#include <dirent.h>
#include <stdio.h>

#include "kernel_config.h"
#include "installed_kernels.h"
#include "kernel_info.h"
#include "array.h"
#include "fileio.h"
#include "log.h"
#include "module_loader.h"
#include "rootdir.h"
#include "vfio_modules.h"

/*
 * With interrupt remapping on, the kernel's MSI and IO-APIC interrupt chips are the remapping
 * ones, named "IR-PCI-MSI", "IR-IO-APIC", ... in /proc/interrupts (kernel/irq/proc.c prints
 * the chip name). Without it they lack the "IR-" prefix.
 */
static enum tristate read_interrupt_remapping(const struct rootdir *root)
{
        _cleanup_free_ char *text = NULL;
        if (rootdir_read_file(root, "/proc/interrupts", &text, NULL) < 0)
                return TRISTATE_UNKNOWN;
        return strstr(text, " IR-") ? TRISTATE_YES : TRISTATE_NO;
}

static int read_config(const struct rootdir *root, const char *path, struct machine *m)
{
        m->config_path = path ? path : INITBIND_CONFIG_PATH;
        int r = config_read_path(root, m->config_path, &m->config);
        if (r < 0) {
                log_error("cannot read %s: %s", m->config_path, rootdir_strerror(r));
                return r;
        }
        m->config_missing = r == CONFIG_MISSING;
        return 0;
}

/* The kernel the parameters are for: --kernel, else the running one, else (an image without
 * /proc: a chroot, a mounted disk) the newest installed one, which update-initramfs and
 * kernel-install would build the next image for. */
static int pick_target(const struct rootdir *root, const char *target_release, struct machine *m)
{
        int r = kernel_release(root, &m->running_release);
        if (target_release) {
                m->target_release = strdup(target_release);
                m->target_source = TARGET_FROM_OPTION;
        } else if (r >= 0) {
                m->target_release = strdup(m->running_release);
                m->target_source = TARGET_RUNNING;
        } else {
                int q = kernel_newest_installed(root, &m->target_release);
                if (q == -ENOENT)
                        return log_error_errno(r,
                                               "cannot read the running kernel's release (/proc/sys/kernel/osrelease): "
                                               "%m, and no kernel is installed (/lib/modules/RELEASE with "
                                               "/boot/vmlinuz-RELEASE); name the target kernel with --kernel");
                if (q < 0)
                        return log_error_errno(q, "cannot list the installed kernels (/lib/modules): %m");
                m->target_source = TARGET_NEWEST_INSTALLED;
                log_info("no running kernel here (no /proc/sys/kernel/osrelease): the parameters are for %s, "
                         "the newest installed kernel (--kernel names another)",
                         m->target_release);
                return 0;
        }
        return m->target_release ? 0 : -ENOMEM;
}

static bool has_param(const struct machine *m, const char *name)
{
        for (size_t i = 0; i < m->n_vfio_pci_params; i++)
                if (kcmdline_name_equal(m->vfio_pci_params[i], name)) /* '-' is '_', as parameqn() */
                        return true;
        return false;
}

/* NAME into m's vfio-pci parameters unless it is there: 0 or -ENOMEM. */
static int add_param(struct machine *m, const char *name)
{
        if (has_param(m, name))
                return 0;
        if (ARRAY_GROW(m->vfio_pci_params, m->n_vfio_pci_params) < 0 ||
            !(m->vfio_pci_params[m->n_vfio_pci_params] = strdup(name)))
                return -ENOMEM;
        m->n_vfio_pci_params++;
        return 0;
}

/*
 * What vfio-pci takes on the target kernel. On the running kernel, sysfs shows the parameters
 * of the vfio-pci actually there (loaded or built in), but only those with permissions (ids has
 * none); the modinfo of the target's module lists them all, also for a kernel not running.
 */
static int read_vfio_pci_params(const struct rootdir *root, struct machine *m)
{
        if (m->target_is_running) {
                _cleanup_close_ int fd = rootdir_open_dir(root, VFIO_PCI_SYSFS_PARAMS);
                DIR *d = fd >= 0 ? opendir_at(fd) : NULL;
                int r = 0;
                for (struct dirent *de; d && r >= 0 && (de = readdir(d));)
                        if (de->d_name[0] != '.')
                                r = add_param(m, de->d_name);
                if (d) {
                        closedir(d);
                        m->vfio_pci_params_read = true;
                }
                if (r < 0)
                        return r;
        }

        _cleanup_module_loader_ struct module_loader *ml = NULL;
        char **names = NULL;
        size_t n = 0;
        int r = module_loader_new(root, m->target_release, &ml);
        if (r >= 0)
                r = module_loader_params(ml, VFIO_PCI_MODULE, &names, &n);
        for (size_t i = 0; r >= 0 && i < n; i++)
                r = add_param(m, names[i]);
        module_params_free(names, n);
        if (r == -ENOMEM)
                return r;
        if (r >= 0)
                m->vfio_pci_params_read = m->vfio_pci_params_complete = true;
        return 0;
}

static int read_kernel(const struct rootdir *root, const char *target_release, struct machine *m)
{
        int r = pick_target(root, target_release, m);
        if (r < 0)
                return r;
        m->target_is_running = m->running_release && streq(m->target_release, m->running_release);
        (void) kernel_release_version(m->target_release, &m->kernel_major, &m->kernel_minor); /* 0.0 if not */

        r = kernel_config_load(root, m->target_release, m->target_is_running, &m->kernel_config);
        if (r < 0 && r != -ENOENT)
                log_warning_errno(r, "cannot read the configuration of kernel %s: %m", m->target_release);
        m->acs_patch = kernel_has_acs_override(root, m->target_release, m->target_is_running);
        r = read_vfio_pci_params(root, m);
        if (r < 0)
                return r;

        r = kernel_cmdline(root, &m->cmdline_text);
        if (r == -ENOENT && !m->running_release) {
                /* No kernel runs in this image: no command line to start from. */
                m->cmdline_text = strdup("");
                if (!m->cmdline_text)
                        return -ENOMEM;
        } else if (r < 0)
                return log_error_errno(r, "cannot read /proc/cmdline: %m");
        return kcmdline_parse(m->cmdline_text, KCMDLINE_PARSE_LENIENT, &m->cmdline, NULL);
}

static int read_framebuffers(const struct rootdir *root, struct machine *m)
{
        _cleanup_free_ char *iomem = NULL;
        if (rootdir_read_file(root, "/proc/iomem", &iomem, NULL) < 0)
                return 0; /* no framebuffer known: the console GPU is then told by boot_vga */
        int r = iomem_find_framebuffers(iomem, &m->framebuffers, &m->n_framebuffers);
        return r < 0 ? r : 0;
}

int machine_detect(const struct rootdir *root, const char *config_path, const char *target_release, struct machine *ret)
{
        struct machine m = { .root = root };
        int r;

        r = read_config(root, config_path, &m);
        if (r < 0)
                goto fail;
        r = cpu_topology_read(root, &m.cpus);
        if (r < 0) {
                log_error_errno(r, "cannot read the CPUs (/sys/devices/system/cpu/possible): %m");
                goto fail;
        }
        r = memory_info_read(root, &m.memory);
        if (r < 0) /* it logged the line in error */
                goto fail;
        r = pci_host_scan(root, PCI_SCAN_PARENTS, &m.pci); /* details: generate.c reads those it needs */
        if (r < 0) {
                log_error_errno(r, "cannot read the PCI devices (/sys/bus/pci/devices): %m");
                goto fail;
        }
        pci_host_log_problems(m.pci);
        r = read_framebuffers(root, &m);
        if (r < 0)
                goto fail;
        m.interrupt_remapping = read_interrupt_remapping(root);
        m.has_kvm_device = rootdir_exists(root, "/dev/kvm") > 0;
        r = read_kernel(root, target_release, &m);
        if (r < 0)
                goto fail;
        boot_chain_detect(root, &m.boot);

        *ret = m;
        return 0;
fail:
        machine_done(&m);
        return r;
}

void machine_done(struct machine *m)
{
        config_free(m->config);
        cpu_topology_done(&m->cpus);
        if (m->pci)
                pci_host_free(m->pci);
        free(m->framebuffers);
        free(m->running_release);
        free(m->target_release);
        module_params_free(m->vfio_pci_params, m->n_vfio_pci_params);
        if (m->kernel_config)
                kernel_config_free(m->kernel_config);
        free(m->cmdline_text);
        kcmdline_free(m->cmdline);
        *m = (struct machine){};
}

enum tristate machine_kernel_has(const struct machine *m, const char *name)
{
        if (!m->kernel_config)
                return TRISTATE_UNKNOWN;
        return kernel_config_enabled(m->kernel_config, name) ? TRISTATE_YES : TRISTATE_NO;
}

enum tristate machine_vfio_pci_has(const struct machine *m, const char *name)
{
        if (!m->vfio_pci_params_read)
                return TRISTATE_UNKNOWN;
        if (has_param(m, name))
                return TRISTATE_YES;
        return m->vfio_pci_params_complete ? TRISTATE_NO : TRISTATE_UNKNOWN;
}

const char *machine_vfio_pci_params_source(const struct machine *m)
{
        if (!m->vfio_pci_params_read)
                return "no " VFIO_PCI_SYSFS_PARAMS " and no vfio-pci module file";
        return m->vfio_pci_params_complete ? "the module's modinfo" : VFIO_PCI_SYSFS_PARAMS;
}

bool machine_kernel_at_least(const struct machine *m, unsigned major, unsigned minor)
{
        return m->kernel_major > major || (m->kernel_major == major && m->kernel_minor >= minor);
}
