/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cmdlinegen's apply library on small roots: the exact edits planned for GRUB and systemd-boot
 * files, the state kept for --remove, and apply_execute() failing at every system call, at the
 * regeneration and at the read-back: every file is then back to its old contents.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "apply.h"
#include "atomic_file.h"
#include "boot_chain.h"
#include "rootdir.h"
#include "fileio.h"
#include "test-syscalls.h"
#include "test-tree.h"
#include "value_edit.h"

static char *read_tree(const char *root, const char *path)
{
        _cleanup_free_ char *p = tree_path(root, path);
        _cleanup_close_ int fd = open(p, O_RDONLY);
        char *s = NULL;

        if (fd < 0)
                return NULL;
        assert_int_equal(read_full_fd(fd, &s, NULL), 0);
        return s;
}

static void assert_file(const char *root, const char *path, const char *want)
{
        _cleanup_free_ char *s = read_tree(root, path);

        if (!want) {
                if (s)
                        fail_msg("%s exists: '%s'", path, s);
                return;
        }
        if (!s)
                fail_msg("%s missing", path);
        if (!streq(s, want))
                fail_msg("%s:\n got: '%s'\nwant: '%s'", path, s, want);
}

static struct apply_plan *plan(const char *root, enum bootloader b, const char *const *add, size_t n_add, bool remove)
{
        struct apply_request req = {
                .root = root, .bootloader = b, .add = add, .n_add = n_add, .remove_ours = remove, .stamp = "T"
        };
        struct apply_plan *p = NULL;
        char *error = NULL;
        int r = apply_plan(&req, &p, &error);

        if (r < 0)
                fail_msg("apply_plan: %d %s", r, error);
        return p;
}

static void execute(struct apply_plan *p)
{
        char *error = NULL;
        int r = apply_execute(p, false, NULL, &error);

        if (r < 0)
                fail_msg("apply_execute: %d %s", r, error);
}

static const char *const params[] = { "intel_iommu=on", "iommu=pt", "default_hugepagesz=1G", "hugepagesz=1G",
                                      "hugepages=16" };

static const char grub_before[] = "# keep me\n"
                                  "GRUB_TIMEOUT=5\n"
                                  "GRUB_CMDLINE_LINUX_DEFAULT='quiet \\\n"
                                  "  splash'   # trailing comment\n"
                                  "GRUB_CMDLINE_LINUX=\"hugepagesz=2M hugepages=64 console=ttyS0\"\n";

static void test_grub_in_place(void **state)
{
        const char *root = *state;
        struct apply_plan *p;

        tree_write(root, "etc/default/grub", grub_before);
        p = plan(root, BOOTLOADER_GRUB, params, ELEMENTSOF(params), false);
        /* a backslash-newline inside single quotes is two bytes of the value */
        assert_string_equal(p->old_cmdline, "hugepagesz=2M hugepages=64 console=ttyS0 quiet \\\n  splash");
        /* the hugepage block replaces the 2M pair where it was; the rest goes to the end of DEFAULT */
        assert_string_equal(p->new_cmdline, "default_hugepagesz=1G hugepagesz=1G hugepages=16 console=ttyS0 quiet \\\n "
                                            " splash intel_iommu=on iommu=pt");
        assert_int_equal(p->n_files, 2);
        assert_string_equal(p->files[0].path, "/etc/default/grub");
        assert_non_null(
                strstr(p->files[0].diff, "\n-GRUB_CMDLINE_LINUX=\"hugepagesz=2M hugepages=64 console=ttyS0\"\n"));
        assert_non_null(
                strstr(p->files[0].diff,
                       "\n+GRUB_CMDLINE_LINUX=\"default_hugepagesz=1G hugepagesz=1G hugepages=16 console=ttyS0\"\n"));
        assert_non_null(strstr(p->files[0].diff, "\n-  splash'   # trailing comment\n"));
        assert_null(p->regenerate_argv); /* never under a test root */
        execute(p);
        apply_plan_free(p);
        assert_file(root, "etc/default/grub",
                    "# keep me\n"
                    "GRUB_TIMEOUT=5\n"
                    "GRUB_CMDLINE_LINUX_DEFAULT='quiet \\\n"
                    "  splash intel_iommu=on iommu=pt'   # trailing comment\n"
                    "GRUB_CMDLINE_LINUX=\"default_hugepagesz=1G hugepagesz=1G hugepages=16 console=ttyS0\"\n");
        assert_file(root, "etc/default/grub.T.bak", grub_before);
        assert_file(root, "var/lib/initbind/cmdline-added",
                    "# Kernel parameters cmdlinegen --apply added (\"BOOTLOADER PARAMETER\") and values of yours\n"
                    "# they replaced (\"BOOTLOADER -PARAMETER\"). cmdlinegen --remove takes back exactly the first\n"
                    "# and puts back the second. Written by cmdlinegen; do not edit.\n"
                    "grub -hugepagesz=2M\ngrub -hugepages=64\n"
                    "grub intel_iommu=on\ngrub iommu=pt\ngrub default_hugepagesz=1G\ngrub hugepagesz=1G\ngrub "
                    "hugepages=16\n");

        /* applying again changes nothing */
        p = plan(root, BOOTLOADER_GRUB, params, ELEMENTSOF(params), false);
        assert_int_equal(p->n_files, 0);
        apply_plan_free(p);

        /* --remove takes back exactly those and puts back the 2M pair they replaced (at the end) */
        p = plan(root, BOOTLOADER_GRUB, NULL, 0, true);
        execute(p);
        apply_plan_free(p);
        assert_file(root, "etc/default/grub",
                    "# keep me\n"
                    "GRUB_TIMEOUT=5\n"
                    "GRUB_CMDLINE_LINUX_DEFAULT='quiet \\\n"
                    "  splash hugepagesz=2M hugepages=64'   # trailing comment\n"
                    "GRUB_CMDLINE_LINUX=\"console=ttyS0\"\n");
        assert_file(root, "var/lib/initbind/cmdline-added", NULL);
}

/*
 * /etc/default/grub as an absolute symlink: followed inside the root, not on this host's "/", and
 * the link stays a link; the backup and the rollback go to its target.
 */
static void test_grub_symlink_inside_root(void **state)
{
        const char *root = *state;
        _cleanup_free_ char *link = tree_path(root, "etc/default/grub"), *target = NULL;
        struct stat st;

        tree_write(root, "etc/default/initbind-test-grub.real", grub_before);
        assert_int_equal(symlink("/etc/default/initbind-test-grub.real", link), 0);
        struct apply_plan *p = plan(root, BOOTLOADER_GRUB, params, 1, false);
        execute(p);
        assert_string_equal(p->files[0].backup_path, "/etc/default/initbind-test-grub.real.T.bak");
        apply_plan_free(p);
        assert_int_equal(lstat(link, &st), 0);
        assert_true(S_ISLNK(st.st_mode));
        target = read_tree(root, "etc/default/initbind-test-grub.real");
        assert_non_null(strstr(target, "splash intel_iommu=on'"));
        assert_file(root, "etc/default/initbind-test-grub.real.T.bak", grub_before);

        p = plan(root, BOOTLOADER_GRUB, NULL, 0, true);
        execute(p);
        apply_plan_free(p);
        assert_file(root, "etc/default/initbind-test-grub.real", grub_before);
}

static void test_grub_references(void **state)
{
        const char *root = *state;
        const char *const add[] = { "iommu=pt" };
        struct apply_plan *p;

        /* a bare reference at the end: the text must not extend the name */
        tree_write(root, "etc/default/grub", "BASE=quiet\nGRUB_CMDLINE_LINUX_DEFAULT=\"$BASE\"\n");
        p = plan(root, BOOTLOADER_GRUB, add, 1, false);
        execute(p);
        apply_plan_free(p);
        assert_file(root, "etc/default/grub", "BASE=quiet\nGRUB_CMDLINE_LINUX_DEFAULT=\"$BASE iommu=pt\"\n");

        /* no assignment at all: one is added, after a last line without a newline */
        tree_write(root, "etc/default/grub", "GRUB_TIMEOUT=5");
        tree_unlink(root, "var/lib/initbind/cmdline-added");
        p = plan(root, BOOTLOADER_GRUB, add, 1, false);
        execute(p);
        apply_plan_free(p);
        assert_file(root, "etc/default/grub", "GRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX_DEFAULT=\"iommu=pt\"\n");
}

static void test_grub_refusals(void **state)
{
        const char *root = *state;
        const char *const add[] = { "isolcpus=2-7" };
        struct apply_request req = { .root = root, .bootloader = BOOTLOADER_GRUB, .add = add, .n_add = 1 };
        struct apply_plan *p = NULL;
        char *error = NULL;

        /* the value to change is also COMMON's */
        tree_write(root, "etc/default/grub", "COMMON=\"isolcpus=1\"\nGRUB_CMDLINE_LINUX_DEFAULT=\"$COMMON\"\n");
        assert_int_equal(apply_plan(&req, &p, &error), -EINVAL);
        assert_non_null(strstr(error, "/etc/default/grub:1:9: this text reaches the command line through a variable"));
        free(error);

        tree_write(root, "etc/default/grub", "GRUB_CMDLINE_LINUX_DEFAULT=\"$(cat /etc/x)\"\n");
        assert_int_equal(apply_plan(&req, &p, &error), -EINVAL);
        assert_string_equal(error, "GRUB_CMDLINE_LINUX_DEFAULT is not determinable: /etc/default/grub:1:29: the value "
                                   "comes from a command substitution");
        free(error);

        tree_unlink(root, "etc/default/grub");
        assert_int_equal(apply_plan(&req, &p, &error), -ENOENT);
        free(error);
}

/*
 * A value set inside if/case or after && is unknown to the reader: the in-place edit refuses it
 * as the drop-in's "${...}" does, instead of appending an assignment that would override it.
 */
static void test_grub_conditional_refused(void **state)
{
        const char *root = *state;
        const char *const add[] = { "iommu=pt" };
        struct apply_request req = { .root = root, .bootloader = BOOTLOADER_GRUB, .add = add, .n_add = 1 };
        static const char *const texts[] = {
                "GRUB_TIMEOUT=5\nif [ -e /etc/x ]; then\n  GRUB_CMDLINE_LINUX_DEFAULT=\"quiet splash\"\nfi\n",
                "case $x in y) GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\" ;; esac\n",
                "[ -e /etc/x ] && GRUB_CMDLINE_LINUX_DEFAULT=\"quiet splash\"\n",
        };
        static const char *const where[] = {
                "/etc/default/grub:3:3: GRUB_CMDLINE_LINUX_DEFAULT is assigned inside if/case",
                "/etc/default/grub:1:15: GRUB_CMDLINE_LINUX_DEFAULT is assigned inside if/case",
                "/etc/default/grub:1:18: GRUB_CMDLINE_LINUX_DEFAULT is assigned after &&",
        };

        for (size_t i = 0; i < ELEMENTSOF(texts); i++) {
                struct apply_plan *p = NULL;
                char *error = NULL;
                tree_write(root, "etc/default/grub", texts[i]);
                assert_int_equal(apply_plan(&req, &p, &error), -EINVAL);
                assert_null(p);
                if (!strstr(error, where[i]))
                        fail_msg("case %zu: %s", i, error);
                free(error);
        }
}

/* Everything already in place: no file is rewritten (no quotes added, no VAR="" appended). */
static void test_grub_nothing_to_change(void **state)
{
        const char *root = *state;
        const char *const add[] = { "quiet" };
        static const char *const texts[] = {
                "GRUB_CMDLINE_LINUX_DEFAULT=quiet\n",
                "GRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX=quiet\n",
        };

        for (size_t i = 0; i < ELEMENTSOF(texts); i++) {
                tree_write(root, "etc/default/grub", texts[i]);
                struct apply_plan *p = plan(root, BOOTLOADER_GRUB, add, 1, false);
                assert_int_equal(p->n_files, 0);
                apply_plan_free(p);
        }
        /* the Debian layout: no drop-in is created for nothing */
        tree_mkdir(root, "etc/default/grub.d");
        tree_write(root, "usr/sbin/update-grub", "#!/bin/sh\n");
        struct apply_plan *p = plan(root, BOOTLOADER_GRUB, add, 1, false);
        assert_int_equal(p->n_files, 0);
        apply_plan_free(p);
}

/*
 * Text appended to GRUB_CMDLINE_LINUX_DEFAULT that a later assignment copies would change that
 * variable too, and --remove could then not take it back (found by fuzz-grub_apply).
 */
static void test_grub_refuses_added_text_copied(void **state)
{
        const char *root = *state;
        const char *const add[] = { "quiet" };
        struct apply_request req = { .root = root, .bootloader = BOOTLOADER_GRUB, .add = add, .n_add = 1 };
        struct apply_plan *p = NULL;
        char *error = NULL;

        tree_write(root, "etc/default/grub", "GRUB_CMDLINE_LINUX_DEFAULT=\"x\"\nX=\"$GRUB_CMDLINE_LINUX_DEFAULT\"\n");
        assert_int_equal(apply_plan(&req, &p, &error), -EINVAL);
        assert_non_null(strstr(error, "/etc/default/grub:1:30: the text added here would also reach another variable"));
        free(error);

        /* copied before the assignment that ends the value: the added text reaches nothing else */
        tree_write(root, "etc/default/grub",
                   "GRUB_CMDLINE_LINUX_DEFAULT=\"x\"\nX=\"$GRUB_CMDLINE_LINUX_DEFAULT\"\n"
                   "GRUB_CMDLINE_LINUX_DEFAULT=\"y\"\n");
        p = plan(root, BOOTLOADER_GRUB, add, 1, false);
        execute(p);
        apply_plan_free(p);
        p = plan(root, BOOTLOADER_GRUB, NULL, 0, true);
        execute(p);
        apply_plan_free(p);
        assert_file(root, "etc/default/grub",
                    "GRUB_CMDLINE_LINUX_DEFAULT=\"x\"\nX=\"$GRUB_CMDLINE_LINUX_DEFAULT\"\n"
                    "GRUB_CMDLINE_LINUX_DEFAULT=\"y\"\n");
}

/* strdup() of exactly this string fails, as when out of memory (this definition takes the libc one's place). */
static const char *strdup_fails_for;

char *strdup(const char *s)
{
        size_t n = strlen(s) + 1;
        char *d;

        if (strdup_fails_for && streq(s, strdup_fails_for)) {
                errno = ENOMEM;
                return NULL;
        }
        d = malloc(n);
        return d ? memcpy(d, s, n) : NULL;
}

/* Out of memory for the path to read back fails the plan; it does not plan an apply without the read-back. */
static void test_grub_verify_path_oom(void **state)
{
        const char *root = *state;
        const struct apply_request req = { .root = root, .bootloader = BOOTLOADER_GRUB, .add = params, .n_add = 1 };
        struct apply_plan *p = NULL;
        char *error = NULL;

        tree_write(root, "etc/default/grub", grub_before);
        _cleanup_free_ char *update_grub = tree_path(root, "usr/sbin/update-grub");
        tree_write(root, "usr/sbin/update-grub", "#!/bin/sh\n");
        assert_int_equal(chmod(update_grub, 0755), 0);
        strdup_fails_for = "/boot/grub/grub.cfg";
        int r = apply_plan(&req, &p, &error);
        strdup_fails_for = NULL;
        assert_int_equal(r, -ENOMEM);
        assert_null(p);
        free(error);

        p = plan(root, BOOTLOADER_GRUB, params, 1, false);
        assert_string_equal(p->verify_path, "/boot/grub/grub.cfg");
        apply_plan_free(p);
}

/* Each system call apply_execute() makes fails in turn (EIO): tests/unit/test-syscalls.h. */

static void test_execute_fails_at_each_call(void **state)
{
        const char *root = *state;
        int n_calls;

        tree_write(root, "etc/default/grub", grub_before);
        tree_mkdir(root, "etc/default/grub.d");
        tree_write(root, "etc/default/grub.d/50-cloud.cfg",
                   "GRUB_CMDLINE_LINUX_DEFAULT=\"console=ttyS0 iommu=soft\"\n");

        struct apply_plan *p = plan(root, BOOTLOADER_GRUB, params, ELEMENTSOF(params), false);
        assert_int_equal(p->n_files, 4); /* grub (2M pair), 50-cloud (iommu=soft), our drop-in, state */
        syscall_faults_start((struct syscall_faults){});
        execute(p);
        n_calls = syscall_faults.calls;
        syscall_faults_stop();

        for (int k = 1; k <= n_calls; k++) {
                char *error = NULL;
                /* back to the start: the old files, no state */
                for (size_t i = 0; i < p->n_files; i++) {
                        if (p->files[i].old_contents)
                                tree_write(root, p->files[i].path, p->files[i].old_contents);
                        else {
                                _cleanup_free_ char *path = tree_path(root, p->files[i].path);
                                unlink(path);
                        }
                }
                syscall_faults_start((struct syscall_faults){ .fail_at = k });
                int r = apply_execute(p, false, NULL, &error);
                syscall_faults_stop();
                for (size_t i = 0; i < p->n_files; i++) {
                        /* all old on failure; on success (a failed directory fsync is reported, so never) all new */
                        const char *want = r < 0 ? p->files[i].old_contents : p->files[i].new_contents;
                        assert_file(root, p->files[i].path, want);
                }
                if (r >= 0)
                        fail_msg("call %d of %d failed, apply_execute reported success", k, n_calls);
                free(error);
        }
        apply_plan_free(p);
}

static void test_execute_rolls_back_on_regeneration(void **state)
{
        const char *root = *state;
        char *error = NULL;
        char *argv_false[] = { strdup("false"), NULL };
        char *argv_true[] = { strdup("true"), NULL };

        tree_write(root, "etc/default/grub", grub_before);
        struct apply_plan *p = plan(root, BOOTLOADER_GRUB, params, ELEMENTSOF(params), false);

        /* the regeneration command fails: every file back */
        p->regenerate_argv = malloc(sizeof(argv_false));
        memcpy(p->regenerate_argv, argv_false, sizeof(argv_false));
        assert_int_equal(apply_execute(p, true, NULL, &error), -ECHILD);
        assert_non_null(strstr(error, "false failed (exit status 1)"));
        assert_null(strstr(error, "restored")); /* the caller says so, once */
        free(error);
        assert_file(root, "etc/default/grub", grub_before);
        assert_file(root, "var/lib/initbind/cmdline-added", NULL);

        /* the rollback itself fails at its first system call: the plan says how many are not back */
        syscall_faults_start((struct syscall_faults){});
        assert_int_equal(apply_execute(p, true, NULL, &error), -ECHILD);
        assert_int_equal(p->n_not_restored, 0);
        free(error);
        int writes_and_rollback = syscall_faults.calls;
        syscall_faults_start((struct syscall_faults){});
        tree_write(root, "etc/default/grub", grub_before);
        assert_null(apply_plan_free(p));
        p = plan(root, BOOTLOADER_GRUB, params, ELEMENTSOF(params), false);
        p->regenerate_argv = malloc(sizeof(argv_false));
        argv_false[0] = strdup("false");
        memcpy(p->regenerate_argv, argv_false, sizeof(argv_false));
        syscall_faults_start((struct syscall_faults){ .fail_at = writes_and_rollback });
        assert_int_equal(apply_execute(p, true, NULL, &error), -ECHILD);
        syscall_faults_stop();
        assert_int_equal(p->n_not_restored, 1);
        free(error);
        /* put by hand what that rollback left: whichever file it was */
        tree_write(root, "etc/default/grub", grub_before);
        _cleanup_free_ char *state_file = tree_path(root, "var/lib/initbind/cmdline-added");
        (void) unlink(state_file);

        /* a program that is not there is told as such, not as an exit status */
        free(p->regenerate_argv[0]);
        p->regenerate_argv[0] = strdup("initbind-no-such-program");
        assert_int_equal(apply_execute(p, true, NULL, &error), -ECHILD);
        assert_non_null(strstr(error, "initbind-no-such-program could not be run (No such file or directory)"));
        assert_null(strstr(error, "restored")); /* the caller says so, once */
        free(error);
        assert_file(root, "etc/default/grub", grub_before);

        /* it succeeds but grub.cfg does not show the parameters: every file back */
        free(p->regenerate_argv[0]);
        free(p->regenerate_argv);
        p->regenerate_argv = malloc(sizeof(argv_true));
        memcpy(p->regenerate_argv, argv_true, sizeof(argv_true));
        free(p->verify_path);
        p->verify_path = strdup("/boot/grub/grub.cfg");
        tree_write(root, "boot/grub/grub.cfg",
                   "menuentry 'Debian GNU/Linux' {\n\tlinux\t/vmlinuz-6.1.0-18-amd64 root=UUID=1 ro quiet\n}\n");
        assert_int_equal(apply_execute(p, true, NULL, &error), -EBADMSG);
        assert_non_null(strstr(error, "the first menu entry lacks intel_iommu=on"));
        assert_null(strstr(error, "restored")); /* the caller says so, once */
        free(error);
        assert_file(root, "etc/default/grub", grub_before);

        /* and with them there, it stands */
        tree_write(root, "boot/grub/grub.cfg",
                   "menuentry 'Debian GNU/Linux' {\n\tlinux\t/vmlinuz-6.1.0-18-amd64 root=UUID=1 ro "
                   "default_hugepagesz=1G hugepagesz=1G hugepages=16 quiet intel_iommu=on iommu=pt\n}\n");
        assert_int_equal(apply_execute(p, true, NULL, &error), 0);
        _cleanup_free_ char *applied = read_tree(root, "etc/default/grub");
        assert_non_null(strstr(applied, "intel_iommu=on"));
        apply_plan_free(p);
}

static void test_grub_fedora_bls(void **state)
{
        const char *root = *state;
        const char *const add[] = { "intel_iommu=on" };
        char *argv_true[] = { strdup("true"), NULL }, *error = NULL;
        struct apply_plan *p;

        tree_write(root, "etc/default/grub", "GRUB_CMDLINE_LINUX=\"rhgb quiet\"\nGRUB_ENABLE_BLSCFG=true\n");
        tree_write(root, "usr/sbin/grub2-mkconfig", "#!/bin/sh\n# --update-bls-cmdline\n");
        tree_write(root, "usr/sbin/grubby", "#!/bin/sh\n");
        _cleanup_free_ char *mk = tree_path(root, "usr/sbin/grub2-mkconfig"), *gb = tree_path(root, "usr/sbin/grubby");
        assert_int_equal(chmod(mk, 0755), 0);
        assert_int_equal(chmod(gb, 0755), 0);

        p = plan(root, BOOTLOADER_GRUB, add, 1, false);
        assert_non_null(
                strstr(p->regenerate_note, "run \"grub2-mkconfig -o /boot/grub2/grub.cfg --update-bls-cmdline\""));
        assert_string_equal(p->verify_path, "/boot/loader/entries");
        apply_plan_free(p);

        /* a grub2-mkconfig from before RHEL 9.3 / Fedora 39: grubby */
        tree_write(root, "usr/sbin/grub2-mkconfig", "#!/bin/sh\n");
        assert_int_equal(chmod(mk, 0755), 0);
        p = plan(root, BOOTLOADER_GRUB, add, 1, false);
        assert_non_null(strstr(p->regenerate_note, "run \"grubby --update-kernel=ALL --args=intel_iommu=on\""));

        /* the read-back looks at every entry */
        tree_write(root, "boot/loader/entries/a.conf",
                   "title a\noptions root=UUID=1 rhgb quiet\noptions intel_iommu=on\n");
        tree_write(root, "boot/loader/entries/b.conf", "title b\noptions root=UUID=1 rhgb quiet\n");
        p->regenerate_argv = malloc(sizeof(argv_true));
        memcpy(p->regenerate_argv, argv_true, sizeof(argv_true));
        assert_int_equal(apply_execute(p, true, NULL, &error), -EBADMSG);
        assert_non_null(strstr(error, "/boot/loader/entries/b.conf lacks intel_iommu=on"));
        free(error);
        tree_write(root, "boot/loader/entries/b.conf", "title b\noptions root=UUID=1 intel_iommu=on\n");
        assert_int_equal(apply_execute(p, true, NULL, &error), 0);
        apply_plan_free(p);
}

/* The grub2-mkconfig asked about --update-bls-cmdline is the one that runs, wherever it is. */
static void test_grub_bls_mkconfig_in_sbin(void **state)
{
        const char *root = *state;
        const char *const add[] = { "intel_iommu=on" };
        _cleanup_free_ char *mk = tree_path(root, "sbin/grub2-mkconfig"), *gb = tree_path(root, "usr/sbin/grubby");

        tree_write(root, "etc/default/grub", "GRUB_CMDLINE_LINUX=\"rhgb quiet\"\nGRUB_ENABLE_BLSCFG=true\n");
        tree_write(root, "sbin/grub2-mkconfig", "#!/bin/sh\n# --update-bls-cmdline\n");
        tree_write(root, "usr/sbin/grubby", "#!/bin/sh\n");
        assert_int_equal(chmod(mk, 0755), 0);
        assert_int_equal(chmod(gb, 0755), 0);

        struct apply_plan *p = plan(root, BOOTLOADER_GRUB, add, 1, false);
        assert_non_null(
                strstr(p->regenerate_note, "run \"grub2-mkconfig -o /boot/grub2/grub.cfg --update-bls-cmdline\""));
        assert_string_equal(p->verify_path, "/boot/loader/entries");
        apply_plan_free(p);
}

static void test_execute_refuses_changed_file(void **state)
{
        const char *root = *state;
        char *error = NULL;

        tree_write(root, "etc/default/grub", grub_before);
        struct apply_plan *p = plan(root, BOOTLOADER_GRUB, params, ELEMENTSOF(params), false);
        tree_write(root, "etc/default/grub", "GRUB_TIMEOUT=1\n");
        assert_int_equal(apply_execute(p, false, NULL, &error), -ESTALE);
        free(error);
        assert_file(root, "etc/default/grub", "GRUB_TIMEOUT=1\n");
        apply_plan_free(p);
}

/* A value of the user's that an apply replaces, quoted across a line break, could not be recorded
 * for --remove on one line of the state file: refused (found by fuzz-loader_entry). */
static void test_sdboot_replaced_value_across_lines(void **state)
{
        const char *root = *state;
        const char *const add[] = { "iommu=pt" };
        const struct apply_request req = {
                .root = root, .bootloader = BOOTLOADER_SYSTEMD_BOOT, .add = add, .n_add = 1, .stamp = "T"
        };
        struct apply_plan *p = NULL;
        char *error = NULL;

        tree_mkdir(root, "usr/lib/modules/6.1.0-18-amd64");
        tree_write(root, "boot/efi/loader/loader.conf", "default debian-6.1.0-18*\n");
        tree_write(root, "boot/efi/loader/entries/debian-6.1.0-18-amd64.conf",
                   "title Debian\nversion 6.1.0-18-amd64\nlinux /vmlinuz\noptions root=UUID=1 ro\n");
        tree_write(root, "etc/kernel/cmdline", "root=UUID=1 ro iommu=\"soft\nx\" quiet\n");
        assert_int_equal(apply_plan(&req, &p, &error), -EINVAL);
        assert_null(p);
        assert_non_null(strstr(error, "/etc/kernel/cmdline: the value this would replace, 'iommu=soft...', goes on "
                                      "past the end of a line"));
        free(error);
}

static void test_sdboot(void **state)
{
        const char *root = *state;
        const char *const add[] = { "intel_iommu=on", "iommu=pt" };

        tree_mkdir(root, "usr/lib/modules/6.1.0-18-amd64");
        tree_mkdir(root, "usr/lib/modules/6.1.0-21-amd64");
        tree_write(root, "boot/efi/loader/loader.conf", "timeout 3\ndefault debian-6.1.0-18*\n");
        tree_write(root, "boot/efi/loader/entries/debian-6.1.0-18-amd64.conf",
                   "title Debian\nversion 6.1.0-18-amd64\nlinux /vmlinuz\noptions root=UUID=1 ro\noptions quiet\n");
        tree_write(root, "boot/efi/loader/entries/debian-6.1.0-21-amd64.conf",
                   "title Debian\nversion 6.1.0-21-amd64\nlinux /vmlinuz\noptions root=UUID=1 ro quiet splash\n");
        tree_write(root, "boot/efi/loader/entries/debian-5.10.0-9-amd64.conf",
                   "title Debian old\nversion 5.10.0-9-amd64\nlinux /vmlinuz-old\noptions root=UUID=1 ro\n");
        tree_write(root, "boot/efi/loader/entries/no-options-6.1.0-21-amd64.conf",
                   "title x\nlinux /vmlinuz-6.1.0-21-amd64\n");
        tree_write(root, "boot/efi/EFI/Linux/debian-6.2.efi", "MZ");

        struct apply_plan *p = plan(root, BOOTLOADER_SYSTEMD_BOOT, add, 2, false);
        bool uki = false, created = false;
        for (size_t i = 0; i < p->n_warnings; i++) {
                /* "MZ" alone: named, and left alone (the UKI cases of tests/cli use real images) */
                uki = uki || strstr(p->warnings[i], "/boot/efi/EFI/Linux/debian-6.2.efi is not a PE image");
                created = created || strstr(p->warnings[i],
                                            "created from the options of /boot/efi/loader/entries/debian-6.1.0-18");
        }
        assert_true(uki);
        assert_true(created);
        execute(p);
        apply_plan_free(p);

        /* the default entry's options, not /proc/cmdline */
        assert_file(root, "etc/kernel/cmdline", "root=UUID=1 ro quiet intel_iommu=on iommu=pt\n");
        assert_file(root, "boot/efi/loader/entries/debian-6.1.0-18-amd64.conf",
                    "title Debian\nversion 6.1.0-18-amd64\nlinux /vmlinuz\noptions root=UUID=1 ro\noptions quiet "
                    "intel_iommu=on iommu=pt\n");
        assert_file(root, "boot/efi/loader/entries/debian-6.1.0-21-amd64.conf",
                    "title Debian\nversion 6.1.0-21-amd64\nlinux /vmlinuz\noptions root=UUID=1 ro quiet splash "
                    "intel_iommu=on iommu=pt\n");
        assert_file(root, "boot/efi/loader/entries/no-options-6.1.0-21-amd64.conf",
                    "title x\nlinux /vmlinuz-6.1.0-21-amd64\noptions intel_iommu=on iommu=pt\n");
        /* a kernel that is not installed: left alone */
        assert_file(root, "boot/efi/loader/entries/debian-5.10.0-9-amd64.conf",
                    "title Debian old\nversion 5.10.0-9-amd64\nlinux /vmlinuz-old\noptions root=UUID=1 ro\n");

        p = plan(root, BOOTLOADER_SYSTEMD_BOOT, NULL, 0, true);
        execute(p);
        apply_plan_free(p);
        assert_file(root, "boot/efi/loader/entries/debian-6.1.0-18-amd64.conf",
                    "title Debian\nversion 6.1.0-18-amd64\nlinux /vmlinuz\noptions root=UUID=1 ro\noptions quiet\n");
        assert_file(root, "boot/efi/loader/entries/no-options-6.1.0-21-amd64.conf",
                    "title x\nlinux /vmlinuz-6.1.0-21-amd64\n");
        assert_file(root, "etc/kernel/cmdline", "root=UUID=1 ro quiet\n");
}

/* The final newline of /etc/kernel/cmdline is the file's, not part of the line the plan reports. */
static void test_sdboot_cmdline_newline(void **state)
{
        const char *root = *state;
        const char *const add[] = { "iommu=pt" };

        tree_mkdir(root, "usr/lib/modules/6.1.0-18-amd64");
        tree_write(root, "efi/loader/loader.conf", "timeout 3\n");
        tree_write(root, "etc/kernel/cmdline", "root=UUID=1 ro\n");
        tree_write(root, "efi/loader/entries/m-6.1.0-18-amd64.conf", "title t\noptions root=UUID=1 ro\n");
        struct apply_plan *p = plan(root, BOOTLOADER_SYSTEMD_BOOT, add, 1, false);
        assert_string_equal(p->old_cmdline, "root=UUID=1 ro");
        assert_string_equal(p->new_cmdline, "root=UUID=1 ro iommu=pt");
        execute(p);
        apply_plan_free(p);
        p = plan(root, BOOTLOADER_SYSTEMD_BOOT, add, 1, false);
        assert_int_equal(p->n_files, 0);
        assert_string_equal(p->old_cmdline, "root=UUID=1 ro iommu=pt");
        apply_plan_free(p);
        p = plan(root, BOOTLOADER_SYSTEMD_BOOT, NULL, 0, true);
        assert_string_equal(p->old_cmdline, "root=UUID=1 ro iommu=pt");
        assert_string_equal(p->new_cmdline, "root=UUID=1 ro");
        apply_plan_free(p);
}

/*
 * Each entry's options are its own: what the apply added is recorded per file, so --remove
 * takes back in each entry exactly what it added there. An entry that had iommu=pt before (the
 * file did not) keeps it; /etc/kernel/cmdline, which never had it, loses it.
 */
static void test_sdboot_remove_per_entry(void **state)
{
        const char *root = *state;
        const char *const add[] = { "intel_iommu=on", "iommu=pt" };
        static const char had[] = "title a\nversion 6.1.0-18-amd64\noptions root=UUID=1 ro iommu=pt\n",
                          lacked[] = "title b\nversion 6.1.0-21-amd64\noptions root=UUID=1 ro quiet\n",
                          both[] = "title c\nversion 6.1.0-22-amd64\noptions root=UUID=1 intel_iommu=on iommu=pt\n";

        tree_mkdir(root, "usr/lib/modules/6.1.0-18-amd64");
        tree_mkdir(root, "usr/lib/modules/6.1.0-21-amd64");
        tree_mkdir(root, "usr/lib/modules/6.1.0-22-amd64");
        tree_write(root, "efi/loader/loader.conf", "timeout 3\n");
        tree_write(root, "etc/kernel/cmdline", "root=UUID=1 ro\n");
        tree_write(root, "efi/loader/entries/a-6.1.0-18-amd64.conf", had);
        tree_write(root, "efi/loader/entries/b-6.1.0-21-amd64.conf", lacked);
        tree_write(root, "efi/loader/entries/c-6.1.0-22-amd64.conf", both);
        struct apply_plan *p = plan(root, BOOTLOADER_SYSTEMD_BOOT, add, 2, false);
        execute(p);
        apply_plan_free(p);
        assert_file(root, "efi/loader/entries/a-6.1.0-18-amd64.conf",
                    "title a\nversion 6.1.0-18-amd64\noptions root=UUID=1 ro iommu=pt intel_iommu=on\n");
        assert_file(root, "efi/loader/entries/b-6.1.0-21-amd64.conf",
                    "title b\nversion 6.1.0-21-amd64\noptions root=UUID=1 ro quiet intel_iommu=on iommu=pt\n");
        assert_file(root, "efi/loader/entries/c-6.1.0-22-amd64.conf", both);

        /* applying again changes nothing, the records included */
        p = plan(root, BOOTLOADER_SYSTEMD_BOOT, add, 2, false);
        assert_int_equal(p->n_files, 0);
        apply_plan_free(p);

        p = plan(root, BOOTLOADER_SYSTEMD_BOOT, NULL, 0, true);
        execute(p);
        apply_plan_free(p);
        assert_file(root, "etc/kernel/cmdline", "root=UUID=1 ro\n");
        assert_file(root, "efi/loader/entries/a-6.1.0-18-amd64.conf", had);
        assert_file(root, "efi/loader/entries/b-6.1.0-21-amd64.conf", lacked);
        assert_file(root, "efi/loader/entries/c-6.1.0-22-amd64.conf", both);
        assert_file(root, "var/lib/initbind/cmdline-added", NULL);
}

/* A state file of before the per-file records ("systemd-boot PARAM" only): every entry shares it. */
static void test_sdboot_remove_old_state(void **state)
{
        const char *root = *state;

        tree_mkdir(root, "usr/lib/modules/6.1.0-18-amd64");
        tree_write(root, "efi/loader/loader.conf", "timeout 3\n");
        tree_write(root, "etc/kernel/cmdline", "root=UUID=1 ro iommu=pt\n");
        tree_write(root, "efi/loader/entries/a-6.1.0-18-amd64.conf", "title a\noptions root=UUID=1 ro iommu=pt\n");
        tree_write(root, "var/lib/initbind/cmdline-added", "# old\nsystemd-boot iommu=pt\ngrub quiet\n");
        struct apply_plan *p = plan(root, BOOTLOADER_SYSTEMD_BOOT, NULL, 0, true);
        execute(p);
        apply_plan_free(p);
        assert_file(root, "etc/kernel/cmdline", "root=UUID=1 ro\n");
        assert_file(root, "efi/loader/entries/a-6.1.0-18-amd64.conf", "title a\noptions root=UUID=1 ro\n");
        /* the other boot loader's record stays */
        _cleanup_free_ char *rest = read_tree(root, "var/lib/initbind/cmdline-added");
        assert_non_null(rest);
        assert_non_null(strstr(rest, "\ngrub quiet\n"));
        assert_null(strstr(rest, "systemd-boot"));
}

/*
 * An apply and a --remove within one second (the same stamp): the second backup gets a number,
 * and the first, the only copy of the original, is kept.
 */
static void test_backups_same_second(void **state)
{
        const char *root = *state;
        const char *const add[] = { "iommu=pt" };
        static const char entry[] = "title t\noptions root=UUID=1 ro quiet\n";

        tree_mkdir(root, "usr/lib/modules/6.1.0-18-amd64");
        tree_write(root, "efi/loader/loader.conf", "timeout 3\n");
        tree_write(root, "etc/kernel/cmdline", "root=UUID=1 ro quiet\n");
        tree_write(root, "efi/loader/entries/m-6.1.0-18-amd64.conf", entry);
        tree_write(root, "etc/default/grub", "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n");
        for (int round = 0; round < 2; round++) {
                struct apply_plan *p = plan(root, BOOTLOADER_SYSTEMD_BOOT, round ? NULL : add, round ? 0 : 1, round);
                execute(p);
                apply_plan_free(p);
                p = plan(root, BOOTLOADER_GRUB, round ? NULL : add, round ? 0 : 1, round);
                execute(p);
                apply_plan_free(p);
        }
        assert_file(root, "etc/kernel/cmdline.T.bak", "root=UUID=1 ro quiet\n");
        assert_file(root, "etc/kernel/cmdline.T.1.bak", "root=UUID=1 ro quiet iommu=pt\n");
        assert_file(root, "efi/loader/entries/m-6.1.0-18-amd64.conf.T.bak", entry);
        assert_file(root, "efi/loader/entries/m-6.1.0-18-amd64.conf.T.1.bak",
                    "title t\noptions root=UUID=1 ro quiet iommu=pt\n");
        assert_file(root, "etc/default/grub.T.bak", "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n");
        assert_file(root, "etc/default/grub.T.1.bak", "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet iommu=pt\"\n");
        assert_file(root, "etc/default/grub", "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n");
        assert_file(root, "etc/kernel/cmdline", "root=UUID=1 ro quiet\n");
        assert_file(root, "efi/loader/entries/m-6.1.0-18-amd64.conf", entry);
}

/* XBOOTLDR: the entries on /boot next to an ESP on /efi are edited too. */
static void test_sdboot_xbootldr(void **state)
{
        const char *root = *state;
        const char *const add[] = { "iommu=pt" };

        tree_mkdir(root, "usr/lib/modules/6.1.0-18-amd64");
        tree_mkdir(root, "efi/EFI/systemd");
        tree_write(root, "etc/kernel/cmdline", "root=UUID=1 ro\n");
        tree_write(root, "boot/loader/entries/m-6.1.0-18-amd64.conf", "title t\noptions root=UUID=1 ro\n");
        struct apply_plan *p = plan(root, BOOTLOADER_SYSTEMD_BOOT, add, 1, false);
        execute(p);
        apply_plan_free(p);
        assert_file(root, "etc/kernel/cmdline", "root=UUID=1 ro iommu=pt\n");
        assert_file(root, "boot/loader/entries/m-6.1.0-18-amd64.conf", "title t\noptions root=UUID=1 ro iommu=pt\n");
}

/* With GRUB's settings and systemd-boot's loader.conf both there, apply edits the loader the report names. */
static void test_auto_same_loader_as_boot_chain(void **state)
{
        const char *root = *state;
        const char *const add[] = { "iommu=pt" };
        _cleanup_rootdir_ struct rootdir *rd = NULL;
        struct boot_chain chain;

        tree_write(root, "etc/default/grub", "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n");
        tree_mkdir(root, "usr/lib/modules/6.1.0-18-amd64");
        tree_write(root, "efi/loader/loader.conf", "timeout 3\n");
        tree_write(root, "etc/kernel/cmdline", "root=UUID=1 ro\n");
        tree_write(root, "efi/loader/entries/m-6.1.0-18-amd64.conf", "title t\noptions root=UUID=1 ro\n");
        assert_int_equal(rootdir_new(root, &rd), 0);
        boot_chain_detect(rd, &chain);

        struct apply_plan *p = plan(root, BOOTLOADER_AUTO, add, 1, false);
        assert_string_equal(bootloader_to_string(p->bootloader), loader_kind_to_string(chain.bootloader));
        assert_string_equal(p->new_cmdline, "root=UUID=1 ro iommu=pt");
        apply_plan_free(p);
}

static void test_sdboot_no_esp(void **state)
{
        const struct apply_request req = { .root = *state, .bootloader = BOOTLOADER_SYSTEMD_BOOT };
        struct apply_plan *p = NULL;
        char *error = NULL;

        assert_int_equal(apply_plan(&req, &p, &error), -ENOENT);
        assert_non_null(strstr(error, "no EFI system partition found (/efi not a directory; /boot not a directory"));
        free(error);
}

static void test_value_edit_quoting(void **state)
{
        /* text going right after a bare $NAME inside double quotes is kept apart from it */
        const char *text = "A=\"$B\"";
        const char *labels[] = { "f" }, *texts[] = { text };
        struct value_sources src = { labels, texts, 1, NULL, NULL };
        struct value_append_point ap = { 0, 5, SH_QUOTE_DOUBLE, true, false };
        struct text_edits e = {};
        char *error = NULL, *out = NULL;

        assert_int_equal(value_edit_plan("", NULL, "iommu=pt", &ap, VALUE_SYNTAX_SH, &src, &e, &error), 0);
        assert_int_equal(text_edits_apply(&e, 0, text, &out), 0);
        assert_string_equal(out, "A=\"$B\"\"iommu=pt\"");
        free(out);
        text_edits_done(&e);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_grub_in_place, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_grub_references, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_grub_refusals, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_grub_conditional_refused, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_grub_nothing_to_change, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_grub_symlink_inside_root, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_grub_verify_path_oom, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_grub_refuses_added_text_copied, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_execute_fails_at_each_call, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_execute_rolls_back_on_regeneration, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_execute_refuses_changed_file, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_grub_fedora_bls, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_grub_bls_mkconfig_in_sbin, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_sdboot, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_sdboot_replaced_value_across_lines, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_sdboot_no_esp, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_auto_same_loader_as_boot_chain, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_sdboot_xbootldr, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_sdboot_cmdline_newline, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_backups_same_second, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_sdboot_remove_per_entry, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_sdboot_remove_old_state, tree_setup, tree_teardown),
                cmocka_unit_test(test_value_edit_quoting),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
