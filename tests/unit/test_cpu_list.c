/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* CPU lists: bitmap_parselist() syntax and error codes, "%*pbl" output, set operations. */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cpu_list.h"
#include "macro.h"

/* Parses s for nbits CPUs and compares with the "%*pbl" form; the set's format is the check. */
static void assert_parses_to(const char *s, unsigned nbits, const char *want)
{
        _cleanup_(cpu_set_done) struct cpu_set set = {};
        _cleanup_free_ char *got = NULL;
        size_t pos = 4242;

        int r = cpu_list_parse(s, nbits, &set, &pos);
        if (r != 0)
                fail_msg("\"%s\" (nbits %u): %d at %zu", s, nbits, r, pos);
        assert_int_equal(pos, 4242);
        assert_int_equal(set.nbits, nbits);
        got = cpu_list_format(&set);
        assert_non_null(got);
        if (!streq(got, want))
                fail_msg("\"%s\" (nbits %u): got \"%s\", want \"%s\"", s, nbits, got, want);
}

static void test_valid(void **state)
{
        assert_parses_to("0", 8, "0");
        assert_parses_to("0-3", 8, "0-3");
        assert_parses_to("1,3-5", 8, "1,3-5");
        assert_parses_to("5,1,3", 8, "1,3,5");
        assert_parses_to("0-2,1-4", 8, "0-4"); /* overlaps merge */
        assert_parses_to("007", 8, "7");       /* leading zeros are decimal, not octal */
        assert_parses_to("7", 8, "7");
        assert_parses_to("3-3", 8, "3");
        assert_parses_to("0-7", 8, "0-7");
}

static void test_empty(void **state)
{
        /* bitmap_find_region() finds nothing: an empty set, no error. */
        assert_parses_to("", 8, "");
        assert_parses_to("\n", 8, "");
        assert_parses_to(",", 8, "");
        assert_parses_to(",,", 8, "");
        assert_parses_to(" ", 8, "");
}

static void test_separators(void **state)
{
        /* Commas and any whitespace separate entries and may lead or trail. */
        assert_parses_to("1,2\n", 8, "1-2");
        assert_parses_to(" 1 , 2 ", 8, "1-2");
        assert_parses_to("1 2", 8, "1-2");
        assert_parses_to("1\t3", 8, "1,3");
        assert_parses_to(",1,,3,", 8, "1,3");
        assert_parses_to("1\n\n", 8, "1");
        assert_parses_to("1\n ", 8, "1");
        assert_parses_to("0-3:1/2\n", 8, "0,2");
        /* A newline after a separator, or leading, is whitespace like any other. */
        assert_parses_to("\n1", 8, "1");
        assert_parses_to("1,\n2", 8, "1-2");
        assert_parses_to("1 \n2", 8, "1-2");
        assert_parses_to("\n\n1,\n\n3\n", 8, "1,3");
        /* After "a-b:used/group" the kernel reads on past a newline. */
        assert_parses_to("0-3:1/2\n5", 8, "0,2,5");
        /* The kernel's isspace() counts Latin-1 NBSP (0xA0) as whitespace. */
        assert_parses_to("1\xa0"
                         "2",
                         8, "1-2");
        assert_parses_to("\xa0"
                         "1,\xa0"
                         "3\xa0",
                         8, "1,3");
}

static void test_groups(void **state)
{
        /* The example of the bitmap_parselist() comment. */
        assert_parses_to("0-1023:2/256", 1024, "0-1,256-257,512-513,768-769");
        assert_parses_to("0-3:2/4", 8, "0-1");
        assert_parses_to("0-7:2/4", 8, "0-1,4-5");
        assert_parses_to("0-6:2/4", 8, "0-1,4-5");
        assert_parses_to("0-4:2/4", 8, "0-1,4"); /* the last group is cut at the end */
        assert_parses_to("1-7:1/2", 8, "1,3,5,7");
        assert_parses_to("0-7:4/4", 8, "0-7");
        assert_parses_to("0-3:0/4", 8, "");  /* used 0 is allowed and sets nothing */
        assert_parses_to("0-5:1/6", 8, "0"); /* a group as large as the range */
        assert_parses_to("0-0:1/1", 8, "0");
}

static void test_last_and_all(void **state)
{
        /* "N" is nbits-1 and can stand for any number of an entry. */
        assert_parses_to("N", 8, "7");
        assert_parses_to("0-N", 8, "0-7");
        assert_parses_to("N-N", 8, "7");
        assert_parses_to("2-N:1/2", 8, "2,4,6");
        assert_parses_to("0-N:N/N", 8, "0-7"); /* groups of 7 from 0 and 7, all used */
        assert_parses_to("0-N:6/N", 8, "0-5,7");
        assert_parses_to("0-7:1/N", 8, "0,7");
        assert_parses_to("N", 1, "0");
        assert_parses_to("N-0", 1, "0");

        /* "all" in any case, with or without a group pattern. */
        assert_parses_to("all", 8, "0-7");
        assert_parses_to("ALL", 8, "0-7");
        assert_parses_to("All:1/2", 8, "0,2,4,6");
        assert_parses_to("all,3", 8, "0-7");
        assert_parses_to("all", 1, "0");
}

struct bad_case {
        const char *input;
        unsigned nbits;
        int error;
        size_t pos;
        const char *phrase_part;
};

static const struct bad_case bad_lists[] = {
        /* Syntax: -EINVAL at the offending character. */
        { "1-", 8, -EINVAL, 2, "CPU number" },
        { "-1", 8, -EINVAL, 0, "CPU number" },
        { "1--2", 8, -EINVAL, 2, "CPU number" },
        { "+1", 8, -EINVAL, 0, "CPU number" },
        { "0x1", 8, -EINVAL, 1, "'-'" }, /* decimal only */
        { "1a", 8, -EINVAL, 1, "'-'" },
        { "n", 8, -EINVAL, 0, "CPU number" }, /* only uppercase N */
        { "N5", 8, -EINVAL, 1, "'-'" },
        { "1:1/2", 8, -EINVAL, 1, "'-'" }, /* a group pattern needs a range */
        { "0-3:2", 8, -EINVAL, 5, "'/'" },
        { "0-3:2/", 8, -EINVAL, 6, "group size" },
        { "0-3:/4", 8, -EINVAL, 4, "used" },
        { "0-3/4", 8, -EINVAL, 3, "':used/group'" },
        { "0-3:2/4x", 8, -EINVAL, 7, "CPU number" }, /* the next entry is judged */
        { "0-3:2/4-5", 8, -EINVAL, 7, "CPU number" },
        { "all-3", 8, -EINVAL, 3, "':used/group'" },
        { "allx", 8, -EINVAL, 3, "':used/group'" },
        { "al", 8, -EINVAL, 0, "CPU number" },
        { "1;2", 8, -EINVAL, 1, "'-'" },
        /* Region checks, in bitmap_check_region()'s order. */
        { "3-1", 8, -EINVAL, 2, "not below its start" },
        { "N-0", 8, -EINVAL, 2, "not below its start" },
        { "0-3:2/0", 8, -EINVAL, 6, "at least 1" },
        { "0-3:3/2", 8, -EINVAL, 4, "not above the group size" },
        { "9-3:1/2", 4, -EINVAL, 2, "not below its start" }, /* -EINVAL wins over -ERANGE */
        { "0-100:5/4", 8, -EINVAL, 6, "not above the group size" },
        { "8", 8, -ERANGE, 0, "below the number of CPUs" },
        { "0-8", 8, -ERANGE, 2, "below the number of CPUs" },
        { "5-100", 8, -ERANGE, 2, "below the number of CPUs" },
        { "0-99:1/2", 8, -ERANGE, 2, "below the number of CPUs" },
        { "0", 0, -ERANGE, 0, "below the number of CPUs" },
        { "all:1/2", 0, -ERANGE, 0, "below the number of CPUs" },
        /* end + 1 wraps to a group size of 0 in the kernel: -EINVAL, not -ERANGE. */
        { "4294967295", 8, -EINVAL, 0, "below the number of CPUs" },
        { "all", 0, -EINVAL, 0, "below the number of CPUs" },
        { "N", 0, -EINVAL, 0, "below the number of CPUs" },
        /* Numbers that do not fit in 32 bits. */
        { "4294967296", 8, -EOVERFLOW, 0, "4294967296" },
        { "1-99999999999999999999999", 8, -EOVERFLOW, 2, "4294967296" },
        { "0-3:4294967296/1", 8, -EOVERFLOW, 4, "4294967296" },
        /* Entries are checked in order: the first bad one is reported. */
        { "0-3:1/2,9", 8, -ERANGE, 8, "below the number of CPUs" },
        { "1,3-1,x", 8, -EINVAL, 4, "not below its start" },
        { "1,9,x", 8, -ERANGE, 2, "below the number of CPUs" },
        /* Stricter than the kernel: it stops at a newline right after an entry and ignores the rest. */
        { "1\n2", 8, -EINVAL, 2, "newline" },
        { "1\n,2", 8, -EINVAL, 3, "newline" },
        { "0-2\n 5", 8, -EINVAL, 5, "newline" },
        { "all\n3", 8, -EINVAL, 4, "newline" },
        /*
         * Stricter than the kernel: a group larger than the range. The kernel's unsigned start +
         * group wraps for sizes near 2^32, so "1-7:1/4294967295" isolates 0-1 there.
         */
        { "1-7:1/4294967295", 8, -EINVAL, 6, "group size" },
        { "0-5:1/1000", 8, -EINVAL, 6, "group size" },
        { "0-5:1/7", 8, -EINVAL, 6, "group size" },
        { "all:1/9", 8, -EINVAL, 6, "group size" },
        { "0-3:1/2\xa0"
          "9",
          8, -ERANGE, 8, "below the number of CPUs" },
};

static void test_malformed(void **state)
{
        for (size_t i = 0; i < ELEMENTSOF(bad_lists); i++) {
                const struct bad_case *c = &bad_lists[i];
                struct cpu_set set = { .nbits = 12345, .words = NULL };
                struct parse_error e = { .offset = SIZE_MAX };

                int r = cpu_list_parse_full(c->input, c->nbits, &set, &e);
                size_t pos = e.offset;
                const char *expected = e.expected;
                assert_int_equal(e.code, r);
                if (r != c->error || pos != c->pos)
                        fail_msg("\"%s\" (nbits %u): got %d at %zu, want %d at %zu", c->input, c->nbits, r, pos,
                                 c->error, c->pos);
                assert_non_null(expected);
                if (!strstr(expected, c->phrase_part))
                        fail_msg("\"%s\": phrase \"%s\" lacks \"%s\"", c->input, expected, c->phrase_part);
                /* *ret untouched on error (and nothing leaked: ASan checks). */
                assert_int_equal(set.nbits, 12345);
                assert_null(set.words);

                pos = SIZE_MAX;
                assert_int_equal(cpu_list_parse(c->input, c->nbits, &set, &pos), c->error);
                assert_int_equal(pos, c->pos);
                assert_int_equal(cpu_list_parse(c->input, c->nbits, &set, NULL), c->error);
        }
}

static void set_of(struct cpu_set *set, unsigned nbits, const unsigned *cpus, size_t n)
{
        assert_int_equal(cpu_set_init(set, nbits), 0);
        for (size_t i = 0; i < n; i++)
                cpu_set_add(set, cpus[i]);
}

static void assert_formats_to(const struct cpu_set *set, const char *want)
{
        _cleanup_free_ char *got = cpu_list_format(set);
        assert_non_null(got);
        assert_string_equal(got, want);
}

static void test_format(void **state)
{
        _cleanup_(cpu_set_done) struct cpu_set s = {};

        assert_int_equal(cpu_set_init(&s, 130), 0);
        assert_formats_to(&s, "");

        cpu_set_add(&s, 0);
        assert_formats_to(&s, "0");
        cpu_set_add(&s, 1);
        assert_formats_to(&s, "0-1"); /* a run of 2 is a range in %*pbl */
        cpu_set_add(&s, 2);
        cpu_set_add(&s, 5);
        cpu_set_add(&s, 7);
        cpu_set_add(&s, 8);
        assert_formats_to(&s, "0-2,5,7-8");

        /* Runs across word boundaries, and the last CPU. */
        cpu_set_done(&s);
        static const unsigned cpus[] = { 63, 64, 127, 128, 129 };
        set_of(&s, 130, cpus, ELEMENTSOF(cpus));
        assert_formats_to(&s, "63-64,127-129");

        cpu_set_done(&s);
        assert_int_equal(cpu_list_parse("all", 64, &s, NULL), 0);
        assert_formats_to(&s, "0-63");
}

static void test_round_trip(void **state)
{
        static const char *const inputs[] = {
                "",        "0",         "0-3",  "1,3-5,7", "0-1023:2/256", "all",       "N",
                "2-N:1/2", " 5 , 1,\n", "0-63", "63-64",   "100-127:3/5",  "0,2,4,6,8",
        };
        static const char *const canonical[] = { "", "0", "0-1", "1,3-5,7", "0-127", "63-64,100" };

        for (size_t i = 0; i < ELEMENTSOF(inputs); i++) {
                _cleanup_(cpu_set_done) struct cpu_set a = {}, b = {};
                _cleanup_free_ char *text = NULL;

                assert_int_equal(cpu_list_parse(inputs[i], 1024, &a, NULL), 0);
                text = cpu_list_format(&a);
                assert_non_null(text);
                assert_int_equal(cpu_list_parse(text, 1024, &b, NULL), 0);
                if (!cpu_set_equal(&a, &b))
                        fail_msg("\"%s\" -> \"%s\" parses differently", inputs[i], text);
        }
        for (size_t i = 0; i < ELEMENTSOF(canonical); i++)
                assert_parses_to(canonical[i], 128, canonical[i]);
}

static void test_set_ops(void **state)
{
        _cleanup_(cpu_set_done) struct cpu_set a = {}, b = {}, c = {}, big = {}, copy = {};
        static const unsigned a_cpus[] = { 1, 2, 3, 65 };
        static const unsigned b_cpus[] = { 3, 4 };

        set_of(&a, 70, a_cpus, ELEMENTSOF(a_cpus));
        set_of(&b, 70, b_cpus, ELEMENTSOF(b_cpus));

        assert_true(cpu_set_has(&a, 65));
        assert_false(cpu_set_has(&a, 64));
        assert_false(cpu_set_has(&a, 70)); /* past the end */
        assert_false(cpu_set_has(&a, 100000));
        assert_int_equal(cpu_set_count(&a), 4);

        /* CPUs past nbits are ignored. */
        cpu_set_add(&a, 70);
        cpu_set_add(&a, 100000);
        assert_int_equal(cpu_set_count(&a), 4);

        assert_true(cpu_set_intersects(&a, &b));

        /* next */
        assert_int_equal(cpu_set_next(&a, 0), 1);
        assert_int_equal(cpu_set_next(&a, 1), 1);
        assert_int_equal(cpu_set_next(&a, 4), 65);
        assert_int_equal(cpu_set_next(&a, 66), -1);
        assert_int_equal(cpu_set_next(&a, 1000), -1);

        /* copy is independent */
        assert_int_equal(cpu_set_copy(&copy, &a), 0);
        assert_true(cpu_set_equal(&copy, &a));
        cpu_set_add(&copy, 0);
        assert_false(cpu_set_equal(&copy, &a));
        assert_false(cpu_set_has(&a, 0));

        /* subset, union, subtract */
        assert_true(cpu_set_is_subset(&a, &copy));
        assert_false(cpu_set_is_subset(&copy, &a));
        assert_false(cpu_set_is_subset(&b, &a));
        cpu_set_union(&b, &a);
        assert_formats_to(&b, "1-4,65");
        assert_true(cpu_set_is_subset(&a, &b));
        cpu_set_subtract(&b, &a);
        assert_formats_to(&b, "4");

        /* Sets of different sizes compare as CPU numbers. */
        static const unsigned big_cpus[] = { 4 };
        set_of(&big, 1000, big_cpus, ELEMENTSOF(big_cpus));
        assert_true(cpu_set_equal(&big, &b));
        assert_true(cpu_set_equal(&b, &big));
        cpu_set_add(&big, 999);
        assert_false(cpu_set_equal(&big, &b));
        assert_true(cpu_set_is_subset(&b, &big));
        assert_false(cpu_set_is_subset(&big, &b));

        /* union into a smaller set drops what does not fit, also inside its last word (70-127) */
        cpu_set_add(&big, 75);
        cpu_set_union(&b, &big);
        assert_formats_to(&b, "4");
        assert_int_equal(cpu_set_count(&b), 1);

        /* empty */
        assert_int_equal(cpu_set_init(&c, 70), 0);
        assert_true(cpu_set_is_empty(&c));
        assert_false(cpu_set_is_empty(&a));
        assert_int_equal(cpu_set_next(&c, 0), -1);
        assert_true(cpu_set_is_subset(&c, &a));
        assert_false(cpu_set_intersects(&c, &a));

        /* A zero-initialized and a done set are safe to finish again. */
        struct cpu_set z = {};
        cpu_set_done(&z);
        cpu_set_done(&c);
        assert_null(c.words);
        cpu_set_done(&c);
        cpu_set_done(NULL);

        /* nbits 0 */
        assert_int_equal(cpu_set_init(&c, 0), 0);
        assert_true(cpu_set_is_empty(&c));
        cpu_set_add(&c, 0);
        assert_int_equal(cpu_set_count(&c), 0);
        assert_formats_to(&c, "");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_valid),  cmocka_unit_test(test_empty),        cmocka_unit_test(test_separators),
                cmocka_unit_test(test_groups), cmocka_unit_test(test_last_and_all), cmocka_unit_test(test_malformed),
                cmocka_unit_test(test_format), cmocka_unit_test(test_round_trip),   cmocka_unit_test(test_set_ops),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
