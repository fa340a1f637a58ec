/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The running kernel's release and command line, the ACS override symbol, built-in modules. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "kernel_info.h"
#include "rootdir.h"
#include "test-tree.h"

#define RELEASE "6.1.0-26-amd64"

static void test_release(void **state)
{
        const char *tree = *state;
        _cleanup_rootdir_ struct rootdir *root = tree_rootdir(tree);
        char *s = NULL;

        assert_int_equal(kernel_release(root, &s), -ENOENT);
        assert_null(s);

        tree_write(tree, "proc/sys/kernel/osrelease", RELEASE "\n");
        assert_int_equal(kernel_release(root, &s), 0);
        assert_string_equal(s, RELEASE);
        free(s);
}

static void test_cmdline(void **state)
{
        const char *tree = *state;
        _cleanup_rootdir_ struct rootdir *root = tree_rootdir(tree);
        char *s = NULL;

        assert_int_equal(kernel_cmdline(root, &s), -ENOENT);
        assert_null(s);

        tree_write(tree, "proc/cmdline",
                   "BOOT_IMAGE=/boot/vmlinuz-" RELEASE " root=UUID=0b4c ro quiet intel_iommu=on\n");
        assert_int_equal(kernel_cmdline(root, &s), 0);
        assert_string_equal(s, "BOOT_IMAGE=/boot/vmlinuz-" RELEASE " root=UUID=0b4c ro quiet intel_iommu=on");
        free(s);

        /* Without the newline, and empty. */
        tree_write(tree, "proc/cmdline", "quiet");
        assert_int_equal(kernel_cmdline(root, &s), 0);
        assert_string_equal(s, "quiet");
        free(s);
        tree_write(tree, "proc/cmdline", "\n");
        assert_int_equal(kernel_cmdline(root, &s), 0);
        assert_string_equal(s, "");
        free(s);
}

static const char system_map_plain[] = "0000000000000000 D __per_cpu_start\n"
                                       "ffffffff81000000 T _stext\n"
                                       "ffffffff81000000 T startup_64\n"
                                       "ffffffff8163b2a0 T pci_dev_specific_acs_enabled\n"
                                       "ffffffff82b6c1a0 d pci_dev_acs_enabled\n"
                                       "ffffffff83a2d1c0 T start_kernel\n";

static void test_acs_override(void **state)
{
        const char *tree = *state;
        _cleanup_rootdir_ struct rootdir *root = tree_rootdir(tree);

        /* Nothing to read: unknown, for the running kernel too. */
        assert_int_equal(kernel_has_acs_override(root, RELEASE, false), TRISTATE_UNKNOWN);
        assert_int_equal(kernel_has_acs_override(root, RELEASE, true), TRISTATE_UNKNOWN);

        tree_write(tree, "boot/System.map-" RELEASE, system_map_plain);
        assert_int_equal(kernel_has_acs_override(root, RELEASE, false), TRISTATE_NO);

        tree_writef(tree, "boot/System.map-" RELEASE, "%s%s", system_map_plain,
                    "ffffffff82b6c1c0 d pcie_acs_overrides\n");
        assert_int_equal(kernel_has_acs_override(root, RELEASE, false), TRISTATE_YES);

        /* The last line need not end in a newline. */
        tree_writef(tree, "boot/System.map-" RELEASE, "%s%s", system_map_plain,
                    "ffffffff82b6c1c0 d pcie_acs_overrides");
        assert_int_equal(kernel_has_acs_override(root, RELEASE, false), TRISTATE_YES);

        /* Other releases have their own map. */
        assert_int_equal(kernel_has_acs_override(root, "6.12.0-1-amd64", false), TRISTATE_UNKNOWN);
}

static void test_acs_override_whole_symbol(void **state)
{
        const char *tree = *state;
        _cleanup_rootdir_ struct rootdir *root = tree_rootdir(tree);

        /* Names that merely contain the symbol are other symbols. */
        tree_writef(tree, "boot/System.map-" RELEASE, "%s%s", system_map_plain,
                    "ffffffff82b6c1c0 d pcie_acs_overrides_foo\n"
                    "ffffffff82b6c1e0 d __pcie_acs_overrides\n"
                    "ffffffff82b6c200 d xpcie_acs_overrides\n"
                    "ffffffff82b6c220 t pcie_acs_overrides.cold\n");
        assert_int_equal(kernel_has_acs_override(root, RELEASE, false), TRISTATE_NO);
}

static void test_acs_override_kallsyms(void **state)
{
        const char *tree = *state;
        _cleanup_rootdir_ struct rootdir *root = tree_rootdir(tree);

        /* Only the running kernel's symbols are in /proc/kallsyms (zeros for unprivileged
         * readers; module symbols carry "\t[module]"). */
        tree_write(tree, "proc/kallsyms",
                   "0000000000000000 T _stext\n"
                   "0000000000000000 d pcie_acs_overrides\n"
                   "0000000000000000 t vfio_pci_probe\t[vfio_pci]\n");
        assert_int_equal(kernel_has_acs_override(root, RELEASE, true), TRISTATE_YES);
        assert_int_equal(kernel_has_acs_override(root, RELEASE, false), TRISTATE_UNKNOWN);

        tree_write(tree, "proc/kallsyms",
                   "0000000000000000 T _stext\n"
                   "0000000000000000 t pcie_acs_overrides\t[acs_override]\n");
        assert_int_equal(kernel_has_acs_override(root, RELEASE, true), TRISTATE_YES);

        tree_write(tree, "proc/kallsyms", "0000000000000000 T _stext\n");
        assert_int_equal(kernel_has_acs_override(root, RELEASE, true), TRISTATE_NO);

        /* A real System.map for the release is read first. */
        tree_write(tree, "boot/System.map-" RELEASE, "ffffffff82b6c1c0 d pcie_acs_overrides\n");
        assert_int_equal(kernel_has_acs_override(root, RELEASE, true), TRISTATE_YES);
}

static void test_acs_override_debian_stub(void **state)
{
        const char *tree = *state;
        _cleanup_rootdir_ struct rootdir *root = tree_rootdir(tree);

        /* Debian's kernel packages install a one-line stand-in (debian/rules.real); it says
         * nothing about the symbols, so the answer is unknown, or kallsyms for a running kernel. */
        tree_write(tree, "boot/System.map-" RELEASE,
                   "ffffffffffffffff B The real System.map is in the linux-image-" RELEASE "-dbg package\n");
        assert_int_equal(kernel_has_acs_override(root, RELEASE, false), TRISTATE_UNKNOWN);
        tree_write(tree, "proc/kallsyms", "0000000000000000 d pcie_acs_overrides\n");
        assert_int_equal(kernel_has_acs_override(root, RELEASE, true), TRISTATE_YES);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_release, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_cmdline, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_acs_override, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_acs_override_whole_symbol, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_acs_override_kallsyms, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_acs_override_debian_stub, tree_setup, tree_teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
