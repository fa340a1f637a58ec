/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * /proc/iomem, read for one fact: which PCI function's BAR holds the firmware framebuffer
 * (BOOTFB, efifb, vesafb, simple-framebuffer). The kernel nests such a range under the BAR it
 * lies in, so the owner is the nearest enclosing entry named like a PCI address. It shows before
 * any GPU driver loads, and for non-VGA-class cards that have no boot_vga attribute.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "pci_address.h"

struct framebuffer_range {
        uint64_t start, end;
        char name[64];
        bool has_owner;
        struct pci_address owner;
};

/*
 * Parse iomem text. Malformed lines are skipped (the file is the kernel's, but a fixture or a
 * truncated read may be odd); returns the number of framebuffer ranges found or -errno.
 */
int iomem_find_framebuffers(const char *text, struct framebuffer_range **ret, size_t *ret_n);
