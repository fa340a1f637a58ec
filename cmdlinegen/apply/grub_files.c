/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Loading the GRUB settings files in the order grub-mkconfig sources them, and running them
 * through the sh reader (sh_vars.h). See grub_files.h.
 */
#include "grub_files.h"

#include <dirent.h>

#include "apply_ctx.h"
#include "apply_error.h"
#include "apply_plan.h"
#include "array.h"
#include "fileio.h"
#include "grub_tools.h"

#define DROPIN_DIR "/etc/default/grub.d"

static const char dropin_template[] =
        "# Written by cmdlinegen --apply (initbind): kernel parameters for the normal boot entries,\n"
        "# appended to what /etc/default/grub and the drop-ins before this one set. The recovery\n"
        "# entries do not get them. \"cmdlinegen --remove\" takes them back and deletes this file.\n" VAR_DEFAULT
        "=\"${" VAR_DEFAULT "}\"\n";

void grub_files_done(struct grub_files *g)
{
        for (size_t i = 0; i < g->n; i++) {
                free(g->v[i].path);
                free(g->v[i].old);
                free(g->v[i].text);
        }
        free(g->v);
}

static int files_add(struct grub_files *g, const char *path, char *old)
{
        if (ARRAY_GROW(g->v, g->n) < 0) {
                free(old);
                return -ENOMEM;
        }
        struct grub_file *f = &g->v[g->n];
        *f = (struct grub_file){ .path = strdup(path), .old = old, .text = strdup(old ? old : dropin_template) };
        if (!f->path || !f->text) {
                free(f->path);
                free(f->text);
                free(old);
                *f = (struct grub_file){};
                return -ENOMEM;
        }
        g->n++;
        return 0;
}

/* The grub-mkconfig of the system says whether it reads the drop-ins (Debian's patch does). */
static bool reads_dropins(const struct rootdir *root)
{
        static const enum grub_tool scripts[] = { GRUB_TOOL_GRUB_MKCONFIG, GRUB_TOOL_GRUB2_MKCONFIG };

        for (size_t i = 0; i < ELEMENTSOF(scripts); i++) {
                const char *path = grub_tool_find(root, scripts[i]);
                _cleanup_free_ char *s = NULL;
                if (path && apply_read_file(root, path, &s) >= 0)
                        return strstr(s, "default/grub.d") != NULL;
        }
        /* no grub-mkconfig to ask (an image being prepared): the directory says it */
        _cleanup_close_ int fd = rootdir_open_dir(root, DROPIN_DIR);
        return fd >= 0;
}

static int cmp_names(const void *a, const void *b)
{
        /* the glob order of grub-mkconfig's loop over the *.cfg files, in the C locale */
        return strcmp(*(char *const *) a, *(char *const *) b);
}

int grub_files_load(const struct rootdir *root, struct grub_files *g, char **ret_error)
{
        const char *dropin_name = strrchr(APPLY_GRUB_DROPIN, '/') + 1;
        char *text = NULL;
        int r;

        r = apply_read_file(root, "/etc/default/grub", &text);
        if (r == -ENOENT)
                return apply_error(ret_error, r,
                                   "/etc/default/grub does not exist: GRUB is not configured on this system");
        if (r < 0)
                return apply_error(ret_error, r, "/etc/default/grub: %s", strerror(-r));
        r = files_add(g, "/etc/default/grub", text);
        if (r < 0)
                return r;
        g->dropins = reads_dropins(root);
        if (!g->dropins) {
                g->target = 0;
                return 0;
        }

        /* the drop-ins, ours among them (not yet there: NULL), in glob order */
        _cleanup_close_ int dfd = rootdir_open_dir(root, DROPIN_DIR);
        char **names = NULL;
        size_t n = 0;
        bool have_ours = false;
        if (dfd >= 0) {
                DIR *d = opendir_at(dfd);
                if (!d)
                        return -errno;
                for (struct dirent *de; (de = readdir(d));) {
                        size_t len = strlen(de->d_name);
                        if (len < 4 || !streq(de->d_name + len - 4, ".cfg") || de->d_name[0] == '.')
                                continue;
                        have_ours = have_ours || streq(de->d_name, dropin_name);
                        r = apply_strv_push(&names, &n, de->d_name);
                        if (r < 0)
                                break;
                }
                closedir(d);
        } else if (dfd != -ENOENT)
                return apply_error(ret_error, dfd, DROPIN_DIR ": %s", strerror(-dfd));
        if (r >= 0 && !have_ours)
                r = apply_strv_push(&names, &n, dropin_name);
        if (r < 0) {
                apply_strv_free(names, n);
                return r;
        }
        qsort(names, n, sizeof(*names), cmp_names);
        for (size_t i = 0; i < n && r >= 0; i++) {
                _cleanup_free_ char *path = NULL;
                text = NULL;
                if (asprintf(&path, DROPIN_DIR "/%s", names[i]) < 0) {
                        r = -ENOMEM;
                        break;
                }
                if (streq(names[i], dropin_name))
                        g->target = g->n;
                r = apply_read_file(root, path, &text);
                if (r == -ENOENT && streq(names[i], dropin_name))
                        r = 0;
                else if (r < 0) {
                        r = apply_error(ret_error, r, "%s: %s", path, strerror(-r));
                        break;
                }
                r = files_add(g, path, text);
        }
        apply_strv_free(names, n);
        return r;
}

int grub_files_run(const struct grub_files *g, struct sh_env **ret, char **ret_error)
{
        _cleanup_sh_env_ struct sh_env *env = NULL;
        int r = sh_env_new(&env);

        if (r < 0)
                return r;
        for (size_t i = 0; i < g->n; i++) {
                struct sh_error e = {};
                r = sh_env_run(env, g->v[i].path, g->v[i].text, &e);
                if (r == -EINVAL) {
                        _cleanup_free_ char *s = sh_error_format(&e);
                        sh_error_done(&e);
                        return apply_error(ret_error, r, "%s; refusing to guess what grub-mkconfig would read",
                                           s ? s : "?");
                }
                sh_error_done(&e);
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(env);
        return 0;
}

int grub_get_var(const struct sh_env *env, const char *name, const char **ret, const struct sh_origin **ret_o,
                 char **ret_error)
{
        struct sh_error e = {};
        int r = sh_env_get(env, name, ret, ret_o, NULL, &e);

        if (r == -EINVAL) {
                _cleanup_free_ char *s = sh_error_format(&e);
                r = apply_error(ret_error, -EINVAL, "%s is not determinable: %s", name, s ? s : "?");
        }
        sh_error_done(&e);
        return r;
}
