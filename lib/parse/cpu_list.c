/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* CPU sets, and the kernel's CPU list syntax (bitmap_parselist() and "%*pbl") to and from them. */

#include "cpu_list.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "macro.h"

static size_t n_words(unsigned nbits) { return ((size_t) nbits + 63) / 64; }

int cpu_set_init(struct cpu_set *set, unsigned nbits)
{
        size_t n = n_words(nbits);
        uint64_t *words;

        assert(set);

        /* At least one word, so that words == NULL only ever means "zero-initialized". */
        words = calloc(n > 0 ? n : 1, sizeof(uint64_t));
        if (!words)
                return -ENOMEM;

        *set = (struct cpu_set){ .nbits = nbits, .words = words };
        return 0;
}

void cpu_set_done(struct cpu_set *set)
{
        if (!set)
                return;
        free(set->words);
        *set = (struct cpu_set){};
}

int cpu_set_copy(struct cpu_set *dst, const struct cpu_set *src)
{
        struct cpu_set copy;
        int r;

        r = cpu_set_init(&copy, src->nbits);
        if (r < 0)
                return r;
        if (src->words)
                memcpy(copy.words, src->words, n_words(src->nbits) * sizeof(uint64_t));
        *dst = copy;
        return 0;
}

void cpu_set_add(struct cpu_set *set, unsigned cpu)
{
        if (cpu < set->nbits)
                set->words[cpu / 64] |= UINT64_C(1) << (cpu % 64);
}

bool cpu_set_has(const struct cpu_set *set, unsigned cpu)
{
        return cpu < set->nbits && (set->words[cpu / 64] >> (cpu % 64) & 1);
}

/* Word i of a set, 0 past its end: lets sets of different sizes be compared as CPU numbers. */
static uint64_t word(const struct cpu_set *set, size_t i) { return i < n_words(set->nbits) ? set->words[i] : 0; }

static size_t max_words(const struct cpu_set *a, const struct cpu_set *b)
{
        size_t na = n_words(a->nbits), nb = n_words(b->nbits);
        return na > nb ? na : nb;
}

unsigned cpu_set_count(const struct cpu_set *set)
{
        unsigned count = 0;

        for (size_t i = 0; i < n_words(set->nbits); i++)
                count += (unsigned) __builtin_popcountll(set->words[i]);
        return count;
}

bool cpu_set_is_empty(const struct cpu_set *set)
{
        for (size_t i = 0; i < n_words(set->nbits); i++)
                if (set->words[i] != 0)
                        return false;
        return true;
}

bool cpu_set_equal(const struct cpu_set *a, const struct cpu_set *b)
{
        for (size_t i = 0; i < max_words(a, b); i++)
                if (word(a, i) != word(b, i))
                        return false;
        return true;
}

bool cpu_set_is_subset(const struct cpu_set *sub, const struct cpu_set *super)
{
        for (size_t i = 0; i < max_words(sub, super); i++)
                if (word(sub, i) & ~word(super, i))
                        return false;
        return true;
}

bool cpu_set_intersects(const struct cpu_set *a, const struct cpu_set *b)
{
        for (size_t i = 0; i < max_words(a, b); i++)
                if (word(a, i) & word(b, i))
                        return true;
        return false;
}

void cpu_set_union(struct cpu_set *dst, const struct cpu_set *src)
{
        size_t n = n_words(dst->nbits);

        for (size_t i = 0; i < n; i++)
                dst->words[i] |= word(src, i);
        /* Keep the invariant: no bits at or above nbits. */
        if (dst->nbits % 64 != 0)
                dst->words[n - 1] &= (UINT64_C(1) << (dst->nbits % 64)) - 1;
}

void cpu_set_subtract(struct cpu_set *dst, const struct cpu_set *src)
{
        for (size_t i = 0; i < n_words(dst->nbits); i++)
                dst->words[i] &= ~word(src, i);
}

int cpu_set_next(const struct cpu_set *set, unsigned from)
{
        for (size_t i = from / 64; from < set->nbits && i < n_words(set->nbits); i++) {
                uint64_t w = set->words[i];
                if (i == from / 64)
                        w &= ~UINT64_C(0) << (from % 64);
                if (w != 0)
                        return (int) (i * 64 + (size_t) __builtin_ctzll(w));
        }
        return -1;
}

/* The kernel's isspace(): lib/ctype.c counts Latin-1 NBSP (0xA0) as a space, as kcmdline.c does. */
static bool is_space(char c)
{
        return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' || (unsigned char) c == 0xA0;
}

/* bitmap-str.c __end_of_region(): what separates entries. */
static bool is_separator(char c) { return is_space(c) || c == ','; }

/* bitmap-str.c end_of_region(): what may follow a number that ends an entry. */
static bool end_of_region(char c) { return is_separator(c) || c == '\0'; }

/*
 * bitmap_getnum(): "N" or a decimal number. Like _parse_integer() it takes every digit before
 * judging the value, so "99999999999" is -EOVERFLOW, not -EINVAL at its eleventh digit.
 */
static int get_number(const char *s, size_t *pos, unsigned lastbit, unsigned *ret)
{
        uint64_t v = 0;
        bool overflow = false;
        size_t p = *pos;

        if (s[p] == 'N') {
                *ret = lastbit;
                *pos = p + 1;
                return 0;
        }

        if (s[p] < '0' || s[p] > '9')
                return -EINVAL;
        for (; s[p] >= '0' && s[p] <= '9'; p++) {
                v = v * 10 + (uint64_t) (s[p] - '0');
                if (v > UINT32_MAX) {
                        overflow = true;
                        v = UINT32_MAX + UINT64_C(1); /* stays above the limit, never wraps */
                }
        }
        if (overflow)
                return -EOVERFLOW;

        *ret = (unsigned) v;
        *pos = p;
        return 0;
}

#define EXPECT_OVERFLOW "a number below 4294967296"

/* One entry of the list: bitmap_parse_region()'s struct region, with where each number began. */
struct region {
        unsigned start, end, used, group;
        size_t end_pos, used_pos, group_pos;
        bool pattern;    /* "a-b:used/group" */
        bool stops_list; /* the kernel stops at the newline right after this entry */
};

static int get(const char *s, size_t *pos, unsigned lastbit, unsigned *ret, size_t *ret_at, const char *expected,
               struct parse_error *e)
{
        *ret_at = *pos;
        int r = get_number(s, pos, lastbit, ret);
        if (r < 0)
                return parse_error_set(e, r, *ret_at, r == -EOVERFLOW ? EXPECT_OVERFLOW : expected);
        return 0;
}

/* bitmap_parse_region(): "all", "a" or "a-b", then maybe ":used/group". */
static int parse_region(const char *s, size_t *pos, unsigned lastbit, struct region *r, struct parse_error *e)
{
        size_t start_pos;
        int k;

        *r = (struct region){};
        if (strncasecmp(s + *pos, "all", 3) == 0) {
                r->end = lastbit;
                r->end_pos = *pos;
                *pos += 3;
        } else {
                if ((k = get(s, pos, lastbit, &r->start, &start_pos, "a CPU number, a range a-b, N or all", e)) < 0)
                        return k;
                r->end = r->start;
                r->end_pos = start_pos;
                if (!end_of_region(s[*pos])) {
                        if (s[*pos] != '-')
                                return parse_error_set(e, -EINVAL, *pos, "',' or '-' after a CPU number");
                        (*pos)++;
                        if ((k = get(s, pos, lastbit, &r->end, &r->end_pos, "a CPU number or N after '-'", e)) < 0)
                                return k;
                }
        }

        if (end_of_region(s[*pos])) {
                /* Unsigned like the kernel's: end + 1 wraps to 0 for end == 2^32-1. */
                r->used = r->group = r->end + 1;
                /* bitmap_parse_region() returns NULL at a newline here: the list ends. */
                r->stops_list = s[*pos] == '\n';
                return 0;
        }
        if (s[*pos] != ':')
                return parse_error_set(e, -EINVAL, *pos, "',' or ':used/group' after a range");
        (*pos)++;
        if ((k = get(s, pos, lastbit, &r->used, &r->used_pos, "the number of CPUs used per group", e)) < 0)
                return k;
        if (s[*pos] != '/')
                return parse_error_set(e, -EINVAL, *pos, "'/' and a group size");
        (*pos)++;
        if ((k = get(s, pos, lastbit, &r->group, &r->group_pos, "a group size", e)) < 0)
                return k;
        r->pattern = true;
        /* Whatever follows is judged as the start of the next entry, as in the kernel. */
        return 0;
}

/* bitmap_check_region(): -EINVAL before -ERANGE; then what we refuse beyond the kernel. */
static int check_region(const struct region *r, unsigned nbits, struct parse_error *e)
{
        if (r->start > r->end)
                return parse_error_set(e, -EINVAL, r->end_pos, "a range end not below its start");
        if (r->group == 0)
                return parse_error_set(e, -EINVAL, r->pattern ? r->group_pos : r->end_pos,
                                       r->pattern ? "a group size of at least 1"
                                                  : "a CPU number below the number of CPUs");
        if (r->used > r->group)
                return parse_error_set(e, -EINVAL, r->used_pos, "a used count not above the group size");
        if (r->end >= nbits)
                return parse_error_set(e, -ERANGE, r->end_pos, "a CPU number below the number of CPUs");
        /*
         * Stricter than the kernel: a group larger than the range means one group, and the
         * kernel's unsigned start + group wraps for sizes near 2^32 ("1-7:1/4294967295" sets 0-1
         * there), so such a size is a mistake either way.
         */
        if (r->pattern && r->group > r->end - r->start + 1)
                return parse_error_set(e, -EINVAL, r->group_pos, "a group size not larger than the range");
        return 0;
}

/* bitmap_set_region(); 64-bit so that start + group cannot wrap. */
static void set_region(struct cpu_set *set, const struct region *r)
{
        for (uint64_t g = r->start; g <= r->end; g += r->group) {
                uint64_t n = (uint64_t) r->end - g + 1 < r->used ? (uint64_t) r->end - g + 1 : r->used;
                for (uint64_t cpu = g; cpu < g + n; cpu++)
                        cpu_set_add(set, (unsigned) cpu);
        }
}

int cpu_list_parse_full(const char *s, unsigned nbits, struct cpu_set *ret, struct parse_error *ret_error)
{
        _cleanup_(cpu_set_done) struct cpu_set set = {};
        const unsigned lastbit = nbits - 1; /* wraps for nbits == 0, as in the kernel */
        bool stopped = false;
        size_t pos = 0;
        int r;

        assert(s);
        assert(ret);

        r = cpu_set_init(&set, nbits);
        if (r < 0)
                return r;

        for (;;) {
                struct region region;

                /* bitmap_find_region(): commas and whitespace lead an entry. */
                while (is_separator(s[pos]))
                        pos++;
                if (s[pos] == '\0')
                        break;
                /* The kernel would ignore this entry: refuse rather than read what it does not. */
                if (stopped)
                        return parse_error_set(ret_error, -EINVAL, pos,
                                               "nothing after a newline that ends an entry (the kernel stops there)");
                r = parse_region(s, &pos, lastbit, &region, ret_error);
                if (r < 0)
                        return r;
                r = check_region(&region, nbits, ret_error);
                if (r < 0)
                        return r;
                set_region(&set, &region);
                stopped = region.stops_list;
        }

        *ret = set;
        set = (struct cpu_set){};
        return 0;
}

int cpu_list_parse(const char *s, unsigned nbits, struct cpu_set *ret, size_t *ret_error_pos)
{
        struct parse_error e = {};
        int r = cpu_list_parse_full(s, nbits, ret, &e);

        if (r < 0 && r != -ENOMEM && ret_error_pos)
                *ret_error_pos = e.offset;
        return r;
}

char *cpu_list_format(const struct cpu_set *set)
{
        size_t size = 1, len = 0;
        char *buf;

        /* Each run needs at most two 10-digit numbers, '-' and ','. */
        for (int cpu = cpu_set_next(set, 0); cpu >= 0;) {
                unsigned top = (unsigned) cpu;
                while (cpu_set_has(set, top + 1))
                        top++;
                size += 2 * 10 + 2;
                cpu = top + 1 < set->nbits ? cpu_set_next(set, top + 1) : -1;
        }

        buf = malloc(size);
        if (!buf)
                return NULL;
        buf[0] = '\0';

        /* bitmap_list_string(): "a" for a single CPU, "a-b" for any longer run. */
        for (int cpu = cpu_set_next(set, 0); cpu >= 0;) {
                unsigned top = (unsigned) cpu;
                while (cpu_set_has(set, top + 1))
                        top++;
                if (top == (unsigned) cpu)
                        len += (size_t) snprintf(buf + len, size - len, "%s%u", len ? "," : "", top);
                else
                        len += (size_t) snprintf(buf + len, size - len, "%s%d-%u", len ? "," : "", cpu, top);
                cpu = top + 1 < set->nbits ? cpu_set_next(set, top + 1) : -1;
        }
        return buf;
}
