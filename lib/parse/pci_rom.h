/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A PCI expansion ROM as the sysfs "rom" attribute gives it (PCI Firmware Specification 3.x,
 * 5.1): a chain of images, each with the 0x55AA signature, a pointer at 0x18 to its PCI Data
 * Structure ("PCIR": vendor, device, image length in 512-byte units, code type, last-image
 * indicator). Code type 3 is a UEFI image, which OVMF needs to show anything from a GPU.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parse_error.h"

enum pci_rom_code_type {
        PCI_ROM_CODE_X86 = 0, /* PC-AT compatible (legacy BIOS) */
        PCI_ROM_CODE_OPEN_FIRMWARE = 1,
        PCI_ROM_CODE_PA_RISC = 2,
        PCI_ROM_CODE_EFI = 3,
};

struct pci_rom_image {
        size_t offset, length; /* in the ROM, bytes */
        uint16_t vendor, device;
        uint8_t code_type;
        bool last;
        /* EFI images only (0 otherwise): the machine type of the PE image, 0x8664 x64, 0x014c IA-32,
         * 0xaa64 AArch64, 0x0ebc EBC; the subsystem, 0x0b boot service driver (a GOP driver is one),
         * 0x0c runtime driver, 0x0a application. */
        uint16_t efi_machine, efi_subsystem;
};

#define PCI_ROM_IMAGES_MAX 16

/*
 * Parse the SIZE bytes of ROM into up to PCI_ROM_IMAGES_MAX images. Returns their number (at
 * least 1), or -EBADMSG with E saying where and what was expected: no 0x55AA at an image's start,
 * a PCIR pointer outside the image, no "PCIR" signature, a zero length, an image running past the
 * end. Images after the first bad one are not read; those before it are in RET.
 */
int pci_rom_parse(const uint8_t *rom, size_t size, struct pci_rom_image ret[PCI_ROM_IMAGES_MAX], size_t *ret_n,
                  struct parse_error *e);
const char *pci_rom_code_type_to_string(uint8_t code_type);
/* "x64", "AArch64", "EBC", ...; NULL for a machine type this table does not know. */
const char *pci_rom_efi_machine_to_string(uint16_t machine);
/* "boot service driver", "runtime driver", "application"; NULL for another value. */
const char *pci_rom_efi_subsystem_to_string(uint16_t subsystem);
