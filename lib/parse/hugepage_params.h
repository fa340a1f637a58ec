/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The hugepage parameters of a kernel command line: default_hugepagesz=, hugepagesz= and
 * hugepages= are positional (a count binds to the size before it), so they are read by replaying
 * the kernel's own parsing and written as one ordered block. kcmdline.h includes this header.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kcmdline;

/* HPAGE_SIZE on x86-64: the default huge page size when default_hugepagesz= is not given. */
#define KCMDLINE_HPAGE_SIZE_DEFAULT (UINT64_C(2) << 20)

/*
 * Hugepage configuration the kernel derives from the line, replaying hugepages_setup(),
 * hugepagesz_setup(), default_hugepagesz_setup() and hugetlb_init() (mm/hugetlb.c).
 */
struct kcmdline_hugepage {
        uint64_t size;   /* bytes */
        char *count;     /* the hugepages= value the kernel keeps ("16", "0:8,1:8"), or NULL */
        uint64_t pages;  /* total pages asked for (summed over nodes) */
        bool is_default; /* the default huge page size */
};

struct kcmdline_hugepages {
        struct kcmdline_hugepage *entries; /* in the order the kernel created the sizes */
        size_t n;
        uint64_t default_size;
};

/* Whether the architecture supports a huge page size (arch_hugetlb_valid_size()). */
typedef bool (*kcmdline_size_valid_fn)(uint64_t size, void *userdata);

/*
 * valid NULL means x86-64 with pdpe1gb: 2 MiB and 1 GiB. Sizes that are never mentioned and
 * have no pages are not listed. 0 or -ENOMEM.
 */
int kcmdline_get_hugepages(const struct kcmdline *k, kcmdline_size_valid_fn valid, void *userdata,
                           struct kcmdline_hugepages *ret);
void kcmdline_hugepages_done(struct kcmdline_hugepages *h);

/*
 * A size as the kernel's memparse() (lib/cmdline.c) reads it: simple_strtoull() with base 0
 * ("0x" hex, a leading "0" octal), then an optional K/M/G/T/P/E suffix in either case. Never
 * fails: no digits give 0. *ret_end (if non-NULL) is where reading stopped.
 */
uint64_t kcmdline_memparse(const char *s, const char **ret_end);
