/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sysfs/procfs file helpers: one read per attribute, one checked write, whole-file reads. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <cmocka.h>

#include "fileio.h"
#include "test-tree.h"

/*
 * write() as the library sees it: this definition in the executable takes precedence over libc's,
 * so a test can count the calls write_attr_at() makes and make the kernel answer short or EINTR.
 * Unarmed it is the plain system call (the tree helpers write through it too).
 */
enum write_mode { WRITE_PASS, WRITE_SHORT, WRITE_EINTR_ONCE };
static struct {
        bool armed;
        enum write_mode mode;
        int calls;
} wrap;

ssize_t write(int fd, const void *buf, size_t count)
{
        if (wrap.armed) {
                wrap.calls++;
                if (wrap.mode == WRITE_EINTR_ONCE && wrap.calls == 1) {
                        errno = EINTR;
                        return -1;
                }
                if (wrap.mode == WRITE_SHORT && count > 1)
                        count--;
        }
        return syscall(SYS_write, fd, buf, count);
}

static void arm_write(enum write_mode mode)
{
        wrap.armed = true;
        wrap.mode = mode;
        wrap.calls = 0;
}

static int open_tree(const char *tree)
{
        int fd = open(tree, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_true(fd >= 0);
        return fd;
}

static char *slurp(const char *tree, const char *name, size_t *ret_size)
{
        _cleanup_close_ int dirfd = open_tree(tree);
        char *text = NULL;
        assert_int_equal(read_full_at(dirfd, name, &text, ret_size), 0);
        return text;
}

static void test_read_attr_newline(void **state)
{
        const char *tree = *state;
        tree_write(tree, "one", "vfio-pci\n");
        tree_write(tree, "two", "abc\n\n");
        tree_write(tree, "bare", "abc");
        tree_write(tree, "nl", "\n");
        tree_write(tree, "empty", "");
        _cleanup_close_ int dirfd = open_tree(tree);
        char buf[64];

        assert_int_equal(read_attr_at(dirfd, "one", buf, sizeof(buf)), 8);
        assert_string_equal(buf, "vfio-pci");
        /* Only one newline goes: the second is part of the value. */
        assert_int_equal(read_attr_at(dirfd, "two", buf, sizeof(buf)), 4);
        assert_string_equal(buf, "abc\n");
        assert_int_equal(read_attr_at(dirfd, "bare", buf, sizeof(buf)), 3);
        assert_string_equal(buf, "abc");
        assert_int_equal(read_attr_at(dirfd, "nl", buf, sizeof(buf)), 0);
        assert_string_equal(buf, "");
        assert_int_equal(read_attr_at(dirfd, "empty", buf, sizeof(buf)), 0);
        assert_string_equal(buf, "");
        assert_int_equal(read_attr_at(dirfd, "missing", buf, sizeof(buf)), -ENOENT);
}

static void test_read_attr_too_big(void **state)
{
        const char *tree = *state;
        tree_write(tree, "seven", "1234567");
        tree_write(tree, "eight", "12345678");
        tree_write(tree, "long", "0123456789abcdef0123456789abcdef\n");
        _cleanup_close_ int dirfd = open_tree(tree);
        char buf[8];

        assert_int_equal(read_attr_at(dirfd, "seven", buf, sizeof(buf)), 7);
        assert_string_equal(buf, "1234567");
        /* No room left for the NUL: refused, never silently cut. */
        assert_int_equal(read_attr_at(dirfd, "eight", buf, sizeof(buf)), -EFBIG);
        assert_int_equal(read_attr_at(dirfd, "long", buf, sizeof(buf)), -EFBIG);
}

static void test_read_attr_embedded_nul(void **state)
{
        const char *tree = *state;
        tree_write_bytes(tree, "nul-inside", "ab\0cd\n", 6);
        tree_write_bytes(tree, "nul-only", "\0", 1);
        tree_write_bytes(tree, "nul-last", "ab\0", 3);
        _cleanup_close_ int dirfd = open_tree(tree);
        char buf[64];

        assert_int_equal(read_attr_at(dirfd, "nul-inside", buf, sizeof(buf)), -EBADMSG);
        assert_int_equal(read_attr_at(dirfd, "nul-only", buf, sizeof(buf)), -EBADMSG);
        assert_int_equal(read_attr_at(dirfd, "nul-last", buf, sizeof(buf)), -EBADMSG);
}

static void test_read_attr_int(void **state)
{
        const char *tree = *state;
        tree_write(tree, "numa_node", "-1\n");
        tree_write(tree, "sriov_totalvfs", "63\n");
        tree_write(tree, "zero", "0");
        tree_write(tree, "max", "9223372036854775807\n");
        tree_write(tree, "min", "-9223372036854775808\n");
        tree_write(tree, "garbage", "garbage\n");
        tree_write(tree, "trailing", "12abc\n");
        tree_write(tree, "hex", "0x10\n");
        tree_write(tree, "empty", "\n");
        tree_write(tree, "minus", "-\n");
        tree_write(tree, "overflow", "9223372036854775808\n");
        tree_write(tree, "underflow", "-99999999999999999999\n");
        tree_write(tree, "two-lines", "1\n2\n");
        tree_write(tree, "huge", "123456789012345678901234567890123456789\n");
        _cleanup_close_ int dirfd = open_tree(tree);
        long v;

        assert_int_equal(read_attr_int_at(dirfd, "numa_node", &v), 0);
        assert_int_equal(v, -1);
        assert_int_equal(read_attr_int_at(dirfd, "sriov_totalvfs", &v), 0);
        assert_int_equal(v, 63);
        assert_int_equal(read_attr_int_at(dirfd, "zero", &v), 0);
        assert_int_equal(v, 0);
        assert_int_equal(read_attr_int_at(dirfd, "max", &v), 0);
        assert_true(v == LONG_MAX);
        assert_int_equal(read_attr_int_at(dirfd, "min", &v), 0);
        assert_true(v == LONG_MIN);

        v = 4242;
        assert_int_equal(read_attr_int_at(dirfd, "garbage", &v), -EBADMSG);
        assert_int_equal(read_attr_int_at(dirfd, "trailing", &v), -EBADMSG);
        assert_int_equal(read_attr_int_at(dirfd, "hex", &v), -EBADMSG);
        assert_int_equal(read_attr_int_at(dirfd, "empty", &v), -EBADMSG);
        assert_int_equal(read_attr_int_at(dirfd, "minus", &v), -EBADMSG);
        assert_int_equal(read_attr_int_at(dirfd, "overflow", &v), -EBADMSG);
        assert_int_equal(read_attr_int_at(dirfd, "underflow", &v), -EBADMSG);
        assert_int_equal(read_attr_int_at(dirfd, "two-lines", &v), -EBADMSG);
        assert_int_equal(read_attr_int_at(dirfd, "huge", &v), -EFBIG);
        assert_int_equal(read_attr_int_at(dirfd, "missing", &v), -ENOENT);
        assert_int_equal(v, 4242); /* untouched by every failure */
}

static void test_readlink(void **state)
{
        const char *tree = *state;
        tree_symlink(tree, "driver", "../../../bus/pci/drivers/vfio-pci");
        tree_symlink(tree, "iommu_group", "../../../../kernel/iommu_groups/13");
        tree_symlink(tree, "plain", "snd_hda_intel");
        tree_symlink(tree, "slash", "../drivers/");
        tree_write(tree, "file", "not a link\n");
        _cleanup_close_ int dirfd = open_tree(tree);

        _cleanup_free_ char *full = NULL, *driver = NULL, *group = NULL, *plain = NULL;
        assert_int_equal(readlink_at(dirfd, "driver", &full), 0);
        assert_string_equal(full, "../../../bus/pci/drivers/vfio-pci");
        assert_int_equal(readlink_basename_at(dirfd, "driver", &driver), 0);
        assert_string_equal(driver, "vfio-pci");
        assert_int_equal(readlink_basename_at(dirfd, "iommu_group", &group), 0);
        assert_string_equal(group, "13");
        assert_int_equal(readlink_basename_at(dirfd, "plain", &plain), 0);
        assert_string_equal(plain, "snd_hda_intel");

        char *untouched = (char *) "untouched";
        char *ret = untouched;
        assert_int_equal(readlink_basename_at(dirfd, "slash", &ret), -EBADMSG);
        assert_int_equal(readlink_basename_at(dirfd, "file", &ret), -EINVAL);
        assert_int_equal(readlink_basename_at(dirfd, "missing", &ret), -ENOENT);
        assert_ptr_equal(ret, untouched);
}

static void test_write_attr(void **state)
{
        const char *tree = *state;
        tree_write(tree, "driver_override", "a much longer old value than the new one\n");
        _cleanup_close_ int dirfd = open_tree(tree);

        arm_write(WRITE_PASS);
        int r = write_attr_at(dirfd, "driver_override", "vfio-pci\n");
        wrap.armed = false;
        assert_int_equal(r, 0);
        assert_int_equal(wrap.calls, 1); /* sysfs takes each write() as one store: exactly one */
        _cleanup_free_ char *text = slurp(tree, "driver_override", NULL);
        assert_string_equal(text, "vfio-pci\n");

        /* Clearing an override is a write of "\n", again truncating. */
        arm_write(WRITE_PASS);
        r = write_attr_at(dirfd, "driver_override", "\n");
        wrap.armed = false;
        assert_int_equal(r, 0);
        assert_int_equal(wrap.calls, 1);
        _cleanup_free_ char *cleared = slurp(tree, "driver_override", NULL);
        assert_string_equal(cleared, "\n");
}

static void test_write_attr_never_creates(void **state)
{
        const char *tree = *state;
        _cleanup_close_ int dirfd = open_tree(tree);

        assert_int_equal(write_attr_at(dirfd, "bind", "0000:01:00.0\n"), -ENOENT);
        struct stat st;
        assert_int_equal(fstatat(dirfd, "bind", &st, AT_SYMLINK_NOFOLLOW), -1);
        assert_int_equal(errno, ENOENT);
}

static void test_write_attr_no_symlink(void **state)
{
        const char *tree = *state;
        tree_write(tree, "outside", "untouched\n");
        _cleanup_free_ char *target = tree_path(tree, "outside");
        _cleanup_free_ char *link = tree_path(tree, "driver_override");
        assert_int_equal(symlink(target, link), 0);
        _cleanup_close_ int dirfd = open_tree(tree);

        /* An absolute link in a fixture tree would lead out of the root the directory was opened
         * under: refused, and the file it names is left as it was. */
        assert_int_equal(write_attr_at(dirfd, "driver_override", "vfio-pci\n"), -ELOOP);
        _cleanup_free_ char *text = slurp(tree, "outside", NULL);
        assert_string_equal(text, "untouched\n");
}

static void test_write_attr_errors(void **state)
{
        const char *tree = *state;
        tree_write(tree, "new_id", "");
        _cleanup_close_ int dirfd = open_tree(tree);

        /* A short write is -EIO, not a success and not a retry that would store twice. */
        arm_write(WRITE_SHORT);
        int r = write_attr_at(dirfd, "new_id", "10de 1b80\n");
        wrap.armed = false;
        assert_int_equal(r, -EIO);
        assert_int_equal(wrap.calls, 1);

        /* EINTR before anything was written is retried. */
        arm_write(WRITE_EINTR_ONCE);
        r = write_attr_at(dirfd, "new_id", "10de 1b80\n");
        wrap.armed = false;
        assert_int_equal(r, 0);
        assert_int_equal(wrap.calls, 2);
        _cleanup_free_ char *text = slurp(tree, "new_id", NULL);
        assert_string_equal(text, "10de 1b80\n");

        /* The kernel's error comes back as -errno (here /dev/full's ENOSPC). */
        _cleanup_close_ int dev = open("/dev", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_true(dev >= 0);
        if (faccessat(dev, "full", W_OK, 0) == 0)
                assert_int_equal(write_attr_at(dev, "full", "1\n"), -ENOSPC);
}

static void test_read_full_empty(void **state)
{
        const char *tree = *state;
        tree_write(tree, "empty", "");
        size_t size = 99;
        _cleanup_free_ char *text = slurp(tree, "empty", &size);
        assert_non_null(text);
        assert_int_equal(size, 0);
        assert_string_equal(text, "");
}

static void test_read_full_large(void **state)
{
        const char *tree = *state;
        const size_t size = 3 * 1024 * 1024 + 17; /* several reallocations, not a power of two */
        _cleanup_free_ char *data = malloc(size);
        assert_non_null(data);
        for (size_t i = 0; i < size; i++)
                data[i] = (char) ('a' + (i * 7 + i / 4096) % 26);
        tree_write_bytes(tree, "big", data, size);

        size_t got_size = 0;
        _cleanup_free_ char *text = slurp(tree, "big", &got_size);
        assert_int_equal(got_size, size);
        assert_memory_equal(text, data, size);
        assert_int_equal(text[size], '\0');

        /* ret_size is optional. */
        _cleanup_close_ int dirfd = open_tree(tree);
        _cleanup_free_ char *again = NULL;
        assert_int_equal(read_full_at(dirfd, "big", &again, NULL), 0);
        assert_int_equal(strlen(again), size);
}

static void test_read_full_too_big(void **state)
{
        const char *tree = *state;
        tree_write(tree, "huge", "");
        _cleanup_free_ char *path = tree_path(tree, "huge");
        assert_int_equal(truncate(path, (off_t) READ_FULL_MAX + 1), 0); /* sparse: costs no disk */

        _cleanup_close_ int dirfd = open_tree(tree);
        char *text = NULL;
        size_t size = 77;
        assert_int_equal(read_full_at(dirfd, "huge", &text, &size), -EFBIG);
        assert_null(text);
        assert_int_equal(size, 77);
        assert_int_equal(read_full_at(dirfd, "missing", &text, &size), -ENOENT);
}

static void test_read_full_pipe(void **state)
{
        /* procfs and pipes return short reads: the loop must gather them all until EOF. */
        int fds[2];
        assert_int_equal(pipe(fds), 0);
        char chunk[1000];
        memset(chunk, 'x', sizeof(chunk));
        for (int i = 0; i < 10; i++)
                assert_int_equal(write(fds[1], chunk, sizeof(chunk)), (ssize_t) sizeof(chunk));
        close(fds[1]);

        _cleanup_free_ char *text = NULL;
        size_t size = 0;
        assert_int_equal(read_full_fd(fds[0], &text, &size), 0);
        close(fds[0]);
        assert_int_equal(size, 10000);
        assert_int_equal(strspn(text, "x"), 10000);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_read_attr_newline, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_read_attr_too_big, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_read_attr_embedded_nul, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_read_attr_int, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_readlink, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_write_attr, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_write_attr_never_creates, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_write_attr_no_symlink, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_write_attr_errors, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_read_full_empty, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_read_full_large, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_read_full_too_big, tree_setup, tree_teardown),
                cmocka_unit_test(test_read_full_pipe),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
