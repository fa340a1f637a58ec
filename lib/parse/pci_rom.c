/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "pci_rom.h"

#include <errno.h>

#define ROM_SIGNATURE_0 0x55
#define ROM_SIGNATURE_1 0xaa
#define ROM_PCIR_POINTER 0x18
#define ROM_EFI_SUBSYSTEM 0x08
#define ROM_EFI_MACHINE 0x0a
#define PCIR_VENDOR 0x04
#define PCIR_DEVICE 0x06
#define PCIR_IMAGE_LENGTH 0x10
#define PCIR_CODE_TYPE 0x14
#define PCIR_INDICATOR 0x15
#define PCIR_INDICATOR_LAST 0x80
#define PCIR_SIZE 0x18
#define ROM_UNIT 512

static uint16_t le16(const uint8_t *p) { return (uint16_t) (p[0] | p[1] << 8); }

static int parse_image(const uint8_t *rom, size_t size, size_t at, struct pci_rom_image *img, struct parse_error *e)
{
        if (size - at < ROM_PCIR_POINTER + 2 || rom[at] != ROM_SIGNATURE_0 || rom[at + 1] != ROM_SIGNATURE_1)
                return parse_error_set(e, -EBADMSG, at, "the ROM signature 55 aa at the start of an image");
        size_t pcir = at + le16(rom + at + ROM_PCIR_POINTER);
        if (pcir + PCIR_SIZE > size)
                return parse_error_set(e, -EBADMSG, at + ROM_PCIR_POINTER,
                                       "a PCI data structure pointer inside the ROM");
        if (rom[pcir] != 'P' || rom[pcir + 1] != 'C' || rom[pcir + 2] != 'I' || rom[pcir + 3] != 'R')
                return parse_error_set(e, -EBADMSG, pcir, "the signature PCIR");
        size_t length = (size_t) le16(rom + pcir + PCIR_IMAGE_LENGTH) * ROM_UNIT;
        if (length == 0)
                return parse_error_set(e, -EBADMSG, pcir + PCIR_IMAGE_LENGTH, "an image length above 0");
        if (length > size - at)
                return parse_error_set(e, -EBADMSG, pcir + PCIR_IMAGE_LENGTH, "an image that ends inside the ROM");
        *img = (struct pci_rom_image){
                .offset = at,
                .length = length,
                .vendor = le16(rom + pcir + PCIR_VENDOR),
                .device = le16(rom + pcir + PCIR_DEVICE),
                .code_type = rom[pcir + PCIR_CODE_TYPE],
                .last = rom[pcir + PCIR_INDICATOR] & PCIR_INDICATOR_LAST,
        };
        if (img->code_type == PCI_ROM_CODE_EFI) {
                img->efi_machine = le16(rom + at + ROM_EFI_MACHINE);
                img->efi_subsystem = le16(rom + at + ROM_EFI_SUBSYSTEM);
        }
        return 0;
}

int pci_rom_parse(const uint8_t *rom, size_t size, struct pci_rom_image ret[PCI_ROM_IMAGES_MAX], size_t *ret_n,
                  struct parse_error *e)
{
        size_t n = 0, at = 0;
        int r = 0;
        while (n < PCI_ROM_IMAGES_MAX) {
                r = parse_image(rom, size, at, &ret[n], e);
                if (r < 0)
                        break;
                at += ret[n].length;
                if (ret[n++].last || at >= size)
                        break;
        }
        *ret_n = n;
        return r < 0 ? r : (int) n;
}

const char *pci_rom_code_type_to_string(uint8_t code_type)
{
        switch (code_type) {
        case PCI_ROM_CODE_X86:
                return "x86 BIOS";
        case PCI_ROM_CODE_OPEN_FIRMWARE:
                return "Open Firmware";
        case PCI_ROM_CODE_PA_RISC:
                return "HP PA-RISC";
        case PCI_ROM_CODE_EFI:
                return "UEFI";
        default:
                return "unknown";
        }
}

/* The PE/COFF machine types (IMAGE_FILE_MACHINE_*) an option ROM's UEFI driver is built for. */
const char *pci_rom_efi_machine_to_string(uint16_t machine)
{
        switch (machine) {
        case 0x014c:
                return "IA-32";
        case 0x0200:
                return "Itanium";
        case 0x01c2:
                return "ARM";
        case 0x0ebc:
                return "EBC";
        case 0x5064:
                return "RISC-V 64";
        case 0x6264:
                return "LoongArch 64";
        case 0x8664:
                return "x64";
        case 0xaa64:
                return "AArch64";
        default:
                return NULL;
        }
}

const char *pci_rom_efi_subsystem_to_string(uint16_t subsystem)
{
        switch (subsystem) {
        case 0x0a:
                return "application";
        case 0x0b:
                return "boot service driver";
        case 0x0c:
                return "runtime driver";
        default:
                return NULL;
        }
}
