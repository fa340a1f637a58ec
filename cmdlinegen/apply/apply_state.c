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

/* State file lines: "BOOTLOADER PARAM". Comments and blank lines are skipped. */
int apply_state_load(struct apply_ctx *c, enum bootloader b, char **ret_error)
{
        int r = apply_read_file(c->root, APPLY_STATE_FILE, &c->state_old);
        unsigned line = 0;

        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return apply_error(ret_error, r, "%s: %s", APPLY_STATE_FILE, strerror(-r));
        _cleanup_free_ char *copy = strdup(c->state_old);
        if (!copy)
                return -ENOMEM;
        char *save = NULL;
        for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                char *space = strchr(l, ' ');
                line++;
                if (*l == '#' || *l == '\0')
                        continue;
                if (!space || space[1] == '\0')
                        return apply_error(ret_error, -EINVAL, "%s: a line is not \"BOOTLOADER PARAMETER\": '%s'",
                                           APPLY_STATE_FILE, l);
                *space = '\0';
                if (!streq(l, bootloader_to_string(b)))
                        continue;
                /* "-PARAM": a value of the user's that an apply replaced; --remove puts it back */
                bool replaced = space[1] == '-';
                struct kcmdline_param **list = replaced ? &c->restore : &c->ours;
                size_t *n = replaced ? &c->n_restore : &c->n_ours;
                if (ARRAY_GROW(*list, *n) < 0)
                        return -ENOMEM;
                r = apply_ctx_param(c, space + 1 + replaced, &(*list)[(*n)++], NULL);
                if (r < 0)
                        return r == -ENOMEM ? r : -EINVAL;
        }
        return 0;
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

/* Lines to keep: other boot loaders' as they were; ours still in NEW unless taken back; replaced values. */
static int write_kept(FILE *f, const struct apply_plan *p, const struct apply_ctx *c, const struct kcmdline *ko,
                      const struct kcmdline_index *xo, const struct kcmdline_index *xn, size_t *entries,
                      char **ret_error)
{
        const char *mine = bootloader_to_string(p->bootloader);

        if (c->state_old) {
                _cleanup_free_ char *copy = strdup(c->state_old);
                char *save = NULL;
                if (!copy)
                        return -ENOMEM;
                for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
                        if (*l != '#' && !(startswith(l, mine) && l[strlen(mine)] == ' ')) {
                                ++*entries;
                                fprintf(f, "%s\n", l);
                        }
        }
        for (size_t i = 0; !c->req->remove_ours && i < c->n_ours; i++) {
                _cleanup_free_ char *s = NULL;
                if (!apply_line_has_token(xn, c->ours[i].name, c->ours[i].value))
                        continue;
                if (param_string(&c->ours[i], &s) < 0)
                        return -ENOMEM;
                ++*entries;
                fprintf(f, "%s %s\n", mine, s);
        }
        /* the user's values this plan replaces, and those replaced before, unless taken back */
        for (size_t i = 0; !c->req->remove_ours && i < c->n_restore; i++) {
                _cleanup_free_ char *s = NULL;
                if (param_string(&c->restore[i], &s) < 0)
                        return -ENOMEM;
                ++*entries;
                fprintf(f, "%s -%s\n", mine, s);
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
                                           p->bootloader == BOOTLOADER_GRUB ? "GRUB_CMDLINE_LINUX_DEFAULT"
                                                                            : "/etc/kernel/cmdline",
                                           (int) strcspn(s, "\n"), s);
                ++*entries;
                fprintf(f, "%s -%s\n", mine, s);
        }
        return 0;
}

/* What this plan adds (in the new line, not in the old one, not recorded already), and what the read-back checks. */
static int write_added(FILE *f, struct apply_plan *p, const struct apply_ctx *c, const struct kcmdline_index *xo,
                       size_t *entries)
{
        for (size_t i = 0; i < c->n_add; i++) {
                _cleanup_free_ char *s = NULL;
                bool recorded = false;
                if (param_string(&c->add[i], &s) < 0 || apply_strv_push(&p->verify_params, &p->n_verify_params, s) < 0)
                        return -ENOMEM;
                for (size_t j = 0; j < c->n_ours; j++)
                        recorded = recorded || (kcmdline_name_equal(c->ours[j].name, c->add[i].name) &&
                                                streq_ptr(c->ours[j].value, c->add[i].value));
                if (apply_line_has_token(xo, c->add[i].name, c->add[i].value) || recorded)
                        continue;
                if (apply_strv_push(&p->added, &p->n_added, s) < 0)
                        return -ENOMEM;
                ++*entries;
                fprintf(f, "%s %s\n", bootloader_to_string(p->bootloader), s);
        }
        for (size_t i = 0; c->req->remove_ours && i < c->n_ours; i++) {
                _cleanup_free_ char *s = NULL;
                if (param_string(&c->ours[i], &s) < 0 || apply_strv_push(&p->verify_absent, &p->n_verify_absent, s) < 0)
                        return -ENOMEM;
        }
        return 0;
}

int apply_state_record(struct apply_plan *p, const struct apply_ctx *c, const char *old_line, const char *new_line,
                       char **ret_error)
{
        _cleanup_kcmdline_ struct kcmdline *ko = NULL, *kn = NULL;
        _cleanup_(kcmdline_index_done) struct kcmdline_index xo = {}, xn = {};
        _cleanup_free_ char *state_new = NULL;
        size_t size = 0, entries = 0;
        FILE *f;
        int r;

        r = kcmdline_parse(old_line, KCMDLINE_PARSE_LENIENT, &ko, NULL);
        if (r < 0)
                return r;
        r = kcmdline_parse(new_line, KCMDLINE_PARSE_LENIENT, &kn, NULL);
        if (r < 0)
                return r;
        if (kcmdline_index_build(ko, &xo) < 0 || kcmdline_index_build(kn, &xn) < 0)
                return -ENOMEM;

        f = open_memstream(&state_new, &size);
        if (!f)
                return -ENOMEM;
        fputs("# Kernel parameters cmdlinegen --apply added (\"BOOTLOADER PARAMETER\") and values of yours\n"
              "# they replaced (\"BOOTLOADER -PARAMETER\"). cmdlinegen --remove takes back exactly the first\n"
              "# and puts back the second. Written by cmdlinegen; do not edit.\n",
              f);
        r = write_kept(f, p, c, ko, &xo, &xn, &entries, ret_error);
        if (r >= 0)
                r = write_added(f, p, c, &xo, &entries);
        if (fclose(f) != 0 && r >= 0)
                r = -ENOMEM;
        if (r < 0)
                return r;

        /* only the header: no state to keep */
        bool empty = entries == 0;
        if (empty && !c->state_old)
                return 0;
        return apply_plan_add_file(p, APPLY_STATE_FILE, c->state_old, empty ? NULL : state_new);
}
