/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "memory_info.h"

#include <ctype.h>
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>

#include "fileio.h"
#include "log.h"
#include "macro.h"
#include "rootdir.h"
#include "shown_text.h"

/* The value of a "Key:   N kB" line: N must be digits whose bytes fit in 64 bits, as the kernel
 * prints them; sscanf's %llu would take "-1" or wrap a huge number into a small one. */
static int parse_kb(const char *p, uint64_t *ret)
{
        p += strspn(p, " \t");
        if (!isdigit((unsigned char) *p))
                return -EBADMSG;
        uint64_t kb = 0;
        for (; isdigit((unsigned char) *p); p++)
                if (__builtin_mul_overflow(kb, 10, &kb) || __builtin_add_overflow(kb, (uint64_t) (*p - '0'), &kb))
                        return -ERANGE;
        if (!startswith(p, " kB") || (p[3] != '\n' && p[3] != '\0'))
                return -EBADMSG;
        if (__builtin_mul_overflow(kb, 1024, &kb))
                return -ERANGE;
        *ret = kb;
        return 0;
}

static int meminfo_value_kb(const char *meminfo, const char *key, uint64_t *ret)
{
        const char *p = meminfo;
        size_t key_len = strlen(key);
        while ((p = strstr(p, key))) {
                if ((p == meminfo || p[-1] == '\n') && p[key_len] == ':') {
                        int r = parse_kb(p + key_len + 1, ret);
                        if (r < 0) {
                                unsigned line = 1;
                                for (const char *c = meminfo; c < p; c++)
                                        line += *c == '\n';
                                const char *value = p + key_len + 1 + strspn(p + key_len + 1, " \t");
                                char shown[SHOWN_TEXT_SIZE];
                                log_error("/proc/meminfo:%u: %s %s: expected a size in kB%s", line, key,
                                          shown_text(shown, value, strcspn(value, "\n")),
                                          r == -ERANGE ? " below 16 EiB" : " (digits, then \" kB\")");
                                return -EBADMSG;
                        }
                        return 0;
                }
                p += key_len;
        }
        return -ENOENT;
}

static int compare_pools(const void *a, const void *b)
{
        uint64_t x = ((const struct hugepage_pool *) a)->size, y = ((const struct hugepage_pool *) b)->size;
        return (x > y) - (x < y);
}

static void read_pools(const struct rootdir *root, struct memory_info *m)
{
        _cleanup_close_ int fd = rootdir_open_dir(root, "/sys/kernel/mm/hugepages");
        if (fd < 0)
                return;
        DIR *d = opendir_at(fd);
        if (!d)
                return;
        for (struct dirent *de; (de = readdir(d)) && m->n_pools < HUGEPAGE_SIZES_MAX;) {
                /* "hugepages-2048kB" exactly: %n is reached only when the "kB" matched too. */
                unsigned long long kb;
                int end = 0;
                if (sscanf(de->d_name, "hugepages-%llukB%n", &kb, &end) != 1 || end == 0 || de->d_name[end] != '\0')
                        continue;
                struct hugepage_pool *pool = &m->pools[m->n_pools++];
                *pool = (struct hugepage_pool){ .size = (uint64_t) kb * 1024 };

                char path[300];
                snprintf(path, sizeof(path), "%s/nr_hugepages", de->d_name);
                long n;
                if (read_attr_int_at(fd, path, &n) >= 0 && n >= 0)
                        pool->nr_pages = (uint64_t) n;
        }
        closedir(d);
        qsort(m->pools, m->n_pools, sizeof(m->pools[0]), compare_pools);
}

int memory_info_read(const struct rootdir *root, struct memory_info *ret)
{
        struct memory_info m = {};
        _cleanup_free_ char *meminfo = NULL;
        if (rootdir_read_file(root, "/proc/meminfo", &meminfo, NULL) >= 0) {
                /* A missing key is unknown (0); a malformed one is refused, logged. */
                int r = meminfo_value_kb(meminfo, "MemTotal", &m.mem_total);
                if (r == -EBADMSG)
                        return r;
                r = meminfo_value_kb(meminfo, "Hugepagesize", &m.default_hugepage_size);
                if (r == -EBADMSG)
                        return r;
        }
        read_pools(root, &m);
        *ret = m;
        return 0;
}

const struct hugepage_pool *memory_info_pool(const struct memory_info *m, uint64_t size)
{
        for (size_t i = 0; i < m->n_pools; i++)
                if (m->pools[i].size == size)
                        return &m->pools[i];
        return NULL;
}

void format_size(uint64_t bytes, char *buf, size_t size)
{
        static const char suffixes[] = "KMGTPE";
        int unit = -1;
        while (unit < 5 && bytes >= 1024 && bytes % 1024 == 0) {
                bytes /= 1024;
                unit++;
        }
        if (unit < 0)
                snprintf(buf, size, "%" PRIu64, bytes);
        else
                snprintf(buf, size, "%" PRIu64 "%c", bytes, suffixes[unit]);
}

void format_size_human(uint64_t bytes, char *buf, size_t size)
{
        static const char *const units[] = { "bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
        size_t unit = 0;
        uint64_t scaled = bytes;
        while (scaled >= 1024 && unit + 1 < ELEMENTSOF(units)) {
                scaled >>= 10;
                unit++;
        }
        if (unit == 0) {
                snprintf(buf, size, "%" PRIu64 " bytes", bytes);
                return;
        }
        /* Tenths of the unit, rounded down so "1.9 GiB" never overstates what there is. */
        uint64_t tenths = (uint64_t) ((unsigned __int128) bytes * 10 >> (10 * unit));
        if (tenths % 10)
                snprintf(buf, size, "%" PRIu64 ".%" PRIu64 " %s", tenths / 10, tenths % 10, units[unit]);
        else
                snprintf(buf, size, "%" PRIu64 " %s", tenths / 10, units[unit]);
}
