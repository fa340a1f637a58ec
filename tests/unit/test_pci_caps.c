/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Capability lists: each reset method's bit, truncated and looping lists, resizable BARs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pci_caps.h"

static void put32(uint8_t *p, uint32_t v)
{
        for (int i = 0; i < 4; i++)
                p[i] = (uint8_t) (v >> (8 * i));
}

/* PM at 0x40 -> PCI Express at 0x50 -> AF at 0x90; extended space as given by the caller. */
static void make_config(uint8_t c[4096], uint16_t pmcsr, uint32_t devcap, uint8_t af)
{
        memset(c, 0, 4096);
        c[0x06] = 0x10;
        c[0x34] = 0x40;
        c[0x40] = PCI_CAP_ID_PM;
        c[0x41] = 0x50;
        c[0x44] = (uint8_t) pmcsr;
        c[0x50] = PCI_CAP_ID_EXP;
        c[0x51] = 0x90;
        put32(c + 0x54, devcap);
        c[0x90] = PCI_CAP_ID_AF;
        c[0x91] = 0x00;
        c[0x93] = af;
}

static void test_reset_bits(void **state)
{
        uint8_t c[4096];
        struct pci_reset_caps r;

        make_config(c, 0x0000, 0x10000000, 0x03);
        pci_config_reset_caps(c, sizeof(c), &r);
        assert_true(r.known && r.pcie && r.flr && r.af_flr && r.pm && !r.no_soft_reset);

        /* No_Soft_Reset set, no FLR bit, AF with FLR but without TP (the kernel wants both). */
        make_config(c, 0x0008, 0x0fffffff, 0x02);
        pci_config_reset_caps(c, sizeof(c), &r);
        assert_true(r.known && r.pcie);
        assert_false(r.flr || r.af_flr || r.pm);
        assert_true(r.no_soft_reset);

        /* Conventional PCI without a list: known, nothing. */
        memset(c, 0, sizeof(c));
        pci_config_reset_caps(c, sizeof(c), &r);
        assert_true(r.known);
        assert_false(r.pcie || r.flr || r.af_flr || r.pm);
}

static void test_truncated_and_loops(void **state)
{
        uint8_t c[4096];
        struct pci_reset_caps r;
        make_config(c, 0, 0x10000000, 0);
        /* 64 bytes (an unprivileged read): the list starts past them. */
        pci_config_reset_caps(c, 64, &r);
        assert_false(r.known);
        assert_int_equal(pci_config_find_cap(c, 64, PCI_CAP_ID_EXP), PCI_CAP_TRUNCATED);
        /* The PCIe capability found but its Device Capabilities cut off. */
        pci_config_reset_caps(c, 0x56, &r);
        assert_false(r.known);
        assert_false(r.flr);
        /* A loop back to the PM capability ends. */
        c[0x91] = 0x40;
        assert_int_equal(pci_config_find_cap(c, sizeof(c), 0x05), 0);
        assert_int_equal(pci_config_find_cap(c, sizeof(c), PCI_CAP_ID_AF), 0x90);
}

static void test_ext_caps(void **state)
{
        uint8_t c[4096];
        make_config(c, 0, 0, 0);
        /* AER at 0x100 -> Resizable BAR at 0x200 with two BARs: BAR 0 at 256 MB supporting 256 MB to
         * 8 GB, BAR 2 at 1 MB supporting 1 MB only. */
        put32(c + 0x100, 0x0001 | 1u << 16 | 0x200u << 20);
        put32(c + 0x200, PCI_EXT_CAP_ID_REBAR | 1u << 16);
        put32(c + 0x204, 0x1fu << (4 + 8));
        put32(c + 0x208, 0 | 2u << 5 | 8u << 8);
        put32(c + 0x20c, 1u << 4);
        put32(c + 0x210, 2 | 0u << 8);
        assert_int_equal(pci_config_find_ext_cap(c, sizeof(c), PCI_EXT_CAP_ID_REBAR), 0x200);
        struct pci_rebar bars[PCI_REBAR_MAX];
        assert_int_equal(pci_config_rebar(c, sizeof(c), bars), 2);
        assert_int_equal(bars[0].bar, 0);
        assert_int_equal(bars[0].current, 8);
        assert_int_equal(bars[0].supported, 0x1f00);
        assert_int_equal(bars[1].bar, 2);
        assert_int_equal(bars[1].current, 0);
        assert_int_equal(bars[1].supported, 1);
        /* Read as 256 bytes (not root, or an old capture): nothing of it is seen. */
        assert_int_equal(pci_config_rebar(c, 256, bars), 0);
        /* The second entry cut off. */
        assert_int_equal(pci_config_rebar(c, 0x210, bars), 1);
        /* A loop in the extended list ends. */
        put32(c + 0x100, 0x0001 | 0x100u << 20);
        assert_int_equal(pci_config_find_ext_cap(c, sizeof(c), PCI_EXT_CAP_ID_REBAR), 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_reset_bits),
                cmocka_unit_test(test_truncated_and_loops),
                cmocka_unit_test(test_ext_caps),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
