/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cmdlinegen --apply from the top: the boot loader to edit, the planning handed to its back end
 * (grub.c, sdboot.c), and carrying the plan out with backups, regeneration, the read-back and
 * rollback. See apply.h.
 */
#include "apply.h"

#include <fcntl.h>
#include <limits.h>
#include <unistd.h>
#include <sys/stat.h>

#include "apply_ctx.h"
#include "apply_error.h"
#include "apply_state.h"
#include "atomic_file.h"
#include "boot_chain.h"
#include "child.h"
#include "fileio.h"
#include "loaders.h"

/*
 * The boot loader lib/host/boot_chain detects, so that the report's "what the boot loader gives
 * the next boot" and the edit speak of the same one; systemd-boot when none is told (it boots
 * without a loader.conf), where the search for its partitions says what is missing.
 */
static enum bootloader detect_bootloader(const struct rootdir *root)
{
        struct boot_chain chain;

        boot_chain_detect(root, &chain);
        switch (chain.bootloader) {
        case LOADER_GRUB:
                return BOOTLOADER_GRUB;
        case LOADER_GRUBBY:
                return BOOTLOADER_GRUBBY;
        case LOADER_RPM_OSTREE:
                return BOOTLOADER_RPM_OSTREE;
        default:
                return BOOTLOADER_SYSTEMD_BOOT;
        }
}

static int plan_for_loader(const struct apply_ctx *c, struct apply_plan *p, char **ret_error)
{
        switch (p->bootloader) {
        case BOOTLOADER_GRUB:
                return apply_grub_plan(c, p, ret_error);
        case BOOTLOADER_GRUBBY:
                return apply_grubby_plan(c, p, ret_error);
        case BOOTLOADER_RPM_OSTREE:
                return apply_ostree_plan(c, p, ret_error);
        default:
                return apply_sdboot_plan(c, p, ret_error);
        }
}

int apply_plan(const struct apply_request *req, struct apply_plan **ret, char **ret_error)
{
        _cleanup_rootdir_ struct rootdir *root = NULL;
        _cleanup_apply_plan_ struct apply_plan *p = NULL;
        struct apply_ctx c = {};
        char stamp[16];
        int r;

        *ret_error = NULL;
        if (req->remove_ours && req->n_add > 0)
                return apply_error(ret_error, -EINVAL, "--remove takes back what was added; it adds nothing");
        r = rootdir_new(req->root ? req->root : "/", &root);
        if (r < 0)
                return apply_error(ret_error, r, "%s: %s", req->root ? req->root : "/", strerror(-r));

        p = calloc(1, sizeof(*p));
        if (!p)
                return -ENOMEM;
        p->bootloader = req->bootloader == BOOTLOADER_AUTO ? detect_bootloader(root) : req->bootloader;
        atomic_file_stamp(stamp);
        p->root = strdup(req->root ? req->root : "/");
        p->stamp = strdup(req->stamp ? req->stamp : stamp);
        if (!p->root || !p->stamp)
                return -ENOMEM;

        r = apply_ctx_init(&c, req, root, ret_error);
        if (r >= 0)
                r = apply_state_load(&c, p->bootloader, ret_error);
        if (r >= 0)
                r = plan_for_loader(&c, p, ret_error);
        apply_ctx_done(&c);
        if (r < 0) {
                if (!*ret_error && r == -ENOMEM)
                        *ret_error = strdup("out of memory");
                return r;
        }
        *ret = TAKE_PTR(p);
        return 0;
}

/* An fd of the directory PATH (below the root) is in, each missing component made with CREATE. */
static int open_dir_of(const struct rootdir *root, const char *path, bool create, int *ret_fd)
{
        const char *slash = strrchr(path, '/');
        _cleanup_free_ char *dir = slash ? strndup(path, (size_t) (slash - path) + 1) : NULL;
        _cleanup_close_ int fd = -1;

        if (!slash)
                return -EINVAL;
        if (!dir)
                return -ENOMEM;
        fd = rootdir_open_dir(root, dir);
        if (fd == -ENOENT && create) {
                /* make each missing component, each below the root */
                for (char *s = strchr(dir + 1, '/'); s; s = strchr(s + 1, '/')) {
                        *s = '\0';
                        _cleanup_close_ int pfd = -1;
                        const char *last = strrchr(dir, '/');
                        _cleanup_free_ char *parent = strndup(dir, (size_t) (last - dir) + 1);
                        if (!parent)
                                return -ENOMEM;
                        pfd = rootdir_open_dir(root, parent);
                        if (pfd < 0)
                                return pfd;
                        if (mkdirat(pfd, last + 1, 0755) < 0 && errno != EEXIST)
                                return -errno;
                        *s = '/';
                }
                fd = rootdir_open_dir(root, dir);
        }
        if (fd < 0)
                return fd;
        *ret_fd = TAKE_FD(fd);
        return 0;
}

/*
 * Split PATH below the root into an open parent directory (created when missing) and the file
 * name in it: *ret_path is PATH with a symlink as its last component followed inside the root
 * (atomic_file_resolve(); an openat() of the link would follow it against the host's "/", and
 * the atomic rename would replace the link with a file). *ret_error says why a link is refused.
 */
static int open_parent(const struct rootdir *root, const char *path, bool create, int *ret_fd, char **ret_path,
                       char **ret_error)
{
        _cleanup_free_ char *resolved = NULL;
        _cleanup_close_ int fd = -1;
        int r = atomic_file_resolve(root, path, &resolved, ret_error);

        if (r >= 0)
                r = open_dir_of(root, resolved, create, &fd);
        if (r < 0)
                return r;
        *ret_fd = TAKE_FD(fd);
        *ret_path = TAKE_PTR(resolved);
        return 0;
}

/* Put one file of the plan back as it was. */
static int restore_file(const struct rootdir *root, const struct apply_file *f)
{
        _cleanup_close_ int dfd = -1;
        _cleanup_free_ char *path = NULL;
        int r = open_parent(root, f->path, false, &dfd, &path, NULL);
        const char *name = r >= 0 ? strrchr(path, '/') + 1 : NULL;

        if (r < 0)
                return r;
        if (!f->old_contents)
                return atomic_file_remove_at(dfd, name);
        return atomic_file_write_at(dfd, name, f->old_contents, strlen(f->old_contents), 0644);
}

/* Whether PATH below the root holds exactly CONTENTS (NULL: is missing). */
static bool file_is(const struct rootdir *root, const char *path, const char *contents)
{
        _cleanup_free_ char *current = NULL;
        int r = apply_read_file(root, path, &current);

        return r == -ENOENT ? contents == NULL : r >= 0 && streq_ptr(current, contents);
}

/* A symlinked file is written where it points below the root; *ret_error when it cannot be. */
static int write_file(const struct rootdir *root, struct apply_file *f, const char *stamp, char **ret_error)
{
        _cleanup_close_ int dfd = -1;
        _cleanup_free_ char *current = NULL, *path = NULL;
        int r = open_parent(root, f->path, f->new_contents != NULL, &dfd, &path, ret_error);

        if (r < 0)
                return r;
        const char *name = strrchr(path, '/') + 1;
        /* the plan was made from what was there: refuse when someone changed it since */
        r = read_full_at(dfd, name, &current, NULL);
        if (r < 0 && r != -ENOENT)
                return r;
        if (!streq_ptr(r == -ENOENT ? NULL : current, f->old_contents))
                return -ESTALE;
        if (f->old_contents) {
                _cleanup_free_ char *backup = NULL;
                r = atomic_file_backup_at(dfd, name, stamp, &backup);
                if (r < 0)
                        return r;
                free(f->backup_path); /* from an earlier run of the same plan */
                f->backup_path = NULL;
                if (asprintf(&f->backup_path, "%.*s%s", (int) (name - path), path, backup) < 0)
                        return -ENOMEM;
        }
        if (f->by_command)
                return 0; /* the plan's command writes it */
        if (!f->new_contents)
                return atomic_file_remove_at(dfd, name);
        return atomic_file_write_at(dfd, name, f->new_contents, strlen(f->new_contents), 0644);
}

/* The plan's regeneration command; 0 when it ran and exited 0, else *ret_error (malloc'd, or NULL) and -ECHILD. */
static int run_regenerate(const struct apply_plan *p, FILE *log, char **ret_error)
{
        int status = 0, r;

        if (log)
                fflush(log);
        r = child_run(p->regenerate_argv, &status);
        if (r >= 0 && status == 0)
                return 0;
        /* -ECHILD also when there is no room for the message */
        if (r < 0)
                (void) apply_error(ret_error, r, "%s could not be run (%s)", p->regenerate_argv[0], strerror(-r));
        else
                (void) apply_error(ret_error, r, "%s failed (exit status %d)", p->regenerate_argv[0], status);
        return -ECHILD;
}

/* Put the first N files back; counts in p->n_not_restored those it could not, for the caller to say. */
static void rollback(const struct rootdir *root, struct apply_plan *p, size_t n, FILE *log)
{
        for (size_t i = n; i-- > 0;) {
                int r = restore_file(root, &p->files[i]);
                if (r < 0)
                        p->n_not_restored++;
                if (log && r < 0)
                        fprintf(log, "could not restore %s: %s (backup: %s)\n", p->files[i].path, strerror(-r),
                                p->files[i].backup_path ? p->files[i].backup_path : "none");
                else if (log)
                        fprintf(log, "restored %s\n", p->files[i].path);
        }
}

/* Write every file of the plan (those of its command only backed up, and only when it will RUN); rolled back on failure. */
static int write_all(const struct rootdir *root, struct apply_plan *p, bool run, FILE *log, char **ret_error)
{
        for (size_t done = 0; done < p->n_files; done++) {
                struct apply_file *f = &p->files[done];
                if (f->by_command && !run)
                        continue; /* nothing runs: the command is shown, its files are left alone */
                int r = write_file(root, f, p->stamp, ret_error);
                if (r < 0) {
                        if (!*ret_error)
                                (void) apply_error(ret_error, r, "%s: %s%s", f->path, strerror(-r),
                                                   r == -ESTALE ? " (changed since the plan was made)" : "");
                        /* this one too when it got replaced (its directory's fsync comes after the
                         * rename); never when it is not ours (-ESTALE) or was never touched */
                        if (r != -ESTALE && file_is(root, f->path, f->new_contents))
                                rollback(root, p, done + 1, log);
                        else
                                rollback(root, p, done, log);
                        return r;
                }
                if (log)
                        fprintf(log, "%s %s%s%s\n",
                                f->by_command     ? "left to the command:"
                                : f->new_contents ? "wrote"
                                                  : "removed",
                                f->path, f->backup_path ? ", backup " : "", f->backup_path ? f->backup_path : "");
        }
        return 0;
}

int apply_execute(struct apply_plan *p, bool regenerate, FILE *log, char **ret_error)
{
        _cleanup_rootdir_ struct rootdir *root = NULL;
        int r;

        *ret_error = NULL;
        p->n_not_restored = 0;
        r = rootdir_new(p->root, &root);
        if (r < 0)
                return apply_error(ret_error, r, "%s: %s", p->root, strerror(-r));

        r = write_all(root, p, regenerate && p->regenerate_argv, log, ret_error);
        if (r < 0)
                return r;

        /*
         * The plan leaves regenerate_argv NULL under --root: the system's tools run inside it. Why
         * nothing runs is the plan's regenerate_note, which apply_plan_print() shows: not again here.
         */
        if (!regenerate || !p->regenerate_argv || p->n_files == 0)
                return 0;
        r = run_regenerate(p, log, ret_error);
        if (r < 0) {
                rollback(root, p, p->n_files, log);
                return r;
        }
        /* grubby's plan reads back the BLS entries as GRUB's does where grubby runs for it */
        if (p->bootloader == BOOTLOADER_GRUB || p->bootloader == BOOTLOADER_GRUBBY) {
                r = apply_grub_verify(p, root, ret_error);
                if (r < 0) {
                        rollback(root, p, p->n_files, log);
                        /* put the menu back as it was, from the restored files */
                        _cleanup_free_ char *again = NULL;
                        (void) run_regenerate(p, log, &again);
                        return r;
                }
        }
        return 0;
}
