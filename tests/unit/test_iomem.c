/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* /proc/iomem: which PCI function's BAR holds the firmware framebuffer. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "iomem.h"
#include "macro.h"

/* Parse TEXT, expecting WANT ranges; returns the array (free it). */
static struct framebuffer_range *find(const char *text, size_t want)
{
        struct framebuffer_range *fbs = NULL;
        size_t n = 12345;
        int r = iomem_find_framebuffers(text, &fbs, &n);
        assert_int_equal(r, (int) want);
        assert_int_equal(n, want);
        if (want == 0)
                assert_null(fbs);
        return fbs;
}

static void assert_owner(const struct framebuffer_range *fb, const char *want)
{
        char buf[PCI_ADDRESS_STRING_MAX];
        if (!want) {
                if (fb->has_owner)
                        fail_msg("%s: owner %s, want none", fb->name, pci_address_format(&fb->owner, buf));
                return;
        }
        if (!fb->has_owner)
                fail_msg("%s: no owner, want %s", fb->name, want);
        assert_string_equal(pci_address_format(&fb->owner, buf), want);
}

/* A QEMU q35 machine with OVMF, as root reads it: the GPU's BAR holds BOOTFB. */
static const char q35_iomem[] = "00000000-00000fff : Reserved\n"
                                "00001000-0009ffff : System RAM\n"
                                "000a0000-000fffff : Reserved\n"
                                "  000a0000-000bffff : PCI Bus 0000:00\n"
                                "  000f0000-000fffff : System ROM\n"
                                "00100000-7fffffff : System RAM\n"
                                "  2a000000-2b0fffff : Kernel code\n"
                                "  2b200000-2bb2afff : Kernel rodata\n"
                                "b0000000-bfffffff : PCI MMCONFIG 0000 [bus 00-ff]\n"
                                "  b0000000-bfffffff : Reserved\n"
                                "c0000000-febfffff : PCI Bus 0000:00\n"
                                "  c0000000-c0ffffff : 0000:00:01.0\n"
                                "    c0000000-c01d4fff : BOOTFB\n"
                                "  c1000000-c11fffff : PCI Bus 0000:01\n"
                                "    c1000000-c103ffff : 0000:01:00.0\n"
                                "  c1200000-c1200fff : 0000:00:01.0\n"
                                "fee00000-fee00fff : Local APIC\n"
                                "100000000-27fffffff : System RAM\n"
                                "380000000000-3807ffffffff : PCI Bus 0000:00\n"
                                "  380000000000-380000003fff : 0000:00:01.0\n";

static void test_owner_through_nesting(void **state)
{
        _cleanup_free_ struct framebuffer_range *fbs = find(q35_iomem, 1);
        assert_string_equal(fbs[0].name, "BOOTFB");
        assert_true(fbs[0].start == 0xc0000000);
        assert_true(fbs[0].end == 0xc01d4fff);
        assert_owner(&fbs[0], "0000:00:01.0");
}

static void test_owner_behind_bridge(void **state)
{
        /* A discrete GPU behind a root port: "PCI Bus 0000:01" is a window, not an owner; the fb
         * drivers request their range inside BOOTFB, one level deeper. */
        static const char text[] = "80000000-fdffffff : PCI Bus 0000:00\n"
                                   "  80000000-901fffff : PCI Bus 0000:01\n"
                                   "    80000000-8fffffff : 0000:01:00.0\n"
                                   "      80000000-807fffff : BOOTFB\n"
                                   "        80000000-807fffff : efifb\n"
                                   "    90000000-901fffff : 0000:01:00.0\n"
                                   "  fd000000-fdffffff : 0000:00:02.0\n"
                                   "4000000000-7fffffffff : PCI Bus 0000:00\n"
                                   "  4000000000-400fffffff : 0000:00:02.0\n";
        _cleanup_free_ struct framebuffer_range *fbs = find(text, 2);
        assert_string_equal(fbs[0].name, "BOOTFB");
        assert_owner(&fbs[0], "0000:01:00.0");
        assert_string_equal(fbs[1].name, "efifb");
        assert_owner(&fbs[1], "0000:01:00.0");
}

static void test_several_framebuffers(void **state)
{
        /* Every name the firmware framebuffer drivers register, on two devices, 64-bit BARs. */
        static const char text[] = "c0000000-febfffff : PCI Bus 0000:00\n"
                                   "  c0000000-c0ffffff : 0000:00:02.0\n"
                                   "    c0000000-c02fffff : simple-framebuffer.0\n"
                                   "      c0000000-c02fffff : simpledrm\n"
                                   "  c1000000-c1ffffff : 0000:00:03.0\n"
                                   "    c1000000-c12fffff : vesafb\n"
                                   "6000000000-6fffffffff : PCI Bus 0000:00\n"
                                   "  6000000000-600fffffff : 0000:0a:00.0\n"
                                   "    6000000000-60007fffff : BOOTFB\n";
        _cleanup_free_ struct framebuffer_range *fbs = find(text, 4);
        assert_string_equal(fbs[0].name, "simple-framebuffer.0");
        assert_owner(&fbs[0], "0000:00:02.0");
        assert_string_equal(fbs[1].name, "simpledrm");
        assert_owner(&fbs[1], "0000:00:02.0");
        assert_string_equal(fbs[2].name, "vesafb");
        assert_owner(&fbs[2], "0000:00:03.0");
        assert_string_equal(fbs[3].name, "BOOTFB");
        assert_owner(&fbs[3], "0000:0a:00.0");
        assert_true(fbs[3].start == UINT64_C(0x6000000000));
        assert_true(fbs[3].end == UINT64_C(0x60007fffff));
}

static void test_framebuffer_without_pci_owner(void **state)
{
        /* Legacy VGA memory or a framebuffer the firmware placed outside any BAR: no owner, and
         * an earlier sibling's BAR must not be taken for its parent. */
        static const char text[] = "000a0000-000bffff : PCI Bus 0000:00\n"
                                   "  000a0000-000bffff : vesafb\n"
                                   "c0000000-febfffff : PCI Bus 0000:00\n"
                                   "  c0000000-c0ffffff : 0000:00:02.0\n"
                                   "  c1000000-c1ffffff : PCI Bus 0000:01\n"
                                   "    c1000000-c12fffff : BOOTFB\n"
                                   "e0000000-e07fffff : BOOTFB\n";
        _cleanup_free_ struct framebuffer_range *fbs = find(text, 3);
        assert_owner(&fbs[0], NULL);
        assert_owner(&fbs[1], NULL);
        assert_owner(&fbs[2], NULL);
}

static void test_malformed_lines(void **state)
{
        static const char text[] = "garbage\n"
                                   "\n"
                                   "c0000000 : no range\n"
                                   "c0000000-zzzzzzzz : bad end\n"
                                   "-c0000000 : no start\n"
                                   "c0000000-c0ffffff: BOOTFB\n" /* no space before the colon */
                                   "c0000000-c0ffffff :BOOTFB\n"
                                   "c0000000-c0ffffff\n"
                                   "\tc0000000-c0ffffff : BOOTFB\n" /* tabs are not the kernel's indentation */
                                   "c0000000-febfffff : PCI Bus 0000:00\n"
                                   "  c0000000-c0ffffff : 0000:00:02.0\n"
                                   "    c0000000-c01fffff : BOOTFB\n"
                                   "    xyz\n"
                                   "  : \n";
        _cleanup_free_ struct framebuffer_range *fbs = find(text, 1);
        assert_true(fbs[0].start == 0xc0000000);
        assert_owner(&fbs[0], "0000:00:02.0");
}

static void test_odd_indentation(void **state)
{
        /* A line with an odd number of spaces has no depth: it is skipped, and the framebuffer
         * after it is not given to the BAR before it, which does not contain it. */
        static const char text[] = "c0000000-febfffff : PCI Bus 0000:00\n"
                                   "  c0000000-c0ffffff : 0000:00:02.0\n"
                                   "   c1000000-c1ffffff : 0000:00:03.0\n"
                                   "    c1000000-c12fffff : BOOTFB\n"
                                   "  c2000000-c2ffffff : 0000:00:04.0\n"
                                   "     c2000000-c20fffff : efifb\n";
        _cleanup_free_ struct framebuffer_range *fbs = find(q35_iomem, 1);
        assert_owner(&fbs[0], "0000:00:01.0");

        _cleanup_free_ struct framebuffer_range *odd = find(text, 1);
        assert_string_equal(odd[0].name, "BOOTFB");
        assert_owner(&odd[0], NULL);
}

static void test_zeros_for_unprivileged_readers(void **state)
{
        /* Without CAP_SYS_ADMIN the kernel prints every address as zeros; the nesting stays. */
        static const char text[] = "00000000-00000000 : Reserved\n"
                                   "00000000-00000000 : System RAM\n"
                                   "00000000-00000000 : PCI Bus 0000:00\n"
                                   "  00000000-00000000 : 0000:00:01.0\n"
                                   "  00000000-00000000 : PCI Bus 0000:01\n"
                                   "    00000000-00000000 : 0000:01:00.0\n"
                                   "      00000000-00000000 : BOOTFB\n";
        _cleanup_free_ struct framebuffer_range *fbs = find(text, 1);
        assert_true(fbs[0].start == 0 && fbs[0].end == 0);
        assert_owner(&fbs[0], "0000:01:00.0");
}

static void test_no_trailing_newline(void **state)
{
        static const char text[] = "c0000000-febfffff : PCI Bus 0000:00\n"
                                   "  c0000000-c0ffffff : 0000:00:01.0\n"
                                   "    c0000000-c01d4fff : BOOTFB";
        _cleanup_free_ struct framebuffer_range *fbs = find(text, 1);
        assert_string_equal(fbs[0].name, "BOOTFB");
        assert_true(fbs[0].end == 0xc01d4fff);
        assert_owner(&fbs[0], "0000:00:01.0");
}

static void test_empty(void **state)
{
        /* find() asserts the count; what it returns is freed at once. */
        free(find("", 0));
        free(find("\n\n\n", 0));
        free(find("00000000-00000fff : Reserved\n", 0));
}

static void test_long_name(void **state)
{
        /* A name longer than the field is cut, not overflowed, and still recognised. */
        static const char text[] =
                "c0000000-febfffff : PCI Bus 0000:00\n"
                "  c0000000-c0ffffff : 0000:00:01.0\n"
                "    c0000000-c01d4fff : simple-framebuffer.0-with-a-name-far-longer-than-sixty-three-characters\n";
        _cleanup_free_ struct framebuffer_range *fbs = find(text, 1);
        assert_int_equal(strlen(fbs[0].name), sizeof(fbs[0].name) - 1);
        assert_true(startswith(fbs[0].name, "simple-framebuffer.0-with"));
        assert_owner(&fbs[0], "0000:00:01.0");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_owner_through_nesting),
                cmocka_unit_test(test_owner_behind_bridge),
                cmocka_unit_test(test_several_framebuffers),
                cmocka_unit_test(test_framebuffer_without_pci_owner),
                cmocka_unit_test(test_malformed_lines),
                cmocka_unit_test(test_odd_indentation),
                cmocka_unit_test(test_zeros_for_unprivileged_readers),
                cmocka_unit_test(test_no_trailing_newline),
                cmocka_unit_test(test_empty),
                cmocka_unit_test(test_long_name),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
