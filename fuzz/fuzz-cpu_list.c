/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * CPU lists (isolcpus=, nohz_full=, sysfs *_list files, isolate-cpus): for a few machine sizes,
 * errors point inside the input, no CPU at or above nbits is set, format(parse(x)) parses back
 * to the same set and is already canonical, and the set operations keep their invariants.
 */
#include <errno.h>

#include "cpu_list.h"
#include "fuzz.h"

/* 0 and 1 for the wrap of "N" and "all", word boundaries, and the kernel's largest NR_CPUS. */
static const unsigned machine_sizes[] = { 0, 1, 2, 63, 64, 65, 1000, 8192 };
#define N_SIZES (sizeof(machine_sizes) / sizeof(machine_sizes[0]))

static void check_no_bits_above(const char *what, const struct cpu_set *set)
{
        size_t words = ((size_t) set->nbits + 63) / 64;
        if (set->nbits % 64)
                CHECK((set->words[words - 1] >> (set->nbits % 64)) == 0, "%s: bits set at or above %u", what,
                      set->nbits);
}

/* Parse s for nbits CPUs; on success *ret is the set (else left zeroed). */
static void check_parse(const char *s, unsigned nbits, struct cpu_set *ret)
{
        struct cpu_set set = {};
        struct parse_error e = { .offset = SIZE_MAX };
        size_t len = strlen(s);

        int r = cpu_list_parse_full(s, nbits, &set, &e);
        size_t pos = e.offset;
        const char *expected = e.expected;
        struct cpu_set plain = {};
        size_t pos_plain = SIZE_MAX;
        CHECK(cpu_list_parse(s, nbits, &plain, &pos_plain) == r, "'%s' (%u CPUs): parsers disagree", s, nbits);
        if (r < 0) {
                CHECK(r == -EINVAL || r == -ERANGE || r == -EOVERFLOW, "'%s' (%u CPUs): error %d", s, nbits, r);
                CHECK(pos <= len && pos == pos_plain, "'%s' (%u CPUs): error at %zu (%zu)", s, nbits, pos, pos_plain);
                CHECK(expected && *expected, "'%s': no 'expected' phrase", s);
                CHECK(set.words == NULL && plain.words == NULL, "'%s': result written on failure", s);
                return;
        }
        CHECK(r == 0 && set.nbits == nbits && set.words, "'%s' (%u CPUs): result %d", s, nbits, r);
        CHECK(cpu_set_equal(&set, &plain), "'%s' (%u CPUs): two parses differ", s, nbits);
        cpu_set_done(&plain);
        check_no_bits_above(s, &set);

        /* format(parse(x)) parses back to the same set, and is its own canonical form. */
        char *formatted = cpu_list_format(&set);
        CHECK(formatted, "out of memory");
        CHECK(strspn(formatted, "0123456789,-") == strlen(formatted), "'%s': formatted as '%s'", s, formatted);
        struct cpu_set again = {};
        CHECK(cpu_list_parse(formatted, nbits, &again, &pos) == 0, "'%s' (%u CPUs): '%s' does not parse", s, nbits,
              formatted);
        CHECK(cpu_set_equal(&set, &again) && cpu_set_count(&set) == cpu_set_count(&again),
              "'%s' (%u CPUs): '%s' is another set", s, nbits, formatted);
        char *twice = cpu_list_format(&again);
        CHECK(twice && strcmp(formatted, twice) == 0, "'%s': '%s' formats as '%s'", s, formatted, twice);
        free(twice);
        free(formatted);
        cpu_set_done(&again);

        /* cpu_set_next() walks exactly the members. */
        unsigned count = 0;
        for (int cpu = cpu_set_next(&set, 0); cpu >= 0; cpu = cpu_set_next(&set, (unsigned) cpu + 1)) {
                CHECK(cpu_set_has(&set, (unsigned) cpu), "'%s': next() gives %d, not a member", s, cpu);
                count++;
        }
        CHECK(count == cpu_set_count(&set), "'%s': next() finds %u of %u", s, count, cpu_set_count(&set));
        CHECK((count == 0) == cpu_set_is_empty(&set), "'%s': empty but %u members", s, count);
        *ret = set;
}

/* Union and subtraction of sets of different sizes, as cmdlinegen combines them. */
static void check_algebra(const char *s, const struct cpu_set *a, const struct cpu_set *b)
{
        struct cpu_set u = {};
        CHECK(cpu_set_copy(&u, a) == 0 && cpu_set_equal(&u, a), "'%s': copy differs", s);
        cpu_set_union(&u, b);
        check_no_bits_above("union", &u);
        CHECK(cpu_set_is_subset(a, &u), "'%s': not a subset of its union (%u, %u CPUs)", s, a->nbits, b->nbits);
        if (b->nbits <= a->nbits)
                CHECK(cpu_set_is_subset(b, &u), "'%s': %u-CPU set not in the union", s, b->nbits);
        cpu_set_subtract(&u, b);
        CHECK(!cpu_set_intersects(&u, b), "'%s': difference still meets the subtrahend", s);
        CHECK(cpu_set_is_subset(&u, a), "'%s': difference not in the original", s);
        cpu_set_done(&u);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *s = fuzz_string(data, size, NULL, NULL);
        if (!s)
                return 0;

        struct cpu_set sets[N_SIZES] = {};
        for (size_t i = 0; i < N_SIZES; i++)
                check_parse(s, machine_sizes[i], &sets[i]);
        for (size_t i = 0; i < N_SIZES; i++)
                for (size_t j = 0; j < N_SIZES; j++)
                        if (sets[i].words && sets[j].words)
                                check_algebra(s, &sets[i], &sets[j]);
        for (size_t i = 0; i < N_SIZES; i++)
                cpu_set_done(&sets[i]);
        free(s);
        return 0;
}
