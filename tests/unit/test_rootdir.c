/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The root prefix: paths below the root, symlinks and ".." confined to it, joins, existence. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "rootdir.h"
#include "test-tree.h"

static void assert_reads(const struct rootdir *root, const char *path, const char *want)
{
        _cleanup_free_ char *text = NULL;
        size_t size = 0;
        int r = rootdir_read_file(root, path, &text, &size);
        if (r < 0)
                fail_msg("%s: %s", path, strerror(-r));
        assert_string_equal(text, want);
        assert_int_equal(size, strlen(want));
}

static void test_paths_below_root(void **state)
{
        const char *tree = *state;
        tree_write(tree, "proc/cmdline", "root=/dev/sda1 quiet\n");
        _cleanup_rootdir_ struct rootdir *root = tree_rootdir(tree);

        assert_false(rootdir_is_host(root));
        assert_string_equal(rootdir_path(root), tree);
        /* Absolute and relative spellings, and repeated slashes, all mean the same file. */
        assert_reads(root, "/proc/cmdline", "root=/dev/sda1 quiet\n");
        assert_reads(root, "proc/cmdline", "root=/dev/sda1 quiet\n");
        assert_reads(root, "//proc//cmdline", "root=/dev/sda1 quiet\n");

        _cleanup_free_ char *text = NULL;
        assert_int_equal(rootdir_read_file(root, "/proc/missing", &text, NULL), -ENOENT);
        assert_null(text);
}

static void test_absolute_symlink_stays_inside(void **state)
{
        const char *tree = *state;
        /* The host has /etc/passwd; the tree has its own, different one. */
        tree_write(tree, "etc/passwd", "tree's passwd\n");
        tree_symlink(tree, "link-to-etc", "/etc");
        tree_symlink(tree, "link-to-passwd", "/etc/passwd");
        tree_symlink(tree, "sys/class/link-to-hostname", "/etc/hostname"); /* absent in the tree */
        _cleanup_rootdir_ struct rootdir *root = tree_rootdir(tree);

        assert_reads(root, "/link-to-etc/passwd", "tree's passwd\n");
        assert_reads(root, "/link-to-passwd", "tree's passwd\n");
        int fd = rootdir_open(root, "/sys/class/link-to-hostname", O_RDONLY, 0);
        if (fd >= 0)
                close(fd);
        assert_int_equal(fd, -ENOENT);
}

static void test_dotdot_stays_inside(void **state)
{
        const char *tree = *state;
        tree_write(tree, "etc/passwd", "tree's passwd\n");
        tree_symlink(tree, "sys/bus/pci/up", "../../../../../../../../etc");
        _cleanup_rootdir_ struct rootdir *root = tree_rootdir(tree);

        /* ".." at the root stays at the root, in the path itself and inside a symlink. */
        assert_reads(root, "/../../../etc/passwd", "tree's passwd\n");
        assert_reads(root, "../../../../etc/passwd", "tree's passwd\n");
        assert_reads(root, "/sys/bus/pci/up/passwd", "tree's passwd\n");
        assert_reads(root, "/sys/bus/../../../../etc/passwd", "tree's passwd\n");

        /* A host-only file is not reachable by climbing. */
        int fd = rootdir_open(root, "/../../../etc/hostname", O_RDONLY, 0);
        if (fd >= 0)
                close(fd);
        assert_int_equal(fd, -ENOENT);
        assert_int_equal(rootdir_exists(root, "/sys/bus/pci/up/hostname"), 0);
}

static void test_create_through_symlink_stays_inside(void **state)
{
        const char *tree = *state;
        tree_mkdir(tree, "initbind-unit-state"); /* a name no host has, should confinement fail */
        tree_symlink(tree, "etc/initbind", "/initbind-unit-state");
        _cleanup_rootdir_ struct rootdir *root = tree_rootdir(tree);

        int fd = rootdir_open(root, "/etc/initbind/new.conf", O_WRONLY | O_CREAT | O_EXCL, 0640);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, "x\n", 2), 2);
        close(fd);

        _cleanup_free_ char *created = tree_path(tree, "initbind-unit-state/new.conf");
        struct stat st;
        assert_int_equal(stat(created, &st), 0);
        mode_t mask = umask(0);
        umask(mask);
        assert_int_equal(st.st_mode & 0777, 0640 & ~mask);
        assert_int_equal(st.st_size, 2);
}

static void test_open_dir(void **state)
{
        const char *tree = *state;
        tree_write(tree, "sys/bus/pci/devices/0000:00:01.0/vendor", "0x1234\n");
        _cleanup_rootdir_ struct rootdir *root = tree_rootdir(tree);

        _cleanup_close_ int dirfd = rootdir_open_dir(root, "/sys/bus/pci/devices/0000:00:01.0");
        assert_true(dirfd >= 0);
        struct stat st;
        assert_int_equal(fstatat(dirfd, "vendor", &st, 0), 0);

        assert_int_equal(rootdir_open_dir(root, "/sys/bus/pci/devices/0000:00:01.0/vendor"), -ENOTDIR);
        assert_int_equal(rootdir_open_dir(root, "/sys/bus/pci/devices/0000:00:02.0"), -ENOENT);

        /* "" and "/" are the root itself. */
        _cleanup_close_ int top = rootdir_open_dir(root, "/");
        assert_true(top >= 0);
        assert_int_equal(fstatat(top, "sys", &st, 0), 0);
}

static void test_join(void **state)
{
        const char *tree = *state;
        _cleanup_rootdir_ struct rootdir *root = tree_rootdir(tree);

        _cleanup_free_ char *a = rootdir_join(root, "/lib/modules/6.1.0-26-amd64");
        _cleanup_free_ char *b = rootdir_join(root, "lib/modules");
        _cleanup_free_ char *want_a = NULL, *want_b = NULL;
        assert_true(asprintf(&want_a, "%s/lib/modules/6.1.0-26-amd64", tree) > 0);
        assert_true(asprintf(&want_b, "%s/lib/modules", tree) > 0);
        assert_string_equal(a, want_a);
        assert_string_equal(b, want_b);

        /* The root itself joins to a path naming the root directory. */
        _cleanup_free_ char *top = rootdir_join(root, "/");
        struct stat st_top, st_tree;
        assert_int_equal(stat(top, &st_top), 0);
        assert_int_equal(stat(tree, &st_tree), 0);
        assert_true(st_top.st_ino == st_tree.st_ino && st_top.st_dev == st_tree.st_dev);
}

static void test_exists(void **state)
{
        const char *tree = *state;
        tree_write(tree, "sys/firmware/acpi/tables/DMAR", "DMAR");
        tree_mkdir(tree, "sys/class/iommu");
        tree_symlink(tree, "sys/class/iommu/dmar0", "../../devices/virtual/iommu/dmar0"); /* dangling */
        _cleanup_rootdir_ struct rootdir *root = tree_rootdir(tree);

        assert_int_equal(rootdir_exists(root, "/sys/firmware/acpi/tables/DMAR"), 1);
        assert_int_equal(rootdir_exists(root, "/sys/class/iommu"), 1);
        assert_int_equal(rootdir_exists(root, "/sys/firmware/acpi/tables/IVRS"), 0);
        assert_int_equal(rootdir_exists(root, "/sys/nothing/at/all"), 0);
        /* A file used as a directory is ENOTDIR: still "does not exist". */
        assert_int_equal(rootdir_exists(root, "/sys/firmware/acpi/tables/DMAR/x"), 0);
        /* Existence follows symlinks: a dangling one is absent. */
        assert_int_equal(rootdir_exists(root, "/sys/class/iommu/dmar0"), 0);
}

static void test_new_errors(void **state)
{
        const char *tree = *state;
        tree_write(tree, "file", "x");
        struct rootdir *root = NULL;

        _cleanup_free_ char *missing = tree_path(tree, "missing");
        assert_int_equal(rootdir_new(missing, &root), -ENOENT);
        assert_null(root);
        _cleanup_free_ char *file = tree_path(tree, "file");
        assert_int_equal(rootdir_new(file, &root), -ENOTDIR);
        assert_null(root);
        assert_null(rootdir_free(NULL));
}

static void test_host(void **state)
{
        _cleanup_rootdir_ struct rootdir *slash = NULL;
        _cleanup_rootdir_ struct rootdir *slash_dot = NULL;
        assert_int_equal(rootdir_new("/", &slash), 0);
        assert_int_equal(rootdir_new("/./", &slash_dot), 0);
        assert_true(rootdir_is_host(slash));
        assert_true(rootdir_is_host(slash_dot));

        _cleanup_free_ char *sys = rootdir_join(slash, "/sys/bus/pci");
        _cleanup_free_ char *rel = rootdir_join(slash, "proc/cmdline");
        _cleanup_free_ char *top = rootdir_join(slash, "/");
        assert_string_equal(sys, "/sys/bus/pci");
        assert_string_equal(rel, "/proc/cmdline");
        assert_string_equal(top, "/");

        /* The host root reads real files. */
        assert_int_equal(rootdir_exists(slash, "/proc/self"), 1);

        /* A tree is never the host, even one that holds a copy of its files. */
        _cleanup_rootdir_ struct rootdir *tree = tree_rootdir(*state);
        assert_false(rootdir_is_host(tree));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_paths_below_root, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_absolute_symlink_stays_inside, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_dotdot_stays_inside, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_create_through_symlink_stays_inside, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_open_dir, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_join, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_exists, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_new_errors, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_host, tree_setup, tree_teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
