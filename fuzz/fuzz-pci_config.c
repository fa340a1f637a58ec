/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Configuration space as read from sysfs "config" (any length, any bytes, capability lists that
 * loop or point anywhere): the PCI Express type is one of the defined values, the walk ends, and
 * reading more bytes never turns a known answer into another known answer.
 */
#include "fuzz.h"
#include "pci_config.h"

static int valid(enum pcie_type t) { return t == PCIE_TYPE_UNKNOWN || t == PCIE_TYPE_NONE || (t >= 0 && t <= 0xf); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        enum pcie_type full = pci_config_pcie_type(data, size);
        CHECK(valid(full), "type %d", full);
        /* Every shorter read (as an unprivileged reader sees 64 bytes) answers UNKNOWN or the same. */
        for (size_t n = 0; n <= size && n <= 256; n += n < 64 ? 16 : 4) {
                enum pcie_type part = pci_config_pcie_type(data, n);
                CHECK(valid(part), "type %d at %zu bytes", part, n);
                CHECK(part == PCIE_TYPE_UNKNOWN || full == PCIE_TYPE_UNKNOWN || part == full,
                      "%zu bytes say %d, %zu bytes say %d", n, part, size, full);
        }
        return 0;
}
