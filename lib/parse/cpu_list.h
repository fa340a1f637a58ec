/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * CPU lists as the kernel's bitmap_parselist() reads them for isolcpus=, nohz_full= and sysfs:
 *   "a", "a-b", "a-b:used/group", "N" (the last CPU, nr_cpu_ids-1), "all", comma-separated.
 * Stored as a bitmap sized for nr_cpu_ids.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parse_error.h"

struct cpu_set {
        unsigned nbits;  /* nr_cpu_ids this set was parsed for */
        uint64_t *words; /* (nbits + 63) / 64 words; bits >= nbits are always 0 */
};

/*
 * A set is a plain struct: zero-initialize it ("struct cpu_set s = {};") and it can be passed to
 * cpu_set_done(), so _cleanup_(cpu_set_done) works. cpu_set_init() and cpu_set_copy() overwrite
 * their target without freeing it. Both return 0 or -ENOMEM.
 */
int cpu_set_init(struct cpu_set *set, unsigned nbits);
void cpu_set_done(struct cpu_set *set);
int cpu_set_copy(struct cpu_set *dst, const struct cpu_set *src);

/* CPUs >= set->nbits are ignored by add and never "had". */
void cpu_set_add(struct cpu_set *set, unsigned cpu);
bool cpu_set_has(const struct cpu_set *set, unsigned cpu);
unsigned cpu_set_count(const struct cpu_set *set);
bool cpu_set_is_empty(const struct cpu_set *set);
/* Sets compare as sets of CPU numbers: sizes may differ. */
bool cpu_set_equal(const struct cpu_set *a, const struct cpu_set *b);
bool cpu_set_is_subset(const struct cpu_set *sub, const struct cpu_set *super);
/* CPUs of src at or above dst->nbits are dropped. */
void cpu_set_union(struct cpu_set *dst, const struct cpu_set *src);
void cpu_set_subtract(struct cpu_set *dst, const struct cpu_set *src);
bool cpu_set_intersects(const struct cpu_set *a, const struct cpu_set *b);
/* First CPU >= from in the set, or -1. */
int cpu_set_next(const struct cpu_set *set, unsigned from);

/*
 * Parse into a fresh set of nbits CPUs (*ret is written only on success), following
 * bitmap_parselist() in lib/bitmap-str.c (lib/bitmap.c in older kernels):
 *  - numbers are decimal, no sign, no "0x"; "N" (uppercase only) is nbits-1 and may stand for any
 *    number, also in "a-b:used/group"; "all" (any case) is 0-(nbits-1), optionally with
 *    ":used/group"; a group pattern needs a range ("3:1/2" is -EINVAL);
 *  - commas and whitespace (the kernel's isspace(): also newlines and Latin-1 NBSP 0xA0) both
 *    separate entries and may lead or trail: "", ",", " 1,,2 ", "\n1", "1,\n2" parse;
 *  - a number above 2^32-1 is -EOVERFLOW; a reversed range ("3-1"), a group size of 0 or
 *    used > group is -EINVAL; an end CPU >= nbits is -ERANGE (checked after -EINVAL, entry by
 *    entry, as the kernel does);
 *  - stricter than the kernel: the kernel stops at a newline right after "a", "a-b" or "all" and
 *    ignores the rest, so an entry after such a newline is -EINVAL ("1\n2"); a trailing newline
 *    (sysfs files end in one) is fine, and after "a-b:u/g" the kernel reads on, as we do;
 *  - stricter than the kernel: a group size larger than the range ("0-5:1/8") is -EINVAL; the
 *    kernel's unsigned arithmetic wraps for sizes near 2^32.
 * *ret_error_pos (if non-NULL) is the byte offset of the offending character: the unexpected
 * character, or the start of the number that is out of range or overflows.
 */
int cpu_list_parse(const char *s, unsigned nbits, struct cpu_set *ret, size_t *ret_error_pos);

/*
 * As above; on error *ret_error (if non-NULL) says where, and what was expected there, to print
 * as "expected %s", e.g. "a CPU number below the number of CPUs".
 */
int cpu_list_parse_full(const char *s, unsigned nbits, struct cpu_set *ret, struct parse_error *ret_error);

/*
 * The kernel's "%*pbl" form (lib/vsprintf.c, bitmap_list_string()): runs of 2+ CPUs as "a-b", ""
 * when empty, no newline. Returns a malloc'd string, NULL when out of memory.
 */
char *cpu_list_format(const struct cpu_set *set);
