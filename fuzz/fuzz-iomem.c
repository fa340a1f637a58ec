/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * /proc/iomem: any text gives a list of framebuffer ranges (one per line at most), each named
 * like a firmware framebuffer, and an owner only when it is a valid PCI function address.
 */
#include "fuzz.h"
#include "iomem.h"

static const char *const framebuffer_names[] = {
        "BOOTFB", "efifb", "vesafb", "simple-framebuffer", "simplefb", "simpledrm",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *text = fuzz_string(data, size, NULL, NULL);
        if (!text)
                return 0;

        struct framebuffer_range *fbs = NULL;
        size_t n = SIZE_MAX, lines = 1;
        int r = iomem_find_framebuffers(text, &fbs, &n);
        CHECK(r >= 0 && (size_t) r == n, "returned %d with %zu ranges", r, n);
        for (const char *p = text; *p; p++)
                lines += *p == '\n';
        CHECK(n <= lines, "%zu ranges from %zu lines", n, lines);

        for (size_t i = 0; i < n; i++) {
                const struct framebuffer_range *fb = &fbs[i];
                CHECK(memchr(fb->name, '\0', sizeof(fb->name)), "range %zu: name not terminated", i);
                bool known = false;
                for (size_t k = 0; k < sizeof(framebuffer_names) / sizeof(framebuffer_names[0]); k++)
                        known = known || strncmp(fb->name, framebuffer_names[k], strlen(framebuffer_names[k])) == 0;
                CHECK(known, "range %zu: '%s' is not a framebuffer name", i, fb->name);
                CHECK(strstr(text, fb->name), "range %zu: name '%s' not in the text", i, fb->name);
                if (fb->has_owner) {
                        CHECK(fb->owner.slot <= 0x1f && fb->owner.function <= 7, "range %zu: owner %x.%x", i,
                              fb->owner.slot, fb->owner.function);
                        /* The owner is named in the text, in either case, maybe without its domain. */
                        char address[PCI_ADDRESS_STRING_MAX];
                        pci_address_format(&fb->owner, address);
                        CHECK(strcasestr(text, address) || (fb->owner.domain == 0 && strcasestr(text, address + 5)),
                              "range %zu: owner %s not in the text", i, address);
                }
        }
        free(fbs);
        free(text);
        return 0;
}
