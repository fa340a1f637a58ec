/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * After the GRUB files are edited: the command that regenerates grub.cfg on this system
 * (update-grub, grub2-mkconfig, grub-mkconfig, or grubby for BLS entries), and reading the result
 * back to check that the default entry carries the change.
 */
#include "grub_regenerate.h"

#include <dirent.h>

#include "apply_error.h"
#include "apply_plan.h"
#include "fileio.h"
#include "grub_tools.h"
#include "loaders.h"

#define BLS_ENTRIES "/boot/loader/entries"

/*
 * Older Fedora/RHEL: grubby puts the change into every BLS entry. It appends a replaced key at the
 * end, which can separate a hugepages= from its hugepagesz= (the read-back catches a lost value).
 */
static int plan_grubby(const struct apply_ctx *c, struct apply_plan *p)
{
        _cleanup_free_ char *args = NULL, *remove = NULL;
        size_t n = 0;
        int r = 0;

        for (size_t i = 0; i < p->n_verify_params; i++)
                if (asprintf(&args, "%s%s%s", args ? args : "", args ? " " : "", p->verify_params[i]) < 0)
                        return -ENOMEM;
        for (size_t i = 0; i < p->n_verify_absent + c->n_remove; i++) {
                const char *a = i < p->n_verify_absent ? p->verify_absent[i] : c->remove[i - p->n_verify_absent].name;
                if (asprintf(&remove, "%s%s%s", remove ? remove : "", remove ? " " : "", a) < 0)
                        return -ENOMEM;
        }
        _cleanup_free_ char *a1 = NULL, *a2 = NULL;
        if ((args && asprintf(&a1, "--args=%s", args) < 0) || (remove && asprintf(&a2, "--remove-args=%s", remove) < 0))
                return -ENOMEM;
        const char *argv[] = { grub_tool_name(GRUB_TOOL_GRUBBY), "--update-kernel=ALL", a1 ? a1 : a2, a1 ? a2 : NULL,
                               NULL };
        for (size_t i = 0; argv[i] && r >= 0; i++)
                r = apply_strv_push(&p->regenerate_argv, &n, argv[i]);
        return r;
}

/* TOOL -o its grub.cfg [EXTRA], to be run, and that grub.cfg (or VERIFY_PATH) to read back. */
static int set_mkconfig(struct apply_plan *p, enum grub_tool tool, const char *extra, const char *verify_path)
{
        const char *cfg = grub_tool_cfg(tool);
        const char *const argv[] = { grub_tool_name(tool), "-o", cfg, extra, NULL };

        /* without it the read-back would be skipped, not failed */
        p->verify_path = strdup(verify_path ? verify_path : cfg);
        if (!p->verify_path)
                return -ENOMEM;
        /* update-grub is Debian's wrapper of "grub-mkconfig -o /boot/grub/grub.cfg": it takes no arguments */
        return apply_plan_set_regenerate(p, NULL,
                                         tool == GRUB_TOOL_UPDATE_GRUB ? (const char *const[]){ argv[0], NULL } : argv);
}

/* Fedora/RHEL with BLS: the options live in /boot/loader/entries (rhboot/grub2 PR 126), all read back. */
static int plan_bls(const struct apply_ctx *c, struct apply_plan *p, const char *mkconfig)
{
        _cleanup_free_ char *script = NULL;

        (void) apply_read_file(c->root, mkconfig, &script);
        if (script && strstr(script, "--update-bls-cmdline"))
                return set_mkconfig(p, GRUB_TOOL_GRUB2_MKCONFIG, "--update-bls-cmdline", BLS_ENTRIES);
        p->verify_path = strdup(BLS_ENTRIES);
        if (!p->verify_path)
                return -ENOMEM;
        if (grub_tool_find(c->root, GRUB_TOOL_GRUBBY))
                return plan_grubby(c, p);
        return apply_plan_set_regenerate(p,
                                         "no grub2-mkconfig --update-bls-cmdline and no grubby: "
                                         "change the options of " BLS_ENTRIES " yourself",
                                         NULL);
}

/* A mounted system or an image: its tools must run inside it, not on this host. */
static int drop_for_root(struct apply_plan *p)
{
        _cleanup_free_ char *command = NULL, *note = NULL;

        for (size_t i = 0; p->regenerate_argv[i]; i++) {
                char *joined = NULL;
                if (asprintf(&joined, "%s%s%s", command ? command : "", i ? " " : "", p->regenerate_argv[i]) < 0)
                        return -ENOMEM;
                free(command);
                command = joined;
        }
        if (asprintf(&note, "--root %s: the boot menu is not regenerated; run \"%s\" inside that system", p->root,
                     command) < 0)
                return -ENOMEM;
        free(p->regenerate_note);
        p->regenerate_note = TAKE_PTR(note);
        for (size_t i = 0; p->regenerate_argv[i]; i++)
                free(p->regenerate_argv[i]);
        free(p->regenerate_argv);
        p->regenerate_argv = NULL;
        return 0;
}

int grub_plan_regenerate(const struct sh_env *env, const struct apply_ctx *c, struct apply_plan *p)
{
        const char *bls = NULL, *def = NULL, *mkconfig2 = grub_tool_find(c->root, GRUB_TOOL_GRUB2_MKCONFIG);
        int r;

        if (sh_env_get(env, "GRUB_DEFAULT", &def, NULL, NULL, NULL) >= 0 && *def && !streq(def, "0")) {
                r = apply_plan_warn(
                        p, "GRUB_DEFAULT=%s: the read-back checks the first menu entry, which may not be the default",
                        def);
                if (r < 0)
                        return r;
        }
        if (grub_tool_find(c->root, GRUB_TOOL_UPDATE_GRUB))
                r = set_mkconfig(p, GRUB_TOOL_UPDATE_GRUB, NULL, NULL);
        else if (mkconfig2 && sh_env_get(env, "GRUB_ENABLE_BLSCFG", &bls, NULL, NULL, NULL) >= 0 && streq(bls, "true"))
                r = plan_bls(c, p, mkconfig2);
        else if (mkconfig2)
                r = set_mkconfig(p, GRUB_TOOL_GRUB2_MKCONFIG, NULL, NULL);
        else if (grub_tool_find(c->root, GRUB_TOOL_GRUB_MKCONFIG))
                r = set_mkconfig(p, GRUB_TOOL_GRUB_MKCONFIG, NULL, NULL);
        else
                r = apply_plan_set_regenerate(p, "no update-grub or grub-mkconfig found: regenerate grub.cfg yourself",
                                              NULL);
        if (r < 0)
                return r;
        if (p->regenerate_argv && !rootdir_is_host(c->root))
                return drop_for_root(p);
        return 0;
}

/* The arguments of the first "linux" line of the first menuentry of grub.cfg. */
static int first_entry_cmdline(const char *cfg, char **ret)
{
        const char *m = strstr(cfg, "\nmenuentry ");

        if (!m && startswith(cfg, "menuentry "))
                m = cfg;
        if (!m)
                return -ENOENT;
        for (const char *l = strchr(m + 1, '\n'); l; l = strchr(l + 1, '\n')) {
                const char *s = l + 1;
                while (*s == ' ' || *s == '\t')
                        s++;
                if (*s == '}')
                        return -ENOENT;
                if (startswith(s, "linux ") || startswith(s, "linux\t") || startswith(s, "linuxefi ")) {
                        const char *end = strchrnul(s, '\n');
                        s += strcspn(s, " \t");
                        s += strspn(s, " \t");
                        s += strcspn(s, " \t"); /* the kernel image */
                        *ret = strndup(s, (size_t) (end - s));
                        return *ret ? 0 : -ENOMEM;
                }
        }
        return -ENOENT;
}

/* Whether line LINE has every parameter the plan wants and none it takes back; else *ret_error. */
static int check_line(const struct apply_plan *p, const char *where, const char *line, char **ret_error)
{
        _cleanup_kcmdline_ struct kcmdline *k = NULL;
        int r = kcmdline_parse(line, KCMDLINE_PARSE_LENIENT, &k, NULL);

        if (r < 0)
                return r;
        for (size_t i = 0; i < p->n_verify_params + p->n_verify_absent; i++) {
                bool want = i < p->n_verify_params;
                _cleanup_free_ char *name =
                        strdup(want ? p->verify_params[i] : p->verify_absent[i - p->n_verify_params]);
                if (!name)
                        return -ENOMEM;
                char *eq = strchr(name, '=');
                if (eq)
                        *eq = '\0';
                if (apply_line_uses(k, name, eq ? eq + 1 : NULL) != want)
                        return apply_error(ret_error, -EBADMSG, "%s %s %s%s%s after regenerating: '%s'", where,
                                           want ? "lacks" : "still has", name, eq ? "=" : "", eq ? eq + 1 : "", line);
        }
        return 0;
}

/* Every BLS entry's options (the "options" lines joined). */
static int verify_bls(const struct apply_plan *p, const struct rootdir *root, char **ret_error)
{
        _cleanup_close_ int fd = rootdir_open_dir(root, p->verify_path);
        DIR *d;
        int r = 0;

        if (fd < 0)
                return apply_error(ret_error, -EBADMSG, "%s: %s", p->verify_path, strerror(-fd));
        d = opendir_at(fd);
        if (!d)
                return -errno;
        for (struct dirent *de; r >= 0 && (de = readdir(d));) {
                _cleanup_free_ char *text = NULL, *line = NULL, *where = NULL;
                size_t len = strlen(de->d_name);
                if (len < 6 || !streq(de->d_name + len - 5, ".conf"))
                        continue;
                r = read_full_at(fd, de->d_name, &text, NULL);
                if (r < 0)
                        break;
                for (char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
                        if (!startswith(l, "options ") && !startswith(l, "options\t"))
                                continue;
                        if (asprintf(&where, "%s %.*s", line ? line : "", (int) (strchrnul(l, '\n') - l - 8), l + 8) <
                            0) {
                                r = -ENOMEM;
                                break;
                        }
                        free(line);
                        line = TAKE_PTR(where);
                }
                if (r >= 0 && asprintf(&where, "%s/%s", p->verify_path, de->d_name) < 0)
                        r = -ENOMEM;
                if (r >= 0)
                        r = check_line(p, where, line ? line : "", ret_error);
        }
        closedir(d);
        return r;
}

int apply_grub_verify(const struct apply_plan *p, const struct rootdir *root, char **ret_error)
{
        _cleanup_free_ char *cfg = NULL, *line = NULL, *where = NULL;
        int r;

        if (!p->verify_path)
                return 0;
        if (streq(p->verify_path, BLS_ENTRIES))
                return verify_bls(p, root, ret_error);
        r = apply_read_file(root, p->verify_path, &cfg);
        if (r >= 0)
                r = first_entry_cmdline(cfg, &line);
        if (r < 0)
                return apply_error(ret_error, -EBADMSG, "%s: no linux line in the first menu entry to check (%s)",
                                   p->verify_path, strerror(-r));
        if (asprintf(&where, "%s: the first menu entry", p->verify_path) < 0)
                return -ENOMEM;
        return check_line(p, where, line, ret_error);
}
