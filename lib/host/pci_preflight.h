/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the pre-flight needs of one function beyond the host model: the kernel's reset methods,
 * the reset and Resizable BAR capabilities of its whole configuration space, its BARs, whether it
 * has an expansion ROM, and its neighbours on the bus a secondary bus reset would hit. Read only
 * for the functions a command asks about (config space wakes a suspended GPU: never at boot).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pci_caps.h"
#include "pci_host.h"

struct rootdir;

#define PCI_BARS 6
#define PCI_ROM_BAR 6 /* the expansion ROM is the seventh line of "resource" */
#define PCI_RESET_METHOD_MAX 128

struct pci_bar {
        uint64_t start, size; /* size 0: not implemented */
        bool io, mem64, prefetch;
};

/* Machine-wide facts the pre-flight needs once. */
struct preflight_host {
        /* The kernel has the reset_method attribute (5.15+): its absence means "no reset". */
        enum tristate has_reset_method_abi;
        bool vendor_reset_loaded; /* /sys/module/vendor_reset */
};

struct pci_preflight {
        /* reset_method: "" and present=false when the file is absent */
        bool reset_method_present;
        char reset_method[PCI_RESET_METHOD_MAX];
        size_t config_size; /* bytes of config read; 256 or less hides the extended capabilities */
        struct pci_reset_caps reset_caps;
        bool on_root_bus; /* no bridge above: no secondary bus reset is possible */
        /* A function on the same bus outside the IOMMU group, which a bus reset would also hit;
         * "" when none. */
        char bus_neighbour[PCI_ADDRESS_STRING_MAX];
        struct pci_bar bars[PCI_BARS + 1];
        size_t n_rebar;
        struct pci_rebar rebar[PCI_REBAR_MAX];
        bool resize_attr[PCI_BARS]; /* resourceN_resize exists (6.1+, resizable BARs only) */
        bool has_rom_attr;          /* the sysfs "rom" attribute exists */
};

void preflight_host_read(const struct rootdir *root, struct preflight_host *ret);
/* Read the facts of F. 0 or -errno (the function is gone); an unreadable single file leaves its
 * fact unknown and is logged at debug level. */
int pci_preflight_read(const struct rootdir *root, const struct pci_host *host, const struct pci_function *f,
                       struct pci_preflight *ret);
