/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* PCI addresses: sysfs names, the domain-less lspci form, exact error positions, round trips. */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "macro.h"
#include "pci_address.h"

static struct pci_address parse_ok(const char *s)
{
        struct pci_address a = {};
        size_t pos = 12345;

        int r = pci_address_parse(s, &a, &pos);
        if (r != 0)
                fail_msg("\"%s\": %d at %zu", s, r, pos);
        assert_int_equal(pos, 12345); /* untouched on success */
        return a;
}

static void assert_address(const struct pci_address *a, uint32_t domain, uint8_t bus, uint8_t slot, uint8_t function)
{
        assert_int_equal(a->domain, domain);
        assert_int_equal(a->bus, bus);
        assert_int_equal(a->slot, slot);
        assert_int_equal(a->function, function);
}

static void test_valid(void **state)
{
        struct pci_address a;

        a = parse_ok("0000:0b:00.0");
        assert_address(&a, 0, 0x0b, 0, 0);

        a = parse_ok("0000:00:02.0");
        assert_address(&a, 0, 0, 2, 0);

        a = parse_ok("abcd:12:03.4");
        assert_address(&a, 0xabcd, 0x12, 3, 4);

        /* Uppercase hex, as some tools print it. */
        a = parse_ok("ABCD:FF:1F.7");
        assert_address(&a, 0xabcd, 0xff, 0x1f, 7);

        /* Domain-less form: domain 0. */
        a = parse_ok("0b:00.1");
        assert_address(&a, 0, 0x0b, 0, 1);

        /* VMD domains start at 0x10000 and are printed with 5 digits by %04x. */
        a = parse_ok("10000:e1:00.0");
        assert_address(&a, 0x10000, 0xe1, 0, 0);

        a = parse_ok("ffffffff:ff:1f.7");
        assert_address(&a, 0xffffffff, 0xff, 0x1f, 7);

        /* Extremes of each field. */
        a = parse_ok("0000:00:1f.0");
        assert_int_equal(a.slot, 0x1f);
        a = parse_ok("0000:00:00.7");
        assert_int_equal(a.function, 7);
}

struct bad_case {
        const char *input;
        size_t pos;
        const char *phrase_part; /* a word the "expected" phrase must contain */
};

static const struct bad_case bad_addresses[] = {
        { "", 0, "address" },
        { "0000", 4, "':'" },
        { "0000:", 5, "bus" },
        { "0000:0b", 7, "':'" },
        { "0000:0b:", 8, "slot" },
        { "0000:0b:00", 10, "function" },
        { "0000:0b:00.", 11, "0-7" },
        { "0000:0b:00.8", 11, "0-7" }, /* function 8 */
        { "0000:0b:00.a", 11, "0-7" },
        { "0000:0b:20.0", 8, "00-1f" }, /* slot 0x20 */
        { "0000:0b:ff.0", 8, "00-1f" },
        { "0000:0b:00.00", 12, "end" },
        { "0000:0b:00.0 ", 12, "end" },
        { "0000:0b:00.0\n", 12, "end" },
        { " 0000:0b:00.0", 0, "address" },
        { "0x0000:0b:00.0", 0, "domain" },
        { "000:0b:00.0", 0, "domain" }, /* 3-digit domain */
        { "0:0b:00.0", 0, "domain" },
        { "00:0b:00.0", 0, "domain" }, /* 2-digit domain, not a bus */
        { "123456789:00:00.0", 8, "8 digits" },
        { "0000:b:00.0", 6, "bus" }, /* bus needs 2 digits */
        { "0000:0b0:00.0", 7, "bus" },
        { "0000:0g:00.0", 6, "bus" },
        { "0000:0b:0.0", 9, "slot" },
        { "0000:0b:000.0", 10, "slot" },
        { "0000:0b:00-0", 10, "'.'" },
        { "0000-0b:00.0", 4, "':'" },
        { "0b.00.0", 2, "':'" },
        { "b:00.0", 0, "domain" },
        { "0b:00", 5, "function" },
        { "0b:00.", 6, "0-7" },
};

static void test_malformed(void **state)
{
        for (size_t i = 0; i < ELEMENTSOF(bad_addresses); i++) {
                const struct bad_case *c = &bad_addresses[i];
                struct pci_address a = { .domain = 0x5a5a, .bus = 0x5a, .slot = 0x5a, .function = 0x5a };
                struct parse_error e = { .offset = SIZE_MAX };

                int r = pci_address_parse_full(c->input, &a, &e);
                size_t pos = e.offset;
                const char *expected = e.expected;
                assert_int_equal(e.code, r);
                if (r != -EINVAL || pos != c->pos)
                        fail_msg("\"%s\": got %d at %zu, want -EINVAL at %zu", c->input, r, pos, c->pos);
                assert_non_null(expected);
                if (!strstr(expected, c->phrase_part))
                        fail_msg("\"%s\": phrase \"%s\" lacks \"%s\"", c->input, expected, c->phrase_part);
                /* *ret untouched on error. */
                assert_int_equal(a.domain, 0x5a5a);
                assert_int_equal(a.bus, 0x5a);

                /* The short form reports the same position, and takes a NULL position. */
                pos = SIZE_MAX;
                assert_int_equal(pci_address_parse(c->input, &a, &pos), -EINVAL);
                assert_int_equal(pos, c->pos);
                assert_int_equal(pci_address_parse(c->input, &a, NULL), -EINVAL);
        }
}

static void test_slot(void **state)
{
        struct pci_address a = { .function = 5 };
        size_t pos = 0;

        assert_int_equal(pci_slot_parse("0000:0b:00", &a, &pos), 0);
        assert_address(&a, 0, 0x0b, 0, 0);

        assert_int_equal(pci_slot_parse("0c:1f", &a, &pos), 0);
        assert_address(&a, 0, 0x0c, 0x1f, 0);

        assert_int_equal(pci_slot_parse("10001:01:02", &a, &pos), 0);
        assert_address(&a, 0x10001, 1, 2, 0);

        /* A full address is not a slot: the ".0" is the error. */
        assert_int_equal(pci_slot_parse("0000:0b:00.0", &a, &pos), -EINVAL);
        assert_int_equal(pos, 10);

        assert_int_equal(pci_slot_parse("0000:0b:20", &a, &pos), -EINVAL);
        assert_int_equal(pos, 8);

        assert_int_equal(pci_slot_parse("00:0b:00", &a, &pos), -EINVAL);
        assert_int_equal(pos, 0);

        struct parse_error e = {};
        assert_int_equal(pci_slot_parse_full("0000:0b:00.1", &a, &e), -EINVAL);
        assert_int_equal(e.offset, 10);
        assert_non_null(e.expected);
        assert_non_null(strstr(e.expected, "slot"));
}

static void test_format(void **state)
{
        char buf[PCI_ADDRESS_STRING_MAX];
        struct pci_address a;

        a = (struct pci_address){ .domain = 0, .bus = 0x0b, .slot = 0, .function = 0 };
        assert_string_equal(pci_address_format(&a, buf), "0000:0b:00.0");
        assert_ptr_equal(pci_address_format(&a, buf), buf);

        a = (struct pci_address){ .domain = 0x10000, .bus = 0xe1, .slot = 0x1f, .function = 7 };
        assert_string_equal(pci_address_format(&a, buf), "10000:e1:1f.7");

        a = (struct pci_address){ .domain = 0xffffffff, .bus = 0xff, .slot = 0x1f, .function = 7 };
        assert_string_equal(pci_address_format(&a, buf), "ffffffff:ff:1f.7");
}

static void test_round_trip(void **state)
{
        static const char *const inputs[] = {
                "0000:0b:00.0",     "0b:00.1",      "ABCD:EF:1F.7",     "10000:e1:00.0",
                "ffffffff:ff:1f.7", "0000:00:00.0", "00012345:01:02.3",
        };
        /* Canonical inputs print back unchanged. */
        static const char *const canonical[] = { "0000:0b:00.0", "10000:e1:00.0", "abcd:ef:1f.7" };
        char buf[PCI_ADDRESS_STRING_MAX];

        for (size_t i = 0; i < ELEMENTSOF(inputs); i++) {
                struct pci_address a = parse_ok(inputs[i]), b;

                assert_int_equal(pci_address_parse(pci_address_format(&a, buf), &b, NULL), 0);
                assert_true(pci_address_equal(&a, &b));
        }
        for (size_t i = 0; i < ELEMENTSOF(canonical); i++) {
                struct pci_address a = parse_ok(canonical[i]);
                assert_string_equal(pci_address_format(&a, buf), canonical[i]);
        }

        /* The domain-less form prints with its domain. */
        struct pci_address a = parse_ok("0b:00.1");
        assert_string_equal(pci_address_format(&a, buf), "0000:0b:00.1");
}

static void test_compare(void **state)
{
        struct pci_address a = parse_ok("0000:0b:00.0");
        struct pci_address b = parse_ok("0000:0b:00.1");
        struct pci_address c = parse_ok("0000:0c:00.0");
        struct pci_address d = parse_ok("0001:00:00.0");
        struct pci_address e = parse_ok("0000:0b:01.0");
        struct pci_address a2 = parse_ok("0b:00.0");

        assert_true(pci_address_compare(&a, &b) < 0);
        assert_true(pci_address_compare(&b, &a) > 0);
        assert_true(pci_address_compare(&b, &e) < 0); /* slot before function */
        assert_true(pci_address_compare(&e, &c) < 0); /* bus before slot */
        assert_true(pci_address_compare(&c, &d) < 0); /* domain before bus */
        assert_int_equal(pci_address_compare(&a, &a2), 0);

        assert_true(pci_address_equal(&a, &a2));
        assert_false(pci_address_equal(&a, &b));

        assert_true(pci_address_same_slot(&a, &b));
        assert_false(pci_address_same_slot(&a, &e));
        assert_false(pci_address_same_slot(&a, &c));
        assert_false(pci_address_same_slot(&c, &d));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_valid),  cmocka_unit_test(test_malformed),  cmocka_unit_test(test_slot),
                cmocka_unit_test(test_format), cmocka_unit_test(test_round_trip), cmocka_unit_test(test_compare),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
