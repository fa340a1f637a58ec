/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The dry run's unified diff, checked against what "diff -u" prints for the same texts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "macro.h"
#include "unified_diff.h"

static void assert_diff(const char *a, const char *b, const char *want)
{
        char *d = NULL;

        assert_int_equal(unified_diff("a/f", a, "b/f", b, &d), 0);
        if (!streq(d, want))
                fail_msg("got:\n%s\nwant:\n%s", d, want);
        free(d);
}

static void test_hunks(void **state)
{
        assert_diff("x\n", "x\n", "");
        assert_diff(NULL, "new\n", "--- /dev/null\n+++ b/f\n@@ -0,0 +1 @@\n+new\n");
        assert_diff("old\n", NULL, "--- a/f\n+++ /dev/null\n@@ -1 +0,0 @@\n-old\n");
        /* three lines of context, two changes far apart in two hunks */
        assert_diff("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n", "1\nTWO\n3\n4\n5\n6\n7\n8\n9\n10\nELEVEN\n12\n",
                    "--- a/f\n+++ b/f\n"
                    "@@ -1,5 +1,5 @@\n 1\n-2\n+TWO\n 3\n 4\n 5\n"
                    "@@ -8,5 +8,5 @@\n 8\n 9\n 10\n-11\n+ELEVEN\n 12\n");
        /* close changes share one hunk */
        assert_diff("1\n2\n3\n4\n5\n", "1\nb\n3\nd\n5\n",
                    "--- a/f\n+++ b/f\n@@ -1,5 +1,5 @@\n 1\n-2\n+b\n 3\n-4\n+d\n 5\n");
        assert_diff("a\nb", "a\nc\n", "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n");
}

/* The same texts through the real diff -u (GNU diffutils), when it is there. */
static void test_like_gnu_diff(void **state)
{
        const char *a = "# c\nGRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\nGRUB_CMDLINE_LINUX=\"\"\n\n# "
                        "more\n#x\n#y\n#z\nEND=1\n";
        const char *b = "# c\nGRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet "
                        "iommu=pt\"\nGRUB_CMDLINE_LINUX=\"\"\n\n# more\n#x\n#y\n#z\nEND=2\nNEW=3\n";
        char dir[] = "/tmp/udiff-XXXXXX", cmd[256], *d = NULL, out[4096];
        size_t n;
        FILE *f;

        if (system("command -v diff >/dev/null 2>&1") != 0)
                skip();
        /* GNU diff's range format for one line, and for none */
        for (int single = 0; single < 2; single++) {
                char *d1 = NULL;
                assert_int_equal(unified_diff("a/f", single ? "x\n" : NULL, "b/f", "y\n", &d1), 0);
                assert_non_null(strstr(d1, single ? "@@ -1 +1 @@" : "@@ -0,0 +1 @@"));
                free(d1);
        }
        assert_non_null(mkdtemp(dir));
        snprintf(cmd, sizeof(cmd), "%s/a", dir);
        f = fopen(cmd, "w");
        fputs(a, f);
        fclose(f);
        snprintf(cmd, sizeof(cmd), "%s/b", dir);
        f = fopen(cmd, "w");
        fputs(b, f);
        fclose(f);
        snprintf(cmd, sizeof(cmd), "cd %s && diff -u --label a/f --label b/f a b; rm -rf %s", dir, dir);
        f = popen(cmd, "r");
        n = fread(out, 1, sizeof(out) - 1, f);
        out[n] = '\0';
        pclose(f);
        assert_int_equal(unified_diff("a/f", a, "b/f", b, &d), 0);
        assert_string_equal(d, out);
        free(d);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_hunks),
                cmocka_unit_test(test_like_gnu_diff),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
