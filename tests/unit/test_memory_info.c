/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Sizes (memparse suffixes), their short form, and /proc/meminfo with the hugepage pools. */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "kcmdline.h"
#include "memory_info.h"
#include "rootdir.h"
#include "test-tree.h"

#define KiB (UINT64_C(1) << 10)
#define MiB (UINT64_C(1) << 20)
#define GiB (UINT64_C(1) << 30)
#define TiB (UINT64_C(1) << 40)

static void assert_format(uint64_t bytes, const char *want)
{
        char buf[32];
        format_size(bytes, buf, sizeof(buf));
        assert_string_equal(buf, want);

        /* What it prints, the kernel's memparse() reads back as the same size. */
        const char *end = NULL;
        uint64_t back = kcmdline_memparse(buf, &end);
        assert_int_equal(*end, '\0');
        assert_true(back == bytes);
}

static void assert_human(uint64_t bytes, const char *want)
{
        char buf[32];
        format_size_human(bytes, buf, sizeof(buf));
        assert_string_equal(buf, want);
}

static void test_format_size_human(void **state)
{
        assert_human(0, "0 bytes");
        assert_human(1023, "1023 bytes");
        assert_human(1024, "1 KiB");
        assert_human(1536, "1.5 KiB");
        assert_human(2 * GiB, "2 GiB");
        /* Rounded down: 1.99 GiB is never shown as 2. */
        assert_human(2 * GiB - 1, "1.9 GiB");
        assert_human(2013644 * KiB, "1.9 GiB");
        assert_human(3 * TiB + TiB / 2, "3.5 TiB");
        assert_human(UINT64_MAX, "15.9 EiB");
        char small[4];
        format_size_human(2 * GiB, small, sizeof(small)); /* cut, still terminated */
        assert_int_equal(strlen(small), 3);
}

static void test_format_size(void **state)
{
        assert_format(0, "0");
        assert_format(1, "1");
        assert_format(1023, "1023");
        assert_format(1024, "1K");
        assert_format(1536, "1536");
        assert_format(2 * MiB, "2M");
        assert_format(2 * MiB + KiB, "2049K");
        assert_format(GiB, "1G");
        assert_format(GiB + GiB / 2, "1536M");
        assert_format(64 * GiB, "64G");
        assert_format(1024 * GiB, "1T");
        assert_format(UINT64_C(1) << 60, "1E");
        assert_format(UINT64_C(1) << 63, "8E");
        assert_format(UINT64_MAX, "18446744073709551615");

        /* A small buffer is cut, never overrun. */
        char small[3];
        format_size(2048 * GiB, small, sizeof(small));
        assert_string_equal(small, "2T");
        format_size(123456, small, sizeof(small));
        assert_string_equal(small, "12");
}

static const char meminfo_text[] = "MemTotal:       16318480 kB\n"
                                   "MemFree:         9826240 kB\n"
                                   "MemAvailable:   13105904 kB\n"
                                   "Buffers:          312064 kB\n"
                                   "SwapTotal:       2097148 kB\n"
                                   "HugePages_Total:       4\n"
                                   "HugePages_Free:        4\n"
                                   "HugePages_Rsvd:        0\n"
                                   "HugePages_Surp:        0\n"
                                   "Hugepagesize:       2048 kB\n"
                                   "Hugetlb:         4194304 kB\n"
                                   "DirectMap4k:      222016 kB\n"
                                   "DirectMap2M:     8165376 kB\n"
                                   "DirectMap1G:     9437184 kB\n";

static void test_memory_info_read(void **state)
{
        const char *tree = *state;
        tree_write(tree, "proc/meminfo", meminfo_text);
        /* Created 1G first so that directory order is not size order. */
        tree_write(tree, "sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages", "4\n");
        tree_write(tree, "sys/kernel/mm/hugepages/hugepages-1048576kB/free_hugepages", "4\n");
        tree_write(tree, "sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages", "0\n");
        _cleanup_rootdir_ struct rootdir *root = tree_rootdir(tree);

        struct memory_info m;
        assert_int_equal(memory_info_read(root, &m), 0);
        assert_true(m.mem_total == UINT64_C(16318480) * 1024);
        assert_true(m.default_hugepage_size == 2 * MiB);
        assert_int_equal(m.n_pools, 2);
        assert_true(m.pools[0].size == 2 * MiB);
        assert_true(m.pools[0].nr_pages == 0);
        assert_true(m.pools[1].size == GiB);
        assert_true(m.pools[1].nr_pages == 4);

        const struct hugepage_pool *p = memory_info_pool(&m, GiB);
        assert_non_null(p);
        assert_true(p->nr_pages == 4);
        assert_null(memory_info_pool(&m, 4 * MiB));
}

static void test_memory_info_odd_pool_dirs(void **state)
{
        const char *tree = *state;
        tree_write(tree, "sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages", "16\n");
        /* Nothing the kernel would name a pool: each is skipped. */
        tree_write(tree, "sys/kernel/mm/hugepages/hugepages-4096/nr_hugepages", "1\n");
        tree_write(tree, "sys/kernel/mm/hugepages/hugepages-8192kBx/nr_hugepages", "1\n");
        tree_write(tree, "sys/kernel/mm/hugepages/hugepages-16384KB/nr_hugepages", "1\n");
        tree_write(tree, "sys/kernel/mm/hugepages/hugepages-kB/nr_hugepages", "1\n");
        tree_write(tree, "sys/kernel/mm/hugepages/README", "x\n");
        /* A pool whose count is unreadable or garbage is still a size the kernel offers. */
        tree_mkdir(tree, "sys/kernel/mm/hugepages/hugepages-1048576kB");
        tree_write(tree, "sys/kernel/mm/hugepages/hugepages-32768kB/nr_hugepages", "lots\n");
        _cleanup_rootdir_ struct rootdir *root = tree_rootdir(tree);

        struct memory_info m;
        assert_int_equal(memory_info_read(root, &m), 0);
        /* No /proc/meminfo: unknown, not an error. */
        assert_true(m.mem_total == 0);
        assert_true(m.default_hugepage_size == 0);
        assert_int_equal(m.n_pools, 3);
        assert_true(m.pools[0].size == 2 * MiB);
        assert_true(m.pools[0].nr_pages == 16);
        assert_true(m.pools[1].size == 32 * MiB);
        assert_true(m.pools[1].nr_pages == 0);
        assert_true(m.pools[2].size == GiB);
        assert_true(m.pools[2].nr_pages == 0);
}

static void test_memory_info_missing(void **state)
{
        const char *tree = *state;
        _cleanup_rootdir_ struct rootdir *root = tree_rootdir(tree);
        struct memory_info m;
        memset(&m, 0xaa, sizeof(m));
        assert_int_equal(memory_info_read(root, &m), 0);
        assert_true(m.mem_total == 0);
        assert_true(m.default_hugepage_size == 0);
        assert_int_equal(m.n_pools, 0);
        assert_null(memory_info_pool(&m, 2 * MiB));
}

static void test_memory_info_malformed(void **state)
{
        const char *tree = *state;
        tree_write(tree, "proc/meminfo", "MemTotal:       lots kB\nHugepagesize:       2048 kB\n");
        _cleanup_rootdir_ struct rootdir *root = tree_rootdir(tree);
        struct memory_info m = { .mem_total = 99 };
        assert_int_equal(memory_info_read(root, &m), -EBADMSG);
        assert_true(m.mem_total == 99); /* untouched on failure */

        /* sscanf's %llu took a huge number modulo 2^64 and "-1" as 2^64-1: refused, not wrapped. */
        static const char *const out_of_range[] = {
                "MemTotal:       18446744073709551616 kB\n", /* 2^64 kB */
                "MemTotal:       18014398509481984 kB\n",    /* 2^54 kB: 2^64 bytes */
                "MemTotal:       99999999999999999999999 kB\n",
                "MemTotal:       -1 kB\n",
                "MemTotal:       16318480 kB\nHugepagesize:   18446744073709551615 kB\n",
                "MemTotal:       16318480 MB\n",
                "MemTotal:       16318480\n",
        };
        for (size_t i = 0; i < sizeof(out_of_range) / sizeof(out_of_range[0]); i++) {
                tree_write(tree, "proc/meminfo", out_of_range[i]);
                m.mem_total = 99;
                assert_int_equal(memory_info_read(root, &m), -EBADMSG);
                assert_true(m.mem_total == 99);
        }
        /* The largest value that fits: 2^54 - 1 kB. */
        tree_write(tree, "proc/meminfo", "MemTotal:       18014398509481983 kB\n");
        assert_int_equal(memory_info_read(root, &m), 0);
        assert_true(m.mem_total == (UINT64_C(18014398509481983) << 10));

        /* Keys match whole names at line starts only. */
        tree_write(tree, "proc/meminfo", "XMemTotal:      1 kB\nMemTotalHigh:   2 kB\nMemTotal:       3 kB\n");
        assert_int_equal(memory_info_read(root, &m), 0);
        assert_true(m.mem_total == 3 * KiB);
        assert_true(m.default_hugepage_size == 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_format_size),
                cmocka_unit_test(test_format_size_human),
                cmocka_unit_test_setup_teardown(test_memory_info_read, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_memory_info_odd_pool_dirs, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_memory_info_missing, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_memory_info_malformed, tree_setup, tree_teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
