/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unified diff by a longest-common-subsequence table over lines. The files it is for are a few
 * hundred lines; past LCS_CELLS_MAX the table would be too big and the whole file is shown as
 * replaced, which is still a correct diff.
 */
#include "unified_diff.h"

#include <stdint.h>

#include "array.h"
#include "macro.h"

#define CONTEXT 3
#define LCS_CELLS_MAX (UINT64_C(16) << 20)

struct line {
        const char *start;
        size_t len; /* without the newline */
        bool newline;
};

struct lines {
        struct line *v;
        size_t n;
};

static int split_lines(const char *s, struct lines *ret)
{
        _cleanup_free_ struct line *v = NULL;
        size_t n = 0;

        while (s && *s) {
                const char *nl = strchr(s, '\n');
                if (ARRAY_GROW(v, n) < 0)
                        return -ENOMEM;
                v[n++] = (struct line){ s, nl ? (size_t) (nl - s) : strlen(s), nl != NULL };
                s = nl ? nl + 1 : s + strlen(s);
        }
        *ret = (struct lines){ TAKE_PTR(v), n };
        return 0;
}

static bool line_eq(const struct line *a, const struct line *b)
{
        return a->len == b->len && a->newline == b->newline && memcmp(a->start, b->start, a->len) == 0;
}

/* One edit script entry: ' ' kept, '-' only in old, '+' only in new. */
struct op {
        char kind;
        size_t a, b; /* line index in old / new (the one that applies) */
};

static int edit_script(const struct lines *a, const struct lines *b, struct op **ret, size_t *ret_n)
{
        size_t n = 0, i = 0, j = 0;
        struct op *ops = malloc((a->n + b->n + 1) * sizeof(*ops));
        uint32_t *t = NULL;
        uint64_t cells = (uint64_t) (a->n + 1) * (b->n + 1);

        if (!ops)
                return -ENOMEM;
        if (cells <= LCS_CELLS_MAX) {
                t = calloc(cells, sizeof(*t));
                if (!t) {
                        free(ops);
                        return -ENOMEM;
                }
                /* t[i][j]: LCS length of a[i..] and b[j..] */
                for (size_t x = a->n; x-- > 0;)
                        for (size_t y = b->n; y-- > 0;) {
                                uint32_t *c = &t[x * (b->n + 1) + y];
                                if (line_eq(&a->v[x], &b->v[y]))
                                        *c = t[(x + 1) * (b->n + 1) + y + 1] + 1;
                                else {
                                        uint32_t down = t[(x + 1) * (b->n + 1) + y], right = t[x * (b->n + 1) + y + 1];
                                        *c = down >= right ? down : right;
                                }
                        }
        }
        while (i < a->n || j < b->n) {
                if (t && i < a->n && j < b->n && line_eq(&a->v[i], &b->v[j]))
                        ops[n++] = (struct op){ ' ', i++, j++ };
                else if (i < a->n && (!t || j >= b->n || t[(i + 1) * (b->n + 1) + j] >= t[i * (b->n + 1) + j + 1]))
                        ops[n++] = (struct op){ '-', i++, j };
                else
                        ops[n++] = (struct op){ '+', i, j++ };
        }
        free(t);
        *ret = ops;
        *ret_n = n;
        return 0;
}

static void emit_line(FILE *f, char kind, const struct line *l)
{
        fprintf(f, "%c%.*s\n", kind, (int) l->len, l->start);
        if (!l->newline)
                fputs("\\ No newline at end of file\n", f);
}

static void emit_range(FILE *f, size_t start, size_t len)
{
        if (len == 1)
                fprintf(f, "%zu", start + 1);
        else
                fprintf(f, "%zu,%zu", len ? start + 1 : start, len);
}

static void emit_hunk(FILE *f, const struct lines *a, const struct lines *b, const struct op *ops, size_t from,
                      size_t to)
{
        size_t a_start = ops[from].a, b_start = ops[from].b, a_len = 0, b_len = 0;

        for (size_t k = from; k < to; k++) {
                a_len += ops[k].kind != '+';
                b_len += ops[k].kind != '-';
        }
        /* as GNU diff -u: an empty range is numbered by the line before it, ",1" is left out */
        fputs("@@ -", f);
        emit_range(f, a_start, a_len);
        fputs(" +", f);
        emit_range(f, b_start, b_len);
        fputs(" @@\n", f);
        for (size_t k = from; k < to; k++)
                emit_line(f, ops[k].kind, ops[k].kind == '+' ? &b->v[ops[k].b] : &a->v[ops[k].a]);
}

int unified_diff(const char *old_label, const char *old, const char *new_label, const char *new, char **ret)
{
        _cleanup_free_ struct line *av = NULL, *bv = NULL;
        _cleanup_free_ struct op *ops = NULL;
        struct lines a, b;
        size_t n_ops = 0, size = 0;
        char *buf = NULL;
        FILE *f;
        int r;

        if (streq_ptr(old, new) || (!old && new && !*new) || (!new &&old && !*old)) {
                *ret = strdup("");
                return *ret ? 0 : -ENOMEM;
        }
        r = split_lines(old, &a);
        if (r < 0)
                return r;
        av = a.v;
        r = split_lines(new, &b);
        if (r < 0)
                return r;
        bv = b.v;
        r = edit_script(&a, &b, &ops, &n_ops);
        if (r < 0)
                return r;

        f = open_memstream(&buf, &size);
        if (!f)
                return -ENOMEM;
        fprintf(f, "--- %s\n+++ %s\n", old ? old_label : "/dev/null", new ? new_label : "/dev/null");
        for (size_t k = 0; k < n_ops;) {
                size_t start, end, last_change;

                if (ops[k].kind == ' ') {
                        k++;
                        continue;
                }
                start = k > CONTEXT ? k - CONTEXT : 0;
                /* extend while the next change is within 2 * CONTEXT kept lines */
                last_change = k;
                for (end = k; end < n_ops; end++) {
                        if (ops[end].kind != ' ')
                                last_change = end;
                        else if (end - last_change > 2 * CONTEXT)
                                break;
                }
                end = last_change + 1 + CONTEXT < n_ops ? last_change + 1 + CONTEXT : n_ops;
                /* a context line before start may belong to the previous hunk: never overlap */
                emit_hunk(f, &a, &b, ops, start, end);
                k = end;
        }
        if (fclose(f) != 0) {
                free(buf);
                return -ENOMEM;
        }
        *ret = buf;
        return 0;
}
