/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* log_*_errno(): the message with %m as the error's text, and the error handed back negative. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "log.h"

/* Runs FN with stderr sent to a temporary file and returns what it printed. */
static char *capture_stderr(int (*fn)(void), int *ret_value)
{
        static char text[2048];
        FILE *tmp = tmpfile();
        int saved = dup(STDERR_FILENO);

        assert_non_null(tmp);
        fflush(stderr);
        assert_true(dup2(fileno(tmp), STDERR_FILENO) >= 0);
        *ret_value = fn();
        fflush(stderr);
        assert_true(dup2(saved, STDERR_FILENO) >= 0);
        close(saved);
        rewind(tmp);
        size_t n = fread(text, 1, sizeof(text) - 1, tmp);
        text[n] = '\0';
        fclose(tmp);
        return text;
}

static int log_negative(void) { return log_error_errno(-ENOENT, "cannot read %s: %m", "/etc/x"); }
static int log_positive(void) { return log_warning_errno(EACCES, "open: %m"); }
static int log_below_level(void) { return log_debug_errno(-EBUSY, "not shown: %m"); }

static void test_negative_error_is_returned_and_printed(void **state)
{
        int r;
        const char *out = capture_stderr(log_negative, &r);

        assert_int_equal(r, -ENOENT);
        assert_string_equal(out, "test: cannot read /etc/x: No such file or directory\n");
}

static void test_positive_error_comes_back_negative(void **state)
{
        int r;
        const char *out = capture_stderr(log_positive, &r);

        assert_int_equal(r, -EACCES);
        assert_string_equal(out, "test: open: Permission denied\n");
}

static void test_filtered_message_still_returns_the_error(void **state)
{
        int r;

        errno = EINTR;
        const char *out = capture_stderr(log_below_level, &r);
        assert_int_equal(r, -EBUSY);
        assert_string_equal(out, "");
        assert_int_equal(errno, EINTR); /* the caller's errno survives */
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_negative_error_is_returned_and_printed),
                cmocka_unit_test(test_positive_error_comes_back_negative),
                cmocka_unit_test(test_filtered_message_still_returns_the_error),
        };

        log_setup("test", LOG_LEVEL_NOTICE);
        return cmocka_run_group_tests(tests, NULL, NULL);
}
