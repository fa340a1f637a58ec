/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The BAR pre-flight: each memory BAR's size (from "resource"), what lies above 4 GB or is
 * that large (the guest firmware must find room for it in its 64-bit MMIO window), resizable BARs
 * (current and supported sizes, from config space), and a firmware framebuffer in a BAR.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "preflight.h"

#define SIZE_4G (1ull << 32)

static void append_bar(char *buf, size_t size, unsigned i, const struct pci_bar *b)
{
        char s[PREFLIGHT_SIZE_MAX];
        size_t len = strlen(buf);
        if (i == PCI_ROM_BAR)
                snprintf(buf + len, size - len, "%sROM %s", len ? ", " : "", preflight_format_size(b->size, s));
        else
                snprintf(buf + len, size - len, "%sBAR %u %s%s%s%s", len ? ", " : "", i,
                         preflight_format_size(b->size, s), b->io ? " I/O" : "", b->mem64 ? " 64-bit" : "",
                         b->prefetch ? " prefetchable" : "");
}

static int check_large(unsigned i, const struct pci_bar *b, struct preflight_function *out)
{
        char s[PREFLIGHT_SIZE_MAX];
        if (b->size >= SIZE_4G)
                return preflight_add(out, "bar", PREFLIGHT_WARNING,
                                     "give the guest a 64-bit MMIO window larger than the BAR (OVMF: -fw_cfg "
                                     "name=opt/ovmf/X-PciMmio64Mb,string=MB), or a smaller size at claim time "
                                     "where the BAR is resizable",
                                     "BAR %u is %s: the guest firmware must map it above 4 GB", i,
                                     preflight_format_size(b->size, s));
        if (b->start >= SIZE_4G)
                return preflight_add(out, "bar", PREFLIGHT_INFO, NULL,
                                     "BAR %u (%s) lies above 4 GB on the host: the guest needs 64-bit MMIO as well", i,
                                     preflight_format_size(b->size, s));
        return 0;
}

static int check_rebar(const struct preflight_check_input *in, struct preflight_function *out)
{
        const struct pci_preflight *p = in->facts;
        for (size_t k = 0; k < p->n_rebar; k++) {
                const struct pci_rebar *rb = &p->rebar[k];
                char cur[PREFLIGHT_SIZE_MAX], lo[PREFLIGHT_SIZE_MAX] = "?", hi[PREFLIGHT_SIZE_MAX] = "?";
                int first = rb->supported ? __builtin_ctzll(rb->supported) : -1;
                int last = rb->supported ? 63 - __builtin_clzll(rb->supported) : -1;
                if (first >= 0) {
                        preflight_format_size(1ull << (20 + first), lo);
                        preflight_format_size(1ull << (20 + last), hi);
                }
                bool resizable_here = rb->bar < PCI_BARS && p->resize_attr[rb->bar];
                int r = preflight_add(
                        out, "bar", PREFLIGHT_INFO, NULL, "BAR %u is resizable: now %s, supports %s to %s%s", rb->bar,
                        rb->current < 44 ? preflight_format_size(1ull << (20 + rb->current), cur) : "?", lo, hi,
                        resizable_here ? "; the kernel can resize it (sysfs resourceN_resize)" : "");
                if (r < 0)
                        return r;
        }
        return 0;
}

int preflight_check_bars(const struct preflight_check_input *in, struct preflight_function *out)
{
        const struct pci_function *f = in->f;
        if (pci_function_is_bridge(f))
                return 0;
        char list[PREFLIGHT_TEXT_MAX] = "";
        for (unsigned i = 0; i <= PCI_ROM_BAR; i++)
                if (in->facts->bars[i].size)
                        append_bar(list, sizeof(list), i, &in->facts->bars[i]);
        int r = preflight_add(out, "bar", PREFLIGHT_INFO, NULL, "%s", list[0] ? list : "no BARs");
        for (unsigned i = 0; r >= 0 && i < PCI_BARS; i++)
                if (!in->facts->bars[i].io)
                        r = check_large(i, &in->facts->bars[i], out);
        if (r >= 0)
                r = check_rebar(in, out);
        if (r >= 0 && f->owns_framebuffer)
                r = preflight_add(out, "framebuffer", PREFLIGHT_WARNING,
                                  "add video=efifb:off to the kernel command line (efifb, vesafb), or "
                                  "initcall_blacklist=sysfb_init where simpledrm owns it (video=efifb:off does "
                                  "nothing then)",
                                  "a firmware framebuffer lies in one of its BARs (/proc/iomem): the host console "
                                  "is on this GPU, and the framebuffer keeps part of the BAR busy for vfio-pci");
        return r;
}
