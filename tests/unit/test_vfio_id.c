/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vfio-pci.ids entries: strict parsing with positions, the kernel's matching rule, round trips. */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "macro.h"
#include "vfio_id.h"

#define ANY VFIO_ID_ANY

static struct vfio_id parse_ok(const char *s)
{
        struct vfio_id id = {};
        size_t pos = 777;

        int r = vfio_id_parse(s, &id, &pos);
        if (r != 0)
                fail_msg("\"%s\": %d at %zu", s, r, pos);
        assert_int_equal(pos, 777);
        return id;
}

static void assert_id(const struct vfio_id *id, uint32_t vendor, uint32_t device, uint32_t subvendor,
                      uint32_t subdevice, uint32_t class_code, uint32_t class_mask)
{
        assert_int_equal(id->vendor, vendor);
        assert_int_equal(id->device, device);
        assert_int_equal(id->subvendor, subvendor);
        assert_int_equal(id->subdevice, subdevice);
        assert_int_equal(id->class_code, class_code);
        assert_int_equal(id->class_mask, class_mask);
}

static void test_valid(void **state)
{
        struct vfio_id id;

        /* Missing fields take vfio_pci_fill_ids()'s defaults: PCI_ANY_ID, class 0, mask 0. */
        id = parse_ok("10de:1b80");
        assert_id(&id, 0x10de, 0x1b80, ANY, ANY, 0, 0);

        id = parse_ok("10de:1b80:1458");
        assert_id(&id, 0x10de, 0x1b80, 0x1458, ANY, 0, 0);

        id = parse_ok("10de:1b80:1458:3702");
        assert_id(&id, 0x10de, 0x1b80, 0x1458, 0x3702, 0, 0);

        id = parse_ok("10de:1b80:1458:3702:030000");
        assert_id(&id, 0x10de, 0x1b80, 0x1458, 0x3702, 0x030000, 0);

        id = parse_ok("10de:1b80:1458:3702:030000:ffff00");
        assert_id(&id, 0x10de, 0x1b80, 0x1458, 0x3702, 0x030000, 0xffff00);

        /* Uppercase and the "0x" prefix that the kernel's %x accepts. */
        id = parse_ok("10DE:1B80");
        assert_id(&id, 0x10de, 0x1b80, ANY, ANY, 0, 0);
        id = parse_ok("0x10de:0X1b80:0x0:0xffffffff");
        assert_id(&id, 0x10de, 0x1b80, 0, ANY, 0, 0);

        /* Short fields. */
        id = parse_ok("1:2:3:4:5:6");
        assert_id(&id, 1, 2, 3, 4, 5, 6);

        /* ffffffff is PCI_ANY_ID, the only way to skip the subsystem fields and give a class. */
        id = parse_ok("ffffffff:FFFFFFFF:ffffffff:ffffffff:030000:ff0000");
        assert_id(&id, ANY, ANY, ANY, ANY, 0x030000, 0xff0000);

        /* Exactly 4 and 6 digits are the maximum. */
        id = parse_ok("ffff:ffff:ffff:ffff:ffffff:ffffff");
        assert_id(&id, 0xffff, 0xffff, 0xffff, 0xffff, 0xffffff, 0xffffff);
}

struct bad_case {
        const char *input;
        size_t pos;
        const char *phrase_part;
};

static const struct bad_case bad_ids[] = {
        { "", 0, "vendor" },
        { "10de", 4, "device" }, /* 1 field: the kernel logs and skips it */
        { "10de:", 5, "device" },
        { ":1b80", 0, "vendor" },
        { "10de:1b80:", 10, "subsystem vendor" },
        { "10de:1b80:1458:", 15, "subsystem device" },
        { "10de:1b80:1458:3702:", 20, "class code" },
        { "10de:1b80:1458:3702:030000:", 27, "class mask" },
        { "12345:1b80", 4, "1-4 digits" },     /* kernel keeps 0x12345: never matches */
        { "1000010de:1b80", 4, "1-4 digits" }, /* kernel truncates to 0x10de */
        { "10de:1b800", 9, "1-4 digits" },
        { "10de:1b80:fffffff:0", 14, "ffffffff" },
        { "10de:1b80:ffffffff0:0", 14, "ffffffff" },
        { "10de:1b80:ffffffff:ffffffff:1234567:0", 34, "1-6 digits" },
        { "10de:1b80:ffffffff:ffffffff:ffffffff:0", 34, "1-6 digits" }, /* no ANY for class */
        { "10de:1b80:ffffffff:ffffffff:030000:ffffffff", 41, "1-6 digits" },
        { "1:2:3:4:5:6:7", 11, "at most 6 fields" },
        { "10de:1b80 ", 9, "end" },    /* the kernel ignores trailing junk */
        { " 10de:1b80", 0, "vendor" }, /* the kernel skips leading spaces */
        { "10de :1b80", 4, "':'" },    /* the kernel skips the entry: 1 field */
        { "10de: 1b80", 5, "device" }, /* the kernel accepts a space after ':' */
        { "10de:1b80x", 9, "end" },
        { "10de-1b80", 4, "':'" },
        { "10de,1b80", 4, "':'" },  /* one entry has no comma */
        { "0x:1b80", 2, "vendor" }, /* the kernel reads this as vendor 0 */
        { "10de:0x", 7, "device" },
        { "-1:2", 0, "vendor" },
        { "g:1", 0, "vendor" },
        { "10de:1b80:1458:3702:030000\n", 26, "end" },
};

static void test_malformed(void **state)
{
        for (size_t i = 0; i < ELEMENTSOF(bad_ids); i++) {
                const struct bad_case *c = &bad_ids[i];
                struct vfio_id id = { .vendor = 0x5a5a };
                struct parse_error e = { .offset = SIZE_MAX };

                int r = vfio_id_parse_full(c->input, &id, &e);
                size_t pos = e.offset;
                const char *expected = e.expected;
                assert_int_equal(e.code, r);
                if (r != -EINVAL || pos != c->pos)
                        fail_msg("\"%s\": got %d at %zu, want -EINVAL at %zu", c->input, r, pos, c->pos);
                assert_non_null(expected);
                if (!strstr(expected, c->phrase_part))
                        fail_msg("\"%s\": phrase \"%s\" lacks \"%s\"", c->input, expected, c->phrase_part);
                assert_int_equal(id.vendor, 0x5a5a);

                assert_int_equal(vfio_id_parse(c->input, &id, NULL), -EINVAL);
        }
}

static void test_list(void **state)
{
        _cleanup_free_ struct vfio_id *ids = NULL;
        size_t n = 99;

        assert_int_equal(vfio_id_list_parse_full("10de:1b80,10de:10f0", &ids, &n, NULL), 0);
        assert_int_equal(n, 2);
        assert_id(&ids[0], 0x10de, 0x1b80, ANY, ANY, 0, 0);
        assert_id(&ids[1], 0x10de, 0x10f0, ANY, ANY, 0, 0);
        free(ids);
        ids = NULL;

        /* strsep() leaves empty entries, which the kernel skips. */
        assert_int_equal(vfio_id_list_parse_full(",,10de:1b80,,1002:67df:1002:0b31,", &ids, &n, NULL), 0);
        assert_int_equal(n, 2);
        assert_id(&ids[1], 0x1002, 0x67df, 0x1002, 0x0b31, 0, 0);
        free(ids);
        ids = NULL;

        n = 99;
        assert_int_equal(vfio_id_list_parse_full("", &ids, &n, NULL), 0);
        assert_null(ids);
        assert_int_equal(n, 0);

        n = 99;
        assert_int_equal(vfio_id_list_parse_full(",", &ids, &n, NULL), 0);
        assert_null(ids);
        assert_int_equal(n, 0);
}

static void test_list_errors(void **state)
{
        static const struct bad_case cases[] = {
                { "10de:1b80,10de", 14, "device" }, /* position is in the whole string */
                { "10de:1b80,,zz", 11, "vendor" },
                { "10de:1b80, 10de:10f0", 10, "vendor" },
                { "10de:1b80;10de:10f0", 9, "end" },
        };
        struct vfio_id *ids = (struct vfio_id *) 0x1;
        size_t n = 99;

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                struct parse_error e = { .offset = SIZE_MAX };

                int r = vfio_id_list_parse_full(cases[i].input, &ids, &n, &e);
                size_t pos = e.offset;
                const char *expected = e.expected;
                if (r != -EINVAL || pos != cases[i].pos)
                        fail_msg("\"%s\": got %d at %zu, want -EINVAL at %zu", cases[i].input, r, pos, cases[i].pos);
                assert_non_null(expected);
                assert_non_null(strstr(expected, cases[i].phrase_part));
                /* Outputs untouched on error. */
                assert_ptr_equal(ids, (struct vfio_id *) 0x1);
                assert_int_equal(n, 99);
        }
}

static void test_list_length(void **state)
{
        /* param_set_copystring(): 1023 characters fit in the 1024-byte buffer, 1024 do not. */
        char s[VFIO_ID_LIST_MAX + 2];
        _cleanup_free_ struct vfio_id *ids = NULL;
        size_t n = 0;

        memset(s, ',', sizeof(s));
        memcpy(s, "10de:1b80", 9);
        s[VFIO_ID_LIST_MAX] = '\0';
        assert_int_equal(strlen(s), 1023);
        assert_int_equal(vfio_id_list_parse_full(s, &ids, &n, NULL), 0);
        assert_int_equal(n, 1);

        s[VFIO_ID_LIST_MAX] = ',';
        s[VFIO_ID_LIST_MAX + 1] = '\0';
        struct vfio_id *other = NULL;
        struct parse_error e = {};
        assert_int_equal(vfio_id_list_parse_full(s, &other, &n, &e), -ENOSPC);
        assert_int_equal(e.offset, VFIO_ID_LIST_MAX);
        assert_int_equal(e.code, -ENOSPC);
        assert_non_null(e.expected);
        assert_null(other);
}

static struct pci_ids gpu(void)
{
        return (struct pci_ids){
                .vendor = 0x10de,
                .device = 0x1b80,
                .subvendor = 0x1458,
                .subdevice = 0x3702,
                .class_code = 0x030000,
        };
}

static void test_matches(void **state)
{
        struct pci_ids dev = gpu();
        struct vfio_id id;

        id = parse_ok("10de:1b80");
        assert_true(vfio_id_matches(&id, &dev));
        id = parse_ok("10de:1b81");
        assert_false(vfio_id_matches(&id, &dev));
        id = parse_ok("10df:1b80");
        assert_false(vfio_id_matches(&id, &dev));

        /* Subsystem IDs: exact or any. */
        id = parse_ok("10de:1b80:1458:3702");
        assert_true(vfio_id_matches(&id, &dev));
        id = parse_ok("10de:1b80:1458");
        assert_true(vfio_id_matches(&id, &dev));
        id = parse_ok("10de:1b80:1043");
        assert_false(vfio_id_matches(&id, &dev));
        id = parse_ok("10de:1b80:1458:3703");
        assert_false(vfio_id_matches(&id, &dev));
        id = parse_ok("10de:1b80:ffffffff:3702");
        assert_true(vfio_id_matches(&id, &dev));

        /* Class under mask: ffff00 ignores the prog-if, ff0000 takes every display subclass. */
        id = parse_ok("10de:1b80:ffffffff:ffffffff:030000:ffff00");
        assert_true(vfio_id_matches(&id, &dev));
        dev.class_code = 0x030001;
        assert_true(vfio_id_matches(&id, &dev));
        dev.class_code = 0x038000;
        assert_false(vfio_id_matches(&id, &dev));
        id = parse_ok("10de:1b80:ffffffff:ffffffff:030000:ff0000");
        assert_true(vfio_id_matches(&id, &dev));
        dev.class_code = 0x040300; /* the HDMI audio function */
        assert_false(vfio_id_matches(&id, &dev));

        /* A class without a mask matches any class: mask 0 (vfio_pci_fill_ids default). */
        id = parse_ok("10de:1b80:ffffffff:ffffffff:030000");
        assert_true(vfio_id_matches(&id, &dev));
        assert_true(vfio_id_class_bits_ignored(&id));
        id = parse_ok("10de:1b80:ffffffff:ffffffff:030000:ff0000");
        assert_false(vfio_id_class_bits_ignored(&id));
        id = parse_ok("10de:1b80:ffffffff:ffffffff:030001:ffff00"); /* prog-if bit ignored */
        assert_true(vfio_id_class_bits_ignored(&id));
        id = parse_ok("10de:1b80");
        assert_false(vfio_id_class_bits_ignored(&id));

        /* Any vendor and device with a class: every VGA controller. */
        id = parse_ok("ffffffff:ffffffff:ffffffff:ffffffff:030000:ffff00");
        dev = gpu();
        assert_true(vfio_id_matches(&id, &dev));
        dev.vendor = 0x1002;
        assert_true(vfio_id_matches(&id, &dev));
        dev.class_code = 0x030200;
        assert_false(vfio_id_matches(&id, &dev));

        /* What the kernel stores for "12345:1b80": a 17-bit vendor never equals a 16-bit one. */
        id = (struct vfio_id){ .vendor = 0x12345, .device = 0x1b80, .subvendor = ANY, .subdevice = ANY };
        dev = gpu();
        dev.vendor = 0x2345;
        assert_false(vfio_id_matches(&id, &dev));
}

static void test_format(void **state)
{
        char buf[VFIO_ID_STRING_MAX];
        struct vfio_id id;

        id = parse_ok("10de:1b80");
        assert_string_equal(vfio_id_format(&id, buf), "10de:1b80");
        assert_ptr_equal(vfio_id_format(&id, buf), buf);

        id = parse_ok("0x1:0X2");
        assert_string_equal(vfio_id_format(&id, buf), "0001:0002");

        id = parse_ok("10DE:1B80:1458");
        assert_string_equal(vfio_id_format(&id, buf), "10de:1b80:1458");

        id = parse_ok("10de:1b80:ffffffff:3702");
        assert_string_equal(vfio_id_format(&id, buf), "10de:1b80:ffffffff:3702");

        /* Explicit ffffffff subsystem fields with nothing after them are the defaults. */
        id = parse_ok("10de:1b80:ffffffff:ffffffff");
        assert_string_equal(vfio_id_format(&id, buf), "10de:1b80");

        id = parse_ok("10de:1b80:ffffffff:ffffffff:30000");
        assert_string_equal(vfio_id_format(&id, buf), "10de:1b80:ffffffff:ffffffff:030000");

        id = parse_ok("ffffffff:ffffffff:ffffffff:ffffffff:30000:ffff00");
        assert_string_equal(vfio_id_format(&id, buf), "ffffffff:ffffffff:ffffffff:ffffffff:030000:ffff00");

        /* A mask with class 0 keeps the class field. */
        id = parse_ok("10de:1b80:1:2:0:ff0000");
        assert_string_equal(vfio_id_format(&id, buf), "10de:1b80:0001:0002:000000:ff0000");
}

static void test_round_trip(void **state)
{
        static const char *const inputs[] = {
                "10de:1b80",
                "0x10DE:0x1B80:0x1458",
                "1:2:3:4",
                "ffffffff:1:ffffffff:2",
                "10de:1b80:ffffffff:ffffffff:030000",
                "10de:1b80:ffffffff:ffffffff:0:ff",
                "ffff:ffff:ffff:ffff:ffffff:ffffff",
                "0:0:0:0:0:0",
        };
        char buf[VFIO_ID_STRING_MAX];

        for (size_t i = 0; i < ELEMENTSOF(inputs); i++) {
                struct vfio_id a = parse_ok(inputs[i]), b;

                assert_int_equal(vfio_id_parse(vfio_id_format(&a, buf), &b, NULL), 0);
                assert_memory_equal(&a, &b, sizeof(a));
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_valid),       cmocka_unit_test(test_malformed),   cmocka_unit_test(test_list),
                cmocka_unit_test(test_list_errors), cmocka_unit_test(test_list_length), cmocka_unit_test(test_matches),
                cmocka_unit_test(test_format),      cmocka_unit_test(test_round_trip),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
