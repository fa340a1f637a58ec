/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Sizes (memparse suffixes), their short form, and /proc/meminfo with the hugepage pools. */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "memory_info.h"
#include "rootdir.h"
#include "test-tree.h"

#define KiB (UINT64_C(1) << 10)
#define MiB (UINT64_C(1) << 20)
#define GiB (UINT64_C(1) << 30)
#define TiB (UINT64_C(1) << 40)

static void assert_size(const char *s, uint64_t want)
{
        uint64_t got = 0;
        size_t pos = 4242;
        int r = parse_size(s, &got, &pos);
        if (r != 0)
                fail_msg("\"%s\": %d at %zu", s, r, pos);
        if (got != want)
                fail_msg("\"%s\": %" PRIu64 ", want %" PRIu64, s, got, want);
        assert_int_equal(pos, 4242); /* written only on error */
}

static void assert_size_error(const char *s, int want_r, size_t want_pos)
{
        uint64_t got = 77;
        size_t pos = 4242;
        int r = parse_size(s, &got, &pos);
        if (r != want_r || pos != want_pos)
                fail_msg("\"%s\": %d at %zu, want %d at %zu", s, r, pos, want_r, want_pos);
        assert_true(got == 77); /* untouched */
        assert_int_equal(parse_size(s, &got, NULL), want_r); /* the position is optional */
}

static void test_parse_size_valid(void **state)
{
        assert_size("0", 0);
        assert_size("4096", 4096);
        assert_size("512K", 512 * KiB);
        assert_size("512k", 512 * KiB);
        assert_size("2M", 2 * MiB);
        assert_size("2m", 2 * MiB);
        assert_size("1G", GiB);
        assert_size("1g", GiB);
        assert_size("16GB", 16 * GiB);
        assert_size("16gb", 16 * GiB);
        assert_size("16Gb", 16 * GiB);
        assert_size("2MB", 2 * MiB);
        assert_size("3T", 3 * TiB);
        assert_size("1P", UINT64_C(1) << 50);
        assert_size("15E", UINT64_C(15) << 60);
        assert_size("007G", 7 * GiB);
        assert_size("18446744073709551615", UINT64_MAX);
        assert_size("17179869183G", UINT64_C(17179869183) << 30); /* the largest G value */
}

static void test_parse_size_overflow(void **state)
{
        assert_size_error("18446744073709551616", -ERANGE, 0);
        assert_size_error("99999999999999999999999", -ERANGE, 0);
        assert_size_error("16E", -ERANGE, 0);
        assert_size_error("17179869184G", -ERANGE, 0);
        assert_size_error("16777216T", -ERANGE, 0);
}

static void test_parse_size_invalid(void **state)
{
        assert_size_error("", -EINVAL, 0);
        assert_size_error("G", -EINVAL, 0);
        assert_size_error(" 2G", -EINVAL, 0);
        assert_size_error("-1", -EINVAL, 0);
        assert_size_error("+1", -EINVAL, 0);
        assert_size_error("2X", -EINVAL, 1);
        assert_size_error("2 G", -EINVAL, 1);
        assert_size_error("0x10", -EINVAL, 1);
        assert_size_error("1.5G", -EINVAL, 1);
        assert_size_error("16B", -EINVAL, 2);   /* a B needs a unit before it */
        assert_size_error("2GX", -EINVAL, 2);
        assert_size_error("2GBX", -EINVAL, 3);
        assert_size_error("2GBB", -EINVAL, 3);
        assert_size_error("2G ", -EINVAL, 2);
        assert_size_error("1GiB", -EINVAL, 2);
}

static void assert_format(uint64_t bytes, const char *want)
{
        char buf[32];
        format_size(bytes, buf, sizeof(buf));
        assert_string_equal(buf, want);

        /* What it prints parses back to the same size. */
        uint64_t back;
        assert_int_equal(parse_size(buf, &back, NULL), 0);
        assert_true(back == bytes);
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

static const char meminfo_text[] =
        "MemTotal:       16318480 kB\n"
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

        /* Keys match whole names at line starts only. */
        tree_write(tree, "proc/meminfo",
                   "XMemTotal:      1 kB\nMemTotalHigh:   2 kB\nMemTotal:       3 kB\n");
        assert_int_equal(memory_info_read(root, &m), 0);
        assert_true(m.mem_total == 3 * KiB);
        assert_true(m.default_hugepage_size == 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse_size_valid),
                cmocka_unit_test(test_parse_size_overflow),
                cmocka_unit_test(test_parse_size_invalid),
                cmocka_unit_test(test_format_size),
                cmocka_unit_test_setup_teardown(test_memory_info_read, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_memory_info_odd_pool_dirs, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_memory_info_missing, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_memory_info_malformed, tree_setup, tree_teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
