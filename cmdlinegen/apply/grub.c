/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * GRUB: where the command line of the normal entries comes from, and how to change it.
 *
 * grub-mkconfig sources /etc/default/grub and, on Debian and Ubuntu (a Debian patch), every
 * *.cfg of /etc/default/grub.d after it in glob order; 10_linux then gives normal entries
 * "${GRUB_CMDLINE_LINUX} ${GRUB_CMDLINE_LINUX_DEFAULT}" and recovery entries only the first.
 * The files are read here with the same order and sh semantics (sh_vars.h), the change is
 * made on that whole line with the kcmdline model, and value_edit.h maps it back onto the files.
 */
#include "loaders.h"

#include "apply_error.h"
#include "apply_plan.h"
#include "apply_state.h"
#include "grub_files.h"
#include "grub_regenerate.h"
#include "value_edit.h"

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
                int r = grub_files_run(g, &env, ret_error);

                if (r < 0)
                        return r;
                a = sh_env_last_assignment(env, VAR_DEFAULT, (unsigned) g->target);
                if (!a) {
                        /*
                         * A value set where the reader cannot follow (inside if/case, after &&) is
                         * refused here as the drop-in's "${...}" refuses it: an unconditional
                         * assignment appended after it would override it.
                         */
                        const char *unused;
                        r = grub_get_var(env, VAR_DEFAULT, &unused, NULL, ret_error);
                        if (r < 0)
                                return r;
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
        return apply_error(ret_error, -EINVAL, "%s: could not prepare " VAR_DEFAULT " for editing",
                           g->v[g->target].path);
}

/* The line normal entries get: LINUX, a space grub-mkconfig adds (no file holds it), DEFAULT. */
static int combined_line(const struct sh_env *env, char **ret, struct sh_origin **ret_o, char **ret_error)
{
        const char *lin, *def;
        const struct sh_origin *olin, *odef;
        size_t nl, nd, n = 0;
        int r;

        r = grub_get_var(env, VAR_LINUX, &lin, &olin, ret_error);
        if (r < 0)
                return r;
        r = grub_get_var(env, VAR_DEFAULT, &def, &odef, ret_error);
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
                return apply_error(ret_error, -EINVAL,
                                   "%s:%u:%u: the text added here would also reach another variable (or the command "
                                   "line twice), which would change too and which --remove could not take back; "
                                   "edit by hand",
                                   g->v[o->file].path, l, column);
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
 * The edits of G's texts that make C's change to the line the files give now (*ret_old_line):
 * parsed as grub-mkconfig would, changed with the kcmdline model, mapped back by value_edit.
 */
static int edit_files(const struct apply_ctx *c, struct grub_files *g, struct text_edits *ret_edits,
                      char **ret_old_line, char **ret_error)
{
        _cleanup_sh_env_ struct sh_env *env = NULL;
        _cleanup_free_ char *old_line = NULL, *new_line = NULL;
        _cleanup_free_ struct sh_origin *origins = NULL;
        _cleanup_free_ const char **labels = NULL, **texts = NULL;
        int r;

        r = grub_files_run(g, &env, ret_error);
        if (r >= 0)
                r = combined_line(env, &old_line, &origins, ret_error);
        if (r >= 0)
                r = apply_line_change(c, old_line, &new_line, ret_error);
        if (r < 0)
                return r;

        const struct sh_assignment *a = sh_env_last_assignment(env, VAR_DEFAULT, (unsigned) g->target);
        struct value_append_point ap = {
                .file = (unsigned) g->target,
                .offset = a->append_at,
                .quote = a->append_quote,
                .after_bare_ref = a->append_after_bare_ref,
                .leading_space = g->target != 0,
        };
        labels = calloc(g->n, sizeof(*labels));
        texts = calloc(g->n, sizeof(*texts));
        if (!labels || !texts)
                return -ENOMEM;
        for (size_t i = 0; i < g->n; i++) {
                labels[i] = g->v[i].path;
                texts[i] = g->v[i].text;
        }
        struct value_sources src = { labels, texts, g->n, origin_shared, env };
        r = value_edit_plan(old_line, origins, new_line, &ap, VALUE_SYNTAX_SH, &src, ret_edits, ret_error);
        if (r < 0)
                return r;
        *ret_old_line = TAKE_PTR(old_line);
        return 0;
}

/*
 * The files after the edits, read as grub-mkconfig will: the line must now be what was asked
 * for, and every byte written must reach it alone. *ret_line is that line.
 */
static int check_edited(const struct apply_ctx *c, const struct grub_files *g, const struct text_edits *edits,
                        struct apply_plan *p, struct sh_env **ret_env, char **ret_line, char **ret_error)
{
        _cleanup_sh_env_ struct sh_env *after = NULL;
        _cleanup_free_ char *line = NULL;
        _cleanup_free_ struct sh_origin *origins = NULL;
        int r;

        r = grub_files_run(g, &after, ret_error);
        if (r >= 0)
                r = combined_line(after, &line, &origins, ret_error);
        if (r >= 0)
                r = check_added_unshared(g, edits, after, line, origins, ret_error);
        if (r >= 0)
                r = warn_later(g, after, p);
        if (r < 0)
                return r;
        if (!apply_line_satisfies(c, line))
                return apply_error(ret_error, -EEXIST,
                                   "after the edit grub-mkconfig would still give the kernel '%s' (a later file "
                                   "overrides " VAR_DEFAULT "?); nothing written",
                                   line);
        *ret_env = TAKE_PTR(after);
        *ret_line = TAKE_PTR(line);
        return 0;
}

int apply_grub_plan(const struct apply_ctx *c, struct apply_plan *p, char **ret_error)
{
        struct grub_files g = {};
        _cleanup_sh_env_ struct sh_env *after = NULL;
        struct text_edits edits = {};
        int r;

        r = grub_files_load(c->root, &g, ret_error);
        if (r >= 0)
                r = prepare_target(&g, ret_error);
        if (r >= 0)
                r = edit_files(c, &g, &edits, &p->old_cmdline, ret_error);
        for (size_t i = 0; r >= 0 && i < g.n; i++) {
                char *n = NULL;
                r = text_edits_apply(&edits, (unsigned) i, g.v[i].text, &n);
                if (r >= 0) {
                        free(g.v[i].text);
                        g.v[i].text = n;
                }
        }
        if (r >= 0)
                r = check_edited(c, &g, &edits, p, &after, &p->new_cmdline, ret_error);
        for (size_t i = 0; r >= 0 && i < g.n; i++) {
                /* no edit to make: the files as they were, without what prepare_target() did */
                const char *new_text = edits.n > 0 ? g.v[i].text : g.v[i].old;
                /* our drop-in, once it adds nothing, goes away */
                if (g.dropins && i == g.target && !file_contributes(after, (unsigned) i))
                        new_text = NULL;
                r = apply_plan_add_file(p, g.v[i].path, g.v[i].old, new_text);
        }
        /* with no file to change it is already in place: nothing to record, nothing to run */
        if (r >= 0 && p->n_files > 0)
                r = apply_state_record(p, c, p->old_cmdline, p->new_cmdline, ret_error);
        if (r >= 0 && p->n_files > 0)
                r = grub_plan_regenerate(after, c, p);
        text_edits_done(&edits);
        grub_files_done(&g);
        return r;
}
