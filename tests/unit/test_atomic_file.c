/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Atomic replacement: every system call of atomic_file_write_at() made to fail in turn, and the
 * process killed at each of them: the file is always the old one or the new one, never truncated
 * or mixed, and a failure leaves no temporary file behind.
 */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cmocka.h>

#include "atomic_file.h"
#include "fileio.h"
#include "rootdir.h"
#include "test-syscalls.h"
#include "test-tree.h"

/* Every write() writes half: a fault at the next call leaves a partly written temp file. */

static const char old_text[] = "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n";
static const char new_text[] = "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on iommu=pt\"\n";

static void assert_old_or_new(const char *dir, bool *ret_is_new)
{
        _cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY);
        _cleanup_free_ char *s = NULL;

        assert_int_equal(read_full_at(dfd, "grub", &s, NULL), 0);
        if (!streq(s, old_text) && !streq(s, new_text))
                fail_msg("mixed or truncated file: '%s'", s);
        *ret_is_new = streq(s, new_text);
}

static size_t count_entries(const char *dir)
{
        DIR *d = opendir(dir);
        size_t n = 0;

        assert_non_null(d);
        for (struct dirent *de; (de = readdir(d));)
                n += de->d_name[0] != '.' || (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."));
        closedir(d);
        return n;
}

static void test_each_call_fails(void **state)
{
        const char *root = *state;
        _cleanup_free_ char *dir = tree_path(root, "etc/default");
        int n_calls;

        tree_write(root, "etc/default/grub", old_text);
        /* a clean run counts the calls */
        syscall_faults_start((struct syscall_faults){ .short_writes = true });
        {
                _cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY);
                assert_int_equal(atomic_file_write_at(dfd, "grub", old_text, strlen(old_text), 0644), 0);
        }
        n_calls = syscall_faults.calls;
        assert_true(n_calls >= 5); /* open, writes, fsync, rename, fsync of the directory */

        for (int k = 1; k <= n_calls; k++) {
                static const int errors[] = { ENOSPC, EIO, EDQUOT };
                _cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY);
                bool is_new;
                int r;

                tree_write(root, "etc/default/grub", old_text);
                syscall_faults_start(
                        (struct syscall_faults){ .fail_at = k, .error = errors[k % 3], .short_writes = true });
                r = atomic_file_write_at(dfd, "grub", new_text, strlen(new_text), 0644);
                assert_old_or_new(dir, &is_new);
                /* only a failing fsync of the directory comes after the rename */
                if (r == 0)
                        fail_msg("call %d failed and the write reported success", k);
                assert_int_equal(r, -errors[k % 3]);
                assert_true(is_new == (k == n_calls));
                assert_int_equal(count_entries(dir), 1); /* no temporary file left */
        }
        syscall_faults_stop();
}

static void test_killed_at_each_call(void **state)
{
        const char *root = *state;
        _cleanup_free_ char *dir = tree_path(root, "etc/default");

        for (int k = 1; k <= 8; k++) {
                bool is_new;
                int status;
                pid_t pid;

                tree_write(root, "etc/default/grub", old_text);
                pid = fork();
                assert_true(pid >= 0);
                if (pid == 0) {
                        int dfd = open(dir, O_RDONLY | O_DIRECTORY);
                        syscall_faults_start(
                                (struct syscall_faults){ .fail_at = k, .kill = true, .short_writes = true });
                        _exit(atomic_file_write_at(dfd, "grub", new_text, strlen(new_text), 0644) == 0 ? 0 : 1);
                }
                assert_int_equal(waitpid(pid, &status, 0), pid);
                assert_true(WIFEXITED(status));
                assert_old_or_new(dir, &is_new);
                /* killed before the rename: old; after it (or not killed at all): new */
                if (WEXITSTATUS(status) == 0)
                        assert_true(is_new);
        }
}

static void test_keeps_mode_and_backup(void **state)
{
        const char *root = *state;
        _cleanup_free_ char *dir = tree_path(root, "etc/default"), *path = tree_path(root, "etc/default/grub");
        _cleanup_free_ char *backup = NULL, *b = NULL;
        _cleanup_close_ int dfd = -1;
        struct stat st;

        tree_write(root, "etc/default/grub", old_text);
        assert_int_equal(chmod(path, 0600), 0);
        dfd = open(dir, O_RDONLY | O_DIRECTORY);
        assert_int_equal(atomic_file_backup_at(dfd, "grub", "20260101-000000", &backup), 0);
        assert_string_equal(backup, "grub.20260101-000000.bak");
        assert_int_equal(atomic_file_write_at(dfd, "grub", new_text, strlen(new_text), 0644), 0);
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0600);
        assert_int_equal(read_full_at(dfd, backup, &b, NULL), 0);
        assert_string_equal(b, old_text);
        assert_int_equal(atomic_file_backup_at(dfd, "missing", "x", &backup), -ENOENT);

        assert_int_equal(atomic_file_remove_at(dfd, "grub"), 0);
        assert_int_equal(atomic_file_remove_at(dfd, "grub"), 0);
        assert_int_equal(count_entries(dir), 1); /* the backup */
}

/* A symlink is never replaced by a file, nor read from the host's "/": the caller resolves it. */
static void test_refuses_symlinks(void **state)
{
        const char *root = *state;
        _cleanup_free_ char *dir = tree_path(root, "etc/default"), *link = tree_path(root, "etc/default/grub");
        _cleanup_free_ char *backup = NULL;
        _cleanup_close_ int dfd = -1;
        struct stat st;

        tree_write(root, "etc/default/grub-real", old_text);
        tree_symlink(root, "etc/default/grub", "grub-real");
        tree_symlink(root, "etc/default/passwd", "/etc/passwd"); /* the host's, never the root's */
        dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_true(dfd >= 0);
        assert_int_equal(atomic_file_write_at(dfd, "grub", new_text, strlen(new_text), 0644), -ELOOP);
        assert_int_equal(lstat(link, &st), 0);
        assert_true(S_ISLNK(st.st_mode));
        assert_int_equal(atomic_file_backup_at(dfd, "passwd", "x", &backup), -ELOOP);
        assert_null(backup);
        assert_int_equal(count_entries(dir), 3);
}

static void test_resolve_below_root(void **state)
{
        const char *root = *state;
        _cleanup_rootdir_ struct rootdir *rd = tree_rootdir(root);
        _cleanup_free_ char *path = NULL, *error = NULL;

        tree_write(root, "usr/lib/kernel/cmdline", "quiet\n");
        tree_symlink(root, "etc/kernel/cmdline", "/usr/lib/kernel/cmdline");
        assert_int_equal(atomic_file_resolve(rd, "/etc/kernel/cmdline", &path, &error), 0);
        assert_string_equal(path, "/usr/lib/kernel/cmdline");
        free(path);
        /* no link, or not there at all: the path itself */
        assert_int_equal(atomic_file_resolve(rd, "/usr/lib/kernel/cmdline", &path, &error), 0);
        assert_string_equal(path, "/usr/lib/kernel/cmdline");
        free(path);
        assert_int_equal(atomic_file_resolve(rd, "/etc/missing/file", &path, &error), 0);
        assert_string_equal(path, "/etc/missing/file");
        free(path);
        path = NULL;

        tree_symlink(root, "etc/kernel/loop", "loop");
        assert_int_equal(atomic_file_resolve(rd, "/etc/kernel/loop", &path, &error), -ELOOP);
        assert_string_equal(error,
                            "/etc/kernel/loop is a symlink to loop, through too many links (a loop?); not written");
        free(error);
        error = NULL;
        tree_symlink(root, "etc/kernel/dir", "/usr/lib/kernel/");
        assert_int_equal(atomic_file_resolve(rd, "/etc/kernel/dir", &path, &error), -EISDIR);
        assert_non_null(strstr(error, "/etc/kernel/dir is a symlink to /usr/lib/kernel/, which is a directory"));
        assert_null(path);
}

static bool has_xattr_support(const char *path)
{
        if (setxattr(path, "user.initbind-probe", "1", 1, 0) < 0)
                return false;
        (void) removexattr(path, "user.initbind-probe");
        return true;
}

/* Extended attributes (here user.*, which any owner may set) survive the replacement. */
static void test_keeps_xattrs(void **state)
{
        const char *root = *state;
        _cleanup_free_ char *dir = tree_path(root, "etc/default"), *path = tree_path(root, "etc/default/grub");
        _cleanup_close_ int dfd = -1;
        char buf[64];
        ssize_t n;

        tree_write(root, "etc/default/grub", old_text);
        if (!has_xattr_support(path)) {
                print_message("skipped: the filesystem of %s cannot hold user.* extended attributes\n", path);
                skip();
                return;
        }
        assert_int_equal(setxattr(path, "user.label", "grub-config", 11, 0), 0);
        assert_int_equal(setxattr(path, "user.empty", "", 0, 0), 0);
        dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_int_equal(atomic_file_write_at(dfd, "grub", new_text, strlen(new_text), 0644), 0);
        n = getxattr(path, "user.label", buf, sizeof(buf));
        assert_int_equal(n, 11);
        assert_memory_equal(buf, "grub-config", 11);
        assert_int_equal(getxattr(path, "user.empty", buf, sizeof(buf)), 0);
}

/* Two backups in one second: the first (the only copy of the original) is never overwritten. */
static void test_backups_never_overwritten(void **state)
{
        const char *root = *state;
        _cleanup_free_ char *dir = tree_path(root, "etc/default");
        _cleanup_free_ char *b1 = NULL, *b2 = NULL, *b3 = NULL, *s = NULL;
        _cleanup_close_ int dfd = -1;

        tree_write(root, "etc/default/grub", old_text);
        dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_int_equal(atomic_file_backup_at(dfd, "grub", "S", &b1), 0);
        assert_int_equal(atomic_file_write_at(dfd, "grub", new_text, strlen(new_text), 0644), 0);
        assert_int_equal(atomic_file_backup_at(dfd, "grub", "S", &b2), 0);
        assert_int_equal(atomic_file_backup_at(dfd, "grub", "S", &b3), 0);
        assert_string_equal(b1, "grub.S.bak");
        assert_string_equal(b2, "grub.S.1.bak");
        assert_string_equal(b3, "grub.S.2.bak");
        assert_int_equal(read_full_at(dfd, b1, &s, NULL), 0);
        assert_string_equal(s, old_text);
        free(s);
        s = NULL;
        assert_int_equal(read_full_at(dfd, b2, &s, NULL), 0);
        assert_string_equal(s, new_text);
        assert_int_equal(count_entries(dir), 4);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_each_call_fails, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_killed_at_each_call, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_keeps_mode_and_backup, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_refuses_symlinks, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_resolve_below_root, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_keeps_xattrs, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_backups_never_overwritten, tree_setup, tree_teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
