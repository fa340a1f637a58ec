/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Kernel command line model: tokenizer edge cases, duplicate rules, edits, hugepage pairs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "kcmdline.h"

#define GiB (UINT64_C(1) << 30)
#define MiB (UINT64_C(1) << 20)

static struct kcmdline *parse_ok(const char *s, unsigned flags)
{
        struct kcmdline *k = NULL;
        struct parse_error e = { .offset = 12345 };

        assert_int_equal(kcmdline_parse(s, flags, &k, &e), 0);
        assert_non_null(k);
        assert_int_equal(e.offset, 12345); /* the error is only written on error */
        return k;
}

/* The formatted line must be `expect`; returns nothing, frees its own string. */
/* One parameter through kcmdline_merge(), the way cmdlinegen sets one. */
static int set_one(struct kcmdline *k, const char *name, const char *value)
{
        const struct kcmdline_param param = { name, value };
        return kcmdline_merge(k, &param, 1);
}

/* The whole hugepage block through kcmdline_merge(). */
static int set_hugepages(struct kcmdline *k, const char *size, const char *count)
{
        const struct kcmdline_param block[] = {
                { "default_hugepagesz", size },
                { "hugepagesz", size },
                { "hugepages", count },
        };
        return kcmdline_merge(k, block, ELEMENTSOF(block));
}

static void assert_line(const struct kcmdline *k, const char *expect)
{
        _cleanup_free_ char *s = NULL;

        assert_int_equal(kcmdline_format(k, &s), 0);
        assert_string_equal(s, expect);
}

static void assert_token(const struct kcmdline *k, size_t i, const char *name, const char *value)
{
        assert_true(i < k->n_tokens);
        assert_string_equal(k->tokens[i].name, name);
        if (value) {
                assert_true(k->tokens[i].has_value);
                assert_string_equal(k->tokens[i].value, value);
        } else {
                assert_false(k->tokens[i].has_value);
                assert_null(k->tokens[i].value);
        }
}

static void assert_get(const struct kcmdline *k, const char *name, const char *expect)
{
        const char *v = "unset";

        assert_int_equal(kcmdline_get(k, name, &v), 0);
        if (expect)
                assert_string_equal(v, expect);
        else
                assert_null(v);
}

static void test_empty_line(void **state)
{
        _cleanup_kcmdline_ struct kcmdline *k = parse_ok("", 0);
        _cleanup_kcmdline_ struct kcmdline *n = parse_ok(NULL, 0);

        assert_int_equal(k->n_tokens, 0);
        assert_int_equal(n->n_tokens, 0);
        assert_line(k, "");
        assert_int_equal(kcmdline_length(k), 0);
        assert_false(kcmdline_contains(k, "quiet"));
        assert_int_equal(kcmdline_get(k, "quiet", NULL), -ENOENT);
}

static void test_only_whitespace(void **state)
{
        _cleanup_kcmdline_ struct kcmdline *k = parse_ok("  \t \n", 0);

        assert_int_equal(k->n_tokens, 0);
        assert_line(k, "  \t \n");
        assert_int_equal(kcmdline_length(k), 0);

        assert_int_equal(set_one(k, "quiet", NULL), 1);
        assert_int_equal(k->n_tokens, 1);
        assert_line(k, "quiet  \t \n");
}

static void test_proc_cmdline_newline(void **state)
{
        const char *line = "BOOT_IMAGE=/vmlinuz-6.1.0 root=UUID=0b1c ro quiet\n";
        _cleanup_kcmdline_ struct kcmdline *k = parse_ok(line, 0);

        assert_int_equal(k->n_tokens, 4);
        assert_token(k, 0, "BOOT_IMAGE", "/vmlinuz-6.1.0");
        assert_token(k, 1, "root", "UUID=0b1c"); /* only the first '=' splits */
        assert_token(k, 3, "quiet", NULL);
        assert_string_equal(k->trailing, "\n");
        assert_line(k, line);
        /* the newline is /proc's, not part of the command line */
        assert_int_equal(kcmdline_length(k), strlen(line) - 1);

        assert_int_equal(set_one(k, "iommu", "pt"), 1);
        assert_line(k, "BOOT_IMAGE=/vmlinuz-6.1.0 root=UUID=0b1c ro quiet iommu=pt\n");
}

static void test_tabs_and_other_spaces(void **state)
{
        const char *line = "a\tb\n\nc\r\fd\ve";
        _cleanup_kcmdline_ struct kcmdline *k = parse_ok(line, 0);

        assert_int_equal(k->n_tokens, 5);
        assert_token(k, 0, "a", NULL);
        assert_token(k, 2, "c", NULL);
        assert_token(k, 4, "e", NULL);
        assert_string_equal(k->tokens[1].separator, "\t");
        assert_string_equal(k->tokens[2].separator, "\n\n");
        assert_line(k, line);
}

static void test_kernel_isspace_0xa0(void **state)
{
        /* lib/ctype.c marks 0xA0 as space: "à" (C3 A0) splits, "é" (C3 A9) does not */
        _cleanup_kcmdline_ struct kcmdline *a = parse_ok("x=\xc3\xa0y", 0);
        _cleanup_kcmdline_ struct kcmdline *e = parse_ok("x=\xc3\xa9y", 0);

        assert_int_equal(a->n_tokens, 2);
        assert_token(a, 0, "x", "\xc3");
        assert_token(a, 1, "y", NULL);
        assert_int_equal(e->n_tokens, 1);
        assert_token(e, 0, "x", "\xc3\xa9y");

        /* and a value with it gets quoted when we write it */
        assert_int_equal(set_one(e, "z", "\xc3\xa0"), 1);
        assert_line(e, "x=\xc3\xa9y z=\"\xc3\xa0\"");
}

static void test_quoted_value(void **state)
{
        _cleanup_kcmdline_ struct kcmdline *k = parse_ok("a=\"b c\" d", 0);

        assert_int_equal(k->n_tokens, 2);
        assert_token(k, 0, "a", "b c");
        assert_string_equal(k->tokens[0].original, "a=\"b c\"");
        assert_token(k, 1, "d", NULL);
        assert_line(k, "a=\"b c\" d");
}

static void test_quoted_param(void **state)
{
        /* a quote before the name: next_arg() drops it and the token's last quote */
        _cleanup_kcmdline_ struct kcmdline *k = parse_ok("\"a=b c\" \"quiet\" d", 0);

        assert_int_equal(k->n_tokens, 3);
        assert_token(k, 0, "a", "b c");
        assert_token(k, 1, "quiet", NULL);
        assert_token(k, 2, "d", NULL);
        assert_get(k, "quiet", NULL);
}

static void test_quotes_inside_token(void **state)
{
        /* a quote in the middle toggles quoting but is not removed */
        _cleanup_kcmdline_ struct kcmdline *k = parse_ok("a=b\"c d\"e f", 0);
        /* value quote removed, but the last char is not a quote so it stays */
        _cleanup_kcmdline_ struct kcmdline *m = parse_ok("a=\"b\"c", 0);
        /* quotes inside a name are kept, and still protect the space between them */
        _cleanup_kcmdline_ struct kcmdline *q = parse_ok("x\"y z\"w", 0);

        assert_int_equal(k->n_tokens, 2);
        assert_token(k, 0, "a", "b\"c d\"e");
        assert_token(k, 1, "f", NULL);
        assert_int_equal(m->n_tokens, 1);
        assert_token(m, 0, "a", "b\"c");
        assert_int_equal(q->n_tokens, 1);
        assert_token(q, 0, "x\"y z\"w", NULL);
}

static void test_equals_edge_cases(void **state)
{
        /* next_arg() uses equals == 0 as "not found": a '=' in first position is not a split */
        _cleanup_kcmdline_ struct kcmdline *k = parse_ok("=foo =a=b a= b==c", 0);

        assert_int_equal(k->n_tokens, 4);
        assert_token(k, 0, "=foo", NULL);
        assert_token(k, 1, "=a", "b");
        assert_token(k, 2, "a", "");
        assert_token(k, 3, "b", "=c");
        assert_get(k, "a", "");
}

static void test_unterminated_quote_strict(void **state)
{
        struct kcmdline *k = NULL;
        struct parse_error e = {};

        assert_int_equal(kcmdline_parse("a b=\"c d", 0, &k, &e), -EINVAL);
        assert_null(k);
        assert_int_equal(e.offset, 4);
        assert_int_equal(e.code, -EINVAL);
        assert_non_null(strstr(e.expected, "closing"));

        assert_int_equal(kcmdline_parse("\"abc", 0, &k, &e), -EINVAL);
        assert_int_equal(e.offset, 0);

        /* the open quote is the last one toggled: a"b"c"d is open at offset 9 */
        assert_int_equal(kcmdline_parse("x y a\"b\"c\"d", 0, &k, &e), -EINVAL);
        assert_int_equal(e.offset, 9);

        /* after "--" too: init's arguments go through next_arg() as well */
        assert_int_equal(kcmdline_parse("a -- \"b", 0, &k, &e), -EINVAL);
        assert_int_equal(e.offset, 5);

        /* NULL error is allowed */
        assert_int_equal(kcmdline_parse("\"", 0, &k, NULL), -EINVAL);
        assert_null(k);
}

static void test_unterminated_quote_lenient(void **state)
{
        /* the kernel runs the token to the end of the line */
        _cleanup_kcmdline_ struct kcmdline *k = parse_ok("a b=\"c d  e", KCMDLINE_PARSE_LENIENT);
        _cleanup_kcmdline_ struct kcmdline *p = parse_ok("\"abc def", KCMDLINE_PARSE_LENIENT);

        assert_int_equal(k->n_tokens, 2);
        assert_token(k, 1, "b", "c d  e");
        assert_line(k, "a b=\"c d  e");
        assert_int_equal(p->n_tokens, 1);
        assert_token(p, 0, "abc def", NULL);
}

static void test_dashdash(void **state)
{
        _cleanup_kcmdline_ struct kcmdline *k = parse_ok("a b=1 -- b=2 a=3 -- c", 0);

        assert_int_equal(k->n_tokens, 7);
        assert_false(k->tokens[1].after_dashdash);
        assert_true(k->tokens[2].is_dashdash);
        assert_false(k->tokens[2].after_dashdash);
        assert_true(k->tokens[3].after_dashdash);
        /* only the first "--" counts; a second one is an argument for init */
        assert_false(k->tokens[5].is_dashdash);
        assert_true(k->tokens[5].after_dashdash);

        assert_get(k, "b", "1"); /* not "2": that one belongs to init */
        assert_get(k, "a", NULL);
        assert_int_equal(kcmdline_count(k, "a"), 1);
        assert_false(kcmdline_contains(k, "c"));
        assert_false(kcmdline_contains(k, "--"));

        assert_int_equal(kcmdline_remove(k, "b"), 1);
        assert_line(k, "a -- b=2 a=3 -- c");
}

static void test_dashdash_variants(void **state)
{
        /* quotes are removed before the comparison with "--" */
        _cleanup_kcmdline_ struct kcmdline *q = parse_ok("\"--\" x", 0);
        /* "--=x" has a value: not the end of kernel parameters */
        _cleanup_kcmdline_ struct kcmdline *v = parse_ok("--=x y", 0);
        _cleanup_kcmdline_ struct kcmdline *f = parse_ok("-- x", 0);

        assert_true(q->tokens[0].is_dashdash);
        assert_false(kcmdline_contains(q, "x"));
        assert_false(v->tokens[0].is_dashdash);
        assert_true(kcmdline_contains(v, "y"));

        /* set inserts before "--", even when it is the first token */
        assert_int_equal(set_one(f, "x", "1"), 1);
        assert_line(f, "x=1 -- x");
        assert_false(f->tokens[0].after_dashdash);
        assert_true(f->tokens[1].is_dashdash);
}

static void test_dash_underscore_folding(void **state)
{
        _cleanup_kcmdline_ struct kcmdline *k = parse_ok("vfio_pci.ids=1 vfio-pci.ids=2 nohz-full=3 nohz_full=4", 0);

        assert_true(kcmdline_name_equal("vfio-pci.ids", "vfio_pci.ids"));
        assert_true(kcmdline_name_equal("a-b_c", "a_b-c"));
        assert_false(kcmdline_name_equal("ab", "a-b"));
        assert_false(kcmdline_name_equal("vfio-pci.ids", "vfio-pci.id"));
        assert_false(kcmdline_name_equal("vfio.pci", "vfio-pci"));

        assert_int_equal(kcmdline_count(k, "vfio-pci.ids"), 2);
        assert_int_equal(kcmdline_count(k, "vfio_pci.ids"), 2);
        assert_get(k, "vfio-pci.ids", "2");
        /* the rule table folds too: nohz-full is first-wins */
        assert_int_equal(kcmdline_dup_rule("nohz-full"), KCMDLINE_DUP_FIRST_WINS);
        assert_get(k, "nohz_full", "3");
        assert_true(kcmdline_is_hugepage_param("default-hugepagesz"));
        assert_false(kcmdline_is_hugepage_param("hugepage"));
}

static void test_dup_last_wins(void **state)
{
        _cleanup_kcmdline_ struct kcmdline *k = parse_ok("vfio-pci.ids=a iommu=pt quiet vfio-pci.ids=b iommu=nopt", 0);
        const struct kcmdline_token **all = NULL;
        size_t n = 0;

        assert_int_equal(kcmdline_dup_rule("vfio-pci.ids"), KCMDLINE_DUP_LAST_WINS);
        assert_get(k, "vfio-pci.ids", "b");
        assert_get(k, "iommu", "nopt");

        assert_int_equal(kcmdline_get_all(k, "vfio_pci.ids", &all, &n), 0);
        assert_int_equal(n, 2);
        assert_string_equal(all[0]->value, "a");
        assert_string_equal(all[1]->value, "b");
        assert_null(all[2]);
        free(all);

        assert_int_equal(kcmdline_get_all(k, "absent", &all, &n), 0);
        assert_int_equal(n, 0);
        assert_null(all[0]);
        free(all);
}

static void test_dup_first_wins(void **state)
{
        _cleanup_kcmdline_ struct kcmdline *k =
                parse_ok("isolcpus isolcpus=2-3 nohz_full=2-3 isolcpus=4-5 nohz_full=6", 0);

        assert_int_equal(kcmdline_dup_rule("isolcpus"), KCMDLINE_DUP_FIRST_WINS);
        assert_int_equal(kcmdline_dup_rule("default_hugepagesz"), KCMDLINE_DUP_FIRST_WINS);
        /* a bare "isolcpus" does not reach __setup("isolcpus="): it is not the first one */
        assert_get(k, "isolcpus", "2-3");
        assert_int_equal(kcmdline_count(k, "isolcpus"), 2);
        assert_get(k, "nohz_full", "2-3");
        /* removal takes the bare spelling too */
        assert_int_equal(kcmdline_remove(k, "isolcpus"), 3);
        assert_line(k, "nohz_full=2-3 nohz_full=6");
}

static void test_get_positional(void **state)
{
        _cleanup_kcmdline_ struct kcmdline *one = parse_ok("hugepages=4", 0);
        _cleanup_kcmdline_ struct kcmdline *two = parse_ok("hugepagesz=1G hugepages=4 hugepages=8", 0);

        assert_int_equal(kcmdline_dup_rule("hugepages"), KCMDLINE_DUP_POSITIONAL);
        assert_get(one, "hugepages", "4");
        assert_int_equal(kcmdline_get(two, "hugepages", NULL), -ENOTUNIQ);
        assert_get(two, "hugepagesz", "1G");
        assert_int_equal(kcmdline_get(two, "default_hugepagesz", NULL), -ENOENT);
}

static void test_roundtrip(void **state)
{
        static const char *const lines[] = {
                "",
                " ",
                "quiet",
                "  leading and trailing  ",
                "BOOT_IMAGE=/boot/vmlinuz root=/dev/mapper/vg-root ro quiet splash\n",
                "a=\"b c\"   \"d=e f\"\tg=\"\" \"\" h=",
                "x\xc2\xa0y\xa0z",
                "a -- init --args \"x y\" -- more\n",
                "=x = == -- -",
                "vfio-pci.ids=10de:1b80,10de:10f0 isolcpus=managed_irq,domain,2-7\r\n",
        };

        for (size_t i = 0; i < ELEMENTSOF(lines); i++) {
                _cleanup_kcmdline_ struct kcmdline *k = parse_ok(lines[i], 0);
                _cleanup_kcmdline_ struct kcmdline *c = NULL;

                assert_line(k, lines[i]);
                assert_int_equal(kcmdline_copy(k, &c), 0);
                assert_line(c, lines[i]);
                assert_int_equal(c->n_tokens, k->n_tokens);
        }

        /* lenient lines round-trip too */
        _cleanup_kcmdline_ struct kcmdline *l = parse_ok("a \"b c", KCMDLINE_PARSE_LENIENT);
        assert_line(l, "a \"b c");
}

static void test_set_in_place(void **state)
{
        _cleanup_kcmdline_ struct kcmdline *k = parse_ok("a=1  b=2\tc=3\n", 0);

        assert_int_equal(set_one(k, "b", "9"), 1);
        assert_line(k, "a=1  b=9\tc=3\n");
        assert_int_equal(set_one(k, "b", "9"), 0);
        assert_line(k, "a=1  b=9\tc=3\n");
        /* from value to bare flag and back */
        assert_int_equal(set_one(k, "a", NULL), 1);
        assert_line(k, "a  b=9\tc=3\n");
        assert_int_equal(set_one(k, "a", ""), 1);
        assert_line(k, "a=  b=9\tc=3\n");
}

static void test_set_untouched_bytes(void **state)
{
        /* same value written differently: the line's own bytes stay */
        _cleanup_kcmdline_ struct kcmdline *k = parse_ok("\"a=b c\" vfio_pci.ids=1", 0);

        assert_int_equal(set_one(k, "a", "b c"), 0);
        assert_line(k, "\"a=b c\" vfio_pci.ids=1");
        /* a rewrite keeps the line's spelling of the name */
        assert_int_equal(set_one(k, "vfio-pci.ids", "2"), 1);
        assert_line(k, "\"a=b c\" vfio_pci.ids=2");
}

static void test_set_append(void **state)
{
        _cleanup_kcmdline_ struct kcmdline *k = parse_ok("  a b\n", 0);
        _cleanup_kcmdline_ struct kcmdline *e = parse_ok("", 0);

        assert_int_equal(set_one(k, "c", "1"), 1);
        assert_line(k, "  a b c=1\n");
        assert_int_equal(set_one(e, "c", "1"), 1);
        assert_line(e, "c=1");
        assert_int_equal(e->n_tokens, 1);
}

static void test_set_removes_duplicates(void **state)
{
        _cleanup_kcmdline_ struct kcmdline *k = parse_ok("x=1 a x=2 b x-y=0 x=3 -- x=5", 0);

        assert_int_equal(set_one(k, "x", "4"), 1);
        assert_line(k, "x=4 a b x-y=0 -- x=5");
        assert_get(k, "x", "4");

        /* first-wins: the one that would shadow the new value goes */
        _cleanup_kcmdline_ struct kcmdline *i = parse_ok("isolcpus=1 quiet isolcpus=2-3", 0);
        assert_int_equal(set_one(i, "isolcpus", "2-3"), 1);
        assert_line(i, "isolcpus=2-3 quiet");
}

static void test_set_quotes_spaces(void **state)
{
        _cleanup_kcmdline_ struct kcmdline *k = parse_ok("quiet", 0);
        _cleanup_free_ char *s = NULL;
        _cleanup_kcmdline_ struct kcmdline *back = NULL;

        assert_int_equal(set_one(k, "dyndbg", "file drivers/vfio/* +p"), 1);
        assert_line(k, "quiet dyndbg=\"file drivers/vfio/* +p\"");

        assert_int_equal(kcmdline_format(k, &s), 0);
        assert_int_equal(kcmdline_parse(s, 0, &back, NULL), 0);
        assert_get(back, "dyndbg", "file drivers/vfio/* +p");
}

static void test_set_invalid(void **state)
{
        _cleanup_kcmdline_ struct kcmdline *k = parse_ok("a=1", 0);

        assert_int_equal(set_one(k, "", "1"), -EINVAL);
        assert_int_equal(set_one(k, NULL, "1"), -EINVAL);
        assert_int_equal(set_one(k, "--", NULL), -EINVAL);
        assert_int_equal(set_one(k, "a b", "1"), -EINVAL);
        assert_int_equal(set_one(k, "a=b", "1"), -EINVAL);
        assert_int_equal(set_one(k, "a\"", "1"), -EINVAL);
        assert_int_equal(set_one(k, "a", "x\"y"), -EINVAL);
        assert_line(k, "a=1");
}

static void test_remove(void **state)
{
        _cleanup_kcmdline_ struct kcmdline *k = parse_ok(" a=1 b a-x a=2 c -- a=3\n", 0);
        _cleanup_kcmdline_ struct kcmdline *f = parse_ok("\ta b", 0);

        assert_int_equal(kcmdline_remove(k, "a"), 2);
        assert_line(k, " b a-x c -- a=3\n");
        assert_int_equal(kcmdline_remove(k, "a"), 0);
        assert_int_equal(kcmdline_remove(k, "c"), 1);
        assert_line(k, " b a-x -- a=3\n");

        /* the first token's leading whitespace goes to the next one */
        assert_int_equal(kcmdline_remove(f, "a"), 1);
        assert_line(f, "\tb");
        assert_int_equal(kcmdline_remove(f, "b"), 1);
        assert_line(f, "");
        assert_int_equal(f->n_tokens, 0);
}

static void test_remove_value(void **state)
{
        _cleanup_kcmdline_ struct kcmdline *k = parse_ok("a=1 a=2 a b=1 a=1", 0);

        assert_int_equal(kcmdline_remove_value(k, "a", "1"), 2);
        assert_line(k, "a=2 a b=1");
        assert_int_equal(kcmdline_remove_value(k, "a", NULL), 1);
        assert_line(k, "a=2 b=1");
        assert_int_equal(kcmdline_remove_value(k, "a", "3"), 0);
        assert_line(k, "a=2 b=1");
}

static void test_length_limit(void **state)
{
        char buf[KCMDLINE_SIZE + 2];
        _cleanup_kcmdline_ struct kcmdline *ok = NULL, *over = NULL, *nl = NULL;

        assert_int_equal(KCMDLINE_MAX_LEN, 2047);

        /* "x=" plus 2045 'y': exactly 2047 bytes */
        memset(buf, 'y', sizeof(buf));
        memcpy(buf, "x=", 2);
        buf[2047] = '\0';
        ok = parse_ok(buf, 0);
        assert_int_equal(kcmdline_length(ok), 2047);
        assert_int_equal(kcmdline_check_length(ok, 0), 0);
        assert_int_equal(kcmdline_check_length(ok, 1), -E2BIG);

        buf[2047] = 'y';
        buf[2048] = '\0';
        over = parse_ok(buf, 0);
        assert_int_equal(kcmdline_length(over), 2048);
        assert_int_equal(kcmdline_check_length(over, 0), -E2BIG);

        /* /proc/cmdline's newline does not count */
        buf[2047] = '\n';
        nl = parse_ok(buf, 0);
        assert_int_equal(kcmdline_length(nl), 2047);
        assert_int_equal(kcmdline_check_length(nl, 0), 0);

        /* reserve for what the boot loader prepends */
        assert_int_equal(set_one(nl, "x", "short"), 1);
        assert_int_equal(kcmdline_length(nl), 7);
        assert_int_equal(kcmdline_check_length(nl, 2040), 0);
        assert_int_equal(kcmdline_check_length(nl, 2041), -E2BIG);
        assert_int_equal(kcmdline_check_length(nl, SIZE_MAX), -E2BIG);
}

static void assert_hugepage(const struct kcmdline_hugepages *h, size_t i, uint64_t size, const char *count,
                            uint64_t pages, bool is_default)
{
        assert_true(i < h->n);
        assert_true(h->entries[i].size == size);
        if (count)
                assert_string_equal(h->entries[i].count, count);
        else
                assert_null(h->entries[i].count);
        assert_true(h->entries[i].pages == pages);
        assert_int_equal(h->entries[i].is_default, is_default);
}

static void get_hugepages(const char *line, struct kcmdline_hugepages *h)
{
        _cleanup_kcmdline_ struct kcmdline *k = parse_ok(line, 0);

        assert_int_equal(kcmdline_get_hugepages(k, NULL, NULL, h), 0);
}

static void test_hugepages_block(void **state)
{
        struct kcmdline_hugepages h;

        /* default_hugepagesz then hugepagesz of the same size is the allowed exception */
        get_hugepages("default_hugepagesz=1G hugepagesz=1G hugepages=16", &h);
        assert_int_equal(h.n, 1);
        assert_hugepage(&h, 0, GiB, "16", 16, true);
        assert_true(h.default_size == GiB);
        kcmdline_hugepages_done(&h);

        /* nothing on the line: the 2M default, nothing listed */
        get_hugepages("quiet", &h);
        assert_int_equal(h.n, 0);
        assert_true(h.default_size == 2 * MiB);
        kcmdline_hugepages_done(&h);
}

static void test_hugepages_pairs(void **state)
{
        struct kcmdline_hugepages h;

        get_hugepages("hugepagesz=1G hugepages=4 quiet hugepagesz=2M hugepages=512", &h);
        assert_int_equal(h.n, 2);
        assert_hugepage(&h, 0, GiB, "4", 4, false);
        assert_hugepage(&h, 1, 2 * MiB, "512", 512, true);
        kcmdline_hugepages_done(&h);

        /* memparse spellings: lower case suffix, hex, plain bytes */
        get_hugepages("hugepagesz=1g hugepages=1 hugepagesz=0x200000 hugepages=2", &h);
        assert_int_equal(h.n, 2);
        assert_hugepage(&h, 0, GiB, "1", 1, false);
        assert_hugepage(&h, 1, 2 * MiB, "2", 2, true);
        kcmdline_hugepages_done(&h);

        /* simple_strtoull() base 0: a leading 0 is octal (010000000 is 2 MiB), K suffix */
        get_hugepages("hugepagesz=010000000 hugepages=3", &h);
        assert_int_equal(h.n, 1);
        assert_hugepage(&h, 0, 2 * MiB, "3", 3, true);
        kcmdline_hugepages_done(&h);
        get_hugepages("hugepagesz=2048K hugepages=5", &h);
        assert_hugepage(&h, 0, 2 * MiB, "5", 5, true);
        kcmdline_hugepages_done(&h);
}

static void test_hugepages_leading_count(void **state)
{
        struct kcmdline_hugepages h;

        /* before any size: the default size, 2M when none is given */
        get_hugepages("hugepages=100", &h);
        assert_int_equal(h.n, 1);
        assert_hugepage(&h, 0, 2 * MiB, "100", 100, true);
        kcmdline_hugepages_done(&h);

        /* ... or the default_hugepagesz= that comes later */
        get_hugepages("hugepages=8 default_hugepagesz=1G", &h);
        assert_int_equal(h.n, 1);
        assert_hugepage(&h, 0, GiB, "8", 8, true);
        kcmdline_hugepages_done(&h);

        /* hugetlb_init(): "Ignoring hugepages=100 associated with 2 MiB page size" */
        get_hugepages("hugepages=512 hugepagesz=2M hugepages=100", &h);
        assert_int_equal(h.n, 1);
        assert_hugepage(&h, 0, 2 * MiB, "512", 512, true);
        kcmdline_hugepages_done(&h);
}

static void test_hugepages_ignored_repeats(void **state)
{
        struct kcmdline_hugepages h;

        /* a repeated size is ignored together with its hugepages= */
        get_hugepages("hugepagesz=1G hugepages=4 hugepagesz=1G hugepages=8", &h);
        assert_int_equal(h.n, 1);
        assert_hugepage(&h, 0, GiB, "4", 4, false);
        kcmdline_hugepages_done(&h);

        /* hugepages= twice without a hugepagesz= between: the first stays */
        get_hugepages("hugepagesz=1G hugepages=4 hugepages=8", &h);
        assert_hugepage(&h, 0, GiB, "4", 4, false);
        kcmdline_hugepages_done(&h);

        /* a repeated default_hugepagesz= is ignored, and so is the hugepages= after it */
        get_hugepages("default_hugepagesz=1G default_hugepagesz=2M hugepages=3", &h);
        assert_int_equal(h.n, 1);
        assert_hugepage(&h, 0, GiB, NULL, 0, true);
        assert_true(h.default_size == GiB);
        kcmdline_hugepages_done(&h);

        /* the default size already has a count: a hugepagesz= for it is a repeat */
        get_hugepages("default_hugepagesz=1G hugepages=2 hugepagesz=1G hugepages=16", &h);
        assert_int_equal(h.n, 1);
        assert_hugepage(&h, 0, GiB, "2", 2, true);
        kcmdline_hugepages_done(&h);
}

static bool accept_3m(uint64_t size, void *userdata)
{
        (*(int *) userdata)++;
        return size == 3 * MiB || size == 2 * MiB;
}

static void test_hugepages_invalid(void **state)
{
        struct kcmdline_hugepages h;
        _cleanup_kcmdline_ struct kcmdline *k = parse_ok("hugepagesz=3M hugepages=5", 0);
        int calls = 0;

        /* unsupported size: its hugepages= is dropped */
        assert_int_equal(kcmdline_get_hugepages(k, NULL, NULL, &h), 0);
        assert_int_equal(h.n, 0);
        kcmdline_hugepages_done(&h);

        assert_int_equal(kcmdline_get_hugepages(k, accept_3m, &calls, &h), 0);
        assert_int_equal(calls, 1);
        assert_int_equal(h.n, 1);
        assert_hugepage(&h, 0, 3 * MiB, "5", 5, false);
        kcmdline_hugepages_done(&h);

        /* a malformed count clears the size's count */
        get_hugepages("hugepagesz=1G hugepages=x", &h);
        assert_int_equal(h.n, 1);
        assert_hugepage(&h, 0, GiB, NULL, 0, false);
        kcmdline_hugepages_done(&h);

        get_hugepages("hugepagesz=1G hugepages=0:4,1:", &h);
        assert_hugepage(&h, 0, GiB, NULL, 0, false);
        kcmdline_hugepages_done(&h);

        /* after "--" it is init's business */
        get_hugepages("-- hugepages=5 hugepagesz=1G", &h);
        assert_int_equal(h.n, 0);
        kcmdline_hugepages_done(&h);
}

static void test_hugepages_per_node(void **state)
{
        struct kcmdline_hugepages h;

        get_hugepages("default_hugepagesz=1G hugepagesz=1G hugepages=0:2,1:3", &h);
        assert_int_equal(h.n, 1);
        assert_hugepage(&h, 0, GiB, "0:2,1:3", 5, true);
        kcmdline_hugepages_done(&h);
}

static void test_set_hugepages(void **state)
{
        _cleanup_kcmdline_ struct kcmdline *k =
                parse_ok("quiet hugepages=4 root=/dev/sda hugepagesz=2M hugepages=8 -- hugepages=1", 0);
        struct kcmdline_hugepages h;

        assert_int_equal(set_hugepages(k, "1G", "16"), 1);
        assert_line(k, "quiet default_hugepagesz=1G hugepagesz=1G hugepages=16 root=/dev/sda -- "
                       "hugepages=1");
        assert_int_equal(set_hugepages(k, "1G", "16"), 0);

        assert_int_equal(kcmdline_get_hugepages(k, NULL, NULL, &h), 0);
        assert_int_equal(h.n, 1);
        assert_hugepage(&h, 0, GiB, "16", 16, true);
        kcmdline_hugepages_done(&h);

        assert_int_equal(set_hugepages(k, "1G", "0:8,1:8"), 1);
        assert_line(k, "quiet default_hugepagesz=1G hugepagesz=1G hugepages=0:8,1:8 root=/dev/sda "
                       "-- hugepages=1");

        /* malformed: nothing changes */
        assert_int_equal(set_hugepages(k, "1Q", "4"), -EINVAL);
        assert_int_equal(set_hugepages(k, "", "4"), -EINVAL);
        assert_int_equal(set_hugepages(k, "0", "4"), -EINVAL);
        assert_int_equal(set_hugepages(k, "1G", "4x"), -EINVAL);
        assert_int_equal(set_hugepages(k, "1G", "0:4,"), -EINVAL);
        assert_int_equal(set_hugepages(k, "1G", ":4"), -EINVAL);
        assert_int_equal(set_hugepages(k, "1G", " 4"), -EINVAL);
        assert_int_equal(set_hugepages(k, NULL, "4"), -EINVAL);
        assert_line(k, "quiet default_hugepagesz=1G hugepagesz=1G hugepages=0:8,1:8 root=/dev/sda "
                       "-- hugepages=1");
}

static void test_set_hugepages_position(void **state)
{
        _cleanup_kcmdline_ struct kcmdline *a = parse_ok("ro -- single", 0);
        _cleanup_kcmdline_ struct kcmdline *b = parse_ok(" hugepages=3 ro\n", 0);
        /* the right parameters in the wrong order are rewritten */
        _cleanup_kcmdline_ struct kcmdline *c = parse_ok("hugepagesz=1G default_hugepagesz=1G hugepages=2", 0);

        assert_int_equal(set_hugepages(a, "1G", "2"), 1);
        assert_line(a, "ro default_hugepagesz=1G hugepagesz=1G hugepages=2 -- single");
        assert_int_equal(set_hugepages(b, "2M", "1024"), 1);
        assert_line(b, " default_hugepagesz=2M hugepagesz=2M hugepages=1024 ro\n");
        assert_int_equal(set_hugepages(c, "1G", "2"), 1);
        assert_line(c, "default_hugepagesz=1G hugepagesz=1G hugepages=2");
}

static const char merge_input[] =
        "BOOT_IMAGE=/vmlinuz root=/dev/sda1 isolcpus=1 quiet isolcpus=2-3 vfio_pci.ids=10de:0001 "
        "hugepages=4 -- single\n";

static const struct kcmdline_param merge_params[] = {
        { "intel_iommu", "on" },
        { "iommu", "pt" },
        { "vfio-pci.ids", "10de:1b80,10de:10f0" },
        { "isolcpus", "2-7" },
        { "default_hugepagesz", "1G" },
        { "hugepagesz", "1G" },
        { "hugepages", "8" },
};

static void test_merge(void **state)
{
        _cleanup_kcmdline_ struct kcmdline *k = parse_ok(merge_input, 0);
        const char *expect = "BOOT_IMAGE=/vmlinuz root=/dev/sda1 isolcpus=2-7 quiet vfio_pci.ids=10de:1b80,10de:10f0 "
                             "default_hugepagesz=1G hugepagesz=1G hugepages=8 intel_iommu=on iommu=pt -- single\n";
        int r;

        r = kcmdline_merge(k, merge_params, ELEMENTSOF(merge_params));
        assert_true(r > 0);
        assert_line(k, expect);
        assert_get(k, "isolcpus", "2-7");
        assert_int_equal(kcmdline_count(k, "isolcpus"), 1);

        /* idempotent */
        assert_int_equal(kcmdline_merge(k, merge_params, ELEMENTSOF(merge_params)), 0);
        assert_line(k, expect);

        /* nothing to do for an empty set */
        assert_int_equal(kcmdline_merge(k, NULL, 0), 0);
        assert_line(k, expect);
}

static void test_merge_invalid_is_atomic(void **state)
{
        _cleanup_kcmdline_ struct kcmdline *k = parse_ok(merge_input, 0);
        const struct kcmdline_param bad_value[] = { { "iommu", "pt" }, { "a", "x\"y" } };
        const struct kcmdline_param bad_name[] = { { "iommu", "pt" }, { "a b", "1" } };
        const struct kcmdline_param bare_huge[] = { { "iommu", "pt" }, { "hugepages", NULL } };
        const struct kcmdline_param bad_size[] = { { "iommu", "pt" }, { "hugepagesz", "1X" } };
        const struct kcmdline_param bad_count[] = { { "iommu", "pt" }, { "hugepages", "-1" } };

        assert_int_equal(kcmdline_merge(k, bad_value, ELEMENTSOF(bad_value)), -EINVAL);
        assert_int_equal(kcmdline_merge(k, bad_name, ELEMENTSOF(bad_name)), -EINVAL);
        assert_int_equal(kcmdline_merge(k, bare_huge, ELEMENTSOF(bare_huge)), -EINVAL);
        assert_int_equal(kcmdline_merge(k, bad_size, ELEMENTSOF(bad_size)), -EINVAL);
        assert_int_equal(kcmdline_merge(k, bad_count, ELEMENTSOF(bad_count)), -EINVAL);
        assert_line(k, merge_input);
}

static void test_unmerge(void **state)
{
        _cleanup_kcmdline_ struct kcmdline *k = parse_ok("root=/dev/sda1 quiet\n", 0);
        const struct kcmdline_param added[] = {
                { "iommu", "pt" },
                { "vfio-pci.ids", "10de:1b80" },
                { "rd.driver.pre", "vfio-pci" },
                { "default_hugepagesz", "1G" },
                { "hugepagesz", "1G" },
                { "hugepages", "8" },
        };

        assert_true(kcmdline_merge(k, added, ELEMENTSOF(added)) > 0);
        assert_int_equal(kcmdline_unmerge(k, added, ELEMENTSOF(added)), 6);
        assert_line(k, "root=/dev/sda1 quiet\n");

        /* only the exact pairs: another value, or init's copy, stays */
        _cleanup_kcmdline_ struct kcmdline *o =
                parse_ok("iommu=nopt iommu=pt vfio_pci.ids=10de:1b80 quiet -- iommu=pt", 0);
        assert_int_equal(kcmdline_unmerge(o, added, ELEMENTSOF(added)), 2);
        assert_line(o, "iommu=nopt quiet -- iommu=pt");
        assert_int_equal(kcmdline_unmerge(o, added, ELEMENTSOF(added)), 0);
}

static void test_copy_is_independent(void **state)
{
        _cleanup_kcmdline_ struct kcmdline *k = parse_ok("a=1 b", 0);
        _cleanup_kcmdline_ struct kcmdline *c = NULL;

        assert_int_equal(kcmdline_copy(k, &c), 0);
        assert_int_equal(set_one(c, "a", "2"), 1);
        assert_int_equal(kcmdline_remove(c, "b"), 1);
        assert_line(k, "a=1 b");
        assert_line(c, "a=2");
        assert_null(kcmdline_free(NULL));
}

/* Found by fuzz-kcmdline: appending to a leniently read line with an open quote put the new
 * parameters inside the quote. Edits now refuse such a line. */
static void test_edits_refuse_unterminated_quote(void **state)
{
        _cleanup_kcmdline_ struct kcmdline *k = NULL;
        assert_int_equal(kcmdline_parse("console=ttyS0 a \"open=quote rest", KCMDLINE_PARSE_LENIENT, &k, NULL), 0);
        _cleanup_free_ char *before = NULL;
        assert_int_equal(kcmdline_format(k, &before), 0);

        struct kcmdline_param params[] = { { "iommu", "pt" } };
        assert_int_equal(kcmdline_merge(k, params, 1), -EINVAL);
        assert_int_equal(set_one(k, "iommu", "pt"), -EINVAL);
        assert_int_equal(set_hugepages(k, "1G", "4"), -EINVAL);

        _cleanup_free_ char *after = NULL;
        assert_int_equal(kcmdline_format(k, &after), 0);
        assert_string_equal(before, after);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_empty_line),
                cmocka_unit_test(test_only_whitespace),
                cmocka_unit_test(test_proc_cmdline_newline),
                cmocka_unit_test(test_tabs_and_other_spaces),
                cmocka_unit_test(test_kernel_isspace_0xa0),
                cmocka_unit_test(test_quoted_value),
                cmocka_unit_test(test_quoted_param),
                cmocka_unit_test(test_quotes_inside_token),
                cmocka_unit_test(test_equals_edge_cases),
                cmocka_unit_test(test_unterminated_quote_strict),
                cmocka_unit_test(test_unterminated_quote_lenient),
                cmocka_unit_test(test_dashdash),
                cmocka_unit_test(test_dashdash_variants),
                cmocka_unit_test(test_dash_underscore_folding),
                cmocka_unit_test(test_dup_last_wins),
                cmocka_unit_test(test_dup_first_wins),
                cmocka_unit_test(test_get_positional),
                cmocka_unit_test(test_roundtrip),
                cmocka_unit_test(test_set_in_place),
                cmocka_unit_test(test_set_untouched_bytes),
                cmocka_unit_test(test_set_append),
                cmocka_unit_test(test_set_removes_duplicates),
                cmocka_unit_test(test_set_quotes_spaces),
                cmocka_unit_test(test_set_invalid),
                cmocka_unit_test(test_remove),
                cmocka_unit_test(test_remove_value),
                cmocka_unit_test(test_length_limit),
                cmocka_unit_test(test_hugepages_block),
                cmocka_unit_test(test_hugepages_pairs),
                cmocka_unit_test(test_hugepages_leading_count),
                cmocka_unit_test(test_hugepages_ignored_repeats),
                cmocka_unit_test(test_hugepages_invalid),
                cmocka_unit_test(test_hugepages_per_node),
                cmocka_unit_test(test_set_hugepages),
                cmocka_unit_test(test_set_hugepages_position),
                cmocka_unit_test(test_merge),
                cmocka_unit_test(test_merge_invalid_is_atomic),
                cmocka_unit_test(test_unmerge),
                cmocka_unit_test(test_copy_is_independent),
                cmocka_unit_test(test_edits_refuse_unterminated_quote),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
