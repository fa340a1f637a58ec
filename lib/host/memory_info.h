/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Memory: the total, and the hugepage sizes the kernel offers with their current counts. */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct rootdir;

#define HUGEPAGE_SIZES_MAX 8

struct hugepage_pool {
        uint64_t size;     /* bytes: 2 MiB, 1 GiB, ... */
        uint64_t nr_pages; /* nr_hugepages now */
};

struct memory_info {
        uint64_t mem_total;             /* bytes, from /proc/meminfo; 0 when unknown */
        uint64_t default_hugepage_size; /* "Hugepagesize:" in /proc/meminfo; 0 when unknown */
        struct hugepage_pool pools[HUGEPAGE_SIZES_MAX];
        size_t n_pools; /* sorted by size */
};

/* Missing files leave fields at 0: never an error but for a malformed /proc/meminfo, -EBADMSG
 * after logging its line (a MemTotal or Hugepagesize that is not digits and " kB", or above
 * 16 EiB). */
int memory_info_read(const struct rootdir *root, struct memory_info *ret);
const struct hugepage_pool *memory_info_pool(const struct memory_info *m, uint64_t size);

/* "1G", "2M", "512K" or bytes: the shortest exact form, as kcmdline_memparse() reads it back. */
void format_size(uint64_t bytes, char *buf, size_t size);
/* For people: "1.9 GiB", "512 MiB", "2 GiB" (one decimal, dropped when it is 0). */
void format_size_human(uint64_t bytes, char *buf, size_t size);
