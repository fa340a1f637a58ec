/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * GRUB: where the command line of the normal entries comes from, and how to change it.
 *
 * grub-mkconfig sources /etc/default/grub and, on Debian and Ubuntu (a Debian patch), every
 * *.cfg of /etc/default/grub.d after it in glob order; 10_linux then gives normal entries
 * "${GRUB_CMDLINE_LINUX} ${GRUB_CMDLINE_LINUX_DEFAULT}" and recovery entries only the first.
 * The files are read here with the same order and sh semantics (lib/sh_vars.h), the change is
 * made on that whole line with the kcmdline model, and value_edit.h maps it back onto the files.
 */
#include "apply_internal.h"

#include <dirent.h>
#include <fcntl.h>

#include "fileio.h"
#include "sh_vars.h"
#include "value_edit.h"

#define VAR_DEFAULT "GRUB_CMDLINE_LINUX_DEFAULT"
#define VAR_LINUX "GRUB_CMDLINE_LINUX"
#define DROPIN_DIR "/etc/default/grub.d"
#define BLS_ENTRIES "/boot/loader/entries"

static const char dropin_template[] =
        "# Written by cmdlinegen --apply (initbind): kernel parameters for the normal boot entries,\n"
        "# appended to what /etc/default/grub and the drop-ins before this one set. The recovery\n"
        "# entries do not get them. \"cmdlinegen --remove\" takes them back and deletes this file.\n" VAR_DEFAULT
        "=\"${" VAR_DEFAULT "}\"\n";

struct grub_file {
        char *path;
        char *old;  /* NULL: not there yet (our drop-in) */
        char *text; /* what the plan makes of it */
};

struct grub_files {
        struct grub_file *v;
        size_t n;
        size_t target; /* the file parameters are appended in */
        bool dropins;  /* grub-mkconfig reads /etc/default/grub.d */
};

static void grub_files_done(struct grub_files *g)
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
        struct grub_file *n = realloc(g->v, (g->n + 1) * sizeof(*n));

        if (!n) {
                free(old);
                return -ENOMEM;
        }
        g->v = n;
        n[g->n] = (struct grub_file){ .path = strdup(path), .old = old, .text = strdup(old ? old : dropin_template) };
        if (!n[g->n].path || !n[g->n].text) {
                free(n[g->n].path);
                free(n[g->n].text);
                free(old);
                return -ENOMEM;
        }
        g->n++;
        return 0;
}

/* The grub-mkconfig of the system says whether it reads the drop-ins (Debian's patch does). */
static bool reads_dropins(const struct rootdir *root)
{
        static const char *const scripts[] = { "/usr/sbin/grub-mkconfig", "/sbin/grub-mkconfig",
                                               "/usr/bin/grub-mkconfig", "/usr/sbin/grub2-mkconfig",
                                               "/sbin/grub2-mkconfig" };

        for (size_t i = 0; i < ELEMENTSOF(scripts); i++) {
                _cleanup_free_ char *s = NULL;
                if (apply_read_file(root, scripts[i], &s) >= 0)
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

static int load_files(const struct rootdir *root, struct grub_files *g, char **ret_error)
{
        const char *dropin_name = strrchr(APPLY_GRUB_DROPIN, '/') + 1;
        char *text = NULL;
        int r;

        r = apply_read_file(root, "/etc/default/grub", &text);
        if (r == -ENOENT)
                return asprintf(ret_error, "/etc/default/grub does not exist: GRUB is not configured on this system") <
                                       0
                               ? -ENOMEM
                               : r;
        if (r < 0)
                return asprintf(ret_error, "/etc/default/grub: %s", strerror(-r)) < 0 ? -ENOMEM : r;
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
                return asprintf(ret_error, DROPIN_DIR ": %s", strerror(-dfd)) < 0 ? -ENOMEM : dfd;
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
                        if (asprintf(ret_error, "%s: %s", path, strerror(-r)) < 0)
                                r = -ENOMEM;
                        break;
                }
                r = files_add(g, path, text);
        }
        apply_strv_free(names, n);
        return r;
}

static int run_files(const struct grub_files *g, struct sh_env **ret, char **ret_error)
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
                        return asprintf(ret_error, "%s; refusing to guess what grub-mkconfig would read", s ? s : "?") <
                                               0
                                       ? -ENOMEM
                                       : r;
                }
                sh_error_done(&e);
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(env);
        return 0;
}

static int get_var(const struct sh_env *env, const char *name, const char **ret, const struct sh_origin **ret_o,
                   char **ret_error)
{
        struct sh_error e = {};
        int r = sh_env_get(env, name, ret, ret_o, NULL, &e);

        if (r == -EINVAL) {
                _cleanup_free_ char *s = sh_error_format(&e);
                r = asprintf(ret_error, "%s is not determinable: %s", name, s ? s : "?") < 0 ? -ENOMEM : -EINVAL;
        }
        sh_error_done(&e);
        return r;
}

/* Replace bytes [start, end) of file I's text with WITH. */
static int text_splice(struct grub_file *f, size_t start, size_t end, const char *with)
{
        char *n = NULL;

        if (asprintf(&n, "%.*s%s%s", (int) start, f->text, with, f->text + end) < 0)
                return -ENOMEM;
        free(f->text);
        f->text = n;
        return 0;
}

/*
 * Make the target file ready for appending: an assignment there, and quotes around a plain
 * unquoted word (whose value cannot take a space otherwise). Neither changes any value.
 */
static int prepare_target(struct grub_files *g, char **ret_error)
{
        for (int round = 0; round < 3; round++) {
                _cleanup_sh_env_ struct sh_env *env = NULL;
                struct grub_file *t = &g->v[g->target];
                const struct sh_assignment *a;
                int r = run_files(g, &env, ret_error);

                if (r < 0)
                        return r;
                a = sh_env_last_assignment(env, VAR_DEFAULT, (unsigned) g->target);
                if (!a) {
                        /* grub-mkconfig starts from nothing, so "" keeps the value in file 0 */
                        size_t len = strlen(t->text);
                        const char *line =
                                g->target == 0 ? VAR_DEFAULT "=\"\"\n" : VAR_DEFAULT "=\"${" VAR_DEFAULT "}\"\n";
                        _cleanup_free_ char *add = NULL;
                        if (asprintf(&add, "%s%s", len > 0 && t->text[len - 1] != '\n' ? "\n" : "", line) < 0)
                                return -ENOMEM;
                        r = text_splice(t, len, len, add);
                } else if (a->literal_unquoted) {
                        _cleanup_free_ char *quoted = NULL;
                        if (asprintf(&quoted, "\"%.*s\"", (int) (a->word_end - a->word_start),
                                     t->text + a->word_start) < 0)
                                return -ENOMEM;
                        r = text_splice(t, a->word_start, a->word_end, quoted);
                } else
                        return 0;
                if (r < 0)
                        return r;
        }
        return asprintf(ret_error, "%s: could not prepare " VAR_DEFAULT " for editing", g->v[g->target].path) < 0
                       ? -ENOMEM
                       : -EINVAL;
}

/* The line normal entries get: LINUX, a space grub-mkconfig adds (no file holds it), DEFAULT. */
static int combined_line(const struct sh_env *env, char **ret, struct sh_origin **ret_o, char **ret_error)
{
        const char *lin, *def;
        const struct sh_origin *olin, *odef;
        size_t nl, nd, n = 0;
        int r;

        r = get_var(env, VAR_LINUX, &lin, &olin, ret_error);
        if (r < 0)
                return r;
        r = get_var(env, VAR_DEFAULT, &def, &odef, ret_error);
        if (r < 0)
                return r;
        nl = strlen(lin);
        nd = strlen(def);
        char *s = malloc(nl + nd + 2);
        struct sh_origin *o = calloc(nl + nd + 2, sizeof(*o));
        if (!s || !o) {
                free(s);
                free(o);
                return -ENOMEM;
        }
        memcpy(s, lin, nl);
        if (nl)
                memcpy(o, olin, nl * sizeof(*o));
        n = nl;
        if (nl && nd) {
                s[n] = ' ';
                o[n++] = (struct sh_origin){ .file = VALUE_ORIGIN_SYNTHETIC };
        }
        memcpy(s + n, def, nd);
        if (nd)
                memcpy(o + n, odef, nd * sizeof(*o));
        s[n + nd] = '\0';
        *ret = s;
        *ret_o = o;
        return 0;
}

static bool origin_shared(const struct sh_origin *o, void *userdata) { return sh_env_origin_uses(userdata, o) > 1; }

/* Files that set the value after the target one: the user must know, and may lose our change. */
static int warn_later(const struct grub_files *g, const struct sh_env *env, struct apply_plan *p)
{
        for (size_t i = g->target + 1; i < g->n; i++) {
                const struct sh_assignment *a = sh_env_last_assignment(env, VAR_DEFAULT, (unsigned) i);
                unsigned line, column;
                if (!a)
                        continue;
                sh_position(g->v[i].text, a->name_start, &line, &column);
                int r = apply_plan_warn(p, "%s:%u:%u sets " VAR_DEFAULT " after %s, which it may override",
                                        g->v[i].path, line, column, g->v[g->target].path);
                if (r < 0)
                        return r;
        }
        return 0;
}

/*
 * Whether byte OFFSET of file FILE's edited text is one the edits wrote. Edits do not overlap;
 * several inserts at one offset count as one run, whichever order they went in.
 */
static bool edits_wrote(const struct text_edits *edits, unsigned file, size_t offset)
{
        for (size_t i = 0; i < edits->n; i++) {
                const struct text_edit *e = &edits->v[i];
                size_t start = e->start, len = 0;
                if (e->file != file)
                        continue;
                for (size_t k = 0; k < edits->n; k++) {
                        const struct text_edit *o = &edits->v[k];
                        if (o->file != file)
                                continue;
                        if (o->start < e->start) /* before this run: it shifts it */
                                start = start + strlen(o->text) - (o->end - o->start);
                        else if (o->start == e->start)
                                len += strlen(o->text);
                }
                if (offset >= start && offset < start + len)
                        return true;
        }
        return false;
}

/*
 * Text the edits wrote must reach the line once and nothing else: through a later
 * X="$GRUB_CMDLINE_LINUX_DEFAULT" it would change X too, and --remove, which cuts out only
 * bytes no other value uses, could not take it back. LINE and ORIGINS are the edited files' line.
 */
static int check_added_unshared(const struct grub_files *g, const struct text_edits *edits, const struct sh_env *after,
                                const char *line, const struct sh_origin *origins, char **ret_error)
{
        for (size_t k = 0; line[k]; k++) {
                const struct sh_origin *o = &origins[k];
                unsigned l, column;
                if (o->file == VALUE_ORIGIN_SYNTHETIC || !edits_wrote(edits, o->file, o->raw_start) ||
                    sh_env_origin_uses(after, o) <= 1)
                        continue;
                sh_position(g->v[o->file].text, o->raw_start, &l, &column);
                return asprintf(ret_error,
                                "%s:%u:%u: the text added here would also reach another variable (or the command "
                                "line twice), which would change too and which --remove could not take back; "
                                "edit by hand",
                                g->v[o->file].path, l, column) < 0
                               ? -ENOMEM
                               : -EINVAL;
        }
        return 0;
}

/* Whether any byte of the final values was written in file FILE (other than blanks). */
static bool file_contributes(const struct sh_env *env, unsigned file)
{
        static const char *const vars[] = { VAR_DEFAULT, VAR_LINUX };

        for (size_t v = 0; v < ELEMENTSOF(vars); v++) {
                const char *s;
                const struct sh_origin *o;
                if (sh_env_get(env, vars[v], &s, &o, NULL, NULL) < 0)
                        return true;
                for (size_t k = 0; s[k]; k++)
                        if (o[k].file == file && s[k] != ' ' && s[k] != '\t')
                                return true;
        }
        return false;
}

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
        const char *argv[] = { "grubby", "--update-kernel=ALL", a1 ? a1 : a2, a1 ? a2 : NULL, NULL };
        for (size_t i = 0; argv[i] && r >= 0; i++)
                r = apply_strv_push(&p->regenerate_argv, &n, argv[i]);
        return r;
}

static int plan_regenerate(const struct sh_env *env, const struct apply_ctx *c, struct apply_plan *p)
{
        const struct rootdir *root = c->root;
        const char *bls = NULL, *def = NULL;
        _cleanup_free_ char *script = NULL, *note = NULL;
        int r;

        if (sh_env_get(env, "GRUB_DEFAULT", &def, NULL, NULL, NULL) >= 0 && *def && !streq(def, "0")) {
                r = apply_plan_warn(
                        p, "GRUB_DEFAULT=%s: the read-back checks the first menu entry, which may not be the default",
                        def);
                if (r < 0)
                        return r;
        }
        if (apply_has_program(root, "/usr/sbin/update-grub") || apply_has_program(root, "/sbin/update-grub")) {
                p->verify_path = strdup("/boot/grub/grub.cfg");
                r = apply_plan_set_regenerate(p, NULL, "update-grub", NULL);
        } else if (apply_has_program(root, "/usr/sbin/grub2-mkconfig") ||
                   apply_has_program(root, "/sbin/grub2-mkconfig")) {
                /* Fedora/RHEL: with BLS the options live in /boot/loader/entries (rhboot/grub2 PR 126) */
                if (sh_env_get(env, "GRUB_ENABLE_BLSCFG", &bls, NULL, NULL, NULL) >= 0 && streq(bls, "true")) {
                        /* the entries carry the options: read back every one of them */
                        p->verify_path = strdup(BLS_ENTRIES);
                        (void) apply_read_file(root, "/usr/sbin/grub2-mkconfig", &script);
                        if (script && strstr(script, "--update-bls-cmdline"))
                                r = apply_plan_set_regenerate(p, NULL, "grub2-mkconfig", "-o", "/boot/grub2/grub.cfg",
                                                              "--update-bls-cmdline", NULL);
                        else if (apply_has_program(root, "/usr/sbin/grubby") || apply_has_program(root, "/sbin/grubby"))
                                r = plan_grubby(c, p);
                        else
                                r = apply_plan_set_regenerate(p,
                                                              "no grub2-mkconfig --update-bls-cmdline and no grubby: "
                                                              "change the options of " BLS_ENTRIES " yourself",
                                                              NULL);
                } else {
                        p->verify_path = strdup("/boot/grub2/grub.cfg");
                        r = apply_plan_set_regenerate(p, NULL, "grub2-mkconfig", "-o", "/boot/grub2/grub.cfg", NULL);
                }
        } else if (apply_has_program(root, "/usr/sbin/grub-mkconfig") ||
                   apply_has_program(root, "/usr/bin/grub-mkconfig")) {
                p->verify_path = strdup("/boot/grub/grub.cfg");
                r = apply_plan_set_regenerate(p, NULL, "grub-mkconfig", "-o", "/boot/grub/grub.cfg", NULL);
        } else
                r = apply_plan_set_regenerate(p, "no update-grub or grub-mkconfig found: regenerate grub.cfg yourself",
                                              NULL);
        if (r < 0)
                return r;

        if (p->regenerate_argv && !rootdir_is_host(root)) {
                /* a mounted system or an image: its tools must run inside it, not on this host */
                _cleanup_free_ char *command = NULL;
                for (size_t i = 0; p->regenerate_argv[i]; i++) {
                        char *joined = NULL;
                        if (asprintf(&joined, "%s%s%s", command ? command : "", i ? " " : "", p->regenerate_argv[i]) <
                            0)
                                return -ENOMEM;
                        free(command);
                        command = joined;
                }
                if (asprintf(&note, "--root %s: the boot menu is not regenerated; run \"%s\" inside that system",
                             p->root, command) < 0)
                        return -ENOMEM;
                free(p->regenerate_note);
                p->regenerate_note = TAKE_PTR(note);
                for (size_t i = 0; p->regenerate_argv[i]; i++)
                        free(p->regenerate_argv[i]);
                free(p->regenerate_argv);
                p->regenerate_argv = NULL;
        }
        return 0;
}

int apply_grub_plan(const struct apply_ctx *c, struct apply_plan *p, char **ret_error)
{
        struct grub_files g = {};
        _cleanup_sh_env_ struct sh_env *env = NULL, *after = NULL;
        _cleanup_free_ char *old_line = NULL, *new_line = NULL, *final_line = NULL;
        _cleanup_free_ struct sh_origin *origins = NULL, *final_origins = NULL;
        _cleanup_free_ const char **labels = NULL, **texts = NULL;
        struct text_edits edits = {};
        int r;

        r = load_files(c->root, &g, ret_error);
        if (r < 0)
                goto out;
        r = prepare_target(&g, ret_error);
        if (r < 0)
                goto out;
        r = run_files(&g, &env, ret_error);
        if (r < 0)
                goto out;
        r = combined_line(env, &old_line, &origins, ret_error);
        if (r < 0)
                goto out;
        r = apply_line_change(c, old_line, &new_line, ret_error);
        if (r < 0)
                goto out;

        const struct sh_assignment *a = sh_env_last_assignment(env, VAR_DEFAULT, (unsigned) g.target);
        struct value_append_point ap = {
                .file = (unsigned) g.target,
                .offset = a->append_at,
                .quote = a->append_quote,
                .after_bare_ref = a->append_after_bare_ref,
                .leading_space = g.target != 0,
        };
        labels = calloc(g.n, sizeof(*labels));
        texts = calloc(g.n, sizeof(*texts));
        if (!labels || !texts) {
                r = -ENOMEM;
                goto out;
        }
        for (size_t i = 0; i < g.n; i++) {
                labels[i] = g.v[i].path;
                texts[i] = g.v[i].text;
        }
        struct value_sources src = { labels, texts, g.n, origin_shared, env };
        r = value_edit_plan(old_line, origins, new_line, &ap, VALUE_SYNTAX_SH, &src, &edits, ret_error);
        if (r < 0)
                goto out;
        for (size_t i = 0; i < g.n; i++) {
                char *n = NULL;
                r = text_edits_apply(&edits, (unsigned) i, g.v[i].text, &n);
                if (r < 0)
                        goto out;
                free(g.v[i].text);
                g.v[i].text = n;
        }

        /* Read the edited files as grub-mkconfig will: the line must now be what was asked for. */
        r = run_files(&g, &after, ret_error);
        if (r < 0)
                goto out;
        r = combined_line(after, &final_line, &final_origins, ret_error);
        if (r < 0)
                goto out;
        r = check_added_unshared(&g, &edits, after, final_line, final_origins, ret_error);
        if (r < 0)
                goto out;
        r = warn_later(&g, after, p);
        if (r < 0)
                goto out;
        if (!apply_line_satisfies(c, final_line)) {
                r = asprintf(ret_error,
                             "after the edit grub-mkconfig would still give the kernel '%s' (a later file "
                             "overrides " VAR_DEFAULT "?); nothing written",
                             final_line) < 0
                            ? -ENOMEM
                            : -EEXIST;
                goto out;
        }

        p->old_cmdline = TAKE_PTR(old_line);
        p->new_cmdline = strdup(final_line);
        if (!p->new_cmdline) {
                r = -ENOMEM;
                goto out;
        }
        for (size_t i = 0; i < g.n; i++) {
                const char *new_text = g.v[i].text;
                /* our drop-in, once it adds nothing, goes away */
                if (g.dropins && i == g.target && !file_contributes(after, (unsigned) i))
                        new_text = NULL;
                r = apply_plan_add_file(p, g.v[i].path, g.v[i].old, new_text);
                if (r < 0)
                        goto out;
        }
        if (p->n_files == 0)
                goto out; /* already in place: nothing to record, nothing to run */
        r = apply_plan_record(p, c, p->old_cmdline, p->new_cmdline);
        if (r < 0)
                goto out;
        r = plan_regenerate(after, c, p);
out:
        text_edits_done(&edits);
        grub_files_done(&g);
        return r;
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
                        return asprintf(ret_error, "%s %s %s%s%s after regenerating: '%s'; every file is restored",
                                        where, want ? "lacks" : "still has", name, eq ? "=" : "", eq ? eq + 1 : "",
                                        line) < 0
                                       ? -ENOMEM
                                       : -EBADMSG;
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
                return asprintf(ret_error, "%s: %s", p->verify_path, strerror(-fd)) < 0 ? -ENOMEM : -EBADMSG;
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
                return asprintf(ret_error, "%s: no linux line in the first menu entry to check (%s)", p->verify_path,
                                strerror(-r)) < 0
                               ? -ENOMEM
                               : -EBADMSG;
        if (asprintf(&where, "%s: the first menu entry", p->verify_path) < 0)
                return -ENOMEM;
        return check_line(p, where, line, ret_error);
}
