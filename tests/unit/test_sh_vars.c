/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The sh reader of /etc/default/grub: values, origins, and refusals with file:line:column. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sh_vars.h"

/* Run the files (label, text, label, text, ..., NULL) and return the env. */
static struct sh_env *run(const char *label, ...)
{
        struct sh_env *env = NULL;
        va_list ap;

        assert_int_equal(sh_env_new(&env), 0);
        va_start(ap, label);
        for (const char *l = label; l; l = va_arg(ap, const char *)) {
                const char *text = va_arg(ap, const char *);
                struct sh_error e = {};
                int r = sh_env_run(env, l, text, &e);
                if (r < 0)
                        fail_msg("%s: %s", l, sh_error_format(&e));
        }
        va_end(ap);
        return env;
}

static void assert_value(const struct sh_env *env, const char *name, const char *want)
{
        const char *v = NULL;
        struct sh_error e = {};
        int r = sh_env_get(env, name, &v, NULL, NULL, &e);

        if (r < 0)
                fail_msg("%s: %s", name, sh_error_format(&e));
        assert_string_equal(v, want);
}

/* NAME is refused with exactly this "file:line:column: message" prefix. */
static void assert_refused(const struct sh_env *env, const char *name, const char *want)
{
        struct sh_error e = {};
        char *s;

        assert_int_equal(sh_env_get(env, name, NULL, NULL, NULL, &e), -EINVAL);
        s = sh_error_format(&e);
        if (strncmp(s, want, strlen(want)) != 0)
                fail_msg("got '%s', want '%s...'", s, want);
        free(s);
        sh_error_done(&e);
}

static void test_quoting(void **state)
{
        struct sh_env *env = run("f",
                                 "A=plain\n"
                                 "B='single $A \\ \"x\"'\n"
                                 "C=\"double $A \\$A \\\\ \\\" \\x '\"\n"
                                 "D=mixed\"$A\"'$A'\\ end\n"
                                 "E=\"one \\\ntwo\"\n"
                                 "F=one\\\ntwo\n"
                                 "export G=\"${A}x\" H=$A$A\n"
                                 "I= ; J=\"\" # comment\n",
                                 NULL);

        assert_value(env, "A", "plain");
        assert_value(env, "B", "single $A \\ \"x\"");
        assert_value(env, "C", "double plain $A \\ \" \\x '");
        assert_value(env, "D", "mixedplain$A end");
        assert_value(env, "E", "one two");
        assert_value(env, "F", "onetwo");
        assert_value(env, "G", "plainx");
        assert_value(env, "H", "plainplain");
        assert_value(env, "I", "");
        assert_value(env, "J", "");
        assert_value(env, "UNSET", "");
        sh_env_free(env);
}

static void test_origins_follow_references(void **state)
{
        const char *text = "A='ab'\nB=\"$A c\"\n";
        struct sh_env *env = run("f0", "X=1\n", "f1", text, NULL);
        const struct sh_origin *o;
        const char *v;

        assert_int_equal(sh_env_get(env, "B", &v, &o, NULL, NULL), 0);
        assert_string_equal(v, "ab c");
        /* 'a' and 'b' were written in A's single quotes, in file 1 */
        assert_int_equal(o[0].file, 1);
        assert_int_equal(o[0].raw_start, 3);
        assert_int_equal(o[0].quote, SH_QUOTE_SINGLE);
        assert_int_equal(o[3].raw_start, strchr(text, 'c') - text);
        assert_int_equal(o[3].quote, SH_QUOTE_DOUBLE);
        /* each of A's bytes is in A and in B */
        assert_int_equal(sh_env_origin_uses(env, &o[0]), 2);
        assert_int_equal(sh_env_origin_uses(env, &o[3]), 1);

        const struct sh_assignment *a = sh_env_last_assignment(env, "B", 1);
        assert_non_null(a);
        assert_int_equal(a->append_at, strlen(text) - 2); /* before the closing quote */
        assert_int_equal(a->append_quote, SH_QUOTE_DOUBLE);
        assert_null(sh_env_last_assignment(env, "B", 0));
        sh_env_free(env);
}

static void test_undeterminable(void **state)
{
        struct sh_env *env = run("/etc/default/grub",
                                 "GRUB_DISTRIBUTOR=`lsb_release -i -s 2> /dev/null || echo Debian`\n"
                                 "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n"
                                 "S=\"$(uname -r)\"\n"
                                 "T=\"x $S\"\n"
                                 "U=${A:-default}\n"
                                 "if [ -e /x ]; then\n"
                                 "  V=1\n"
                                 "fi\n"
                                 "[ -e /y ] && W=2\n"
                                 "X+=3\n"
                                 "for Y in a b; do :; done\n"
                                 "Z=~/x\n"
                                 "f() { GRUB_TIMEOUT=1; }\n",
                                 NULL);

        /* Debian's command substitution does not stop the variable we need */
        assert_value(env, "GRUB_CMDLINE_LINUX_DEFAULT", "quiet");
        assert_refused(env, "GRUB_DISTRIBUTOR", "/etc/default/grub:1:18: the value comes from a command substitution");
        assert_refused(env, "S", "/etc/default/grub:3:4: the value comes from a command substitution");
        assert_refused(env, "T", "/etc/default/grub:3:4:");
        assert_refused(env, "U", "/etc/default/grub:5:3: ${...} with an operator");
        assert_refused(env, "V", "/etc/default/grub:7:3: V is assigned inside if");
        assert_refused(env, "W", "/etc/default/grub:9:14: W is assigned after &&");
        assert_refused(env, "X", "/etc/default/grub:10:1: X is appended to with +=");
        assert_refused(env, "Y", "/etc/default/grub:11:5: Y is a for loop variable");
        assert_refused(env, "Z", "/etc/default/grub:12:3: tilde expansion");
        assert_refused(env, "GRUB_TIMEOUT", "/etc/default/grub:13:7: GRUB_TIMEOUT is assigned inside");
        sh_env_free(env);
}

static void test_sourcing_poisons(void **state)
{
        struct sh_env *env = run("a", "A=1\n. /etc/other\nB=2\n", NULL);

        /* after a sourced file nothing is known, not even what was set before */
        assert_refused(env, "A", "a:2:1: a sourced file");
        assert_refused(env, "B", "a:2:1:");
        sh_env_free(env);
}

static void test_case_and_unset(void **state)
{
        struct sh_env *env = run("c",
                                 "A=1\nB=2\n"
                                 "case $x in\n  a) A=3 ;;\n  b|c) : ;;\nesac\n"
                                 "unset B\n"
                                 "C=after\n",
                                 NULL);
        bool set = true;

        assert_refused(env, "A", "c:4:6: A is assigned inside");
        assert_int_equal(sh_env_get(env, "B", NULL, NULL, &set, NULL), 0);
        assert_false(set);
        assert_value(env, "C", "after");
        sh_env_free(env);
}

static void test_parse_errors(void **state)
{
        static const struct {
                const char *text, *want;
        } cases[] = {
                { "A=\"open\n", "f:1:3: unterminated double quote" },
                { "A='open\n", "f:1:3: unterminated single quote" },
                { "A=$(echo\n", "f:1:3: unterminated $(" },
                { "A=${B\n", "f:1:3: unterminated ${" },
                { "A=`x\n", "f:1:3: unterminated command substitution" },
                { "cat <<EOF\nA=1\nEOF\n", "f:1:5: here-document" },
        };

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct sh_env *env = NULL;
                struct sh_error e = {};
                assert_int_equal(sh_env_new(&env), 0);
                assert_int_equal(sh_env_run(env, "f", cases[i].text, &e), -EINVAL);
                char *s = sh_error_format(&e);
                if (strncmp(s, cases[i].want, strlen(cases[i].want)) != 0)
                        fail_msg("case %zu: got '%s', want '%s...'", i, s, cases[i].want);
                free(s);
                sh_error_done(&e);
                sh_env_free(env);
        }
}

static void test_quote_text(void **state)
{
        char *s = NULL;

        assert_int_equal(sh_quote_text("a $b \"c\" `d` \\e", SH_QUOTE_DOUBLE, &s), 0);
        assert_string_equal(s, "a \\$b \\\"c\\\" \\`d\\` \\\\e");
        free(s);
        assert_int_equal(sh_quote_text("it's $x", SH_QUOTE_SINGLE, &s), 0);
        assert_string_equal(s, "it'\\''s $x");
        free(s);
        assert_int_equal(sh_quote_text("a b", SH_QUOTE_NONE, &s), 0);
        assert_string_equal(s, "\"a b\"");
        free(s);

        /* and sh reads each back as the text */
        struct sh_env *env = run("q", "A=\"x\\$y\\\"z\"\nB='it'\\''s'\n", NULL);
        assert_value(env, "A", "x$y\"z");
        assert_value(env, "B", "it's");
        sh_env_free(env);
}

/*
 * A 100,000-line /etc/default/grub: every variable is found through the index, so reading it is
 * about linear (a linear search per lookup took minutes). The origins of the last variable still
 * point into the right line.
 */
static void test_many_lines(void **state)
{
        const size_t n = 100000;
        size_t cap = n * 48, len = 0;
        _cleanup_free_ char *text = malloc(cap);
        const struct sh_origin *o = NULL;
        const char *v = NULL;
        char want[64];

        (void) state;
        assert_non_null(text);
        for (size_t k = 0; k < n - 2; k++)
                len += (size_t) snprintf(text + len, cap - len, "VAR_%zu=\"value %zu\"\n", k, k);
        len += (size_t) snprintf(text + len, cap - len, "unset VAR_17\n");
        snprintf(text + len, cap - len, "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet $VAR_%zu\"\n", n / 2);

        struct sh_env *env = run("/etc/default/grub", text, NULL);
        snprintf(want, sizeof(want), "quiet value %zu", n / 2);
        assert_value(env, "GRUB_CMDLINE_LINUX_DEFAULT", want);
        assert_value(env, "VAR_17", "");
        assert_value(env, "VAR_99997", "value 99997");
        assert_int_equal(sh_env_get(env, "VAR_99997", &v, &o, NULL, NULL), 0);
        assert_non_null(o);
        assert_memory_equal(text + o[0].raw_start, "value 99997", 11);
        assert_non_null(sh_env_last_assignment(env, "VAR_0", 0));
        assert_null(sh_env_last_assignment(env, "VAR_100000", SH_ANY_FILE));
        sh_env_free(env);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_quoting),        cmocka_unit_test(test_origins_follow_references),
                cmocka_unit_test(test_undeterminable), cmocka_unit_test(test_sourcing_poisons),
                cmocka_unit_test(test_case_and_unset), cmocka_unit_test(test_parse_errors),
                cmocka_unit_test(test_quote_text),     cmocka_unit_test(test_many_lines),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
