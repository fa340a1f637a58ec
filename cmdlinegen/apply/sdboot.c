/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * systemd-boot: /etc/kernel/cmdline, which kernel-install writes into the entries of kernels
 * installed later, and the "options" lines of the Boot Loader Specification type #1 entries of the
 * kernels installed now. Entries of other systems or of kernels that are gone are left alone.
 * Unified kernel images carry their command line inside (.cmdline): they are reported, with what
 * to do, instead of being edited to no effect.
 *
 * /etc/kernel/cmdline, when missing, is created from the options of the default entry, never from
 * /proc/cmdline: that would copy one-off edits made at the boot menu (systemd issue 18456).
 */
#include "apply_plan.h"
#include "apply_state.h"
#include "loaders.h"

#include <dirent.h>
#include <fnmatch.h>

#include "apply_error.h"
#include "array.h"
#include "boot_partitions.h"
#include "uki.h"
#include "fileio.h"
#include "sdboot_options.h"

#define KERNEL_CMDLINE SDBOOT_KERNEL_CMDLINE

struct entry {
        char *path; /* below the root */
        char *id;   /* file name without ".conf" */
        char *text;
        char *version;
        char *linux_path;
        bool uki; /* an "efi" or "uki" line: a PE image with its own command line */
};

struct entries {
        struct entry *v;
        size_t n;
};

static void entries_done(struct entries *e)
{
        for (size_t i = 0; i < e->n; i++) {
                free(e->v[i].path);
                free(e->v[i].id);
                free(e->v[i].text);
                free(e->v[i].version);
                free(e->v[i].linux_path);
        }
        free(e->v);
}

static int entry_fields(struct entry *e)
{
        for (const char *l = e->text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
                size_t n;
                const char *v;
                if ((v = loader_entry_value(l, "version", &n)) && !e->version)
                        e->version = strndup(v, n);
                else if ((v = loader_entry_value(l, "linux", &n)) && !e->linux_path)
                        e->linux_path = strndup(v, n);
                else if (loader_entry_value(l, "efi", &n) || loader_entry_value(l, "uki", &n))
                        e->uki = true;
        }
        return 0;
}

static int load_entries(const struct rootdir *root, const char *dir, struct entries *ret)
{
        _cleanup_free_ char *path = NULL;
        _cleanup_close_ int fd = -1;
        DIR *d;
        int r = 0;

        if (asprintf(&path, "%s/loader/entries", dir) < 0)
                return -ENOMEM;
        fd = rootdir_open_dir(root, path);
        if (fd == -ENOENT)
                return 0;
        if (fd < 0)
                return fd;
        d = opendir_at(fd);
        if (!d)
                return -errno;
        for (struct dirent *de; r >= 0 && (de = readdir(d));) {
                size_t len = strlen(de->d_name);
                struct entry e = {};
                if (len < 6 || !streq(de->d_name + len - 5, ".conf") || de->d_name[0] == '.')
                        continue;
                if (asprintf(&e.path, "%s/%s", path, de->d_name) < 0 || !(e.id = strndup(de->d_name, len - 5))) {
                        free(e.path);
                        r = -ENOMEM;
                        break;
                }
                r = apply_read_file(root, e.path, &e.text);
                if (r >= 0)
                        r = ARRAY_GROW(ret->v, ret->n);
                if (r < 0) {
                        free(e.path);
                        free(e.id);
                        free(e.text);
                        break;
                }
                entry_fields(&e);
                ret->v[ret->n++] = e;
        }
        closedir(d);
        return r;
}

/* The kernel versions with modules installed: /usr/lib/modules/VERSION and /lib/modules/VERSION. */
static int installed_kernels(const struct rootdir *root, char ***ret, size_t *ret_n)
{
        static const char *const dirs[] = { "/usr/lib/modules", "/lib/modules" };

        for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
                _cleanup_close_ int fd = rootdir_open_dir(root, dirs[i]);
                DIR *d;
                if (fd < 0)
                        continue;
                d = opendir_at(fd);
                if (!d)
                        return -errno;
                for (struct dirent *de; (de = readdir(d));) {
                        bool dup = false;
                        if (de->d_name[0] == '.')
                                continue;
                        for (size_t k = 0; k < *ret_n; k++)
                                dup = dup || streq((*ret)[k], de->d_name);
                        if (!dup && apply_strv_push(ret, ret_n, de->d_name) < 0) {
                                closedir(d);
                                return -ENOMEM;
                        }
                }
                closedir(d);
        }
        return 0;
}

/* Whether entry E boots one of the installed kernel versions. */
static const char *entry_kernel(const struct entry *e, char **versions, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                const char *v = versions[i];
                size_t vl = strlen(v);
                if (e->version && streq(e->version, v))
                        return v;
                /* kernel-install names entries ENTRY-TOKEN-VERSION[+TRIES].conf */
                const char *at = strstr(e->id, v);
                if (at && at > e->id && at[-1] == '-' && (at[vl] == '\0' || at[vl] == '+'))
                        return v;
                if (e->linux_path && strstr(e->linux_path, v))
                        return v;
        }
        return NULL;
}

static int ver_cmp(const void *a, const void *b)
{
        const struct entry *x = *(const struct entry *const *) a, *y = *(const struct entry *const *) b;

        /* newest first, as systemd-boot sorts type #1 entries */
        return -strverscmp(x->version ? x->version : x->id, y->version ? y->version : y->id);
}

/* The entry systemd-boot boots by default: loader.conf's "default" pattern, else the newest. */
static const struct entry *default_entry(const struct rootdir *root, const char *esp, const struct entries *e,
                                         char **versions, size_t n_versions)
{
        _cleanup_free_ char *path = NULL, *conf = NULL;
        _cleanup_free_ const struct entry **sorted = calloc(e->n + 1, sizeof(*sorted));
        size_t n = 0;

        if (!sorted)
                return NULL;
        if (asprintf(&path, "%s/loader/loader.conf", esp) >= 0 && apply_read_file(root, path, &conf) >= 0) {
                for (const char *l = conf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
                        size_t vl;
                        const char *v = loader_entry_value(l, "default", &vl);
                        _cleanup_free_ char *pattern = v ? strndup(v, vl) : NULL;
                        for (size_t i = 0; pattern && i < e->n; i++) {
                                _cleanup_free_ char *file = NULL;
                                if (asprintf(&file, "%s.conf", e->v[i].id) < 0)
                                        return NULL;
                                if (fnmatch(pattern, e->v[i].id, 0) == 0 || fnmatch(pattern, file, 0) == 0)
                                        return &e->v[i];
                        }
                }
        }
        for (size_t i = 0; i < e->n; i++)
                if (!e->v[i].uki && entry_kernel(&e->v[i], versions, n_versions))
                        sorted[n++] = &e->v[i];
        if (n == 0)
                return NULL;
        qsort(sorted, n, sizeof(*sorted), ver_cmp);
        return sorted[0];
}

/*
 * /etc/kernel/cmdline with C's change; created from the default entry's options when missing. The
 * plan's command lines are its.
 */
static int plan_kernel_cmdline(const struct apply_ctx *c, struct apply_plan *p, const char *esp,
                               const struct entries *e, char **versions, size_t n_versions, char **ret_error)
{
        _cleanup_free_ char *cmdline_old = NULL, *cmdline_new = NULL, *old_line = NULL, *new_line = NULL;
        int r;

        r = apply_read_file(c->root, KERNEL_CMDLINE, &cmdline_old);
        if (r == -ENOENT) {
                const struct entry *def = default_entry(c->root, esp, e, versions, n_versions);
                struct sdboot_options opt = {};
                if (!def)
                        return apply_error(ret_error, -ENOENT,
                                           KERNEL_CMDLINE
                                           " does not exist and no loader entry of an installed kernel was "
                                           "found under %s to take the options from; write " KERNEL_CMDLINE " first",
                                           esp);
                r = sdboot_entry_options(def->text, &opt);
                if (r < 0)
                        return r;
                free(opt.o);
                old_line = opt.line;
                r = apply_line_change(c, old_line, &new_line, ret_error);
                if (r < 0)
                        return r;
                if (asprintf(&cmdline_new, "%s\n", new_line) < 0)
                        return -ENOMEM;
                r = apply_plan_warn(p, KERNEL_CMDLINE " is created from the options of %s", def->path);
        } else if (r >= 0)
                r = sdboot_edit_cmdline_file(c, cmdline_old, &cmdline_new, &old_line, &new_line, ret_error);
        else
                r = apply_error(ret_error, r, KERNEL_CMDLINE ": %s", strerror(-r));
        if (r >= 0)
                r = apply_plan_add_file(p, KERNEL_CMDLINE, cmdline_old, cmdline_new);
        if (r < 0)
                return r;
        p->old_cmdline = TAKE_PTR(old_line);
        p->new_cmdline = TAKE_PTR(new_line);
        return 0;
}

/*
 * The entries of the installed kernels, each with C's change as its own record says (an entry
 * can carry options /etc/kernel/cmdline does not); *ret the records, one per entry.
 */
static int plan_entries(const struct apply_ctx *c, struct apply_plan *p, const struct entries *e, char **versions,
                        size_t n_versions, struct apply_state_file **ret, size_t *ret_n, char **ret_error)
{
        for (size_t i = 0; i < e->n; i++) {
                _cleanup_free_ char *text = NULL;
                struct apply_state_file *f;
                int r;
                if (e->v[i].uki || !entry_kernel(&e->v[i], versions, n_versions))
                        continue;
                if (ARRAY_GROW(*ret, *ret_n) < 0)
                        return -ENOMEM;
                f = &(*ret)[(*ret_n)++];
                *f = (struct apply_state_file){ .file = strdup(e->v[i].path) };
                if (!f->file)
                        return -ENOMEM;
                apply_ctx_for_file(c, f->file, &f->c);
                r = sdboot_edit_entry(&f->c, e->v[i].path, e->v[i].text, &text, &f->old_line, &f->new_line, ret_error);
                if (r >= 0 && !apply_line_satisfies(&f->c, f->new_line))
                        r = apply_error(ret_error, -EINVAL, "%s: after the edit its options would be '%s'",
                                        e->v[i].path, f->new_line);
                if (r >= 0)
                        r = apply_plan_add_file(p, e->v[i].path, e->v[i].text, text);
                if (r < 0)
                        return r;
        }
        return 0;
}

int apply_sdboot_plan(const struct apply_ctx *c, struct apply_plan *p, char **ret_error)
{
        struct boot_partitions bp = {};
        struct entries e = {};
        struct apply_state_file *files = NULL;
        char **versions = NULL;
        size_t n_versions = 0, n_files = 0;
        int r;

        r = boot_partitions_find(c->root, &bp, ret_error);
        if (r >= 0)
                r = load_entries(c->root, bp.esp, &e);
        if (r >= 0 && bp.xbootldr)
                r = load_entries(c->root, bp.xbootldr, &e);
        if (r >= 0)
                r = installed_kernels(c->root, &versions, &n_versions);
        /* /etc/kernel/cmdline first: it is the line the plan reports and records */
        if (r >= 0)
                r = plan_kernel_cmdline(c, p, bp.esp, &e, versions, n_versions, ret_error);
        if (r >= 0)
                r = plan_entries(c, p, &e, versions, n_versions, &files, &n_files, ret_error);
        if (r >= 0 && p->n_files > 0)
                r = apply_state_record_files(p, c, p->old_cmdline, p->new_cmdline, files, n_files, ret_error);
        if (r >= 0)
                r = apply_plan_set_regenerate(
                        p,
                        "systemd-boot reads the loader entries as they are: nothing to regenerate; "
                        "kernels installed later get " KERNEL_CMDLINE " from kernel-install",
                        NULL);
        if (r >= 0)
                r = apply_uki_plan(c, p, bp.esp, bp.xbootldr); /* uki.c */
        apply_state_files_done(files, n_files);
        apply_strv_free(versions, n_versions);
        entries_done(&e);
        boot_partitions_done(&bp);
        return r;
}
