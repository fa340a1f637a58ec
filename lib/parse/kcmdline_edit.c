/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Order-preserving edits of a kernel command line: set, remove, merge and take back parameters,
 * touching only the tokens that change. See kcmdline.h.
 */
#include "kcmdline.h"
#include "kcmdline_edit.h"

#include <stdio.h>

static bool has_kernel_space(const char *s)
{
        for (; *s; s++)
                if (kcmdline_isspace(*s))
                        return true;
        return false;
}

static bool valid_name(const char *name)
{
        if (!name || !*name || streq(name, "--"))
                return false;
        for (const char *p = name; *p; p++)
                if (kcmdline_isspace(*p) || *p == '=' || *p == '"')
                        return false;
        return true;
}

static bool valid_value(const char *value)
{
        /* next_arg() has no escape: any '"' would open or close a quote */
        return !value || !strchr(value, '"');
}

/* A new token for name[=value], quoting a value with whitespace. Separator is left NULL. */
int kcmdline_token_new(const char *name, const char *value, struct kcmdline_token *ret)
{
        struct kcmdline_token t = {
                .name = strdup(name),
                .value = value ? strdup(value) : NULL,
                .has_value = value != NULL,
        };
        int n;

        if (!value)
                t.original = strdup(name);
        else {
                const char *q = has_kernel_space(value) ? "\"" : "";
                n = asprintf(&t.original, "%s=%s%s%s", name, q, value, q);
                if (n < 0)
                        t.original = NULL;
        }
        if (!t.name || (value && !t.value) || !t.original) {
                kcmdline_token_done(&t);
                return -ENOMEM;
        }
        *ret = t;
        return 0;
}

/*
 * Insert t at idx, taking ownership. A token put first takes over the leading whitespace of the
 * line and pushes the old first token one space away; other tokens get one space before them.
 */
int kcmdline_insert_token(struct kcmdline *k, size_t idx, struct kcmdline_token *t)
{
        char *sep;
        int r;

        r = kcmdline_tokens_reserve(k, k->n_tokens + 1);
        if (r < 0)
                return r;

        if (idx == 0 && k->n_tokens > 0) {
                sep = strdup(" ");
                if (!sep)
                        return -ENOMEM;
                t->separator = k->tokens[0].separator;
                k->tokens[0].separator = sep;
        } else {
                t->separator = strdup(idx == 0 ? "" : " ");
                if (!t->separator)
                        return -ENOMEM;
        }

        /* a token inserted before "--" is a kernel parameter, after it an init argument */
        t->is_dashdash = false;
        t->after_dashdash = idx > kcmdline_kernel_end(k) && kcmdline_kernel_end(k) < k->n_tokens;

        memmove(&k->tokens[idx + 1], &k->tokens[idx], (k->n_tokens - idx) * sizeof(*t));
        k->tokens[idx] = *t;
        *t = (struct kcmdline_token){};
        k->n_tokens++;
        return 0;
}

void kcmdline_delete_token(struct kcmdline *k, size_t idx)
{
        /* the next token inherits the leading whitespace when the first one goes */
        if (idx == 0 && k->n_tokens > 1) {
                free(k->tokens[1].separator);
                k->tokens[1].separator = TAKE_PTR(k->tokens[0].separator);
        }
        kcmdline_token_done(&k->tokens[idx]);
        memmove(&k->tokens[idx], &k->tokens[idx + 1], (k->n_tokens - idx - 1) * sizeof(k->tokens[0]));
        k->n_tokens--;
}

static int replace_token(struct kcmdline_token *t, const char *name, const char *value)
{
        struct kcmdline_token n;
        int r;

        r = kcmdline_token_new(name, value, &n);
        if (r < 0)
                return r;
        n.separator = TAKE_PTR(t->separator);
        n.after_dashdash = t->after_dashdash;
        kcmdline_token_done(t);
        *t = n;
        return 0;
}

/*
 * A line read leniently with an unterminated quote: the quote runs to the end, so anything
 * appended would be swallowed into it. Edits refuse such a line rather than guess.
 */
bool kcmdline_has_unterminated_quote(const struct kcmdline *k)
{
        for (size_t i = 0; i < k->n_tokens; i++) {
                size_t quotes = 0;
                for (const char *p = k->tokens[i].original; *p; p++)
                        quotes += *p == '"';
                if (quotes % 2)
                        return true;
        }
        return false;
}

/* name[=value] as the only occurrence, as kcmdline_merge() says; 1 when the line changed. */
static int kcmdline_set(struct kcmdline *k, const char *name, const char *value)
{
        size_t end = kcmdline_kernel_end(k), first = end;
        bool changed = false;
        int r;

        if (!valid_name(name) || !valid_value(value) || kcmdline_is_hugepage_param(name) ||
            kcmdline_has_unterminated_quote(k))
                return -EINVAL;
        /* A bare "isolcpus" is ignored by the kernel (it registers "isolcpus="): writing one is a mistake. */
        if (!value && kcmdline_needs_value(name))
                return -EINVAL;

        for (size_t i = 0; i < end; i++)
                if (kcmdline_token_matches(&k->tokens[i], name, true)) {
                        first = i;
                        break;
                }

        if (first == end) {
                struct kcmdline_token t;

                r = kcmdline_token_new(name, value, &t);
                if (r < 0)
                        return r;
                r = kcmdline_insert_token(k, end, &t);
                kcmdline_token_done(&t);
                return r < 0 ? r : 1;
        }

        /* already the value: keep the token's bytes (its spelling and quoting) untouched */
        if (!streq_ptr(k->tokens[first].value, value)) {
                /* the existing spelling of the name, so that the diff shows only the value */
                _cleanup_free_ char *spelling = strdup(k->tokens[first].name);
                if (!spelling)
                        return -ENOMEM;
                r = replace_token(&k->tokens[first], spelling, value);
                if (r < 0)
                        return r;
                changed = true;
        }

        for (size_t i = end; i-- > first + 1;)
                if (kcmdline_token_matches(&k->tokens[i], name, true)) {
                        kcmdline_delete_token(k, i);
                        changed = true;
                }
        return changed;
}

int kcmdline_remove(struct kcmdline *k, const char *name)
{
        int n = 0;

        for (size_t i = kcmdline_kernel_end(k); i-- > 0;)
                if (kcmdline_token_matches(&k->tokens[i], name, false)) {
                        kcmdline_delete_token(k, i);
                        n++;
                }
        return n;
}

int kcmdline_remove_value(struct kcmdline *k, const char *name, const char *value)
{
        int n = 0;

        for (size_t i = kcmdline_kernel_end(k); i-- > 0;)
                if (kcmdline_token_matches(&k->tokens[i], name, false) && streq_ptr(k->tokens[i].value, value)) {
                        kcmdline_delete_token(k, i);
                        n++;
                }
        return n;
}

/* Edits that must not leave k half done run on a copy which then takes k's place. */
void kcmdline_swap(struct kcmdline *a, struct kcmdline *b)
{
        struct kcmdline tmp = *a;

        *a = *b;
        *b = tmp;
}

int kcmdline_merge(struct kcmdline *k, const struct kcmdline_param *params, size_t n)
{
        _cleanup_kcmdline_ struct kcmdline *c = NULL;
        _cleanup_free_ struct kcmdline_param *block = NULL;
        size_t n_block = 0;
        int r, changed = 0;

        /* Checked here too, not only by kcmdline_set(): a line of hugepage parameters alone
         * never reaches it. */
        if (kcmdline_has_unterminated_quote(k))
                return -EINVAL;
        for (size_t i = 0; i < n; i++) {
                if (!valid_name(params[i].name) || !valid_value(params[i].value))
                        return -EINVAL;
                if (kcmdline_is_hugepage_param(params[i].name)) {
                        const char *v = params[i].value;

                        /* the kernel ignores a bare one: writing it is a mistake */
                        if (!v)
                                return -EINVAL;
                        if (kcmdline_name_equal(params[i].name, "hugepages") ? !hugepage_count_valid(v)
                                                                             : !hugepage_size_valid(v))
                                return -EINVAL;
                }
        }

        r = kcmdline_copy(k, &c);
        if (r < 0)
                return r;
        block = calloc(n ? n : 1, sizeof(*block));
        if (!block)
                return -ENOMEM;

        for (size_t i = 0; i < n; i++) {
                if (kcmdline_is_hugepage_param(params[i].name)) {
                        block[n_block++] = params[i];
                        continue;
                }
                r = kcmdline_set(c, params[i].name, params[i].value);
                if (r < 0)
                        return r;
                changed += r;
        }
        if (n_block > 0) {
                r = hugepage_block_replace(c, block, n_block);
                if (r < 0)
                        return r;
                changed += r;
        }

        if (changed > 0)
                kcmdline_swap(k, c);
        return changed;
}

int kcmdline_unmerge(struct kcmdline *k, const struct kcmdline_param *params, size_t n)
{
        int removed = 0;

        for (size_t i = 0; i < n; i++)
                if (params[i].name)
                        removed += kcmdline_remove_value(k, params[i].name, params[i].value);
        return removed;
}
