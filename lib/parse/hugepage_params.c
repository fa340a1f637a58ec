/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The hugepage parameters of the kernel command line (default_hugepagesz=, hugepagesz=,
 * hugepages=): what the kernel makes of them, replaying mm/hugetlb.c, and the one ordered block
 * we write in their place. See hugepage_params.h.
 */
#include "hugepage_params.h"

#include <ctype.h>
#include <sys/types.h>

#include "hexdigit.h"
#include "kcmdline.h"
#include "kcmdline_edit.h"

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
        size_t i = 0;

        while (kcmdline_isspace(p[i]))
                i++;
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
        size_t end = kcmdline_kernel_end(k);

        /*
         * Replayed in command-line order. Since 6.15 the kernel records these as early params
         * and replays them the same way (hugetlb_parse_params()), but keeps only
         * 2 * HUGE_MAX_HSTATE + 1 of them (5 on x86): kcmdline_merge() writes 3.
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
bool hugepage_count_valid(const char *s)
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

bool hugepage_size_valid(const char *s)
{
        const char *end;

        return isdigit((unsigned char) *s) && kcmdline_memparse(s, &end) > 0 && *end == '\0';
}

/*
 * Replace every hugepage parameter of the kernel part with block, in order, where the first old
 * one stood. Returns 1 when the line changed, 0 when block was already there exactly.
 */
int hugepage_block_replace(struct kcmdline *k, const struct kcmdline_param *block, size_t n)
{
        size_t end = kcmdline_kernel_end(k), first = end, found = 0;
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
                        kcmdline_delete_token(k, i);
        if (first > kcmdline_kernel_end(k))
                first = kcmdline_kernel_end(k);

        for (size_t j = 0; j < n; j++) {
                struct kcmdline_token t;

                r = kcmdline_token_new(block[j].name, block[j].value, &t);
                if (r < 0)
                        return r;
                r = kcmdline_insert_token(k, first + j, &t);
                kcmdline_token_done(&t);
                if (r < 0)
                        return r;
        }
        return 1;
}
