/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The plan object of cmdlinegen --apply: the files it changes (with their diffs), the warnings,
 * the regeneration command, and how it is shown as a dry run. The loader back ends fill it in.
 */
#include "apply_plan.h"

#include <stdarg.h>

#include "array.h"
#include "macro.h"
#include "unified_diff.h"

int bootloader_from_string(const char *s, enum bootloader *ret)
{
        if (streq_ptr(s, "grub"))
                *ret = BOOTLOADER_GRUB;
        else if (streq_ptr(s, "systemd-boot"))
                *ret = BOOTLOADER_SYSTEMD_BOOT;
        else if (streq_ptr(s, "grubby"))
                *ret = BOOTLOADER_GRUBBY;
        else if (streq_ptr(s, "rpm-ostree"))
                *ret = BOOTLOADER_RPM_OSTREE;
        else
                return -EINVAL;
        return 0;
}

const char *bootloader_to_string(enum bootloader b)
{
        switch (b) {
        case BOOTLOADER_GRUB:
                return "grub";
        case BOOTLOADER_SYSTEMD_BOOT:
                return "systemd-boot";
        case BOOTLOADER_GRUBBY:
                return "grubby";
        case BOOTLOADER_RPM_OSTREE:
                return "rpm-ostree";
        case BOOTLOADER_AUTO:
                break;
        }
        return "auto";
}

int apply_strv_push(char ***v, size_t *n, const char *s)
{
        char *copy = strdup(s);

        /* *n strings and the NULL after them: once it exists, the array holds *n + 1 elements */
        if (!copy || (!*v && ARRAY_GROW(*v, 0) < 0) || ARRAY_GROW(*v, *n + 1) < 0) {
                free(copy);
                return -ENOMEM;
        }
        (*v)[(*n)++] = copy;
        return 0;
}

void apply_strv_free(char **v, size_t n)
{
        for (size_t i = 0; v && i < n; i++)
                free(v[i]);
        free(v);
}

static size_t strv_length(char **v)
{
        size_t n = 0;

        while (v && v[n])
                n++;
        return n;
}

struct apply_plan *apply_plan_free(struct apply_plan *p)
{
        if (!p)
                return NULL;
        for (size_t i = 0; i < p->n_files; i++) {
                free(p->files[i].path);
                free(p->files[i].old_contents);
                free(p->files[i].new_contents);
                free(p->files[i].diff);
                free(p->files[i].backup_path);
        }
        free(p->files);
        apply_strv_free(p->warnings, p->n_warnings);
        apply_strv_free(p->added, p->n_added);
        apply_strv_free(p->regenerate_argv, strv_length(p->regenerate_argv));
        apply_strv_free(p->verify_params, p->n_verify_params);
        apply_strv_free(p->verify_absent, p->n_verify_absent);
        free(p->regenerate_note);
        free(p->verify_path);
        free(p->old_cmdline);
        free(p->new_cmdline);
        free(p->root);
        free(p->stamp);
        free(p);
        return NULL;
}

int apply_plan_add_file(struct apply_plan *p, const char *path, const char *old, const char *new)
{
        struct apply_file f = {};
        _cleanup_free_ char *a = NULL, *b = NULL;
        int r;

        if (streq_ptr(old, new))
                return 0;
        if (asprintf(&a, "a%s", path) < 0 || asprintf(&b, "b%s", path) < 0)
                return -ENOMEM;
        f.path = strdup(path);
        f.old_contents = old ? strdup(old) : NULL;
        f.new_contents = new ? strdup(new) : NULL;
        r = unified_diff(a, old, b, new, &f.diff);
        if (r >= 0)
                r = ARRAY_GROW(p->files, p->n_files);
        if (r < 0 || !f.path || (old && !f.old_contents) || (new && !f.new_contents)) {
                free(f.path);
                free(f.old_contents);
                free(f.new_contents);
                free(f.diff);
                return -ENOMEM;
        }
        p->files[p->n_files++] = f;
        return 0;
}

int apply_plan_warn(struct apply_plan *p, const char *format, ...)
{
        _cleanup_free_ char *s = NULL;
        va_list ap;
        int n;

        va_start(ap, format);
        n = vasprintf(&s, format, ap);
        va_end(ap);
        if (n < 0)
                return -ENOMEM;
        return apply_strv_push(&p->warnings, &p->n_warnings, s);
}

int apply_plan_set_regenerate(struct apply_plan *p, const char *note, const char *const *argv)
{
        size_t n = strv_length(p->regenerate_argv);
        int r = 0;

        free(p->regenerate_note);
        p->regenerate_note = note ? strdup(note) : NULL;
        if (note && !p->regenerate_note)
                return -ENOMEM;
        for (size_t i = 0; argv && argv[i] && r >= 0; i++)
                r = apply_strv_push(&p->regenerate_argv, &n, argv[i]);
        return r;
}

void apply_plan_print(const struct apply_plan *p, FILE *f)
{
        fprintf(f, "boot loader: %s (root %s)\n", bootloader_to_string(p->bootloader), p->root);
        for (size_t i = 0; i < p->n_warnings; i++)
                fprintf(f, "warning: %s\n", p->warnings[i]);
        if (p->old_cmdline)
                fprintf(f, "command line now:   %s\n", p->old_cmdline);
        if (p->new_cmdline)
                fprintf(f, "command line after: %s\n", p->new_cmdline);
        if (p->n_files == 0)
                fprintf(f, "nothing to change: every parameter is already in place\n");
        for (size_t i = 0; i < p->n_files; i++) {
                if (p->files[i].by_command)
                        fprintf(f, "%s, as %s will write it:\n", p->files[i].path, p->regenerate_argv[0]);
                fputs(p->files[i].diff, f);
        }
        if (p->regenerate_argv) {
                fputs("then run:", f);
                for (size_t i = 0; p->regenerate_argv[i]; i++)
                        fprintf(f, " %s", p->regenerate_argv[i]);
                fputc('\n', f);
        }
        if (p->regenerate_note)
                fprintf(f, "%s\n", p->regenerate_note);
}
