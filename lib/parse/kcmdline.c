/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Kernel command line model: tokenizer faithful to the kernel, order-preserving edits, the
 * duplicate rules of the parameters we write, and the hugepage pairs. See kcmdline.h.
 */
#include "kcmdline.h"
#include "hexdigit.h"

#include <ctype.h>
#include <sys/types.h>

/*
 * The kernel's isspace() (lib/ctype.c): \t \n \v \f \r, space, and 0xA0 (NBSP in its Latin-1
 * table). glibc's isspace() in the C locale lacks 0xA0, so a UTF-8 character with a 0xA0 byte
 * ("à" is C3 A0) splits a token for the kernel and not for glibc: we follow the kernel.
 */
static bool kernel_isspace(char c)
{
        unsigned char u = (unsigned char) c;

        return u == ' ' || (u >= '\t' && u <= '\r') || u == 0xa0;
}

static bool has_kernel_space(const char *s)
{
        for (; *s; s++)
                if (kernel_isspace(*s))
                        return true;
        return false;
}

static size_t skip_spaces(const char *s, size_t pos)
{
        while (s[pos] && kernel_isspace(s[pos]))
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

bool kcmdline_is_hugepage_param(const char *name)
{
        return kcmdline_name_equal(name, "default_hugepagesz") || kcmdline_name_equal(name, "hugepagesz") ||
               kcmdline_name_equal(name, "hugepages");
}

static void token_done(struct kcmdline_token *t)
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
                token_done(&k->tokens[i]);
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
                if (kernel_isspace(p[i]) && !in_quote)
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
static int tokens_reserve(struct kcmdline *k, size_t n)
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

int kcmdline_parse(const char *s, unsigned flags, struct kcmdline **ret, size_t *ret_error_pos)
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
                        token_done(&t);
                        if (ret_error_pos)
                                *ret_error_pos = pos + (size_t) open_quote;
                        return -EINVAL;
                }

                t.separator = strndup(s + sep_start, pos - sep_start);
                if (!t.separator) {
                        token_done(&t);
                        return -ENOMEM;
                }

                /* parse_args(): "Stop at --", only a bare "--" (after quote removal) */
                if (dashdash_seen)
                        t.after_dashdash = true;
                else if (!t.has_value && streq(t.name, "--"))
                        t.is_dashdash = dashdash_seen = true;

                r = tokens_reserve(k, k->n_tokens + 1);
                if (r < 0) {
                        token_done(&t);
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
                token_done(&t);
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
        r = tokens_reserve(c, k->n_tokens);
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

/* Index of the "--" token, or n_tokens: everything before it is a kernel parameter. */
static size_t kernel_end(const struct kcmdline *k)
{
        for (size_t i = 0; i < k->n_tokens; i++)
                if (k->tokens[i].is_dashdash)
                        return i;
        return k->n_tokens;
}

/*
 * Whether t is an occurrence of name as the kernel sees it (kernel_view) or by name alone, which
 * is what removal uses so that no stray spelling is left behind.
 */
static bool token_matches(const struct kcmdline_token *t, const char *name, bool kernel_view)
{
        if (!kcmdline_name_equal(t->name, name))
                return false;
        if (kernel_view && !t->has_value) {
                const struct dup_rule_entry *e = dup_rule_lookup(name);
                if (e && e->needs_value)
                        return false;
        }
        return true;
}

size_t kcmdline_count(const struct kcmdline *k, const char *name)
{
        size_t n = 0, end = kernel_end(k);

        for (size_t i = 0; i < end; i++)
                if (token_matches(&k->tokens[i], name, true))
                        n++;
        return n;
}

bool kcmdline_contains(const struct kcmdline *k, const char *name) { return kcmdline_count(k, name) > 0; }

int kcmdline_get(const struct kcmdline *k, const char *name, const char **ret_value)
{
        enum kcmdline_dup_rule rule = kcmdline_dup_rule(name);
        const struct kcmdline_token *found = NULL;
        size_t n = 0, end = kernel_end(k);

        for (size_t i = 0; i < end; i++) {
                if (!token_matches(&k->tokens[i], name, true))
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
        size_t n = kcmdline_count(k, name), j = 0, end = kernel_end(k);
        const struct kcmdline_token **a = calloc(n + 1, sizeof(*a));

        if (!a)
                return -ENOMEM;
        for (size_t i = 0; i < end; i++)
                if (token_matches(&k->tokens[i], name, true))
                        a[j++] = &k->tokens[i];
        *ret = a;
        *ret_n = n;
        return 0;
}

static bool valid_name(const char *name)
{
        if (!name || !*name || streq(name, "--"))
                return false;
        for (const char *p = name; *p; p++)
                if (kernel_isspace(*p) || *p == '=' || *p == '"')
                        return false;
        return true;
}

static bool valid_value(const char *value)
{
        /* next_arg() has no escape: any '"' would open or close a quote */
        return !value || !strchr(value, '"');
}

/* A new token for name[=value], quoting a value with whitespace. Separator is left NULL. */
static int token_new(const char *name, const char *value, struct kcmdline_token *ret)
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
                token_done(&t);
                return -ENOMEM;
        }
        *ret = t;
        return 0;
}

/*
 * Insert t at idx, taking ownership. A token put first takes over the leading whitespace of the
 * line and pushes the old first token one space away; other tokens get one space before them.
 */
static int insert_token(struct kcmdline *k, size_t idx, struct kcmdline_token *t)
{
        char *sep;
        int r;

        r = tokens_reserve(k, k->n_tokens + 1);
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
        t->after_dashdash = idx > kernel_end(k) && kernel_end(k) < k->n_tokens;

        memmove(&k->tokens[idx + 1], &k->tokens[idx], (k->n_tokens - idx) * sizeof(*t));
        k->tokens[idx] = *t;
        *t = (struct kcmdline_token){};
        k->n_tokens++;
        return 0;
}

static void delete_token(struct kcmdline *k, size_t idx)
{
        /* the next token inherits the leading whitespace when the first one goes */
        if (idx == 0 && k->n_tokens > 1) {
                free(k->tokens[1].separator);
                k->tokens[1].separator = TAKE_PTR(k->tokens[0].separator);
        }
        token_done(&k->tokens[idx]);
        memmove(&k->tokens[idx], &k->tokens[idx + 1], (k->n_tokens - idx - 1) * sizeof(k->tokens[0]));
        k->n_tokens--;
}

static int replace_token(struct kcmdline_token *t, const char *name, const char *value)
{
        struct kcmdline_token n;
        int r;

        r = token_new(name, value, &n);
        if (r < 0)
                return r;
        n.separator = TAKE_PTR(t->separator);
        n.after_dashdash = t->after_dashdash;
        token_done(t);
        *t = n;
        return 0;
}

/*
 * A line read leniently with an unterminated quote: the quote runs to the end, so anything
 * appended would be swallowed into it. Edits refuse such a line rather than guess.
 */
static bool has_unterminated_quote(const struct kcmdline *k)
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

int kcmdline_set(struct kcmdline *k, const char *name, const char *value)
{
        size_t end = kernel_end(k), first = end;
        bool changed = false;
        int r;

        if (!valid_name(name) || !valid_value(value) || kcmdline_is_hugepage_param(name) || has_unterminated_quote(k))
                return -EINVAL;
        /* A bare "isolcpus" is ignored by the kernel (it registers "isolcpus="): writing one is a mistake. */
        const struct dup_rule_entry *rule = dup_rule_lookup(name);
        if (!value && rule && rule->needs_value)
                return -EINVAL;

        for (size_t i = 0; i < end; i++)
                if (token_matches(&k->tokens[i], name, true)) {
                        first = i;
                        break;
                }

        if (first == end) {
                struct kcmdline_token t;

                r = token_new(name, value, &t);
                if (r < 0)
                        return r;
                r = insert_token(k, end, &t);
                token_done(&t);
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
                if (token_matches(&k->tokens[i], name, true)) {
                        delete_token(k, i);
                        changed = true;
                }
        return changed;
}

int kcmdline_remove(struct kcmdline *k, const char *name)
{
        int n = 0;

        for (size_t i = kernel_end(k); i-- > 0;)
                if (token_matches(&k->tokens[i], name, false)) {
                        delete_token(k, i);
                        n++;
                }
        return n;
}

int kcmdline_remove_value(struct kcmdline *k, const char *name, const char *value)
{
        int n = 0;

        for (size_t i = kernel_end(k); i-- > 0;)
                if (token_matches(&k->tokens[i], name, false) && streq_ptr(k->tokens[i].value, value)) {
                        delete_token(k, i);
                        n++;
                }
        return n;
}

uint64_t kcmdline_memparse(const char *s, const char **ret_end)
{
        const char *p = s;
        unsigned base = 10;
        uint64_t v = 0;

        if (p[0] == '0') {
                if ((p[1] == 'x' || p[1] == 'X') && isxdigit((unsigned char) p[2])) {
                        base = 16;
                        p += 2;
                } else
                        base = 8;
        }
        for (;; p++) {
                int d = hex_digit_value(*p);
                if (d < 0 || (unsigned) d >= base)
                        break;
                v = v * base + (unsigned) d; /* wraps like the kernel's */
        }

        switch (*p) {
        case 'E':
        case 'e':
                v <<= 10;
                __attribute__((fallthrough));
        case 'P':
        case 'p':
                v <<= 10;
                __attribute__((fallthrough));
        case 'T':
        case 't':
                v <<= 10;
                __attribute__((fallthrough));
        case 'G':
        case 'g':
                v <<= 10;
                __attribute__((fallthrough));
        case 'M':
        case 'm':
                v <<= 10;
                __attribute__((fallthrough));
        case 'K':
        case 'k':
                v <<= 10;
                p++;
                break;
        default:
                break;
        }
        if (ret_end)
                *ret_end = p;
        return v;
}

/*
 * sscanf(p, "%lu%n") as the kernel's vsscanf() does it: leading whitespace skipped, then at
 * least one decimal digit. Returns false when there is no number.
 */
static bool scan_ulong(const char *p, uint64_t *ret, size_t *ret_count)
{
        size_t i = skip_spaces(p, 0);
        uint64_t v = 0;

        if (!isdigit((unsigned char) p[i]))
                return false;
        for (; isdigit((unsigned char) p[i]); i++)
                v = v * 10 + (uint64_t) (p[i] - '0');
        *ret = v;
        *ret_count = i;
        return true;
}

/* x86-64 arch_hugetlb_valid_size() with X86_FEATURE_GBPAGES: PMD_SIZE and PUD_SIZE. */
static bool x86_size_valid(uint64_t size, void *userdata)
{
        return size == (UINT64_C(2) << 20) || size == (UINT64_C(1) << 30);
}

/* The kernel's hstates[] is HUGE_MAX_HSTATE long (2 on x86); this is more than any arch has. */
#define HSTATE_MAX 16

/* The __initdata state of mm/hugetlb.c's command-line parsing. */
struct hugetlb_sim {
        struct hstate_sim {
                uint64_t size;
                uint64_t pages;
                const char *count; /* borrowed from the line */
                bool mentioned;    /* created by a hugepagesz= or default_hugepagesz= */
        } h[HSTATE_MAX];
        size_t n;               /* hugetlb_max_hstate */
        ssize_t parsed;         /* parsed_hstate, -1: none */
        bool parsed_valid;      /* parsed_valid_hugepagesz */
        bool parsed_default;    /* parsed_default_hugepagesz */
        size_t default_idx;     /* default_hstate_idx */
        uint64_t leading_pages; /* default_hstate_max_huge_pages */
        const char *leading_count;
        ssize_t last; /* last_mhp: -2 none, -1 leading_pages, else an hstate */
        kcmdline_size_valid_fn valid;
        void *userdata;
};

#define TARGET_NONE (-2)
#define TARGET_LEADING (-1)

static ssize_t sim_find(const struct hugetlb_sim *s, uint64_t size)
{
        for (size_t i = 0; i < s->n; i++)
                if (s->h[i].size == size)
                        return (ssize_t) i;
        return -1;
}

/* hugetlb_add_hstate(): parsed_hstate moves only when the size is new. */
static ssize_t sim_add_hstate(struct hugetlb_sim *s, uint64_t size)
{
        ssize_t i = sim_find(s, size);

        if (i >= 0)
                return i;
        if (s->n >= HSTATE_MAX)
                return -1; /* the kernel would BUG_ON(); cannot happen with real sizes */
        s->h[s->n] = (struct hstate_sim){ .size = size };
        s->parsed = (ssize_t) s->n;
        return (ssize_t) s->n++;
}

static void sim_hugepages(struct hugetlb_sim *s, const char *arg)
{
        uint64_t *mhp, tmp;
        const char **count;
        const char *p = arg;
        ssize_t target;
        size_t n;

        if (!s->parsed_valid) {
                /* "hugepages=%s does not follow a valid hugepagesz, ignoring" */
                s->parsed_valid = true;
                return;
        }
        /* no hstate yet: the count is for the default size, whatever it turns out to be */
        target = s->n == 0 ? TARGET_LEADING : s->parsed;
        if (target == s->last)
                return; /* "hugepages= specified twice without interleaving hugepagesz=" */

        if (target == TARGET_LEADING) {
                mhp = &s->leading_pages;
                count = &s->leading_count;
        } else {
                mhp = &s->h[target].pages;
                count = &s->h[target].count;
        }

        while (*p) {
                if (!scan_ulong(p, &tmp, &n))
                        goto invalid;
                if (p[n] == ':') {
                        /* node:count; the kernel also wants the node online, unknown here */
                        p += n + 1;
                        if (!scan_ulong(p, &tmp, &n))
                                goto invalid;
                        *mhp += tmp;
                        if (p[n] != ',')
                                break;
                        p += n + 1;
                } else {
                        if (p != arg)
                                goto invalid;
                        *mhp = tmp; /* trailing characters after the number are ignored */
                        break;
                }
        }
        *count = arg;
        s->last = target;
        return;

invalid:
        /* hugepages_clear_pages_in_node(); last_mhp is not updated */
        *mhp = 0;
        *count = NULL;
}

static void sim_hugepagesz(struct hugetlb_sim *s, const char *arg)
{
        uint64_t size = kcmdline_memparse(arg, NULL);
        ssize_t i;

        s->parsed_valid = false;
        if (!s->valid(size, s->userdata))
                return; /* "unsupported hugepagesz=" */

        i = sim_find(s, size);
        if (i >= 0) {
                /* allowed again only for the default size while it has no count yet */
                if (!s->parsed_default || (size_t) i != s->default_idx || s->h[i].pages)
                        return; /* "hugepagesz=%s specified twice, ignoring" */
                s->parsed = i;
                s->parsed_valid = true;
                return;
        }
        i = sim_add_hstate(s, size);
        if (i < 0)
                return;
        s->h[i].mentioned = true;
        s->parsed_valid = true;
}

static void sim_default_hugepagesz(struct hugetlb_sim *s, const char *arg)
{
        uint64_t size;
        ssize_t i;

        s->parsed_valid = false;
        if (s->parsed_default)
                return; /* "default_hugepagesz previously specified, ignoring" */
        size = kcmdline_memparse(arg, NULL);
        if (!s->valid(size, s->userdata))
                return;
        i = sim_add_hstate(s, size);
        if (i < 0)
                return;
        s->h[i].mentioned = true;
        s->parsed_valid = true;
        s->parsed_default = true;
        s->default_idx = (size_t) i;
        /* a leading hugepages= was for the default size: it lands here */
        if (s->leading_pages) {
                s->h[i].pages = s->leading_pages;
                s->h[i].count = s->leading_count;
                s->leading_pages = 0;
        }
}

/* hugetlb_init(): the HPAGE_SIZE hstate always exists and is the default unless one was given. */
static void sim_finish(struct hugetlb_sim *s)
{
        ssize_t i = sim_add_hstate(s, KCMDLINE_HPAGE_SIZE_DEFAULT);

        if (i < 0 || s->parsed_default)
                return;
        s->default_idx = (size_t) i;
        /* "Ignoring hugepages=%lu associated with %s page size": the leading count wins */
        if (s->leading_pages) {
                s->h[i].pages = s->leading_pages;
                s->h[i].count = s->leading_count;
        }
}

void kcmdline_hugepages_done(struct kcmdline_hugepages *h)
{
        if (!h)
                return;
        for (size_t i = 0; i < h->n; i++)
                free(h->entries[i].count);
        free(h->entries);
        *h = (struct kcmdline_hugepages){};
}

int kcmdline_get_hugepages(const struct kcmdline *k, kcmdline_size_valid_fn valid, void *userdata,
                           struct kcmdline_hugepages *ret)
{
        struct hugetlb_sim s = {
                .parsed = -1,
                .parsed_valid = true,
                .last = TARGET_NONE,
                .valid = valid ? valid : x86_size_valid,
                .userdata = userdata,
        };
        struct kcmdline_hugepages h = {};
        size_t end = kernel_end(k);

        /*
         * Replayed in command-line order. Since 6.15 the kernel records these as early params
         * and replays them the same way (hugetlb_parse_params()), but keeps only
         * 2 * HUGE_MAX_HSTATE + 1 of them (5 on x86): kcmdline_set_hugepages() writes 3.
         */
        for (size_t i = 0; i < end; i++) {
                const struct kcmdline_token *t = &k->tokens[i];

                if (!t->has_value)
                        continue;
                if (kcmdline_name_equal(t->name, "hugepages"))
                        sim_hugepages(&s, t->value);
                else if (kcmdline_name_equal(t->name, "hugepagesz"))
                        sim_hugepagesz(&s, t->value);
                else if (kcmdline_name_equal(t->name, "default_hugepagesz"))
                        sim_default_hugepagesz(&s, t->value);
        }
        sim_finish(&s);

        h.entries = calloc(s.n ? s.n : 1, sizeof(*h.entries));
        if (!h.entries)
                return -ENOMEM;
        for (size_t i = 0; i < s.n; i++) {
                struct kcmdline_hugepage *e = &h.entries[h.n];

                if (!s.h[i].mentioned && s.h[i].pages == 0)
                        continue;
                e->size = s.h[i].size;
                e->pages = s.h[i].pages;
                e->is_default = i == s.default_idx;
                if (s.h[i].count) {
                        e->count = strdup(s.h[i].count);
                        if (!e->count) {
                                kcmdline_hugepages_done(&h);
                                return -ENOMEM;
                        }
                }
                h.n++;
        }
        h.default_size = s.h[s.default_idx].size;
        *ret = h;
        return 0;
}

/* Our own output is held to the plain forms: "N" or "node:N[,node:N...]", nothing trailing. */
static bool valid_hugepages_count(const char *s)
{
        uint64_t v;
        size_t n;

        if (!isdigit((unsigned char) *s) || !scan_ulong(s, &v, &n))
                return false;
        if (s[n] == '\0')
                return true;
        /* s now starts with a node number */
        for (;;) {
                if (s[n] != ':')
                        return false;
                s += n + 1;
                if (!isdigit((unsigned char) *s) || !scan_ulong(s, &v, &n))
                        return false;
                if (s[n] == '\0')
                        return true;
                if (s[n] != ',')
                        return false;
                s += n + 1;
                if (!isdigit((unsigned char) *s) || !scan_ulong(s, &v, &n))
                        return false;
        }
}

static bool valid_hugepage_size(const char *s)
{
        const char *end;

        return isdigit((unsigned char) *s) && kcmdline_memparse(s, &end) > 0 && *end == '\0';
}

/*
 * Replace every hugepage parameter of the kernel part with block, in order, where the first old
 * one stood. Returns 1 when the line changed, 0 when block was already there exactly.
 */
static int replace_hugepage_block(struct kcmdline *k, const struct kcmdline_param *block, size_t n)
{
        size_t end = kernel_end(k), first = end, found = 0;
        bool same = true;
        int r;

        for (size_t i = 0; i < end; i++) {
                const struct kcmdline_token *t = &k->tokens[i];

                if (!kcmdline_is_hugepage_param(t->name))
                        continue;
                if (found == 0)
                        first = i;
                /* unchanged only when the old ones are exactly the block, contiguous */
                if (found >= n || i != first + found || !kcmdline_name_equal(t->name, block[found].name) ||
                    !streq_ptr(t->value, block[found].value))
                        same = false;
                found++;
        }
        if (same && found == n)
                return 0;

        for (size_t i = end; i-- > 0;)
                if (kcmdline_is_hugepage_param(k->tokens[i].name))
                        delete_token(k, i);
        if (first > kernel_end(k))
                first = kernel_end(k);

        for (size_t j = 0; j < n; j++) {
                struct kcmdline_token t;

                r = token_new(block[j].name, block[j].value, &t);
                if (r < 0)
                        return r;
                r = insert_token(k, first + j, &t);
                token_done(&t);
                if (r < 0)
                        return r;
        }
        return 1;
}

/* Edits that must not leave k half done run on a copy which then takes k's place. */
static void kcmdline_swap(struct kcmdline *a, struct kcmdline *b)
{
        struct kcmdline tmp = *a;

        *a = *b;
        *b = tmp;
}

int kcmdline_set_hugepages(struct kcmdline *k, const char *size, const char *count)
{
        _cleanup_kcmdline_ struct kcmdline *c = NULL;
        int r;

        if (!size || !count || !valid_hugepage_size(size) || !valid_hugepages_count(count) || has_unterminated_quote(k))
                return -EINVAL;

        const struct kcmdline_param block[] = {
                { "default_hugepagesz", size },
                { "hugepagesz", size },
                { "hugepages", count },
        };

        r = kcmdline_copy(k, &c);
        if (r < 0)
                return r;
        r = replace_hugepage_block(c, block, ELEMENTSOF(block));
        if (r > 0)
                kcmdline_swap(k, c);
        return r;
}

int kcmdline_merge(struct kcmdline *k, const struct kcmdline_param *params, size_t n)
{
        _cleanup_kcmdline_ struct kcmdline *c = NULL;
        _cleanup_free_ struct kcmdline_param *block = NULL;
        size_t n_block = 0;
        int r, changed = 0;

        for (size_t i = 0; i < n; i++) {
                if (!valid_name(params[i].name) || !valid_value(params[i].value))
                        return -EINVAL;
                if (kcmdline_is_hugepage_param(params[i].name)) {
                        const char *v = params[i].value;

                        /* the kernel ignores a bare one: writing it is a mistake */
                        if (!v)
                                return -EINVAL;
                        if (kcmdline_name_equal(params[i].name, "hugepages") ? !valid_hugepages_count(v)
                                                                             : !valid_hugepage_size(v))
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
                r = replace_hugepage_block(c, block, n_block);
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
