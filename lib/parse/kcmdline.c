/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Kernel command line model: the tokenizer faithful to the kernel, formatting, the duplicate
 * rules of the parameters we write and the lookups that follow them. Edits are kcmdline_edit.c's,
 * the hugepage parameters hugepage_params.c's. See kcmdline.h.
 */
#include "kcmdline.h"
#include "kcmdline_edit.h"

#include <sys/types.h>

/*
 * The kernel's isspace() (lib/ctype.c): \t \n \v \f \r, space, and 0xA0 (NBSP in its Latin-1
 * table). glibc's isspace() in the C locale lacks 0xA0, so a UTF-8 character with a 0xA0 byte
 * ("à" is C3 A0) splits a token for the kernel and not for glibc: we follow the kernel.
 */
bool kcmdline_isspace(char c)
{
        unsigned char u = (unsigned char) c;

        return u == ' ' || (u >= '\t' && u <= '\r') || u == 0xa0;
}

static size_t skip_spaces(const char *s, size_t pos)
{
        while (s[pos] && kcmdline_isspace(s[pos]))
                pos++;
        return pos;
}

/* parameq()/parameqn() in kernel/params.c map '-' to '_' on both sides, over the whole name. */
static char dash2underscore(char c) { return c == '-' ? '_' : c; }

bool kcmdline_name_equal(const char *a, const char *b)
{
        if (!a || !b)
                return a == b;
        for (;; a++, b++) {
                if (dash2underscore(*a) != dash2underscore(*b))
                        return false;
                if (*a == '\0')
                        return true;
        }
}

/*
 * Duplicate rules, checked in the kernel sources:
 *
 * - Module parameters (built-in: parse_args() in kernel/params.c calls the param's set op for
 *   each occurrence; loadable: modprobe appends the /proc/cmdline options in order and
 *   load_module() parses them the same way) and most __setup() handlers store what they get, so
 *   the last occurrence wins. That is the default for every name not in this table.
 * - isolcpus=, nohz_full= (kernel/sched/isolation.c, housekeeping_setup()): the first call sets
 *   the housekeeping masks; a later call for a type already set is compared with it and dropped
 *   with "nohz_full= must match isolcpus=" when the CPU list differs. So the first CPU list wins
 *   (a later one with the same list may only add isolcpus flags). isolcpus=nohz,LIST and
 *   nohz_full=LIST share one type and must match each other too; that cross-check is left to the
 *   caller. Both are __setup("name="): a bare "isolcpus" does not reach the handler.
 * - default_hugepagesz= (mm/hugetlb.c, default_hugepagesz_setup()): "default_hugepagesz
 *   previously specified, ignoring": first wins.
 * - hugepagesz=, hugepages= (hugepagesz_setup(), hugepages_setup()): positional; a repeated
 *   size is ignored together with the hugepages= after it, a hugepages= repeated without a
 *   hugepagesz= in between is ignored. Read them with kcmdline_get_hugepages().
 */
static const struct dup_rule_entry {
        const char *name;
        enum kcmdline_dup_rule rule;
        bool needs_value; /* registered as __setup("name="): only "name=..." matches */
} dup_rules[] = {
        { "isolcpus", KCMDLINE_DUP_FIRST_WINS, true },           { "nohz_full", KCMDLINE_DUP_FIRST_WINS, true },
        { "default_hugepagesz", KCMDLINE_DUP_FIRST_WINS, true }, { "hugepagesz", KCMDLINE_DUP_POSITIONAL, true },
        { "hugepages", KCMDLINE_DUP_POSITIONAL, true },
};

static const struct dup_rule_entry *dup_rule_lookup(const char *name)
{
        for (size_t i = 0; i < ELEMENTSOF(dup_rules); i++)
                if (kcmdline_name_equal(name, dup_rules[i].name))
                        return &dup_rules[i];
        return NULL;
}

enum kcmdline_dup_rule kcmdline_dup_rule(const char *name)
{
        const struct dup_rule_entry *e = dup_rule_lookup(name);

        return e ? e->rule : KCMDLINE_DUP_LAST_WINS;
}

bool kcmdline_needs_value(const char *name)
{
        const struct dup_rule_entry *e = dup_rule_lookup(name);

        return e && e->needs_value;
}

bool kcmdline_is_hugepage_param(const char *name)
{
        return kcmdline_name_equal(name, "default_hugepagesz") || kcmdline_name_equal(name, "hugepagesz") ||
               kcmdline_name_equal(name, "hugepages");
}

void kcmdline_token_done(struct kcmdline_token *t)
{
        free(t->original);
        free(t->separator);
        free(t->name);
        free(t->value);
        *t = (struct kcmdline_token){};
}

struct kcmdline *kcmdline_free(struct kcmdline *k)
{
        if (!k)
                return NULL;
        for (size_t i = 0; i < k->n_tokens; i++)
                kcmdline_token_done(&k->tokens[i]);
        free(k->tokens);
        free(k->trailing);
        free(k);
        return NULL;
}

/*
 * One token as next_arg() (lib/cmdline.c) cuts it from args, which starts at a non-space. The
 * kernel writes NULs into its buffer; we do the same on a copy and keep the original bytes.
 * *ret_len is the token's length in args; *ret_open_quote is the offset of the quote left open
 * at the end, or -1 when every quote was closed.
 */
static int next_arg(const char *args, struct kcmdline_token *ret, size_t *ret_len, ssize_t *ret_open_quote)
{
        size_t skip = 0, i, equals = 0;
        bool in_quote = false, quoted = false;
        ssize_t open_quote = -1;

        if (args[0] == '"') {
                skip = 1;
                in_quote = quoted = true;
                open_quote = 0;
        }
        const char *p = args + skip;

        for (i = 0; p[i]; i++) {
                if (kcmdline_isspace(p[i]) && !in_quote)
                        break;
                /* equals == 0 doubles as "not seen": a '=' at offset 0 does not count */
                if (equals == 0 && p[i] == '=')
                        equals = i;
                if (p[i] == '"') {
                        in_quote = !in_quote;
                        open_quote = in_quote ? (ssize_t) (skip + i) : -1;
                }
        }

        _cleanup_free_ char *buf = strndup(p, i);
        _cleanup_free_ char *original = strndup(args, skip + i);
        if (!buf || !original)
                return -ENOMEM;

        char *val = NULL;
        if (equals) {
                buf[equals] = '\0';
                val = buf + equals + 1;
                /* "Don't include quotes in value." */
                if (*val == '"') {
                        val++;
                        if (buf[i - 1] == '"')
                                buf[i - 1] = '\0';
                }
        }
        if (quoted && i > 0 && buf[i - 1] == '"')
                buf[i - 1] = '\0';

        _cleanup_free_ char *name = strdup(buf);
        _cleanup_free_ char *value = val ? strdup(val) : NULL;
        if (!name || (val && !value))
                return -ENOMEM;

        *ret = (struct kcmdline_token){
                .original = TAKE_PTR(original),
                .name = TAKE_PTR(name),
                .value = TAKE_PTR(value),
                .has_value = val != NULL,
        };
        *ret_len = skip + i;
        *ret_open_quote = open_quote;
        return 0;
}

/* Room for N tokens, grown by doubling: a line of 200000 parameters (a hostile /proc/cmdline
 * under --root) must not cost a copy of the array per token. */
int kcmdline_tokens_reserve(struct kcmdline *k, size_t n)
{
        if (n <= k->n_allocated)
                return 0;
        size_t want = k->n_allocated * 2 > n ? k->n_allocated * 2 : n < 8 ? 8 : n;
        struct kcmdline_token *t = reallocarray(k->tokens, want, sizeof(*t));

        if (!t)
                return -ENOMEM;
        k->tokens = t;
        k->n_allocated = want;
        return 0;
}

int kcmdline_parse(const char *s, unsigned flags, struct kcmdline **ret, struct parse_error *ret_error)
{
        _cleanup_kcmdline_ struct kcmdline *k = NULL;
        bool dashdash_seen = false;
        size_t pos, sep_start = 0;
        int r;

        if (!s)
                s = "";

        k = calloc(1, sizeof(*k));
        if (!k)
                return -ENOMEM;

        pos = skip_spaces(s, 0);
        while (s[pos]) {
                struct kcmdline_token t;
                size_t len;
                ssize_t open_quote;

                r = next_arg(s + pos, &t, &len, &open_quote);
                if (r < 0)
                        return r;
                if (open_quote >= 0 && !(flags & KCMDLINE_PARSE_LENIENT)) {
                        kcmdline_token_done(&t);
                        return parse_error_set(ret_error, -EINVAL, pos + (size_t) open_quote,
                                               "a closing '\"' (the kernel reads the rest of the line as one value)");
                }

                t.separator = strndup(s + sep_start, pos - sep_start);
                if (!t.separator) {
                        kcmdline_token_done(&t);
                        return -ENOMEM;
                }

                /* parse_args(): "Stop at --", only a bare "--" (after quote removal) */
                if (dashdash_seen)
                        t.after_dashdash = true;
                else if (!t.has_value && streq(t.name, "--"))
                        t.is_dashdash = dashdash_seen = true;

                r = kcmdline_tokens_reserve(k, k->n_tokens + 1);
                if (r < 0) {
                        kcmdline_token_done(&t);
                        return r;
                }
                k->tokens[k->n_tokens++] = t;

                pos += len;
                sep_start = pos;
                pos = skip_spaces(s, pos);
        }

        k->trailing = strndup(s + sep_start, pos - sep_start);
        if (!k->trailing)
                return -ENOMEM;

        *ret = TAKE_PTR(k);
        return 0;
}

static int token_copy(const struct kcmdline_token *src, struct kcmdline_token *ret)
{
        struct kcmdline_token t = *src;

        t.original = strdup(src->original);
        t.separator = strdup(src->separator);
        t.name = strdup(src->name);
        t.value = src->value ? strdup(src->value) : NULL;
        if (!t.original || !t.separator || !t.name || (src->value && !t.value)) {
                kcmdline_token_done(&t);
                return -ENOMEM;
        }
        *ret = t;
        return 0;
}

int kcmdline_copy(const struct kcmdline *k, struct kcmdline **ret)
{
        _cleanup_kcmdline_ struct kcmdline *c = calloc(1, sizeof(*c));
        int r;

        if (!c)
                return -ENOMEM;
        c->trailing = strdup(k->trailing);
        if (!c->trailing)
                return -ENOMEM;
        r = kcmdline_tokens_reserve(c, k->n_tokens);
        if (r < 0)
                return r;
        for (size_t i = 0; i < k->n_tokens; i++) {
                r = token_copy(&k->tokens[i], &c->tokens[i]);
                if (r < 0)
                        return r;
                c->n_tokens++;
        }
        *ret = TAKE_PTR(c);
        return 0;
}

static size_t tokens_length(const struct kcmdline *k)
{
        size_t len = 0;

        for (size_t i = 0; i < k->n_tokens; i++)
                len += strlen(k->tokens[i].separator) + strlen(k->tokens[i].original);
        return len;
}

int kcmdline_format(const struct kcmdline *k, char **ret)
{
        size_t len = tokens_length(k) + strlen(k->trailing);
        char *s = malloc(len + 1), *p;

        if (!s)
                return -ENOMEM;
        p = s;
        for (size_t i = 0; i < k->n_tokens; i++) {
                p = stpcpy(p, k->tokens[i].separator);
                p = stpcpy(p, k->tokens[i].original);
        }
        stpcpy(p, k->trailing);
        *ret = s;
        return 0;
}

size_t kcmdline_length(const struct kcmdline *k)
{
        /* leading whitespace reaches the kernel, so it counts; only the trailing part is dropped */
        return tokens_length(k);
}

int kcmdline_check_length(const struct kcmdline *k, size_t reserve)
{
        size_t len = kcmdline_length(k);

        if (reserve > KCMDLINE_MAX_LEN || len > KCMDLINE_MAX_LEN - reserve)
                return -E2BIG;
        return 0;
}

size_t kcmdline_kernel_end(const struct kcmdline *k)
{
        for (size_t i = 0; i < k->n_tokens; i++)
                if (k->tokens[i].is_dashdash)
                        return i;
        return k->n_tokens;
}

bool kcmdline_token_matches(const struct kcmdline_token *t, const char *name, bool kernel_view)
{
        if (!kcmdline_name_equal(t->name, name))
                return false;
        return !(kernel_view && !t->has_value && kcmdline_needs_value(name));
}

size_t kcmdline_count(const struct kcmdline *k, const char *name)
{
        size_t n = 0, end = kcmdline_kernel_end(k);

        for (size_t i = 0; i < end; i++)
                if (kcmdline_token_matches(&k->tokens[i], name, true))
                        n++;
        return n;
}

bool kcmdline_contains(const struct kcmdline *k, const char *name) { return kcmdline_count(k, name) > 0; }

int kcmdline_get(const struct kcmdline *k, const char *name, const char **ret_value)
{
        enum kcmdline_dup_rule rule = kcmdline_dup_rule(name);
        const struct kcmdline_token *found = NULL;
        size_t n = 0, end = kcmdline_kernel_end(k);

        for (size_t i = 0; i < end; i++) {
                if (!kcmdline_token_matches(&k->tokens[i], name, true))
                        continue;
                n++;
                if (!found || rule != KCMDLINE_DUP_FIRST_WINS)
                        found = &k->tokens[i];
        }
        if (!found)
                return -ENOENT;
        if (rule == KCMDLINE_DUP_POSITIONAL && n > 1)
                return -ENOTUNIQ;
        if (ret_value)
                *ret_value = found->value;
        return 0;
}

int kcmdline_get_all(const struct kcmdline *k, const char *name, const struct kcmdline_token ***ret, size_t *ret_n)
{
        size_t n = kcmdline_count(k, name), j = 0, end = kcmdline_kernel_end(k);
        const struct kcmdline_token **a = calloc(n + 1, sizeof(*a));

        if (!a)
                return -ENOMEM;
        for (size_t i = 0; i < end; i++)
                if (kcmdline_token_matches(&k->tokens[i], name, true))
                        a[j++] = &k->tokens[i];
        *ret = a;
        *ret_n = n;
        return 0;
}

/* parameq()'s order: '-' sorts as '_'. */
static int name_compare(const char *a, const char *b)
{
        for (;; a++, b++) {
                unsigned char x = (unsigned char) dash2underscore(*a), y = (unsigned char) dash2underscore(*b);
                if (x != y)
                        return x < y ? -1 : 1;
                if (x == '\0')
                        return 0;
        }
}

/* By name, then in line order (the tokens are one array), so a name's occurrences stay in order. */
static int token_compare(const void *a, const void *b)
{
        const struct kcmdline_token *x = *(const struct kcmdline_token *const *) a;
        const struct kcmdline_token *y = *(const struct kcmdline_token *const *) b;
        int c = name_compare(x->name, y->name);

        return c != 0 ? c : x < y ? -1 : x > y;
}

int kcmdline_index_build(const struct kcmdline *k, struct kcmdline_index *ret)
{
        size_t end = kcmdline_kernel_end(k), n = 0;
        const struct kcmdline_token **v = calloc(end + 1, sizeof(*v));

        if (!v)
                return -ENOMEM;
        /* a token kcmdline_get_all() never returns for its own name is left out */
        for (size_t i = 0; i < end; i++)
                if (k->tokens[i].name && kcmdline_token_matches(&k->tokens[i], k->tokens[i].name, true))
                        v[n++] = &k->tokens[i];
        qsort(v, n, sizeof(*v), token_compare);
        *ret = (struct kcmdline_index){ v, n };
        return 0;
}

void kcmdline_index_done(struct kcmdline_index *x)
{
        free(x->tokens);
        *x = (struct kcmdline_index){};
}

size_t kcmdline_index_get_all(const struct kcmdline_index *x, const char *name,
                              const struct kcmdline_token *const **ret)
{
        size_t lo = 0, hi = x->n, end;

        /* the first token not before NAME, then the run of those equal to it */
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (name_compare(x->tokens[mid]->name, name) < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        for (end = lo; end < x->n && name_compare(x->tokens[end]->name, name) == 0;)
                end++;
        *ret = x->tokens + lo;
        return end - lo;
}
