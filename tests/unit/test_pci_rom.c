/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* PCI expansion ROMs: a legacy image followed by a UEFI one, a legacy-only ROM, broken chains. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pci_rom.h"
#include "rom-image.h"

static uint8_t rom[64 * 1024];

static void test_bios_and_efi(void **state)
{
        size_t end = rom_image_add(rom, 0, 64, PCI_ROM_CODE_X86, false, 0);
        end = rom_image_add(rom, end, 32, PCI_ROM_CODE_EFI, true, 0x8664);
        struct pci_rom_image images[PCI_ROM_IMAGES_MAX];
        size_t n = 0;
        struct parse_error e = {};
        assert_int_equal(pci_rom_parse(rom, end, images, &n, &e), 2);
        assert_int_equal(n, 2);
        assert_int_equal(images[0].offset, 0);
        assert_int_equal(images[0].length, 32768);
        assert_int_equal(images[0].code_type, PCI_ROM_CODE_X86);
        assert_false(images[0].last);
        assert_int_equal(images[0].vendor, 0x1002);
        assert_int_equal(images[1].offset, 32768);
        assert_int_equal(images[1].length, 16384);
        assert_int_equal(images[1].code_type, PCI_ROM_CODE_EFI);
        assert_int_equal(images[1].efi_machine, 0x8664);
        assert_true(images[1].last);
        assert_string_equal(pci_rom_code_type_to_string(images[1].code_type), "UEFI");
        assert_int_equal(images[1].efi_subsystem, 0x0b);
        assert_string_equal(pci_rom_efi_subsystem_to_string(images[1].efi_subsystem), "boot service driver");
        assert_string_equal(pci_rom_efi_machine_to_string(images[1].efi_machine), "x64");
        assert_null(pci_rom_efi_machine_to_string(0x1234));
        assert_int_equal(images[0].efi_subsystem, 0); /* not read for a legacy image */
}

static void test_legacy_only_and_padding(void **state)
{
        /* One legacy image marked last, in a ROM BAR larger than it (the rest reads as 0xff). */
        memset(rom, 0xff, sizeof(rom));
        rom_image_add(rom, 0, 16, PCI_ROM_CODE_X86, true, 0);
        struct pci_rom_image images[PCI_ROM_IMAGES_MAX];
        size_t n = 0;
        assert_int_equal(pci_rom_parse(rom, sizeof(rom), images, &n, NULL), 1);
        assert_int_equal(images[0].length, 8192);
}

static void test_broken(void **state)
{
        struct pci_rom_image images[PCI_ROM_IMAGES_MAX];
        size_t n = 9;
        struct parse_error e = {};
        /* A chain whose second image lacks its signature: the first is kept, the error is at it. */
        size_t end = rom_image_add(rom, 0, 4, PCI_ROM_CODE_X86, false, 0);
        rom_image_add(rom, end, 4, PCI_ROM_CODE_EFI, true, 0x8664);
        rom[end] = 0;
        assert_int_equal(pci_rom_parse(rom, end + 2048, images, &n, &e), -EBADMSG);
        assert_int_equal(n, 1);
        assert_int_equal(e.offset, end);
        assert_string_equal(e.expected, "the ROM signature 55 aa at the start of an image");
        /* "PCIR" misspelt. */
        rom_image_add(rom, 0, 4, PCI_ROM_CODE_X86, true, 0);
        rom[ROM_IMAGE_PCIR + 3] = 'X';
        assert_int_equal(pci_rom_parse(rom, 2048, images, &n, &e), -EBADMSG);
        assert_int_equal(e.offset, ROM_IMAGE_PCIR);
        /* A length running past the end, a zero length, a pointer outside. */
        rom_image_add(rom, 0, 8, PCI_ROM_CODE_X86, true, 0);
        assert_int_equal(pci_rom_parse(rom, 2048, images, &n, &e), -EBADMSG);
        assert_string_equal(e.expected, "an image that ends inside the ROM");
        rom_put16(rom + ROM_IMAGE_PCIR + 0x10, 0);
        assert_int_equal(pci_rom_parse(rom, 4096, images, &n, &e), -EBADMSG);
        rom_put16(rom + 0x18, 0xfff0);
        assert_int_equal(pci_rom_parse(rom, 4096, images, &n, &e), -EBADMSG);
        assert_int_equal(e.offset, 0x18);
        /* Too short for a header at all. */
        assert_int_equal(pci_rom_parse(rom, 3, images, &n, &e), -EBADMSG);
        assert_int_equal(n, 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_bios_and_efi),
                cmocka_unit_test(test_legacy_only_and_padding),
                cmocka_unit_test(test_broken),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
