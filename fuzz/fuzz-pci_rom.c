/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * PCI expansion ROMs (any bytes): the images found lie inside the ROM one after the other, each
 * starts with 55 aa, only the last may be marked last, and an error names an offset inside it.
 */
#include "fuzz.h"
#include <errno.h>

#include "pci_rom.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct pci_rom_image images[PCI_ROM_IMAGES_MAX];
        struct parse_error e = {};
        size_t n = SIZE_MAX;
        int r = pci_rom_parse(data, size, images, &n, &e);
        CHECK(n <= PCI_ROM_IMAGES_MAX, "%zu images", n);
        CHECK(r < 0 ? r == -EBADMSG && e.expected && (e.offset < size || size < 0x1a) : (size_t) r == n && n >= 1,
              "returned %d with %zu images", r, n);
        size_t at = 0;
        for (size_t i = 0; i < n; i++) {
                CHECK(images[i].offset == at && images[i].length > 0 && images[i].length <= size - at,
                      "image %zu at %zu of %zu bytes", i, images[i].offset, images[i].length);
                CHECK(data[at] == 0x55 && data[at + 1] == 0xaa, "image %zu without 55 aa", i);
                CHECK(!images[i].last || i == n - 1, "image %zu last but not the last", i);
                at += images[i].length;
        }
        return 0;
}
