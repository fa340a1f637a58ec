/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Facts read from a function's configuration space (the sysfs "config" file): only what the
 * host model needs and no driver has in sysfs, so far whether and how the function is PCI Express.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* The Device/Port Type of the PCI Express Capabilities register (PCIe base spec 7.5.3.2). */
enum pcie_type {
        PCIE_TYPE_UNKNOWN = -2, /* config not read, or too short to tell (non-root reads 64 bytes) */
        PCIE_TYPE_NONE = -1,    /* conventional PCI: no PCI Express capability */
        PCIE_TYPE_ENDPOINT = 0x0,
        PCIE_TYPE_LEGACY_ENDPOINT = 0x1,
        PCIE_TYPE_ROOT_PORT = 0x4,
        PCIE_TYPE_UPSTREAM_PORT = 0x5,
        PCIE_TYPE_DOWNSTREAM_PORT = 0x6,
        PCIE_TYPE_PCIE_TO_PCI_BRIDGE = 0x7,
        PCIE_TYPE_PCI_TO_PCIE_BRIDGE = 0x8,
        PCIE_TYPE_RC_INTEGRATED = 0x9,
        PCIE_TYPE_RC_EVENT_COLLECTOR = 0xa,
};

/* Walk the capability list of the SIZE bytes of CONFIG. Never reads outside them. */
enum pcie_type pci_config_pcie_type(const uint8_t *config, size_t size);
