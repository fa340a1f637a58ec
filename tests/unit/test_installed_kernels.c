/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The newest installed kernel of a root without a running one, in dpkg's version order. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "installed_kernels.h"
#include "rootdir.h"
#include "test-tree.h"

static int sign(int x) { return (x > 0) - (x < 0); }

static void test_version_order(void **state)
{
        /* Each pair as `dpkg --compare-versions A lt B` has it. */
        static const char *const less[][2] = {
                { "6.1.0-9-amd64", "6.1.0-10-amd64" }, /* numbers, not characters */
                { "5.15.0-91-generic", "6.1.0-1-amd64" },
                { "6.1.0-18-amd64", "6.1.0-18-cloud-amd64" },
                { "6.1~rc1", "6.1" }, /* '~' before the end */
                { "6.1", "6.1a" },    /* the end before a letter */
                { "6.1a", "6.1+" },   /* letters before other characters */
                { "6.6.10-arch1-1", "6.6.11-arch1-1" },
                { "6.5.6-300.fc39.x86_64", "6.5.12-300.fc39.x86_64" },
        };
        for (size_t i = 0; i < sizeof(less) / sizeof(less[0]); i++) {
                assert_int_equal(sign(kernel_version_compare(less[i][0], less[i][1])), -1);
                assert_int_equal(sign(kernel_version_compare(less[i][1], less[i][0])), 1);
                assert_int_equal(kernel_version_compare(less[i][0], less[i][0]), 0);
        }
        assert_int_equal(kernel_version_compare("6.01.0", "6.1.0"), 0); /* leading zeros */
}

static void test_newest_installed(void **state)
{
        const char *tree = *state;
        _cleanup_rootdir_ struct rootdir *root = tree_rootdir(tree);
        char *s = NULL;

        assert_int_equal(kernel_newest_installed(root, &s), -ENOENT);
        assert_null(s);

        /* Debian's layout: the image in /boot. */
        tree_mkdir(tree, "lib/modules/6.1.0-9-amd64/kernel");
        tree_write(tree, "boot/vmlinuz-6.1.0-9-amd64", "");
        tree_mkdir(tree, "lib/modules/6.1.0-10-amd64/kernel");
        tree_write(tree, "boot/vmlinuz-6.1.0-10-amd64", "");
        /* Modules left behind by a removed kernel, and an image without modules: not kernels. */
        tree_mkdir(tree, "lib/modules/6.1.0-99-amd64/kernel");
        tree_write(tree, "boot/vmlinuz-6.1.0-98-amd64", "");
        assert_int_equal(kernel_newest_installed(root, &s), 0);
        assert_string_equal(s, "6.1.0-10-amd64");
        free(s);
        s = NULL;

        /* Fedora's and Arch's: the image beside the modules. */
        tree_write(tree, "lib/modules/6.2.0-1/vmlinuz", "");
        assert_int_equal(kernel_newest_installed(root, &s), 0);
        assert_string_equal(s, "6.2.0-1");
        free(s);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_version_order),
                cmocka_unit_test_setup_teardown(test_newest_installed, tree_setup, tree_teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
