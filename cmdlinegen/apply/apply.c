/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The boot loader independent half of cmdlinegen --apply: the request, the state file, the plan
 * and carrying it out with backups and rollback. See apply.h.
 */
#include "apply_internal.h"

#include <fcntl.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "atomic_file.h"
#include "fileio.h"
#include "unified_diff.h"

int bootloader_from_string(const char *s, enum bootloader *ret)
{
        if (streq_ptr(s, "grub"))
                *ret = BOOTLOADER_GRUB;
        else if (streq_ptr(s, "systemd-boot"))
                *ret = BOOTLOADER_SYSTEMD_BOOT;
        else
                return -EINVAL;
        return 0;
}

const char *bootloader_to_string(enum bootloader b)
{
        return b == BOOTLOADER_GRUB ? "grub" : b == BOOTLOADER_SYSTEMD_BOOT ? "systemd-boot" : "auto";
}

int apply_strv_push(char ***v, size_t *n, const char *s)
{
        char **g = realloc(*v, (*n + 2) * sizeof(*g));

        if (!g)
                return -ENOMEM;
        *v = g;
        g[*n] = strdup(s);
        if (!g[*n])
                return -ENOMEM;
        g[++*n] = NULL;
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
        struct apply_file *g = realloc(p->files, (p->n_files + 1) * sizeof(*g));
        if (r < 0 || !g || !f.path || (old && !f.old_contents) || (new && !f.new_contents)) {
                if (g)
                        p->files = g;
                free(f.path);
                free(f.old_contents);
                free(f.new_contents);
                free(f.diff);
                return -ENOMEM;
        }
        p->files = g;
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

int apply_plan_set_regenerate(struct apply_plan *p, const char *note, ...)
{
        size_t n = 0;
        va_list ap;
        int r = 0;

        free(p->regenerate_note);
        p->regenerate_note = note ? strdup(note) : NULL;
        if (note && !p->regenerate_note)
                return -ENOMEM;
        va_start(ap, note);
        for (const char *a = va_arg(ap, const char *); a && r >= 0; a = va_arg(ap, const char *))
                r = apply_strv_push(&p->regenerate_argv, &n, a);
        va_end(ap);
        return r;
}

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
static int parse_param(struct apply_ctx *c, const char *s, struct kcmdline_param *ret, bool *ret_has_value)
{
        char *copy = strdup(s), *eq;
        char **g = realloc(c->param_storage, (c->n_param_storage + 1) * sizeof(*g));

        if (!copy || !g) {
                free(copy);
                if (g)
                        c->param_storage = g;
                return -ENOMEM;
        }
        c->param_storage = g;
        g[c->n_param_storage++] = copy;
        eq = strchr(copy, '=');
        if (eq)
                *eq = '\0';
        *ret = (struct kcmdline_param){ copy, eq ? eq + 1 : NULL };
        if (ret_has_value)
                *ret_has_value = eq != NULL;
        return *copy ? 0 : -EINVAL;
}

static void ctx_done(struct apply_ctx *c)
{
        apply_strv_free(c->param_storage, c->n_param_storage);
        free(c->add);
        free(c->remove);
        free(c->remove_all);
        free(c->ours);
        free(c->restore);
        free(c->state_old);
}

/* State file lines: "BOOTLOADER PARAM". Comments and blank lines are skipped. */
static int load_state(struct apply_ctx *c, enum bootloader b, char **ret_error)
{
        int r = apply_read_file(c->root, APPLY_STATE_FILE, &c->state_old);
        unsigned line = 0;

        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return asprintf(ret_error, "%s: %s", APPLY_STATE_FILE, strerror(-r)) < 0 ? -ENOMEM : r;
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
                        return asprintf(ret_error, "%s: a line is not \"BOOTLOADER PARAMETER\": '%s'", APPLY_STATE_FILE,
                                        l) < 0
                                       ? -ENOMEM
                                       : -EINVAL;
                *space = '\0';
                if (!streq(l, bootloader_to_string(b)))
                        continue;
                /* "-PARAM": a value of the user's that an apply replaced; --remove puts it back */
                bool replaced = space[1] == '-';
                struct kcmdline_param **list = replaced ? &c->restore : &c->ours;
                size_t *n = replaced ? &c->n_restore : &c->n_ours;
                struct kcmdline_param *g = realloc(*list, (*n + 1) * sizeof(*g));
                if (!g)
                        return -ENOMEM;
                *list = g;
                r = parse_param(c, space + 1 + replaced, &g[(*n)++], NULL);
                if (r < 0)
                        return r == -ENOMEM ? r : -EINVAL;
        }
        return 0;
}

static int ctx_init(struct apply_ctx *c, const struct apply_request *req, struct rootdir *root, enum bootloader b,
                    char **ret_error)
{
        int r;

        *c = (struct apply_ctx){ .req = req, .root = root };
        c->add = calloc(req->n_add + 1, sizeof(*c->add));
        c->remove = calloc(req->n_remove + 1, sizeof(*c->remove));
        c->remove_all = calloc(req->n_remove + 1, sizeof(*c->remove_all));
        if (!c->add || !c->remove || !c->remove_all)
                return -ENOMEM;
        for (size_t i = 0; i < req->n_add; i++) {
                r = parse_param(c, req->add[i], &c->add[c->n_add++], NULL);
                if (r < 0)
                        return r == -ENOMEM
                                       ? r
                                       : (asprintf(ret_error, "empty parameter name in '%s'", req->add[i]) < 0 ? -ENOMEM
                                                                                                               : r);
        }
        for (size_t i = 0; i < req->n_remove; i++) {
                bool has_value;
                r = parse_param(c, req->remove[i], &c->remove[c->n_remove], &has_value);
                if (r < 0)
                        return r == -ENOMEM ? r
                                            : (asprintf(ret_error, "empty parameter name in '%s'", req->remove[i]) < 0
                                                       ? -ENOMEM
                                                       : r);
                c->remove_all[c->n_remove++] = !has_value;
        }
        return load_state(c, b, ret_error);
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
                return asprintf(ret_error, "the current command line has an unterminated quote at byte %zu: '%s'",
                                e.offset, old) < 0
                               ? -ENOMEM
                               : r;
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
                return asprintf(ret_error, "a parameter to add is not valid for the kernel command line "
                                           "(empty name, '\"' in a value, or a malformed hugepage value)") < 0
                               ? -ENOMEM
                               : r;
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

static bool has_exact_token(const struct kcmdline *k, const char *name, const char *value)
{
        const struct kcmdline_token **all = NULL;
        size_t n = 0;
        bool found = false;

        if (kcmdline_get_all(k, name, &all, &n) < 0)
                return false;
        for (size_t i = 0; i < n; i++)
                found = found || (all[i]->has_value == (value != NULL) && streq_ptr(all[i]->value, value));
        free(all);
        return found;
}

bool apply_line_satisfies(const struct apply_ctx *c, const char *line)
{
        _cleanup_kcmdline_ struct kcmdline *k = NULL;

        if (kcmdline_parse(line, KCMDLINE_PARSE_LENIENT, &k, NULL) < 0)
                return false;
        for (size_t i = 0; i < c->n_add; i++)
                if (!apply_line_uses(k, c->add[i].name, c->add[i].value))
                        return false;
        for (size_t i = 0; i < c->n_remove; i++)
                if (c->remove_all[i] ? kcmdline_contains(k, c->remove[i].name)
                                     : has_exact_token(k, c->remove[i].name, c->remove[i].value))
                        return false;
        for (size_t i = 0; c->req->remove_ours && i < c->n_ours; i++)
                if (has_exact_token(k, c->ours[i].name, c->ours[i].value))
                        return false;
        return true;
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

/* Whether token T of K has an equal one before it: each replaced value is recorded once. */
static bool already_listed(const struct kcmdline *k, size_t t)
{
        for (size_t i = 0; i < t; i++)
                if (kcmdline_name_equal(k->tokens[i].name, k->tokens[t].name) &&
                    streq_ptr(k->tokens[i].value, k->tokens[t].value) &&
                    k->tokens[i].has_value == k->tokens[t].has_value)
                        return true;
        return false;
}

int apply_plan_record(struct apply_plan *p, const struct apply_ctx *c, const char *old_line, const char *new_line)
{
        _cleanup_kcmdline_ struct kcmdline *ko = NULL, *kn = NULL;
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

        f = open_memstream(&state_new, &size);
        if (!f)
                return -ENOMEM;
        fputs("# Kernel parameters cmdlinegen --apply added (\"BOOTLOADER PARAMETER\") and values of yours\n"
              "# they replaced (\"BOOTLOADER -PARAMETER\"). cmdlinegen --remove takes back exactly the first\n"
              "# and puts back the second. Written by cmdlinegen; do not edit.\n",
              f);
        /* other boot loaders' lines as they were */
        if (c->state_old) {
                _cleanup_free_ char *copy = strdup(c->state_old);
                char *save = NULL;
                if (!copy) {
                        fclose(f);
                        return -ENOMEM;
                }
                const char *mine = bootloader_to_string(p->bootloader);
                for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
                        if (*l != '#' && !(startswith(l, mine) && l[strlen(mine)] == ' ')) {
                                entries++;
                                fprintf(f, "%s\n", l);
                        }
        }
        /* ours from before that are still there, unless taken back */
        for (size_t i = 0; !c->req->remove_ours && i < c->n_ours; i++) {
                _cleanup_free_ char *s = NULL;
                if (!has_exact_token(kn, c->ours[i].name, c->ours[i].value))
                        continue;
                if (param_string(&c->ours[i], &s) < 0)
                        goto oom;
                entries++;
                fprintf(f, "%s %s\n", bootloader_to_string(p->bootloader), s);
        }
        /* the user's values this plan replaces, and those replaced before, unless taken back */
        for (size_t i = 0; !c->req->remove_ours && i < c->n_restore; i++) {
                _cleanup_free_ char *s = NULL;
                if (param_string(&c->restore[i], &s) < 0)
                        goto oom;
                entries++;
                fprintf(f, "%s -%s\n", bootloader_to_string(p->bootloader), s);
        }
        for (size_t t = 0; !c->req->remove_ours && t < ko->n_tokens; t++) {
                const struct kcmdline_token *tok = &ko->tokens[t];
                _cleanup_free_ char *s = NULL;
                if (tok->after_dashdash || tok->is_dashdash || has_exact_token(kn, tok->name, tok->value) ||
                    !replaced_by(c, tok) || already_listed(ko, t) ||
                    param_string(&(struct kcmdline_param){ tok->name, tok->value }, &s) < 0)
                        continue;
                entries++;
                fprintf(f, "%s -%s\n", bootloader_to_string(p->bootloader), s);
        }
        /* what this plan adds: in the new line, not in the old one, not recorded already */
        for (size_t i = 0; i < c->n_add; i++) {
                _cleanup_free_ char *s = NULL;
                bool recorded = false;
                if (param_string(&c->add[i], &s) < 0 || apply_strv_push(&p->verify_params, &p->n_verify_params, s) < 0)
                        goto oom;
                for (size_t j = 0; j < c->n_ours; j++)
                        recorded = recorded || (kcmdline_name_equal(c->ours[j].name, c->add[i].name) &&
                                                streq_ptr(c->ours[j].value, c->add[i].value));
                if (has_exact_token(ko, c->add[i].name, c->add[i].value) || recorded)
                        continue;
                if (apply_strv_push(&p->added, &p->n_added, s) < 0)
                        goto oom;
                entries++;
                fprintf(f, "%s %s\n", bootloader_to_string(p->bootloader), s);
        }
        for (size_t i = 0; c->req->remove_ours && i < c->n_ours; i++) {
                _cleanup_free_ char *s = NULL;
                if (param_string(&c->ours[i], &s) < 0 || apply_strv_push(&p->verify_absent, &p->n_verify_absent, s) < 0)
                        goto oom;
        }
        if (fclose(f) != 0)
                return -ENOMEM;
        f = NULL;

        /* only the header: no state to keep */
        bool empty = entries == 0;
        if (empty && !c->state_old)
                return 0;
        return apply_plan_add_file(p, APPLY_STATE_FILE, c->state_old, empty ? NULL : state_new);
oom:
        if (f)
                fclose(f);
        return -ENOMEM;
}

static enum bootloader detect_bootloader(const struct rootdir *root)
{
        return rootdir_exists(root, "/etc/default/grub") > 0 ? BOOTLOADER_GRUB : BOOTLOADER_SYSTEMD_BOOT;
}

int apply_plan(const struct apply_request *req, struct apply_plan **ret, char **ret_error)
{
        _cleanup_rootdir_ struct rootdir *root = NULL;
        _cleanup_apply_plan_ struct apply_plan *p = NULL;
        struct apply_ctx c = {};
        char stamp[16];
        int r;

        *ret_error = NULL;
        if (req->remove_ours && req->n_add > 0)
                return asprintf(ret_error, "--remove takes back what was added; it adds nothing") < 0 ? -ENOMEM
                                                                                                      : -EINVAL;
        r = rootdir_new(req->root ? req->root : "/", &root);
        if (r < 0)
                return asprintf(ret_error, "%s: %s", req->root ? req->root : "/", strerror(-r)) < 0 ? -ENOMEM : r;

        p = calloc(1, sizeof(*p));
        if (!p)
                return -ENOMEM;
        p->bootloader = req->bootloader == BOOTLOADER_AUTO ? detect_bootloader(root) : req->bootloader;
        atomic_file_stamp(stamp);
        p->root = strdup(req->root ? req->root : "/");
        p->stamp = strdup(req->stamp ? req->stamp : stamp);
        if (!p->root || !p->stamp)
                return -ENOMEM;

        r = ctx_init(&c, req, root, p->bootloader, ret_error);
        if (r >= 0)
                r = p->bootloader == BOOTLOADER_GRUB ? apply_grub_plan(&c, p, ret_error)
                                                     : apply_sdboot_plan(&c, p, ret_error);
        ctx_done(&c);
        if (r < 0) {
                if (!*ret_error && r == -ENOMEM)
                        *ret_error = strdup("out of memory");
                return r;
        }
        *ret = TAKE_PTR(p);
        return 0;
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
        for (size_t i = 0; i < p->n_files; i++)
                fputs(p->files[i].diff, f);
        if (p->regenerate_argv) {
                fputs("then run:", f);
                for (size_t i = 0; p->regenerate_argv[i]; i++)
                        fprintf(f, " %s", p->regenerate_argv[i]);
                fputc('\n', f);
        }
        if (p->regenerate_note)
                fprintf(f, "%s\n", p->regenerate_note);
}

/* Split PATH below the root into an open parent directory (created when missing) and a name. */
static int open_parent(const struct rootdir *root, const char *path, bool create, int *ret_fd, const char **ret_name)
{
        _cleanup_free_ char *dir = NULL;
        const char *slash = strrchr(path, '/');
        _cleanup_close_ int fd = -1;

        if (!slash)
                return -EINVAL;
        dir = strndup(path, (size_t) (slash - path) + 1);
        if (!dir)
                return -ENOMEM;
        fd = rootdir_open_dir(root, dir);
        if (fd == -ENOENT && create) {
                /* make each missing component, each below the root */
                for (char *s = strchr(dir + 1, '/'); s; s = strchr(s + 1, '/')) {
                        *s = '\0';
                        _cleanup_close_ int pfd = -1;
                        const char *last = strrchr(dir, '/');
                        _cleanup_free_ char *parent = strndup(dir, (size_t) (last - dir) + 1);
                        if (!parent)
                                return -ENOMEM;
                        pfd = rootdir_open_dir(root, parent);
                        if (pfd < 0)
                                return pfd;
                        if (mkdirat(pfd, last + 1, 0755) < 0 && errno != EEXIST)
                                return -errno;
                        *s = '/';
                }
                fd = rootdir_open_dir(root, dir);
        }
        if (fd < 0)
                return fd;
        *ret_fd = TAKE_FD(fd);
        *ret_name = slash + 1;
        return 0;
}

/* Put one file of the plan back as it was. */
static int restore_file(const struct rootdir *root, const struct apply_file *f)
{
        _cleanup_free_ char *path = NULL;
        _cleanup_close_ int dfd = -1;
        const char *name;
        int r = atomic_file_resolve(root, f->path, &path, NULL);

        if (r >= 0)
                r = open_parent(root, path, false, &dfd, &name);
        if (r < 0)
                return r;
        if (!f->old_contents)
                return atomic_file_remove_at(dfd, name);
        return atomic_file_write_at(dfd, name, f->old_contents, strlen(f->old_contents), 0644);
}

/* Whether PATH below the root holds exactly CONTENTS (NULL: is missing). */
static bool file_is(const struct rootdir *root, const char *path, const char *contents)
{
        _cleanup_free_ char *current = NULL;
        int r = apply_read_file(root, path, &current);

        return r == -ENOENT ? contents == NULL : r >= 0 && streq_ptr(current, contents);
}

/* A symlinked file is written where it points below the root; *ret_error when it cannot be. */
static int write_file(const struct rootdir *root, struct apply_file *f, const char *stamp, char **ret_error)
{
        _cleanup_close_ int dfd = -1;
        const char *name;
        _cleanup_free_ char *current = NULL, *path = NULL;
        int r = atomic_file_resolve(root, f->path, &path, ret_error);

        if (r >= 0)
                r = open_parent(root, path, f->new_contents != NULL, &dfd, &name);
        if (r < 0)
                return r;
        /* the plan was made from what was there: refuse when someone changed it since */
        r = read_full_at(dfd, name, &current, NULL);
        if (r < 0 && r != -ENOENT)
                return r;
        if (!streq_ptr(r == -ENOENT ? NULL : current, f->old_contents))
                return -ESTALE;
        if (f->old_contents) {
                _cleanup_free_ char *backup = NULL;
                r = atomic_file_backup_at(dfd, name, stamp, &backup);
                if (r < 0)
                        return r;
                free(f->backup_path); /* from an earlier run of the same plan */
                f->backup_path = NULL;
                if (asprintf(&f->backup_path, "%.*s%s", (int) (name - path), path, backup) < 0)
                        return -ENOMEM;
        }
        if (!f->new_contents)
                return atomic_file_remove_at(dfd, name);
        return atomic_file_write_at(dfd, name, f->new_contents, strlen(f->new_contents), 0644);
}

static int run_command(char **argv, FILE *log)
{
        int status;
        pid_t pid;

        if (log)
                fflush(log);
        fflush(stdout);
        pid = fork();
        if (pid < 0)
                return -errno;
        if (pid == 0) {
                /* its output goes where ours goes; stdout to stderr keeps a report on stdout clean */
                dup2(STDERR_FILENO, STDOUT_FILENO);
                execvp(argv[0], argv);
                _exit(127);
        }
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return -errno;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void rollback(const struct rootdir *root, const struct apply_plan *p, size_t n, FILE *log)
{
        for (size_t i = n; i-- > 0;) {
                int r = restore_file(root, &p->files[i]);
                if (log && r < 0)
                        fprintf(log, "could not restore %s: %s (backup: %s)\n", p->files[i].path, strerror(-r),
                                p->files[i].backup_path ? p->files[i].backup_path : "none");
                else if (log)
                        fprintf(log, "restored %s\n", p->files[i].path);
        }
}

int apply_execute(struct apply_plan *p, bool regenerate, FILE *log, char **ret_error)
{
        _cleanup_rootdir_ struct rootdir *root = NULL;
        size_t done = 0;
        int r;

        *ret_error = NULL;
        r = rootdir_new(p->root, &root);
        if (r < 0)
                return asprintf(ret_error, "%s: %s", p->root, strerror(-r)) < 0 ? -ENOMEM : r;

        for (; done < p->n_files; done++) {
                r = write_file(root, &p->files[done], p->stamp, ret_error);
                if (r < 0) {
                        if (!*ret_error && asprintf(ret_error, "%s: %s%s", p->files[done].path, strerror(-r),
                                                    r == -ESTALE ? " (changed since the plan was made)" : "") < 0)
                                *ret_error = NULL;
                        /* this one too when it got replaced (its directory's fsync comes after the
                         * rename); never when it is not ours (-ESTALE) or was never touched */
                        if (r != -ESTALE && file_is(root, p->files[done].path, p->files[done].new_contents))
                                rollback(root, p, done + 1, log);
                        else
                                rollback(root, p, done, log);
                        return r;
                }
                if (log)
                        fprintf(log, "%s %s%s%s\n", p->files[done].new_contents ? "wrote" : "removed",
                                p->files[done].path, p->files[done].backup_path ? ", backup " : "",
                                p->files[done].backup_path ? p->files[done].backup_path : "");
        }

        /* the plan leaves regenerate_argv NULL under --root: the system's tools run inside it */
        if (!regenerate || !p->regenerate_argv || p->n_files == 0) {
                if (log && p->regenerate_note)
                        fprintf(log, "%s\n", p->regenerate_note);
                return 0;
        }
        r = run_command(p->regenerate_argv, log);
        if (r != 0) {
                if (asprintf(ret_error, "%s failed (%s %d); every file is restored", p->regenerate_argv[0],
                             r < 0 ? "error" : "exit status", r < 0 ? -r : r) < 0)
                        *ret_error = NULL;
                rollback(root, p, p->n_files, log);
                return -ECHILD;
        }
        if (p->bootloader == BOOTLOADER_GRUB) {
                r = apply_grub_verify(p, root, ret_error);
                if (r < 0) {
                        rollback(root, p, p->n_files, log);
                        /* put the menu back as it was, from the restored files */
                        (void) run_command(p->regenerate_argv, log);
                        return r;
                }
        }
        return 0;
}
