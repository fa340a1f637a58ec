/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "pci_config.h"

#include "pci_caps.h"

#define PCI_EXP_FLAGS 0x02

enum pcie_type pci_config_pcie_type(const uint8_t *config, size_t size)
{
        int pos = pci_config_find_cap(config, size, PCI_CAP_ID_EXP);
        if (pos == 0)
                return PCIE_TYPE_NONE;
        if (pos < 0 || (size_t) pos + PCI_EXP_FLAGS >= size)
                return PCIE_TYPE_UNKNOWN; /* the list goes on past what could be read */
        return (enum pcie_type)((config[pos + PCI_EXP_FLAGS] >> 4) & 0xf);
}
