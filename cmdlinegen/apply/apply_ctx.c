/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The request of cmdlinegen --apply, parsed against its root, and the change it makes to a kernel
 * command line (the kcmdline model), which every loader back end maps onto its own files.
 */
#include "apply_ctx.h"

#include <fcntl.h>
#include <sys/stat.h>

#include "apply_error.h"
#include "apply_plan.h"
#include "array.h"

int apply_read_file(const struct rootdir *root, const char *path, char **ret)
{
        size_t size;
        int r = rootdir_read_file(root, path, ret, &size);

        if (r >= 0 && strlen(*ret) != size) {
                free(*ret);
                *ret = NULL;
                return -EBADMSG; /* a NUL byte: not a text configuration file */
        }
        return r;
}

bool apply_has_program(const struct rootdir *root, const char *path)
{
        _cleanup_close_ int fd = rootdir_open(root, path, O_PATH | O_CLOEXEC, 0);
        struct stat st;

        return fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111);
}

/* "name=value" or "name" into a parameter whose strings live in the context. */
int apply_ctx_param(struct apply_ctx *c, const char *s, struct kcmdline_param *ret, bool *ret_has_value)
{
        char *copy = strdup(s), *eq;

        if (!copy || ARRAY_GROW(c->param_storage, c->n_param_storage) < 0) {
                free(copy);
                return -ENOMEM;
        }
        c->param_storage[c->n_param_storage++] = copy;
        eq = strchr(copy, '=');
        if (eq)
                *eq = '\0';
        *ret = (struct kcmdline_param){ copy, eq ? eq + 1 : NULL };
        if (ret_has_value)
                *ret_has_value = eq != NULL;
        return *copy ? 0 : -EINVAL;
}

void apply_ctx_done(struct apply_ctx *c)
{
        apply_strv_free(c->param_storage, c->n_param_storage);
        free(c->add);
        free(c->remove);
        free(c->remove_all);
        free(c->ours);
        free(c->restore);
        for (size_t i = 0; i < c->n_scopes; i++) {
                free(c->scopes[i].ours);
                free(c->scopes[i].restore);
        }
        free(c->scopes);
        free(c->state_old);
}

int apply_ctx_init(struct apply_ctx *c, const struct apply_request *req, struct rootdir *root, char **ret_error)
{
        int r;

        *c = (struct apply_ctx){ .req = req, .root = root };
        c->add = calloc(req->n_add + 1, sizeof(*c->add));
        c->remove = calloc(req->n_remove + 1, sizeof(*c->remove));
        c->remove_all = calloc(req->n_remove + 1, sizeof(*c->remove_all));
        if (!c->add || !c->remove || !c->remove_all)
                return -ENOMEM;
        for (size_t i = 0; i < req->n_add; i++) {
                r = apply_ctx_param(c, req->add[i], &c->add[c->n_add++], NULL);
                if (r < 0)
                        return r == -ENOMEM ? r
                                            : apply_error(ret_error, r, "empty parameter name in '%s'", req->add[i]);
        }
        for (size_t i = 0; i < req->n_remove; i++) {
                bool has_value;
                r = apply_ctx_param(c, req->remove[i], &c->remove[c->n_remove], &has_value);
                if (r < 0)
                        return r == -ENOMEM ? r
                                            : apply_error(ret_error, r, "empty parameter name in '%s'", req->remove[i]);
                c->remove_all[c->n_remove++] = !has_value;
        }
        return 0;
}

/*
 * After taking ours back: the user's values they had replaced, where the name is now free (the
 * hugepage ones as their old block, when no hugepage parameter is left). A value the model
 * refuses is left out rather than guessed at.
 */
static int restore_replaced(const struct apply_ctx *c, struct kcmdline *k)
{
        _cleanup_free_ struct kcmdline_param *put = calloc(c->n_restore + 1, sizeof(*put));
        bool any_hugepage = false;
        size_t n = 0;

        if (!put)
                return -ENOMEM;
        for (size_t i = 0; i < c->n_restore; i++)
                any_hugepage =
                        any_hugepage || (kcmdline_is_hugepage_param(c->restore[i].name) &&
                                         (kcmdline_contains(k, "hugepages") || kcmdline_contains(k, "hugepagesz") ||
                                          kcmdline_contains(k, "default_hugepagesz")));
        for (size_t i = 0; i < c->n_restore; i++) {
                bool hp = kcmdline_is_hugepage_param(c->restore[i].name);
                if ((hp && any_hugepage) || (!hp && kcmdline_contains(k, c->restore[i].name)))
                        continue;
                put[n++] = c->restore[i];
        }
        int r = kcmdline_merge(k, put, n);
        return r == -EINVAL ? 0 : r < 0 ? r : 0;
}

int apply_line_change(const struct apply_ctx *c, const char *old, char **ret_new, char **ret_error)
{
        _cleanup_kcmdline_ struct kcmdline *k = NULL;
        struct parse_error e = {};
        int r;

        r = kcmdline_parse(old, 0, &k, &e);
        if (r == -EINVAL)
                return apply_error(ret_error, r, "the current command line has an unterminated quote at byte %zu: '%s'",
                                   e.offset, old);
        if (r < 0)
                return r;
        for (size_t i = 0; i < c->n_remove; i++) {
                if (c->remove_all[i])
                        kcmdline_remove(k, c->remove[i].name);
                else
                        kcmdline_remove_value(k, c->remove[i].name, c->remove[i].value);
        }
        if (c->req->remove_ours) {
                (void) kcmdline_unmerge(k, c->ours, c->n_ours);
                r = restore_replaced(c, k);
                if (r < 0)
                        return r;
        }
        r = kcmdline_merge(k, c->add, c->n_add);
        if (r == -EINVAL)
                return apply_error(ret_error, r,
                                   "a parameter to add is not valid for the kernel command line "
                                   "(empty name, '\"' in a value, or a malformed hugepage value)");
        if (r < 0)
                return r;
        return kcmdline_format(k, ret_new);
}

bool apply_line_uses(const struct kcmdline *k, const char *name, const char *value)
{
        const char *v = NULL;

        if (kcmdline_is_hugepage_param(name)) {
                const struct kcmdline_token **all = NULL;
                size_t n = 0;
                bool found = false;
                if (kcmdline_get_all(k, name, &all, &n) < 0)
                        return false;
                for (size_t i = 0; i < n; i++)
                        found = found || streq_ptr(all[i]->value, value);
                free(all);
                return found;
        }
        return kcmdline_get(k, name, &v) == 0 && streq_ptr(v, value);
}

bool apply_line_has_token(const struct kcmdline_index *x, const char *name, const char *value)
{
        const struct kcmdline_token *const *all;
        size_t n = kcmdline_index_get_all(x, name, &all);

        for (size_t i = 0; i < n; i++)
                if (all[i]->has_value == (value != NULL) && streq_ptr(all[i]->value, value))
                        return true;
        return false;
}

bool apply_line_satisfies(const struct apply_ctx *c, const char *line)
{
        _cleanup_kcmdline_ struct kcmdline *k = NULL;
        _cleanup_(kcmdline_index_done) struct kcmdline_index x = {};

        if (kcmdline_parse(line, KCMDLINE_PARSE_LENIENT, &k, NULL) < 0 || kcmdline_index_build(k, &x) < 0)
                return false;
        for (size_t i = 0; i < c->n_add; i++)
                if (!apply_line_uses(k, c->add[i].name, c->add[i].value))
                        return false;
        for (size_t i = 0; i < c->n_remove; i++)
                if (c->remove_all[i] ? kcmdline_contains(k, c->remove[i].name)
                                     : apply_line_has_token(&x, c->remove[i].name, c->remove[i].value))
                        return false;
        for (size_t i = 0; c->req->remove_ours && i < c->n_ours; i++)
                if (apply_line_has_token(&x, c->ours[i].name, c->ours[i].value))
                        return false;
        return true;
}
