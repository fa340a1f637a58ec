/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The kernel command line. Input: LINE, optionally followed by a NUL and parameters to merge,
 * one "name" or "name=value" per line. On every line, strict and lenient:
 *  - formatting an untouched line gives back its bytes, and a strict failure is an open quote;
 *  - the hugepage replay keeps its invariants;
 *  - merging (the input's parameters and two fixed sets as cmdlinegen writes them) is all or
 *    nothing, the edited line reads back as the model says, the kernel then uses exactly the
 *    merged values, merging twice equals merging once, and unmerge takes back what merge added.
 */
#include <errno.h>

#include "fuzz.h"
#include "kcmdline.h"

#define PARAMS_MAX 16

/* What cmdlinegen writes for a GPU passthrough host with isolated cores and 1G pages. */
static const struct kcmdline_param passthrough[] = {
        { "intel_iommu", "on" },
        { "iommu", "pt" },
        { "vfio-pci.ids", "10de:1b80,10de:10f0" },
        { "rd.driver.pre", "vfio-pci" },
        { "isolcpus", "managed_irq,domain,2-7" },
        { "nohz_full", "2-7" },
        { "default_hugepagesz", "1G" },
        { "hugepagesz", "1G" },
        { "hugepages", "16" },
};

/* Flags, values that need quoting, per-node counts, dashes for underscores. */
static const struct kcmdline_param assorted[] = {
        { "quiet", NULL },
        { "pcie_acs_override", "downstream,multifunction" },
        { "kvm.ignore_msrs", "1" },
        { "dyndbg", "module vfio_pci +p" },
        { "vfio_pci.disable_vga", "" },
        { "hugepagesz", "2M" },
        { "hugepages", "0:512,1:512" },
};

static char *format_or_die(const struct kcmdline *k)
{
        char *s = NULL;
        CHECK(kcmdline_format(k, &s) == 0 && s, "out of memory");
        return s;
}

static struct kcmdline *copy_or_die(const struct kcmdline *k)
{
        struct kcmdline *c = NULL;
        CHECK(kcmdline_copy(k, &c) == 0 && c, "out of memory");
        return c;
}

static bool token_equal(const struct kcmdline_token *a, const struct kcmdline_token *b)
{
        return streq(a->original, b->original) && streq(a->separator, b->separator) && streq(a->name, b->name) &&
               streq_ptr(a->value, b->value) && a->has_value == b->has_value && a->is_dashdash == b->is_dashdash &&
               a->after_dashdash == b->after_dashdash;
}

/* Same tokens and trailing whitespace; WHAT and the two lines go into the message. */
static void check_same_model(const char *what, const struct kcmdline *a, const struct kcmdline *b, const char *line)
{
        CHECK(a->n_tokens == b->n_tokens, "%s: %zu tokens, %zu when read back\n  line: '%s'", what, a->n_tokens,
              b->n_tokens, line);
        for (size_t i = 0; i < a->n_tokens; i++)
                CHECK(token_equal(&a->tokens[i], &b->tokens[i]),
                      "%s: token %zu is '%s' (name '%s'), read back '%s' (name '%s')\n  line: '%s'", what, i,
                      a->tokens[i].original, a->tokens[i].name, b->tokens[i].original, b->tokens[i].name, line);
        CHECK(streq(a->trailing, b->trailing), "%s: trailing whitespace differs\n  line: '%s'", what, line);
}

static size_t kernel_end(const struct kcmdline *k)
{
        for (size_t i = 0; i < k->n_tokens; i++)
                if (k->tokens[i].is_dashdash)
                        return i;
        return k->n_tokens;
}

static bool has_kernel_token(const struct kcmdline *k, const char *name, bool any_hugepage)
{
        for (size_t i = 0; i < kernel_end(k); i++)
                if (kcmdline_name_equal(k->tokens[i].name, name) ||
                    (any_hugepage && kcmdline_is_hugepage_param(k->tokens[i].name)))
                        return true;
        return false;
}

/* Whether P[i] is the last parameter of its name in P. */
static bool last_of_name(const struct kcmdline_param *p, size_t n, size_t i)
{
        for (size_t j = i + 1; j < n; j++)
                if (kcmdline_name_equal(p[i].name, p[j].name))
                        return false;
        return true;
}

static void check_merge(const char *line, const struct kcmdline *k0, unsigned flags, const struct kcmdline_param *p,
                        size_t n)
{
        char *f0 = format_or_die(k0);
        struct kcmdline *k1 = copy_or_die(k0);

        int r = kcmdline_merge(k1, p, n);
        char *f1 = format_or_die(k1);
        if (r <= 0) {
                /* All or nothing; 0 only when nothing needed doing. */
                CHECK(r == 0 || r == -EINVAL, "merge returned %d", r);
                CHECK(streq(f0, f1), "merge failed with %d but changed '%s' to '%s'", r, f0, f1);
                if (r < 0)
                        goto out;
        }

        /* The edited line, read as the kernel (and the lenient parser) reads it, is the model. */
        struct kcmdline *reread = NULL;
        CHECK(kcmdline_parse(f1, flags, &reread, NULL) == 0, "merged line does not parse: '%s'", f1);
        check_same_model("merge", k1, reread, f1);
        kcmdline_free(reread);

        bool unique = true, any_hugepage = false, clean = true;
        for (size_t i = 0; i < n; i++) {
                unique = unique && last_of_name(p, n, i);
                any_hugepage = any_hugepage || kcmdline_is_hugepage_param(p[i].name);
        }
        for (size_t i = 0; i < n; i++)
                clean = clean && !has_kernel_token(k0, p[i].name, any_hugepage);

        /* The kernel uses exactly the merged values. */
        for (size_t i = 0; i < n; i++) {
                if (kcmdline_is_hugepage_param(p[i].name) || !last_of_name(p, n, i))
                        continue;
                const char *value = NULL;
                int g = kcmdline_get(k1, p[i].name, &value);
                CHECK(g == 0 && streq_ptr(value, p[i].value),
                      "after merging %s%s%s the kernel sees %s (%d)\n  line: '%s'", p[i].name, p[i].value ? "=" : "",
                      p[i].value ? p[i].value : "", g == 0 ? (value ? value : "a bare flag") : "nothing", g, f1);
        }

        /* Merging twice is merging once. */
        struct kcmdline *k2 = copy_or_die(k1);
        int r2 = kcmdline_merge(k2, p, n);
        char *f2 = format_or_die(k2);
        CHECK(r2 >= 0, "second merge failed with %d", r2);
        CHECK(streq(f1, f2), "merging twice differs from once:\n  once:  '%s'\n  twice: '%s'", f1, f2);
        CHECK(!unique || r2 == 0, "second merge of distinct parameters reports %d changes on '%s'", r2, f1);
        free(f2);
        kcmdline_free(k2);

        /* Unmerge takes the merged pairs back; on a line that had none of them, exactly. */
        struct kcmdline *k3 = copy_or_die(k1);
        (void) kcmdline_unmerge(k3, p, n);
        for (size_t i = 0; i < n; i++)
                for (size_t t = 0; t < kernel_end(k3); t++)
                        CHECK(!(kcmdline_name_equal(k3->tokens[t].name, p[i].name) &&
                                streq_ptr(k3->tokens[t].value, p[i].value)),
                              "unmerge left '%s' in '%s'", k3->tokens[t].original, f1);
        char *f3 = format_or_die(k3);
        CHECK(!(unique && clean) || streq(f0, f3), "unmerge after merge:\n  before: '%s'\n  after:  '%s'", f0, f3);
        free(f3);
        kcmdline_free(k3);
out:
        free(f1);
        kcmdline_free(k1);
        free(f0);
}

static bool valid_x86(uint64_t size, void *userdata) { return size == (2u << 20) || size == (1u << 30); }
/* Every power of two from 4 KiB: more sizes than the kernel's hstate table holds. */
static bool valid_any(uint64_t size, void *userdata) { return size >= 4096 && (size & (size - 1)) == 0; }

static void check_hugepages(const struct kcmdline *k, kcmdline_size_valid_fn valid, const char *line)
{
        struct kcmdline_hugepages h = {};
        CHECK(kcmdline_get_hugepages(k, valid, NULL, &h) == 0, "out of memory");
        size_t defaults = 0;
        for (size_t i = 0; i < h.n; i++) {
                CHECK((valid ? valid : valid_x86)(h.entries[i].size, NULL), "size %llu not valid in '%s'",
                      (unsigned long long) h.entries[i].size, line);
                for (size_t j = 0; j < i; j++)
                        CHECK(h.entries[i].size != h.entries[j].size, "size listed twice in '%s'", line);
                if (h.entries[i].is_default) {
                        defaults++;
                        CHECK(h.entries[i].size == h.default_size, "default entry is not the default size in '%s'",
                              line);
                }
        }
        CHECK(defaults <= 1, "%zu default sizes in '%s'", defaults, line);
        CHECK((valid ? valid : valid_x86)(h.default_size, NULL), "default size %llu not valid in '%s'",
              (unsigned long long) h.default_size, line);
        kcmdline_hugepages_done(&h);
}

static void check_line(const char *line, unsigned flags, const struct kcmdline_param *p, size_t n)
{
        struct kcmdline *k = NULL;
        struct parse_error e = { .offset = SIZE_MAX };
        size_t len = strlen(line);

        int r = kcmdline_parse(line, flags, &k, &e);
        size_t pos = e.offset;
        if (r < 0) {
                CHECK(!(flags & KCMDLINE_PARSE_LENIENT), "lenient parse failed with %d on '%s'", r, line);
                CHECK(r == -EINVAL && pos < len && line[pos] == '"', "strict parse: %d at %zu on '%s'", r, pos, line);
                return;
        }

        char *formatted = format_or_die(k);
        CHECK(streq(formatted, line), "untouched line changed:\n  in:  '%s'\n  out: '%s'", line, formatted);
        free(formatted);
        CHECK(kcmdline_length(k) <= len, "length %zu of a %zu-byte line", kcmdline_length(k), len);
        (void) kcmdline_check_length(k, 0);
        (void) kcmdline_check_length(k, 100);

        for (size_t i = 0; i < k->n_tokens; i++) {
                const struct kcmdline_token *t = &k->tokens[i];
                CHECK(t->has_value == (t->value != NULL), "token '%s': has_value and value disagree", t->original);
                if (t->after_dashdash)
                        continue;
                /* Every kernel parameter is found under its own name. */
                CHECK(kcmdline_count(k, t->name) > 0 ||
                              (!t->has_value && kcmdline_dup_rule(t->name) != KCMDLINE_DUP_LAST_WINS) || t->is_dashdash,
                      "token '%s' not counted under its name '%s'", t->original, t->name);
                const struct kcmdline_token **all = NULL;
                size_t n_all = 0;
                CHECK(kcmdline_get_all(k, t->name, &all, &n_all) == 0, "out of memory");
                CHECK(n_all == kcmdline_count(k, t->name), "get_all and count disagree on '%s'", t->name);
                free(all);
                (void) kcmdline_get(k, t->name, NULL);
        }

        check_hugepages(k, NULL, line);
        check_hugepages(k, valid_any, line);

        check_merge(line, k, flags, passthrough, sizeof(passthrough) / sizeof(passthrough[0]));
        check_merge(line, k, flags, assorted, sizeof(assorted) / sizeof(assorted[0]));
        if (n > 0)
                check_merge(line, k, flags, p, n);
        kcmdline_free(k);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        const char *rest = NULL;
        size_t rest_size = 0;
        char *line = fuzz_string(data, size, &rest, &rest_size);
        if (!line)
                return 0;

        /* The parameters after the NUL: one per line, "name" or "name=value". */
        char *params_text = rest ? strndup(rest, rest_size) : NULL;
        struct kcmdline_param params[PARAMS_MAX];
        size_t n = 0;
        char *save = NULL;
        for (char *p = params_text ? strtok_r(params_text, "\n", &save) : NULL; p && n < PARAMS_MAX;
             p = strtok_r(NULL, "\n", &save)) {
                char *eq = strchr(p, '=');
                if (eq)
                        *eq = '\0';
                params[n++] = (struct kcmdline_param){ .name = p, .value = eq ? eq + 1 : NULL };
        }

        check_line(line, 0, params, n);
        check_line(line, KCMDLINE_PARSE_LENIENT, params, n);

        free(params_text);
        free(line);
        return 0;
}
