/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Builds PCI expansion ROM images as the PCI Firmware Specification lays them out, for tests:
 * each image 0x55AA, the PCIR pointer at 0x18, the PCI Data Structure at 0x1c (vendor, device,
 * length 0x18, class, image length in 512-byte units, code type, indicator), and for a UEFI image
 * its signature 0x0ef1 at 4 and the machine type at 0x0a. No blob from elsewhere.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define ROM_IMAGE_PCIR 0x1c

static inline void rom_put16(uint8_t *p, uint16_t v)
{
        p[0] = (uint8_t) v;
        p[1] = (uint8_t) (v >> 8);
}

/* Write one image of UNITS * 512 bytes at ROM + AT; returns the offset after it. */
static inline size_t rom_image_add(uint8_t *rom, size_t at, uint16_t units, uint8_t code_type, bool last,
                                   uint16_t efi_machine)
{
        uint8_t *img = rom + at;
        memset(img, 0, (size_t) units * 512);
        img[0] = 0x55;
        img[1] = 0xaa;
        img[2] = (uint8_t) units; /* legacy images: size in 512-byte units */
        if (code_type == 3) {
                rom_put16(img + 0x04, units);  /* initialisation size */
                rom_put16(img + 0x06, 0x0ef1); /* EFI signature (low half of 0x00000ef1) */
                rom_put16(img + 0x08, 0x0b);   /* EFI boot service driver */
                rom_put16(img + 0x0a, efi_machine);
        }
        rom_put16(img + 0x18, ROM_IMAGE_PCIR);
        uint8_t *pcir = img + ROM_IMAGE_PCIR;
        memcpy(pcir, "PCIR", 4);
        rom_put16(pcir + 0x04, 0x1002);
        rom_put16(pcir + 0x06, 0x67df);
        rom_put16(pcir + 0x0a, 0x18);
        pcir[0x0c] = 3;    /* revision 3 */
        pcir[0x0f] = 0x03; /* class 03 00 00: VGA */
        rom_put16(pcir + 0x10, units);
        pcir[0x14] = code_type;
        pcir[0x15] = last ? 0x80 : 0x00;
        return at + (size_t) units * 512;
}
