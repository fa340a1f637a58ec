/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The PCI half of the host model: every PCI function and IOMMU group, read once from sysfs
 * through the root prefix. Everything else (policy, plans, listings) works on this data.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pci_address.h"
#include "pci_config.h"
#include "vfio_id.h"

struct rootdir;

#define PCI_DRIVER_NAME_MAX 64
#define PCI_MODALIAS_MAX 64

enum pci_header_kind {
        PCI_HEADER_UNKNOWN = -1,
        PCI_HEADER_ENDPOINT = 0, /* type 0 */
        PCI_HEADER_BRIDGE = 1,   /* type 1, PCI-to-PCI bridges and PCIe ports */
        PCI_HEADER_CARDBUS = 2,
};

/* A hostile sysfs could have thousands of bad files: the log names the first ones. */
#define PCI_HOST_PROBLEMS_MAX 32
#define PCI_HOST_PROBLEM_SIZE 400

enum tristate { TRISTATE_UNKNOWN = -1, TRISTATE_NO = 0, TRISTATE_YES = 1 };

struct pci_function {
        struct pci_address address;
        char name[PCI_ADDRESS_STRING_MAX]; /* "0000:0b:00.0" */
        struct pci_ids ids;
        int revision; /* -1 when not read (boot path) or unreadable */
        enum pci_header_kind header;
        enum pcie_type pcie_type;                  /* UNKNOWN when config was not read (boot path) */
        enum tristate boot_vga;                    /* UNKNOWN for non-VGA classes: the file does not exist */
        bool boot_vga_unreadable;                  /* a VGA function's boot_vga could not be read or parsed */
        bool owns_framebuffer;                     /* a firmware framebuffer lies inside one of its BARs */
        int iommu_group;                           /* -1: none (IOMMU off, or the device is not translated) */
        char driver[PCI_DRIVER_NAME_MAX];          /* "" when unbound */
        char driver_override[PCI_DRIVER_NAME_MAX]; /* "" when unset ("(null)" in sysfs) or not read */
        char modalias[PCI_MODALIAS_MAX];
        int numa_node;      /* -1: none or not read */
        int sriov_totalvfs; /* -1: not an SR-IOV physical function (or not read yet) */
        int sriov_numvfs;
        bool sriov_unread; /* PCI_SCAN_SRIOV_ON_DEMAND: pci_function_read_sriov() has not run */
        int parent;        /* index of the upstream bridge in pci_host.functions, -1 at a root bus
                                         * or not read (PCI_SCAN_DETAILS) */
        char *sysfs_path;  /* "devices/pci0000:00/0000:00:1c.0/0000:03:00.0"; NULL when not read */
};

struct iommu_group {
        int number;
        size_t n_members;
        size_t *members; /* indices into pci_host.functions, in address order */
        /* A function the kernel lists in the group (/sys/kernel/iommu_groups/N/devices) that the
         * scan could not read as a member: "" when none. Nothing in such a group is claimable. */
        char unread_member[PCI_ADDRESS_STRING_MAX + 8];
};

struct pci_host {
        struct pci_function *functions; /* sorted by address */
        size_t n_functions;
        struct iommu_group *groups; /* sorted by number */
        size_t n_groups;
        bool iommu_active;       /* /sys/class/iommu has an entry, or any group exists */
        bool has_dmar, has_ivrs; /* ACPI tables: Intel VT-d, AMD-Vi */
        size_t n_unreadable;     /* functions listed in sysfs whose files could not be read */
        /* What was missing, unreadable or malformed, each naming the file and what it held
         * (at most PCI_HOST_PROBLEMS_MAX, n_problems counts them all). */
        char (*problems)[PCI_HOST_PROBLEM_SIZE];
        size_t n_problems;
};

enum pci_scan_flags {
        /* Also read the sysfs path that gives each function its parent bridge. */
        PCI_SCAN_PARENTS = 1 << 2,
        /* Also read what only listings need of every function: revision, header type, PCI Express
         * type, NUMA node (pci_function_read_details() reads them for one), and the parents. */
        PCI_SCAN_DETAILS = 1 << 0 | PCI_SCAN_PARENTS,
        /* Also read each driver_override (status, listings, runtime claims and releases). The boot
         * path does without: its plan depends on drivers and IDs, not on earlier overrides. */
        PCI_SCAN_OVERRIDES = 1 << 1,
        /* Leave sriov_totalvfs/sriov_numvfs unread (sriov_unread set): the boot path reads them
         * with pci_function_read_sriov() only for the functions its plan would claim, since only
         * physical functions have the files and a failed open per function is a seventh of the
         * scan's system calls. */
        PCI_SCAN_SRIOV_ON_DEMAND = 1 << 3,
};

/*
 * Read every PCI function. A function whose files are missing or malformed is still listed with
 * what could be read (and -1/"" for the rest); a function that vanished mid-scan, or whose uevent
 * is unreadable or lacks a valid PCI_ID and PCI_CLASS (nothing to identify it by), is skipped.
 * Each is a problem in host->problems (a missing file the kernel leaves out on purpose, such as
 * iommu_group with the IOMMU off, is not). Fails only when /sys/bus/pci/devices itself cannot be
 * read.
 */
int pci_host_scan(const struct rootdir *root, unsigned flags, struct pci_host **ret);
struct pci_host *pci_host_free(struct pci_host *host);
static inline void pci_host_freep(struct pci_host **h)
{
        if (*h)
                pci_host_free(*h);
}
#define _cleanup_pci_host_ __attribute__((cleanup(pci_host_freep)))

/* A deep copy of HOST, which stays as it is: the next boot's view is planned on a copy. */
int pci_host_dup(const struct pci_host *host, struct pci_host **ret);

struct pci_function *pci_host_find(const struct pci_host *host, const struct pci_address *address);
const struct iommu_group *pci_host_group(const struct pci_host *host, int number);
static inline size_t pci_host_index(const struct pci_host *host, const struct pci_function *f)
{
        return (size_t) (f - host->functions);
}

/* Log a warning for each problem the scan found, if any. */
void pci_host_log_problems(const struct pci_host *host);

/* Read the details of one function (see PCI_SCAN_DETAILS) that a scan without them left out:
 * what cmdlinegen needs of the few functions a claim touches. 0 or -errno (the function is gone).
 * A problem found is added to HOST and logged at once: the scan's problems were logged already. */
int pci_function_read_details(const struct rootdir *root, struct pci_host *host, struct pci_function *f);

/* Read the SR-IOV counts of one function a PCI_SCAN_SRIOV_ON_DEMAND scan left out; a problem found
 * is added to HOST and logged at once. 0 or -errno (the function is gone). */
int pci_function_read_sriov(const struct rootdir *root, struct pci_host *host, struct pci_function *f);

/* Re-read driver and driver_override of one function (after writes, binds, unbinds): -errno
 * when either cannot be read (-ENOENT: the function is gone). */
int pci_function_refresh_binding(const struct rootdir *root, struct pci_function *f);

/* Class helpers */
bool pci_function_is_bridge(const struct pci_function *f);
/* Boot VGA, the firmware framebuffer's owner, or a VGA function whose boot_vga is unreadable:
 * when in doubt, the host's display is what is kept. */
bool pci_function_is_console_gpu(const struct pci_function *f);
