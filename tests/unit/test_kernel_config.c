/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Kernel build configuration: /boot/config-VER, or /proc/config.gz of the running kernel. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <zlib.h>

#include <cmocka.h>

#include "kernel_config.h"
#include "rootdir.h"
#include "test-tree.h"

#define RELEASE "6.1.0-26-amd64"

static const char config_text[] = "#\n"
                                  "# Automatically generated file; DO NOT EDIT.\n"
                                  "# Linux/x86 6.1.0 Kernel Configuration\n"
                                  "#\n"
                                  "CONFIG_CC_VERSION_TEXT=\"gcc-12 (Debian 12.2.0-14) 12.2.0\"\n"
                                  "CONFIG_NR_CPUS=8192\n"
                                  "CONFIG_NO_HZ_FULL=y\n"
                                  "CONFIG_RCU_NOCB_CPU=y\n"
                                  "# CONFIG_INTEL_IOMMU_DEFAULT_ON is not set\n"
                                  "CONFIG_INTEL_IOMMU=y\n"
                                  "CONFIG_CMDLINE=\"quiet a=b\"\n"
                                  "CONFIG_VFIO=m\n"
                                  "CONFIG_VFIO_PCI_CORE=m\n"
                                  "CONFIG_VFIO_PCI=m\n"
                                  "CONFIG_VFIO_PCI_VGA=y\n"
                                  "# CONFIG_VFIO_NOIOMMU is not set\n"
                                  "CONFIG_WITHOUT_VALUE\n"
                                  "CONFIG_EMPTY=\n"
                                  "# end of VFIO\n"
                                  "CONFIG_LAST=y"; /* no final newline */

static void assert_value(const struct kernel_config *c, const char *name, const char *want)
{
        const char *got = kernel_config_get(c, name);
        if (!want) {
                if (got)
                        fail_msg("CONFIG_%s: \"%s\", want unset", name, got);
                return;
        }
        if (!got)
                fail_msg("CONFIG_%s: unset, want \"%s\"", name, want);
        assert_string_equal(got, want);
}

static void check_config_text(const struct kernel_config *c)
{
        assert_value(c, "VFIO", "m");
        assert_value(c, "VFIO_PCI", "m");
        assert_value(c, "VFIO_PCI_CORE", "m");
        assert_value(c, "VFIO_PCI_VGA", "y");
        assert_value(c, "NR_CPUS", "8192");
        assert_value(c, "CC_VERSION_TEXT", "\"gcc-12 (Debian 12.2.0-14) 12.2.0\"");
        assert_value(c, "CMDLINE", "\"quiet a=b\""); /* only the first '=' separates */
        assert_value(c, "EMPTY", "");
        assert_value(c, "LAST", "y");
        /* "is not set" is unset, as are absent names, prefixes and the CONFIG_ spelling. */
        assert_value(c, "VFIO_NOIOMMU", NULL);
        assert_value(c, "INTEL_IOMMU_DEFAULT_ON", NULL);
        assert_value(c, "WITHOUT_VALUE", NULL);
        assert_value(c, "VFIO_PC", NULL);
        assert_value(c, "VFIO_PCI_VGA_X", NULL);
        assert_value(c, "CONFIG_VFIO", NULL);
        assert_value(c, "vfio", NULL);
        assert_value(c, "", NULL);

        assert_true(kernel_config_enabled(c, "NO_HZ_FULL"));
        assert_true(kernel_config_enabled(c, "VFIO_PCI_VGA"));
        assert_false(kernel_config_enabled(c, "VFIO")); /* "m" is not "y" */
        assert_false(kernel_config_enabled(c, "VFIO_NOIOMMU"));
        assert_false(kernel_config_enabled(c, "NR_CPUS"));
}

static void write_gz(const char *tree, const char *path, const void *data, size_t size)
{
        _cleanup_free_ char *full = tree_path(tree, path);
        tree_write(tree, path, ""); /* parent directories */
        gzFile gz = gzopen(full, "wb");
        assert_non_null(gz);
        if (size > 0)
                assert_int_equal(gzwrite(gz, data, (unsigned) size), (int) size);
        assert_int_equal(gzclose(gz), Z_OK);
}

static void test_boot_config(void **state)
{
        const char *tree = *state;
        tree_write(tree, "boot/config-" RELEASE, config_text);
        _cleanup_rootdir_ struct rootdir *root = tree_rootdir(tree);

        _cleanup_kernel_config_ struct kernel_config *c = NULL;
        assert_int_equal(kernel_config_load(root, RELEASE, false, &c), 0);
        assert_string_equal(kernel_config_source(c), "/boot/config-" RELEASE);
        check_config_text(c);
}

static void test_missing(void **state)
{
        const char *tree = *state;
        _cleanup_rootdir_ struct rootdir *root = tree_rootdir(tree);
        struct kernel_config *c = NULL;

        assert_int_equal(kernel_config_load(root, RELEASE, false, &c), -ENOENT);
        assert_int_equal(kernel_config_load(root, RELEASE, true, &c), -ENOENT);
        assert_null(c);

        /* /proc/config.gz is the running kernel's: never used for another release. */
        write_gz(tree, "proc/config.gz", config_text, strlen(config_text));
        assert_int_equal(kernel_config_load(root, RELEASE, false, &c), -ENOENT);
        assert_null(c);
        /* Another release's file is not this one's. */
        tree_write(tree, "boot/config-6.12.0-1-amd64", config_text);
        assert_int_equal(kernel_config_load(root, RELEASE, false, &c), -ENOENT);
        assert_null(c);
}

static void test_proc_config_gz(void **state)
{
        const char *tree = *state;
        write_gz(tree, "proc/config.gz", config_text, strlen(config_text));
        _cleanup_rootdir_ struct rootdir *root = tree_rootdir(tree);

        _cleanup_kernel_config_ struct kernel_config *c = NULL;
        assert_int_equal(kernel_config_load(root, RELEASE, true, &c), 0);
        assert_string_equal(kernel_config_source(c), "/proc/config.gz");
        check_config_text(c);
}

static void test_boot_config_preferred(void **state)
{
        const char *tree = *state;
        tree_write(tree, "boot/config-" RELEASE, "CONFIG_FROM_BOOT=y\n");
        write_gz(tree, "proc/config.gz", "CONFIG_FROM_PROC=y\n", strlen("CONFIG_FROM_PROC=y\n"));
        _cleanup_rootdir_ struct rootdir *root = tree_rootdir(tree);

        _cleanup_kernel_config_ struct kernel_config *c = NULL;
        assert_int_equal(kernel_config_load(root, RELEASE, true, &c), 0);
        assert_string_equal(kernel_config_source(c), "/boot/config-" RELEASE);
        assert_true(kernel_config_enabled(c, "FROM_BOOT"));
        assert_false(kernel_config_enabled(c, "FROM_PROC"));
}

static void test_corrupt_gz(void **state)
{
        const char *tree = *state;
        /* A gzip header followed by garbage: an error, not a half-read config. */
        static const unsigned char bad[] = { 0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03,
                                             0xde, 0xad, 0xbe, 0xef, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x01 };
        tree_write_bytes(tree, "proc/config.gz", bad, sizeof(bad));
        _cleanup_rootdir_ struct rootdir *root = tree_rootdir(tree);

        struct kernel_config *c = NULL;
        int r = kernel_config_load(root, RELEASE, true, &c);
        assert_true(r < 0);
        assert_null(c);

        /* An empty compressed file is an empty config. */
        write_gz(tree, "proc/config.gz", "", 0);
        _cleanup_kernel_config_ struct kernel_config *empty = NULL;
        assert_int_equal(kernel_config_load(root, RELEASE, true, &empty), 0);
        assert_null(kernel_config_get(empty, "VFIO"));
}

static void test_empty_and_comments_only(void **state)
{
        const char *tree = *state;
        _cleanup_rootdir_ struct rootdir *root = tree_rootdir(tree);

        tree_write(tree, "boot/config-" RELEASE, "");
        _cleanup_kernel_config_ struct kernel_config *empty = NULL;
        assert_int_equal(kernel_config_load(root, RELEASE, false, &empty), 0);
        assert_null(kernel_config_get(empty, "VFIO"));
        assert_false(kernel_config_enabled(empty, "VFIO"));

        tree_write(tree, "boot/config-" RELEASE, "#\n# CONFIG_VFIO is not set\n\n");
        _cleanup_kernel_config_ struct kernel_config *comments = NULL;
        assert_int_equal(kernel_config_load(root, RELEASE, false, &comments), 0);
        assert_null(kernel_config_get(comments, "VFIO"));
}

static void test_many_options(void **state)
{
        /* A real config has ~10000 lines: every one must be found (sorting, growth, search). */
        const char *tree = *state;
        enum { N = 5000 };
        size_t allocated = (size_t) N * 80 + 1, used = 0;
        _cleanup_free_ char *text = malloc(allocated);
        assert_non_null(text);
        for (unsigned i = 0; i < N; i++) {
                unsigned k = (i * 7919u) % N; /* 7919 is prime to N: a permutation, out of order */
                used += (size_t) snprintf(text + used, allocated - used,
                                          "CONFIG_OPT_%u=%u\n# CONFIG_OFF_%u is not set\n", k, k, k);
        }
        tree_write(tree, "boot/config-" RELEASE, text);
        _cleanup_rootdir_ struct rootdir *root = tree_rootdir(tree);

        _cleanup_kernel_config_ struct kernel_config *c = NULL;
        assert_int_equal(kernel_config_load(root, RELEASE, false, &c), 0);
        for (unsigned k = 0; k < N; k++) {
                char name[32], want[16];
                snprintf(name, sizeof(name), "OPT_%u", k);
                snprintf(want, sizeof(want), "%u", k);
                assert_value(c, name, want);
                snprintf(name, sizeof(name), "OFF_%u", k);
                assert_value(c, name, NULL);
        }
        assert_value(c, "OPT_5000", NULL);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_boot_config, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_missing, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_proc_config_gz, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_boot_config_preferred, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_corrupt_gz, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_empty_and_comments_only, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_many_options, tree_setup, tree_teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
