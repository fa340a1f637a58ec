/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Capability lists of configuration space (any bytes, any length, lists that loop or point
 * anywhere): every offset found lies inside the bytes with the ID asked for, the reset facts agree
 * with each other, and the resizable BARs are at most PCI_REBAR_MAX with indices below 6.
 */
#include "fuzz.h"
#include "pci_caps.h"

static void check_cap(const uint8_t *data, size_t size, uint8_t id)
{
        int pos = pci_config_find_cap(data, size, id);
        CHECK(pos == 0 || pos == PCI_CAP_TRUNCATED || (pos >= 0x40 && (size_t) pos + 4 <= size && data[pos] == id),
              "cap %#x at %d of %zu", id, pos, size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static const uint8_t ids[] = { PCI_CAP_ID_PM, PCI_CAP_ID_EXP, PCI_CAP_ID_AF, 0x05, 0x11 };
        for (size_t i = 0; i < sizeof(ids); i++)
                check_cap(data, size, ids[i]);

        int ext = pci_config_find_ext_cap(data, size, PCI_EXT_CAP_ID_REBAR);
        CHECK(ext == 0 || (ext >= 0x100 && (size_t) ext + 4 <= size && (data[ext] | data[ext + 1] << 8) == 0x15),
              "rebar at %d of %zu", ext, size);

        struct pci_reset_caps c;
        pci_config_reset_caps(data, size, &c);
        CHECK(!(c.pm && c.no_soft_reset), "pm reset and No_Soft_Reset both");
        CHECK(!c.flr || c.pcie, "FLR without a PCI Express capability");

        struct pci_rebar bars[PCI_REBAR_MAX];
        size_t n = pci_config_rebar(data, size, bars);
        CHECK(n <= PCI_REBAR_MAX, "%zu resizable BARs", n);
        for (size_t i = 0; i < n; i++)
                CHECK(bars[i].bar < 8 && bars[i].current < 64, "BAR %u size %u", bars[i].bar, bars[i].current);
        return 0;
}
