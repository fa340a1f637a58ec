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
#include "fileio.h"
#include "value_edit.h"

#define KERNEL_CMDLINE "/etc/kernel/cmdline"

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

/* The value of KEY on a line of an entry: "key value", whitespace between. */
static const char *entry_value(const char *line, const char *key, size_t *ret_len)
{
        size_t k = strlen(key);
        const char *end = strchrnul(line, '\n');

        if (strncmp(line, key, k) != 0 || (line[k] != ' ' && line[k] != '\t'))
                return NULL;
        line += k;
        line += strspn(line, " \t");
        *ret_len = (size_t) (end - line);
        return line;
}

static int entry_fields(struct entry *e)
{
        for (const char *l = e->text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
                size_t n;
                const char *v;
                if ((v = entry_value(l, "version", &n)) && !e->version)
                        e->version = strndup(v, n);
                else if ((v = entry_value(l, "linux", &n)) && !e->linux_path)
                        e->linux_path = strndup(v, n);
                else if (entry_value(l, "efi", &n) || entry_value(l, "uki", &n))
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

/* The options of an entry as one line, with where each byte is; "options" lines joined by a space. */
struct options {
        char *line;
        struct sh_origin *o;
        size_t append_at; /* end of the last options line's value */
        bool found;
};

static int entry_options(const char *text, struct options *ret)
{
        size_t len = strlen(text), n = 0;
        struct options opt = { .line = malloc(len + 1), .o = calloc(len + 1, sizeof(*opt.o)) };

        if (!opt.line || !opt.o) {
                free(opt.line);
                free(opt.o);
                return -ENOMEM;
        }
        for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
                size_t vl;
                const char *v = entry_value(l, "options", &vl);
                if (!v)
                        continue;
                if (opt.found && n > 0) {
                        opt.line[n] = ' ';
                        opt.o[n++] = (struct sh_origin){ .file = VALUE_ORIGIN_SYNTHETIC };
                }
                for (size_t k = 0; k < vl; k++) {
                        size_t off = (size_t) (v - text) + k;
                        opt.line[n] = text[off];
                        opt.o[n++] = (struct sh_origin){ 0, off, off + 1, SH_QUOTE_NONE };
                }
                opt.append_at = (size_t) (v - text) + vl;
                opt.found = true;
        }
        opt.line[n] = '\0';
        *ret = opt;
        return 0;
}

/* TEXT (file LABEL) with C's change made to LINE, which is in TEXT as ORIGINS say. */
static int edit_value(const struct apply_ctx *c, const char *label, const char *text, const char *line,
                      const struct sh_origin *origins, size_t append_at, char **ret_new_text, char **ret_new_line,
                      char **ret_error)
{
        _cleanup_free_ char *new_line = NULL;
        struct text_edits edits = {};
        const char *labels[] = { label }, *texts[] = { text };
        struct value_sources src = { labels, texts, 1, NULL, NULL };
        struct value_append_point ap = { .file = 0, .offset = append_at };
        int r;

        r = apply_line_change(c, line, &new_line, ret_error);
        if (r >= 0)
                r = value_edit_plan(line, origins, new_line, &ap, VALUE_SYNTAX_RAW, &src, &edits, ret_error);
        if (r >= 0)
                r = text_edits_apply(&edits, 0, text, ret_new_text);
        text_edits_done(&edits);
        if (r >= 0 && ret_new_line)
                *ret_new_line = TAKE_PTR(new_line);
        return r;
}

/* /etc/kernel/cmdline is the value itself; kernel-install reads it whitespace-separated, newlines too. */
static int edit_cmdline_file(const struct apply_ctx *c, const char *text, char **ret_new_text, char **ret_old_line,
                             char **ret_new_line, char **ret_error)
{
        size_t len = strlen(text), end = len;
        _cleanup_free_ struct sh_origin *o = calloc(len + 1, sizeof(*o));
        int r;

        if (!o)
                return -ENOMEM;
        for (size_t k = 0; k < len; k++)
                o[k] = (struct sh_origin){ 0, k, k + 1, SH_QUOTE_NONE };
        while (end > 0 && strchr(" \t\n", text[end - 1]))
                end--;
        /* the value ends where its last parameter does: the final newline stays after what is added */
        _cleanup_free_ char *line = strndup(text, end);
        if (!line)
                return -ENOMEM;
        r = edit_value(c, KERNEL_CMDLINE, text, line, o, end, ret_new_text, ret_new_line, ret_error);
        if (r < 0)
                return r;
        /* the line, as the entries carry it: without the file's final newline */
        *ret_old_line = TAKE_PTR(line);
        return 0;
}

static void drop_empty_options(char *text)
{
        char *l = text;

        while (*l) {
                char *next = strchrnul(l, '\n');
                size_t len = (size_t) (next - l);
                if (*next)
                        next++;
                if (startswith(l, "options") && strspn(l + 7, " \t") == len - 7)
                        memmove(l, next, strlen(next) + 1);
                else
                        l = next;
        }
}

/* An entry with C's change made to its options; an entry without "options" gets one line. */
static int edit_entry(const struct apply_ctx *c, const char *label, const char *text, char **ret_new_text,
                      char **ret_new_line, char **ret_error)
{
        _cleanup_free_ char *prepared = NULL, *result = NULL, *new_line = NULL;
        const char *original = text;
        struct options opt = {};
        int r;

        r = entry_options(text, &opt);
        if (r >= 0 && !opt.found) {
                size_t len = strlen(text);
                free(opt.line);
                free(opt.o);
                if (asprintf(&prepared, "%s%soptions \n", text, len && text[len - 1] != '\n' ? "\n" : "") < 0)
                        return -ENOMEM;
                text = prepared;
                r = entry_options(text, &opt);
        }
        if (r < 0)
                return r;
        r = edit_value(c, label, text, opt.line, opt.o, opt.append_at, &result, &new_line, ret_error);
        if (r >= 0 && streq(new_line, opt.line)) {
                /* nothing to change: the entry as it was, without the line prepared above */
                free(result);
                result = strdup(original);
                if (!result)
                        r = -ENOMEM;
        } else if (r >= 0 && new_line[strspn(new_line, " \t")] == '\0')
                /* "options" lines --remove left empty go */
                drop_empty_options(result);
        free(opt.line);
        free(opt.o);
        if (r < 0)
                return r;
        *ret_new_text = TAKE_PTR(result);
        *ret_new_line = TAKE_PTR(new_line);
        return 0;
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
                        const char *v = entry_value(l, "default", &vl);
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

/* Unified kernel images in DIR/EFI/Linux: each gets a warning with what to do instead. */
static int warn_ukis(const struct rootdir *root, const char *dir, struct apply_plan *p)
{
        _cleanup_free_ char *path = NULL;
        _cleanup_close_ int fd = -1;
        DIR *d;
        int r = 0;

        if (!dir || asprintf(&path, "%s/EFI/Linux", dir) < 0)
                return dir ? -ENOMEM : 0;
        fd = rootdir_open_dir(root, path);
        if (fd < 0)
                return 0;
        d = opendir_at(fd);
        if (!d)
                return -errno;
        for (struct dirent *de; r >= 0 && (de = readdir(d));) {
                size_t len = strlen(de->d_name);
                if (len > 4 && streq(de->d_name + len - 4, ".efi"))
                        r = apply_plan_warn(p,
                                            "%s/%s is a unified kernel image: its command line is built into it and "
                                            "the changes here do not reach it; rebuild it after this change "
                                            "(\"kernel-install add VERSION KERNEL\" reads " KERNEL_CMDLINE
                                            ", or ukify --cmdline)",
                                            path, de->d_name);
        }
        closedir(d);
        return r;
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
                struct options opt = {};
                if (!def)
                        return apply_error(ret_error, -ENOENT,
                                           KERNEL_CMDLINE
                                           " does not exist and no loader entry of an installed kernel was "
                                           "found under %s to take the options from; write " KERNEL_CMDLINE " first",
                                           esp);
                r = entry_options(def->text, &opt);
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
                r = edit_cmdline_file(c, cmdline_old, &cmdline_new, &old_line, &new_line, ret_error);
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

/* The entries of the installed kernels, each with C's change. */
static int plan_entries(const struct apply_ctx *c, struct apply_plan *p, const struct entries *e, char **versions,
                        size_t n_versions, char **ret_error)
{
        for (size_t i = 0; i < e->n; i++) {
                _cleanup_free_ char *text = NULL, *line = NULL;
                int r;
                if (e->v[i].uki || !entry_kernel(&e->v[i], versions, n_versions))
                        continue;
                r = edit_entry(c, e->v[i].path, e->v[i].text, &text, &line, ret_error);
                if (r >= 0 && !apply_line_satisfies(c, line))
                        r = apply_error(ret_error, -EINVAL, "%s: after the edit its options would be '%s'",
                                        e->v[i].path, line);
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
        char **versions = NULL;
        size_t n_versions = 0;
        int r;

        r = boot_partitions_find(c->root, &bp, ret_error);
        if (r >= 0)
                r = load_entries(c->root, bp.esp, &e);
        if (r >= 0 && bp.xbootldr)
                r = load_entries(c->root, bp.xbootldr, &e);
        if (r >= 0)
                r = installed_kernels(c->root, &versions, &n_versions);
        if (r >= 0)
                r = warn_ukis(c->root, bp.esp, p);
        if (r >= 0)
                r = warn_ukis(c->root, bp.xbootldr, p);
        /* /etc/kernel/cmdline first: it is the line the plan reports and records */
        if (r >= 0)
                r = plan_kernel_cmdline(c, p, bp.esp, &e, versions, n_versions, ret_error);
        if (r >= 0)
                r = plan_entries(c, p, &e, versions, n_versions, ret_error);
        if (r >= 0 && p->n_files > 0)
                r = apply_state_record(p, c, p->old_cmdline, p->new_cmdline, ret_error);
        if (r >= 0)
                r = apply_plan_set_regenerate(
                        p,
                        "systemd-boot reads the loader entries as they are: nothing to regenerate; "
                        "kernels installed later get " KERNEL_CMDLINE " from kernel-install",
                        NULL);
        apply_strv_free(versions, n_versions);
        entries_done(&e);
        boot_partitions_done(&bp);
        return r;
}
