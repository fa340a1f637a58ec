/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* PCI Express port types from configuration space: conventional, each port type, broken lists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pci_config.h"

/* A 256-byte config space with a capability list: an MSI capability at 0x50, then (if TYPE
 * >= 0) a PCI Express capability at 0x60 of that port type. */
static void make_config(uint8_t c[256], int type)
{
        memset(c, 0, 256);
        c[0x06] = 0x10; /* status: capability list */
        c[0x34] = 0x50;
        c[0x50] = 0x05; /* MSI */
        c[0x51] = type >= 0 ? 0x60 : 0x00;
        if (type >= 0) {
                c[0x60] = 0x10; /* PCI Express */
                c[0x61] = 0x00;
                c[0x62] = (uint8_t) (type << 4 | 0x2); /* version 2 in the low bits */
        }
}

static void test_port_types(void **state)
{
        uint8_t c[256];
        static const enum pcie_type types[] = { PCIE_TYPE_ENDPOINT, PCIE_TYPE_ROOT_PORT, PCIE_TYPE_DOWNSTREAM_PORT,
                                                PCIE_TYPE_PCIE_TO_PCI_BRIDGE, PCIE_TYPE_RC_INTEGRATED };
        for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
                make_config(c, types[i]);
                assert_int_equal(pci_config_pcie_type(c, sizeof(c)), types[i]);
        }
}

static void test_conventional(void **state)
{
        uint8_t c[256];
        make_config(c, -1);
        assert_int_equal(pci_config_pcie_type(c, sizeof(c)), PCIE_TYPE_NONE);
        c[0x06] = 0; /* no capability list at all */
        assert_int_equal(pci_config_pcie_type(c, sizeof(c)), PCIE_TYPE_NONE);
}

static void test_short_reads(void **state)
{
        uint8_t c[256];
        make_config(c, PCIE_TYPE_ENDPOINT);
        /* An unprivileged read gets 64 bytes: the list points past them. */
        assert_int_equal(pci_config_pcie_type(c, 64), PCIE_TYPE_UNKNOWN);
        assert_int_equal(pci_config_pcie_type(c, 16), PCIE_TYPE_UNKNOWN);
        /* The PCIe capability's header straddles the end. */
        assert_int_equal(pci_config_pcie_type(c, 0x62), PCIE_TYPE_UNKNOWN);
}

static void test_hostile_lists(void **state)
{
        uint8_t c[256];
        make_config(c, -1);
        c[0x51] = 0x50; /* points to itself: a loop must end */
        assert_int_equal(pci_config_pcie_type(c, sizeof(c)), PCIE_TYPE_NONE);
        make_config(c, -1);
        c[0x51] = 0x20; /* into the header: the list ends there, as in the kernel */
        assert_int_equal(pci_config_pcie_type(c, sizeof(c)), PCIE_TYPE_NONE);
        make_config(c, -1);
        c[0x51] = 0xff; /* the low two bits are reserved: 0xfc, the last place a capability fits */
        assert_int_equal(pci_config_pcie_type(c, sizeof(c)), PCIE_TYPE_NONE);
        c[0xfc] = 0x10;
        c[0xfe] = PCIE_TYPE_UPSTREAM_PORT << 4;
        assert_int_equal(pci_config_pcie_type(c, sizeof(c)), PCIE_TYPE_UPSTREAM_PORT);
        /* The same list read short of it. */
        assert_int_equal(pci_config_pcie_type(c, 0xff), PCIE_TYPE_UNKNOWN);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_port_types),
                cmocka_unit_test(test_conventional),
                cmocka_unit_test(test_short_reads),
                cmocka_unit_test(test_hostile_lists),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
