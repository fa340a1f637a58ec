/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cmdlinegen's apply on command lines of 100 KB (thousands of parameters): planning, executing
 * and --remove stay near-linear in the number of parameters. Quadratic lookups made this take
 * tens of seconds; the ctest TIMEOUT of this test is what catches them coming back.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "apply.h"
#include "fileio.h"
#include "kcmdline.h"
#include "test-tree.h"

#define SCALE_BYTES (100 * 1024)

/*
 * "p0=v0 p1=v1 ... quiet mitigations=auto" of SCALE_BYTES. The value the apply replaces is near the
 * end: a change across the whole line is refused as too large to map onto the files.
 */
static char *long_line(void)
{
        char *s = malloc(SCALE_BYTES + 64);
        size_t n = 0;

        assert_non_null(s);
        for (unsigned i = 0; n < SCALE_BYTES; i++)
                n += (size_t) sprintf(s + n, "%sp%u=v%u", n ? " " : "", i, i);
        sprintf(s + n, " quiet mitigations=auto");
        return s;
}

static char *read_tree(const char *root, const char *path)
{
        _cleanup_free_ char *p = tree_path(root, path);
        _cleanup_close_ int fd = open(p, O_RDONLY);
        char *s = NULL;

        assert_true(fd >= 0);
        assert_int_equal(read_full_fd(fd, &s, NULL), 0);
        return s;
}

/* Plan and execute an apply (ADD) or a --remove (ADD NULL) below ROOT. */
static void apply(const char *root, enum bootloader b, const char *const *add, size_t n_add)
{
        struct apply_request req = {
                .root = root, .bootloader = b, .add = add, .n_add = n_add, .remove_ours = !add, .stamp = "T"
        };
        _cleanup_apply_plan_ struct apply_plan *p = NULL;
        _cleanup_free_ char *error = NULL;

        if (apply_plan(&req, &p, &error) < 0)
                fail_msg("apply_plan: %s", error);
        assert_true(p->n_files > 0);
        if (apply_execute(p, false, NULL, &error) < 0)
                fail_msg("apply_execute: %s", error);
}

static const char *const params[] = { "intel_iommu=on", "iommu=pt", "mitigations=off" };

static void test_grub_long_value(void **state)
{
        const char *root = *state;
        _cleanup_free_ char *line = long_line();
        _cleanup_free_ char *before = NULL, *applied = NULL, *removed = NULL;

        assert_true(asprintf(&before, "GRUB_CMDLINE_LINUX_DEFAULT=\"%s\"\n", line) > 0);
        tree_write(root, "etc/default/grub", before);
        apply(root, BOOTLOADER_GRUB, params, ELEMENTSOF(params));
        applied = read_tree(root, "etc/default/grub");
        assert_non_null(strstr(applied, " p6=v6 p7=v7 p8=v8 "));
        assert_non_null(strstr(applied, " quiet mitigations=off intel_iommu=on iommu=pt\"\n"));

        apply(root, BOOTLOADER_GRUB, NULL, 0);
        removed = read_tree(root, "etc/default/grub");
        assert_true(strlen(removed) == strlen(before));
        assert_non_null(strstr(removed, " p6=v6 p7=v7 p8=v8 "));
        assert_non_null(strstr(removed, " quiet mitigations=auto\"\n"));
}

static void test_sdboot_long_cmdline(void **state)
{
        const char *root = *state;
        _cleanup_free_ char *line = long_line();
        _cleanup_free_ char *applied = NULL, *removed = NULL;

        tree_mkdir(root, "usr/lib/modules/6.1.0-18-amd64");
        tree_mkdir(root, "boot/efi/EFI/systemd");
        tree_writef(root, "etc/kernel/cmdline", "%s\n", line);
        tree_writef(root, "boot/efi/loader/entries/d-6.1.0-18-amd64.conf", "title t\noptions %s\n", line);
        apply(root, BOOTLOADER_SYSTEMD_BOOT, params, ELEMENTSOF(params));
        applied = read_tree(root, "etc/kernel/cmdline");
        assert_non_null(strstr(applied, " quiet mitigations=off intel_iommu=on iommu=pt\n"));

        apply(root, BOOTLOADER_SYSTEMD_BOOT, NULL, 0);
        removed = read_tree(root, "etc/kernel/cmdline");
        assert_null(strstr(removed, "intel_iommu"));
        assert_non_null(strstr(removed, " quiet mitigations=auto"));
}

/* The index apply looks names up in gives what kcmdline_get_all() gives, in the same order. */
static void test_index_as_get_all(void **state)
{
        static const char line[] = "a-b=1 quiet isolcpus a_b=2 Quiet isolcpus=3 a-b x=\"y z\" -- a_b=4 init";
        static const char *const names[] = { "a_b", "a-b", "quiet", "isolcpus", "x", "init", "absent", "--", "" };
        _cleanup_kcmdline_ struct kcmdline *k = NULL;
        _cleanup_(kcmdline_index_done) struct kcmdline_index x = {};

        (void) state;
        assert_int_equal(kcmdline_parse(line, 0, &k, NULL), 0);
        assert_int_equal(kcmdline_index_build(k, &x), 0);
        for (size_t i = 0; i < ELEMENTSOF(names); i++) {
                _cleanup_free_ const struct kcmdline_token **all = NULL;
                const struct kcmdline_token *const *found;
                size_t n;
                assert_int_equal(kcmdline_get_all(k, names[i], &all, &n), 0);
                assert_int_equal(kcmdline_index_get_all(&x, names[i], &found), n);
                for (size_t j = 0; j < n; j++)
                        assert_ptr_equal(found[j], all[j]);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_grub_long_value, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_sdboot_long_cmdline, tree_setup, tree_teardown),
                cmocka_unit_test(test_index_as_get_all),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
