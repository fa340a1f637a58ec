/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * apply_execute() on symlinked configuration files (a distribution's /etc/default/grub or
 * /etc/kernel/cmdline pointing into /usr, a loader entry managed elsewhere): the link stays, the
 * file it points to below the root is rewritten and backed up, and a link that cannot be
 * followed below the root is refused with the path and the link's target.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "apply.h"
#include "fileio.h"
#include "test-tree.h"

static const char grub_text[] = "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n";
static const char *const add[] = { "iommu=pt" };

static struct apply_plan *plan(const char *root, enum bootloader b)
{
        struct apply_request req = { .root = root, .bootloader = b, .add = add, .n_add = 1, .stamp = "T" };
        struct apply_plan *p = NULL;
        char *error = NULL;
        int r = apply_plan(&req, &p, &error);

        if (r < 0)
                fail_msg("apply_plan: %d %s", r, error);
        return p;
}

static void execute(struct apply_plan *p)
{
        _cleanup_free_ char *error = NULL;
        int r = apply_execute(p, false, NULL, &error);

        if (r < 0)
                fail_msg("apply_execute: %d %s", r, error);
}

static void assert_link(const char *root, const char *path, const char *target)
{
        _cleanup_free_ char *full = tree_path(root, path);
        char buf[256];
        ssize_t n = readlink(full, buf, sizeof(buf) - 1);

        if (n < 0)
                fail_msg("%s is no longer a symlink", path);
        buf[n] = '\0';
        assert_string_equal(buf, target);
}

static void assert_contents(const char *root, const char *path, const char *want)
{
        _cleanup_free_ char *full = tree_path(root, path), *s = NULL;
        _cleanup_close_ int fd = open(full, O_RDONLY | O_CLOEXEC);

        assert_true(fd >= 0);
        assert_int_equal(read_full_fd(fd, &s, NULL), 0);
        assert_string_equal(s, want);
}

static void test_grub_absolute_link(void **state)
{
        const char *root = *state;

        tree_write(root, "usr/share/grub/default", grub_text);
        tree_symlink(root, "etc/default/grub", "/usr/share/grub/default");
        struct apply_plan *p = plan(root, BOOTLOADER_GRUB);
        execute(p);
        /* the backup sits next to the file it keeps, and says so */
        assert_string_equal(p->files[0].backup_path, "/usr/share/grub/default.T.bak");
        apply_plan_free(p);

        assert_link(root, "etc/default/grub", "/usr/share/grub/default");
        assert_contents(root, "usr/share/grub/default", "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet iommu=pt\"\n");
        assert_contents(root, "usr/share/grub/default.T.bak", grub_text);
}

static void test_sdboot_relative_links(void **state)
{
        const char *root = *state;

        tree_mkdir(root, "usr/lib/modules/6.1.0-18-amd64");
        tree_mkdir(root, "efi/EFI/systemd");
        tree_write(root, "usr/lib/kernel/cmdline", "root=UUID=1 ro\n");
        tree_symlink(root, "etc/kernel/cmdline", "../../usr/lib/kernel/cmdline");
        tree_write(root, "boot/managed/m.conf", "title t\noptions root=UUID=1 ro\n");
        /* a chain: entry -> link -> file; ".." beyond the root stops at the root */
        tree_symlink(root, "boot/managed/m-link.conf", "m.conf");
        tree_symlink(root, "boot/loader/entries/m-6.1.0-18-amd64.conf", "../../../../../boot/managed/m-link.conf");
        struct apply_plan *p = plan(root, BOOTLOADER_SYSTEMD_BOOT);
        execute(p);
        apply_plan_free(p);

        assert_link(root, "etc/kernel/cmdline", "../../usr/lib/kernel/cmdline");
        assert_contents(root, "usr/lib/kernel/cmdline", "root=UUID=1 ro iommu=pt\n");
        assert_link(root, "boot/loader/entries/m-6.1.0-18-amd64.conf", "../../../../../boot/managed/m-link.conf");
        assert_link(root, "boot/managed/m-link.conf", "m.conf");
        assert_contents(root, "boot/managed/m.conf", "title t\noptions root=UUID=1 ro iommu=pt\n");
}

static void test_link_that_cannot_be_followed(void **state)
{
        const char *root = *state;
        _cleanup_free_ char *error = NULL;

        tree_write(root, "usr/share/grub/default", grub_text);
        tree_symlink(root, "etc/default/grub", "/usr/share/grub/default");
        struct apply_plan *p = plan(root, BOOTLOADER_GRUB);
        /* changed between the plan and its execution: the target's directory is gone */
        tree_symlink(root, "etc/default/grub", "/gone/grub");
        assert_int_equal(apply_execute(p, false, NULL, &error), -ENOENT);
        assert_non_null(error);
        assert_string_equal(
                error, "/etc/default/grub is a symlink to /gone/grub, whose directory does not exist; not written");
        apply_plan_free(p);
        assert_link(root, "etc/default/grub", "/gone/grub");
        assert_contents(root, "usr/share/grub/default", grub_text);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_grub_absolute_link, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_sdboot_relative_links, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_link_that_cannot_be_followed, tree_setup, tree_teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
