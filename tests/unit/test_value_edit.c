/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The edit planner on long lines: a change of one parameter in a huge line costs memory for the
 * change, not for the line; a change too large to diff is refused with a message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/resource.h>

#include <cmocka.h>

#include "value_edit.h"

/*
 * AddressSanitizer reserves terabytes of shadow address space up front, so no RLIMIT_AS can hold
 * it: under ASan the huge-line case runs without the memory limit (the normal build checks it).
 */
#if defined(__SANITIZE_ADDRESS__)
#define ADDRESS_LIMIT_USABLE 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ADDRESS_LIMIT_USABLE 0
#endif
#endif
#ifndef ADDRESS_LIMIT_USABLE
#define ADDRESS_LIMIT_USABLE 1
#endif

/* A loader-entry style line: every byte written at its own offset of file 0, unquoted. */
static struct sh_origin *raw_origins(const char *text)
{
        size_t len = strlen(text);
        struct sh_origin *o = calloc(len + 1, sizeof(*o));

        assert_non_null(o);
        for (size_t k = 0; k < len; k++)
                o[k] = (struct sh_origin){ 0, k, k + 1, SH_QUOTE_NONE };
        return o;
}

/* N parameters "PREFIX<k>=v" separated by single spaces. */
static char *many_params(const char *prefix, size_t n)
{
        size_t cap = n * (strlen(prefix) + 16) + 1, len = 0;
        char *s = malloc(cap);

        assert_non_null(s);
        s[0] = '\0';
        for (size_t k = 0; k < n; k++)
                len += (size_t) snprintf(s + len, cap - len, "%s%s%zu=v", k ? " " : "", prefix, k);
        return s;
}

static int plan(const char *old, const char *new, struct text_edits *ret, char **ret_error)
{
        _cleanup_free_ struct sh_origin *o = raw_origins(old);
        const char *labels[] = { "options" }, *texts[] = { old };
        struct value_sources src = { labels, texts, 1, NULL, NULL };
        struct value_append_point ap = { .file = 0, .offset = strlen(old) };

        return value_edit_plan(old, o, new, &ap, VALUE_SYNTAX_RAW, &src, ret, ret_error);
}

static void test_one_added_to_a_huge_line(void **state)
{
        _cleanup_free_ char *old = many_params("p", 15000), *new = NULL, *out = NULL, *error = NULL;
        struct text_edits edits = {};
        struct rlimit saved, small;

        (void) state;
        assert_true(strlen(old) > 100000);
        /* the parameter goes in the middle: neither end of the line is left to compare */
        size_t half = strlen(old) / 2;
        while (old[half] != ' ')
                half++;
        assert_true(asprintf(&new, "%.*s iommu=pt%s", (int) half, old, old + half) > 0);

        /* the whole line's table would be 24000 x 24000 cells; a change of one needs a few */
        assert_int_equal(getrlimit(RLIMIT_AS, &saved), 0);
        small = saved;
        small.rlim_cur = 512u << 20;
        if (ADDRESS_LIMIT_USABLE)
                assert_int_equal(setrlimit(RLIMIT_AS, &small), 0);
        int r = plan(old, new, &edits, &error);
        assert_int_equal(setrlimit(RLIMIT_AS, &saved), 0);
        assert_int_equal(r, 0);
        assert_null(error);
        assert_int_equal(text_edits_apply(&edits, 0, old, &out), 0);
        assert_string_equal(out, new);
        text_edits_done(&edits);
}

static void test_removed_at_each_end(void **state)
{
        _cleanup_free_ char *old = many_params("p", 1000), *out = NULL, *error = NULL;
        const char *tail = strrchr(old, ' ');
        _cleanup_free_ char *new = strndup(strchr(old, ' ') + 1, (size_t) (tail - strchr(old, ' ') - 1));
        struct text_edits edits = {};

        (void) state;
        assert_int_equal(plan(old, new, &edits, &error), 0);
        assert_int_equal(text_edits_apply(&edits, 0, old, &out), 0);
        /* a separator next to a removed parameter may stay: whitespace to the kernel */
        size_t start = strspn(out, " "), len = strlen(out + start);
        while (len > 0 && out[start + len - 1] == ' ')
                len--;
        assert_int_equal(len, strlen(new));
        assert_memory_equal(out + start, new, len);
        text_edits_done(&edits);
}

static void test_too_large_a_change_is_refused(void **state)
{
        _cleanup_free_ char *old = many_params("a", 5000), *new = many_params("b", 5000), *error = NULL;
        struct text_edits edits = {};

        (void) state;
        assert_int_equal(plan(old, new, &edits, &error), -E2BIG);
        assert_non_null(error);
        assert_non_null(strstr(error, "too large"));
        assert_int_equal(edits.n, 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_one_added_to_a_huge_line),
                cmocka_unit_test(test_removed_at_each_end),
                cmocka_unit_test(test_too_large_a_change_is_refused),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
