/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "pci_class.h"

#include <stddef.h>

#include "macro.h"

/* The classes people meet when passing devices through; libpci names the rest where present. */
static const struct {
        uint16_t sub;
        const char *name;
} pci_subclass_names[] = {
        { 0x0100, "SCSI storage controller" },
        { 0x0101, "IDE interface" },
        { 0x0104, "RAID bus controller" },
        { 0x0106, "SATA controller" },
        { 0x0107, "Serial Attached SCSI controller" },
        { 0x0108, "Non-Volatile memory controller" },
        { 0x0200, "Ethernet controller" },
        { 0x0280, "Network controller" },
        { 0x0300, "VGA compatible controller" },
        { 0x0302, "3D controller" },
        { 0x0380, "Display controller" },
        { 0x0401, "Multimedia audio controller" },
        { 0x0403, "Audio device" },
        { 0x0600, "Host bridge" },
        { 0x0601, "ISA bridge" },
        { 0x0604, "PCI bridge" },
        { 0x0607, "CardBus bridge" },
        { 0x0c03, "USB controller" },
        { 0x0c05, "SMBus" },
        { 0x0c80, "Serial bus controller" },
        { 0x1200, "Processing accelerators" },
};

const char *pci_class_name(uint32_t class_code)
{
        uint16_t sub = pci_class_sub(class_code);
        for (size_t i = 0; i < ELEMENTSOF(pci_subclass_names); i++)
                if (pci_subclass_names[i].sub == sub)
                        return pci_subclass_names[i].name;
        return NULL;
}
