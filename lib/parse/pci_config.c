/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "pci_config.h"

#define PCI_STATUS 0x06
#define PCI_STATUS_CAP_LIST 0x10
#define PCI_CAPABILITY_LIST 0x34
#define PCI_CAP_ID_EXP 0x10
#define PCI_EXP_FLAGS 0x02
/* 48 capabilities of 4 bytes fill the 192 bytes after the header: more means a loop. */
#define PCI_CAPS_MAX 48

enum pcie_type pci_config_pcie_type(const uint8_t *config, size_t size)
{
        if (size < 0x40)
                return PCIE_TYPE_UNKNOWN;
        if (!(config[PCI_STATUS] & PCI_STATUS_CAP_LIST))
                return PCIE_TYPE_NONE;
        unsigned pos = config[PCI_CAPABILITY_LIST] & 0xfc;
        for (unsigned i = 0; i < PCI_CAPS_MAX && pos >= 0x40; i++) {
                if (pos + 4 > size)
                        return PCIE_TYPE_UNKNOWN; /* the list goes on past what could be read */
                if (config[pos] == PCI_CAP_ID_EXP)
                        return (enum pcie_type)((config[pos + PCI_EXP_FLAGS] >> 4) & 0xf);
                pos = config[pos + 1] & 0xfc;
        }
        return PCIE_TYPE_NONE;
}
