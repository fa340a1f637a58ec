/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Between the parts of the PCI scan (pci_host.c, pci_function_read.c, iommu_groups.c) only. */
#pragma once

#include "macro.h"
#include "pci_host.h"

#define SYSFS_PCI_DEVICES "/sys/bus/pci/devices"

/* Note a problem of the scan (printf-style); past PCI_HOST_PROBLEMS_MAX only counted. */
void pci_host_add_problem(struct pci_host *host, const char *format, ...) _printf_(2, 3);

/*
 * Read function NAME (a directory of /sys/bus/pci/devices, open at DEVICES_FD) into F, which
 * holds its address and the defaults. -errno, with a problem noted, when it cannot be identified
 * or read.
 */
int pci_function_read(const struct rootdir *root, struct pci_host *host, int devices_fd, const char *name,
                      unsigned flags, struct pci_function *f);

/* Build host->groups from the functions' iommu_group (the functions sorted by address). */
int iommu_groups_build(struct pci_host *host);
/* Mark each group whose kernel member list names a function the scan did not read in it. */
void iommu_groups_check_members(const struct rootdir *root, struct pci_host *host);
