/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Outside text in messages (shown_text) and in reports (shown_text_write), captured in memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "macro.h"
#include "shown_text.h"

static void assert_written(const char *in, size_t len, const char *want)
{
        char *text = NULL;
        size_t size = 0;
        FILE *out = open_memstream(&text, &size);
        assert_non_null(out);
        shown_text_write(out, in, len);
        assert_int_equal(fclose(out), 0);
        if (!streq(text, want))
                fail_msg("got  %s\nwant %s", text, want);
        free(text);
}

static void test_write_controls(void **state)
{
        /* A terminal acts on none of these: each reaches it as text. */
        assert_written("quiet \x1b[2J x", 12, "quiet \\x1b[2J x");
        assert_written("\x1b]0;title\x07", 10, "\\x1b]0;title\\x07");
        assert_written("a\tb\rc\x7f", 6, "a\\x09b\\x0dc\\x7f");
        assert_written("\xc2\x9b"
                       "2J",
                       4, "\\xc2\\x9b2J"); /* the C1 CSI in UTF-8 */
        assert_written("nul\0here", 8, "nul\\x00here");
        /* The newline stays: it is the report's own line break. */
        assert_written("line 1\nline 2\n", 14, "line 1\nline 2\n");
}

static void test_write_utf8(void **state)
{
        /* Each byte of an invalid sequence, as \xNN. */
        assert_written("bad=\xff\xfe", 6, "bad=\\xff\\xfe");
        assert_written("\xe2\x82x", 3, "\\xe2\\x82x");
        assert_written("\xed\xa0\x80", 3, "\\xed\\xa0\\x80");
        assert_written("cut \xc3", 5, "cut \\xc3");
        /* Valid UTF-8 as it is; a backslash too, so shown_text()'s quoting does not double. */
        assert_written("Xeon(R) ® € \xf0\x9f\x98\x80", 19, "Xeon(R) ® € \xf0\x9f\x98\x80");
        assert_written("entry '\\x1b[31m'", 16, "entry '\\x1b[31m'");
}

static void test_shown_text_cut(void **state)
{
        char buf[SHOWN_TEXT_SIZE];
        assert_string_equal(shown_text(buf, "a\x1b\\b", 4), "'a\\x1b\\\\b'");
        char long_text[SHOWN_TEXT_MAX + 10];
        memset(long_text, 'x', sizeof(long_text));
        const char *shown = shown_text(buf, long_text, sizeof(long_text));
        assert_int_equal(strlen(shown), SHOWN_TEXT_MAX + 5);
        assert_string_equal(shown + SHOWN_TEXT_MAX + 1, "...'");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_write_controls),
                cmocka_unit_test(test_write_utf8),
                cmocka_unit_test(test_shown_text_cut),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
