/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * APPLY_STATE_FILE: what cmdlinegen --apply added, per boot loader, and the values of the user's it
 * replaced, so that --remove takes back exactly that. Read into the context; the plan gets its new
 * contents.
 */
#include "apply_state.h"

#include "apply_error.h"
#include "apply_plan.h"
#include "array.h"

/* FILE's own record in C, added when it has none yet; NULL when out of memory. */
static struct apply_scope *scope_get(struct apply_ctx *c, const char *file)
{
        for (size_t i = 0; i < c->n_scopes; i++)
                if (streq(c->scopes[i].file, file))
                        return &c->scopes[i];
        char *copy = strdup(file);
        /* param_storage grows as apply_ctx_param() grows it */
        if (!copy || ARRAY_GROW(c->scopes, c->n_scopes) < 0 || ARRAY_GROW(c->param_storage, c->n_param_storage) < 0) {
                free(copy);
                return NULL;
        }
        c->param_storage[c->n_param_storage++] = copy;
        c->scopes[c->n_scopes] = (struct apply_scope){ .file = copy };
        return &c->scopes[c->n_scopes++];
}

/* One line "HEAD[ PARAM]", HEAD "BOOTLOADER" or "BOOTLOADER:FILE", split in place; -EINVAL when it is neither. */
static int split_line(char *l, const char **ret_file, char **ret_param)
{
        char *space = strchr(l, ' '), *colon;

        if (space)
                *space = '\0';
        colon = strchr(l, ':');
        if (colon)
                *colon = '\0';
        if ((colon && colon[1] == '\0') || (!space && !colon) || (space && space[1] == '\0'))
                return -EINVAL;
        *ret_file = colon ? colon + 1 : NULL;
        *ret_param = space ? space + 1 : NULL;
        return 0;
}

/* One line L of the state file (not a comment) into C, when it is boot loader B's. */
static int load_line(struct apply_ctx *c, enum bootloader b, char *l, char **ret_error)
{
        _cleanup_free_ char *shown = strdup(l);
        const char *file;
        char *param;

        if (!shown)
                return -ENOMEM;
        if (split_line(l, &file, &param) < 0)
                return apply_error(ret_error, -EINVAL,
                                   "%s: a line is not \"BOOTLOADER[:FILE] PARAMETER\" or \"BOOTLOADER:FILE\": '%s'",
                                   APPLY_STATE_FILE, shown);
        if (!streq(l, bootloader_to_string(b)))
                return 0;
        struct apply_scope *scope = file ? scope_get(c, file) : NULL;
        if (file && !scope)
                return -ENOMEM;
        if (!param) /* "BOOTLOADER:FILE": the file has a record, maybe with nothing in it */
                return 0;
        /* "-PARAM": a value of the user's that an apply replaced; --remove puts it back */
        bool replaced = param[0] == '-';
        struct kcmdline_param **list =
                replaced ? (scope ? &scope->restore : &c->restore) : (scope ? &scope->ours : &c->ours);
        size_t *n = replaced ? (scope ? &scope->n_restore : &c->n_restore) : (scope ? &scope->n_ours : &c->n_ours);
        if (ARRAY_GROW(*list, *n) < 0)
                return -ENOMEM;
        int r = apply_ctx_param(c, param + replaced, &(*list)[(*n)++], NULL);
        return r < 0 && r != -ENOMEM ? -EINVAL : r;
}

/* Comments and blank lines are skipped; see apply_state.h for the others. */
int apply_state_load(struct apply_ctx *c, enum bootloader b, char **ret_error)
{
        int r = apply_read_file(c->root, APPLY_STATE_FILE, &c->state_old);

        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return apply_error(ret_error, r, "%s: %s", APPLY_STATE_FILE, strerror(-r));
        _cleanup_free_ char *copy = strdup(c->state_old);
        if (!copy)
                return -ENOMEM;
        char *save = NULL;
        for (char *l = strtok_r(copy, "\n", &save); l && r >= 0; l = strtok_r(NULL, "\n", &save))
                if (*l != '#' && *l != '\0')
                        r = load_line(c, b, l, ret_error);
        return r < 0 ? r : 0;
}

void apply_ctx_for_file(const struct apply_ctx *c, const char *file, struct apply_ctx *ret)
{
        *ret = *c;
        for (size_t i = 0; i < c->n_scopes; i++)
                if (streq(c->scopes[i].file, file)) {
                        ret->ours = c->scopes[i].ours;
                        ret->n_ours = c->scopes[i].n_ours;
                        ret->restore = c->scopes[i].restore;
                        ret->n_restore = c->scopes[i].n_restore;
                }
}

void apply_state_files_done(struct apply_state_file *v, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                free(v[i].file);
                free(v[i].old_line);
                free(v[i].new_line);
        }
        free(v);
}

static int param_string(const struct kcmdline_param *p, char **ret)
{
        return asprintf(ret, "%s%s%s", p->name, p->value ? "=" : "", p->value ? p->value : "") < 0 ? -ENOMEM : 0;
}

/* Whether an added parameter takes the place of TOK (same name; any hugepage one for the block). */
static bool replaced_by(const struct apply_ctx *c, const struct kcmdline_token *tok)
{
        for (size_t i = 0; i < c->n_add; i++)
                if (kcmdline_name_equal(c->add[i].name, tok->name) ||
                    (kcmdline_is_hugepage_param(c->add[i].name) && kcmdline_is_hugepage_param(tok->name)))
                        goto found;
        return false;
found:
        /* a value an earlier apply of ours put there is not the user's */
        for (size_t i = 0; i < c->n_ours; i++)
                if (kcmdline_name_equal(c->ours[i].name, tok->name) && streq_ptr(c->ours[i].value, tok->value))
                        return false;
        return true;
}

static bool same_token(const struct kcmdline_token *a, const struct kcmdline_token *b)
{
        return streq_ptr(a->value, b->value) && a->has_value == b->has_value;
}

/* Whether token T of K (indexed by X) has an equal one before it: each replaced value is recorded once. */
static bool already_listed(const struct kcmdline *k, const struct kcmdline_index *x, size_t t)
{
        const struct kcmdline_token *tok = &k->tokens[t], *const * same;
        size_t n = kcmdline_index_get_all(x, tok->name, &same);
        bool indexed = false;

        /* SAME is in line order */
        for (size_t i = 0; i < n && same[i] <= tok; i++) {
                if (same[i] == tok)
                        indexed = true;
                else if (same_token(same[i], tok))
                        return true;
        }
        if (indexed)
                return false;
        /* a bare NAME the kernel ignores (it needs "NAME=") is not in the index: rare, so scanned */
        for (size_t i = 0; i < t; i++)
                if (kcmdline_name_equal(k->tokens[i].name, tok->name) && same_token(&k->tokens[i], tok))
                        return true;
        return false;
}

/* Lines of other boot loaders, as they were. */
static void write_others(FILE *f, const struct apply_plan *p, const struct apply_ctx *c, size_t *entries)
{
        const char *mine = bootloader_to_string(p->bootloader);
        size_t k = strlen(mine);
        _cleanup_free_ char *copy = c->state_old ? strdup(c->state_old) : NULL;
        char *save = NULL;

        for (char *l = copy ? strtok_r(copy, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save))
                if (*l != '#' && !(startswith(l, mine) && (l[k] == ' ' || l[k] == ':'))) {
                        ++*entries;
                        fprintf(f, "%s\n", l);
                }
}

/* Where a record goes: "BOOTLOADER" for the main line, "BOOTLOADER:FILE" for a file of its own. */
struct record {
        FILE *f;
        const char *head;
        const char *label; /* for messages */
        bool main;         /* the main line: what the plan reports as added and reads back */
        size_t *entries;
};

/* Lines to keep: ours still in NEW unless taken back; the values of the user's replaced. */
static int write_kept(const struct record *w, const struct apply_ctx *c, const struct kcmdline *ko,
                      const struct kcmdline_index *xo, const struct kcmdline_index *xn, char **ret_error)
{
        for (size_t i = 0; !c->req->remove_ours && i < c->n_ours; i++) {
                _cleanup_free_ char *s = NULL;
                if (!apply_line_has_token(xn, c->ours[i].name, c->ours[i].value))
                        continue;
                if (param_string(&c->ours[i], &s) < 0)
                        return -ENOMEM;
                ++*w->entries;
                fprintf(w->f, "%s %s\n", w->head, s);
        }
        /* the user's values this plan replaces, and those replaced before, unless taken back */
        for (size_t i = 0; !c->req->remove_ours && i < c->n_restore; i++) {
                _cleanup_free_ char *s = NULL;
                if (param_string(&c->restore[i], &s) < 0)
                        return -ENOMEM;
                ++*w->entries;
                fprintf(w->f, "%s -%s\n", w->head, s);
        }
        for (size_t t = 0; !c->req->remove_ours && t < ko->n_tokens; t++) {
                const struct kcmdline_token *tok = &ko->tokens[t];
                _cleanup_free_ char *s = NULL;
                /* replaced_by() first: it is the cheap test that rules out nearly every token */
                if (tok->after_dashdash || tok->is_dashdash || !replaced_by(c, tok) ||
                    apply_line_has_token(xn, tok->name, tok->value) || already_listed(ko, xo, t) ||
                    param_string(&(struct kcmdline_param){ tok->name, tok->value }, &s) < 0)
                        continue;
                /* one entry per line: a quoted value across lines could not be put back by --remove */
                if (strchr(s, '\n'))
                        return apply_error(ret_error, -EINVAL,
                                           "%s: the value this would replace, '%.*s...', goes on past the end of a "
                                           "line (a quote left open?); put it on one line first",
                                           w->label, (int) strcspn(s, "\n"), s);
                ++*w->entries;
                fprintf(w->f, "%s -%s\n", w->head, s);
        }
        return 0;
}

/* What this plan adds (in the new line, not in the old one, not recorded already), and what the read-back checks. */
static int write_added(const struct record *w, struct apply_plan *p, const struct apply_ctx *c,
                       const struct kcmdline_index *xo)
{
        for (size_t i = 0; i < c->n_add; i++) {
                _cleanup_free_ char *s = NULL;
                bool recorded = false;
                if (param_string(&c->add[i], &s) < 0 ||
                    (w->main && apply_strv_push(&p->verify_params, &p->n_verify_params, s) < 0))
                        return -ENOMEM;
                for (size_t j = 0; j < c->n_ours; j++)
                        recorded = recorded || (kcmdline_name_equal(c->ours[j].name, c->add[i].name) &&
                                                streq_ptr(c->ours[j].value, c->add[i].value));
                if (apply_line_has_token(xo, c->add[i].name, c->add[i].value) || recorded)
                        continue;
                if (w->main && apply_strv_push(&p->added, &p->n_added, s) < 0)
                        return -ENOMEM;
                ++*w->entries;
                fprintf(w->f, "%s %s\n", w->head, s);
        }
        for (size_t i = 0; w->main && c->req->remove_ours && i < c->n_ours; i++) {
                _cleanup_free_ char *s = NULL;
                if (param_string(&c->ours[i], &s) < 0 || apply_strv_push(&p->verify_absent, &p->n_verify_absent, s) < 0)
                        return -ENOMEM;
        }
        return 0;
}

/* The record of one line, OLD_LINE -> NEW_LINE with C's change. */
static int write_record(const struct record *w, struct apply_plan *p, const struct apply_ctx *c, const char *old_line,
                        const char *new_line, char **ret_error)
{
        _cleanup_kcmdline_ struct kcmdline *ko = NULL, *kn = NULL;
        _cleanup_(kcmdline_index_done) struct kcmdline_index xo = {}, xn = {};
        int r;

        r = kcmdline_parse(old_line, KCMDLINE_PARSE_LENIENT, &ko, NULL);
        if (r >= 0)
                r = kcmdline_parse(new_line, KCMDLINE_PARSE_LENIENT, &kn, NULL);
        if (r < 0)
                return r;
        if (kcmdline_index_build(ko, &xo) < 0 || kcmdline_index_build(kn, &xn) < 0)
                return -ENOMEM;
        r = write_kept(w, c, ko, &xo, &xn, ret_error);
        if (r >= 0)
                r = write_added(w, p, c, &xo);
        return r;
}

/* The records of the files of their own, each after a line "BOOTLOADER:FILE" (none after --remove). */
static int write_files(FILE *f, struct apply_plan *p, const struct apply_state_file *v, size_t n, size_t *entries,
                       char **ret_error)
{
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *head = NULL;
                int r;
                if (strpbrk(v[i].file, " \t\n"))
                        return apply_error(ret_error, -EINVAL,
                                           "%s: a file name with white space cannot be recorded for --remove; "
                                           "rename it first",
                                           v[i].file);
                if (asprintf(&head, "%s:%s", bootloader_to_string(p->bootloader), v[i].file) < 0)
                        return -ENOMEM;
                if (!v[i].c.req->remove_ours)
                        fprintf(f, "%s\n", head);
                struct record w = { f, head, v[i].file, false, entries };
                r = write_record(&w, p, &v[i].c, v[i].old_line, v[i].new_line, ret_error);
                if (r < 0)
                        return r;
        }
        return 0;
}

int apply_state_record_files(struct apply_plan *p, const struct apply_ctx *c, const char *old_line,
                             const char *new_line, const struct apply_state_file *files, size_t n_files,
                             char **ret_error)
{
        _cleanup_free_ char *state_new = NULL;
        size_t size = 0, entries = 0;
        FILE *f;
        int r;

        f = open_memstream(&state_new, &size);
        if (!f)
                return -ENOMEM;
        fputs("# Kernel parameters cmdlinegen --apply added (\"BOOTLOADER PARAMETER\") and values of yours\n"
              "# they replaced (\"BOOTLOADER -PARAMETER\"). cmdlinegen --remove takes back exactly the first\n"
              "# and puts back the second. Written by cmdlinegen; do not edit.\n",
              f);
        if (n_files > 0)
                fputs("# \"BOOTLOADER:FILE\" lines: what was changed in that file, which has a line of its own.\n", f);
        write_others(f, p, c, &entries);
        struct record w = { f, bootloader_to_string(p->bootloader),
                            p->bootloader == BOOTLOADER_GRUB ? "GRUB_CMDLINE_LINUX_DEFAULT" : "/etc/kernel/cmdline",
                            true, &entries };
        r = write_record(&w, p, c, old_line, new_line, ret_error);
        if (r >= 0)
                r = write_files(f, p, files, n_files, &entries, ret_error);
        if (fclose(f) != 0 && r >= 0)
                r = -ENOMEM;
        if (r < 0)
                return r;

        /* only the header (and empty records): no state to keep */
        bool empty = entries == 0;
        if (empty && !c->state_old)
                return 0;
        return apply_plan_add_file(p, APPLY_STATE_FILE, c->state_old, empty ? NULL : state_new);
}

int apply_state_record(struct apply_plan *p, const struct apply_ctx *c, const char *old_line, const char *new_line,
                       char **ret_error)
{
        return apply_state_record_files(p, c, old_line, new_line, NULL, 0, ret_error);
}
