/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* rootdir_read_file() refuses what is not a regular file (a FIFO would hang the read). */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "rootdir.h"
#include "test-tree.h"

static void test_fifo_refused(void **state)
{
        const char *tree = *state;
        tree_write(tree, "etc/placeholder", "x\n");
        char path[4096];
        snprintf(path, sizeof path, "%s/etc/initbind.conf", tree);
        assert_int_equal(mkfifo(path, 0600), 0);
        _cleanup_rootdir_ struct rootdir *root = tree_rootdir(tree);

        alarm(10); /* a regression blocks in open() or read(): fail instead of hanging */
        _cleanup_free_ char *text = NULL;
        assert_int_equal(rootdir_read_file(root, "/etc/initbind.conf", &text, NULL), -EBADFD);
        assert_null(text);
        alarm(0);
}

static void test_directory_refused(void **state)
{
        const char *tree = *state;
        tree_write(tree, "etc/default/grub/inner", "x\n");
        _cleanup_rootdir_ struct rootdir *root = tree_rootdir(tree);
        _cleanup_free_ char *text = NULL;
        int r = rootdir_read_file(root, "/etc/default/grub", &text, NULL);
        assert_true(r < 0);
        assert_null(text);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_fifo_refused, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_directory_refused, tree_setup, tree_teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
