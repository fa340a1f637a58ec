/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The BLS entries of a grubby system, as grubby-bls (rhboot/grubby) reads and writes them: the
 * value of "options" is the line after "options" and its blanks (get_bls_value), and an edit
 * replaces that line with "options " and the new words (set_bls_value). Entries whose options
 * grubby would rewrite beyond what is planned are refused here, with the reason.
 */
#include "grubby_entries.h"

#include <dirent.h>

#include "apply_ctx.h"
#include "apply_error.h"
#include "array.h"
#include "fileio.h"

#define BLS_DIR "/boot/loader/entries"
#define GRUBENV "/boot/grub2/grubenv"

void grubby_entries_done(struct grubby_entries *e)
{
        for (size_t i = 0; i < e->n; i++) {
                free(e->v[i].path);
                free(e->v[i].id);
                free(e->v[i].text);
                words_done(&e->v[i].options);
        }
        free(e->v);
        free(e->kernel_cmdline);
}

/* The line of TEXT whose first word is KEY, or NULL; *ret_n counts such lines. */
static const char *key_line(const char *text, const char *key, size_t *ret_n)
{
        const char *found = NULL;
        size_t k = strlen(key);

        *ret_n = 0;
        for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
                if (strncmp(l, key, k) == 0 && strchr(" \t\n", l[k])) {
                        found = found ? found : l;
                        ++*ret_n;
                }
        return found;
}

/* KEY's value in TEXT (malloc'd), "" when absent. */
static char *key_value(const char *text, const char *key)
{
        size_t n;
        const char *l = key_line(text, key, &n);

        if (!l)
                return strdup("");
        l += strlen(key);
        l += strspn(l, " \t");
        return strndup(l, strcspn(l, "\n"));
}

static int entry_load(const struct rootdir *root, struct grubby_entry *e, char **ret_error)
{
        _cleanup_free_ char *value = NULL;
        size_t n;
        int r;

        r = apply_read_file(root, e->path, &e->text);
        if (r < 0)
                return apply_error(ret_error, r, "%s: %s", e->path, strerror(-r));
        (void) key_line(e->text, "options", &n);
        if (n != 1)
                return apply_error(ret_error, -EINVAL, "%s: %s \"options\" line: grubby %s; give it exactly one first",
                                   e->path, n ? "more than one" : "no",
                                   n ? "would write the whole value into each of them" : "adds nothing to it");
        value = key_value(e->text, "options");
        if (!value)
                return -ENOMEM;
        if (strpbrk(value, "$\"'\\`"))
                return apply_error(ret_error, -EINVAL,
                                   "%s: the options '%s' hold a $variable (grubenv's kernelopts, tuned_params) or a "
                                   "quote: grubby would write them expanded or split, which --remove could not take "
                                   "back; put the plain parameters in the entry first",
                                   e->path, value);
        return words_split(value, &e->options);
}

/* grubenv's saved_entry, "" when unset: GRUB's default there, an entry's id or title. */
static char *saved_entry(const struct rootdir *root)
{
        _cleanup_free_ char *env = NULL;
        const char *s;

        if (apply_read_file(root, GRUBENV, &env) < 0)
                return strdup("");
        s = startswith(env, "saved_entry=") ? env : strstr(env, "\nsaved_entry=");
        if (!s)
                return strdup("");
        s = strchr(s, '=') + 1;
        return strndup(s, strcspn(s, "\n"));
}

/* saved_entry's entry, else the newest: grubby-bls lists them by version, newest first. */
static int pick_default(const struct rootdir *root, struct grubby_entries *e)
{
        _cleanup_free_ char *saved = saved_entry(root);

        if (!saved)
                return -ENOMEM;
        e->def = 0;
        for (size_t i = 0; i < e->n; i++) {
                _cleanup_free_ char *title = key_value(e->v[i].text, "title");
                if (!title)
                        return -ENOMEM;
                if (*saved && (streq(saved, e->v[i].id) || streq(saved, title))) {
                        e->def = i;
                        return 0;
                }
                if (strverscmp(e->v[i].id, e->v[e->def].id) > 0)
                        e->def = i;
        }
        return 0;
}

/* grubby-bls's order (rpm-sort of the ids, reversed): the newest first; the same on every file system */
static int newest_first(const void *a, const void *b)
{
        return -strverscmp(((const struct grubby_entry *) a)->id, ((const struct grubby_entry *) b)->id);
}

int grubby_entries_load(const struct rootdir *root, struct grubby_entries *ret, char **ret_error)
{
        _cleanup_close_ int fd = rootdir_open_dir(root, BLS_DIR);
        struct grubby_entries e = {};
        DIR *d;
        int r = 0;

        if (fd < 0)
                return apply_error(ret_error, fd, BLS_DIR ": %s", strerror(-fd));
        d = opendir_at(fd);
        if (!d)
                return -errno;
        for (struct dirent *de; r >= 0 && (de = readdir(d));) {
                size_t len = strlen(de->d_name);
                if (len < 6 || !streq(de->d_name + len - 5, ".conf") || de->d_name[0] == '.')
                        continue;
                r = ARRAY_GROW(e.v, e.n);
                if (r >= 0) {
                        struct grubby_entry *g = &e.v[e.n++];
                        if (asprintf(&g->path, BLS_DIR "/%s", de->d_name) < 0 ||
                            !(g->id = strndup(de->d_name, len - 5)))
                                r = -ENOMEM;
                }
        }
        closedir(d);
        if (e.n > 0)
                qsort(e.v, e.n, sizeof(*e.v), newest_first);
        for (size_t i = 0; r >= 0 && i < e.n; i++)
                r = entry_load(root, &e.v[i], ret_error);
        if (r >= 0 && e.n == 0)
                r = apply_error(ret_error, -ENOENT, BLS_DIR ": no entries (*.conf) for grubby to edit");
        if (r >= 0)
                r = pick_default(root, &e);
        if (r >= 0) {
                r = apply_read_file(root, "/etc/kernel/cmdline", &e.kernel_cmdline);
                if (r == -ENOENT)
                        r = 0;
                else if (r < 0)
                        r = apply_error(ret_error, r, "/etc/kernel/cmdline: %s", strerror(-r));
                else if (strpbrk(e.kernel_cmdline, "#\"'\\"))
                        r = apply_error(ret_error, -EINVAL,
                                        "/etc/kernel/cmdline: a comment or a quote, which the one line of words "
                                        "written back would not keep; make it the plain parameters first");
        }
        if (r < 0) {
                grubby_entries_done(&e);
                return r;
        }
        *ret = e;
        return 0;
}

int grubby_entry_edit(const struct grubby_entry *e, const struct words *remove, const struct words *add,
                      char **ret_text, char **ret_line)
{
        _cleanup_free_ char *line = NULL, *text = NULL;
        struct words w = {};
        size_t n;
        int r = 0;

        for (size_t i = 0; r >= 0 && i < e->options.n; i++)
                r = words_push(&w, e->options.v[i]);
        if (r >= 0)
                r = grubby_update_args(&w, remove, add);
        if (r >= 0)
                r = words_join(&w, &line);
        words_done(&w);
        if (r < 0)
                return r;
        const char *l = key_line(e->text, "options", &n);
        const char *end = strchrnul(l, '\n');
        if (asprintf(&text, "%.*soptions %s%s", (int) (l - e->text), e->text, line, end) < 0)
                return -ENOMEM;
        *ret_text = TAKE_PTR(text);
        *ret_line = TAKE_PTR(line);
        return 0;
}

void grubby_change_done(struct grubby_change *ch)
{
        grubby_entries_done(&ch->e);
        free(ch->old_line);
        free(ch->new_line);
        words_done(&ch->new);
        words_done(&ch->add);
        words_done(&ch->remove);
}

int grubby_change_plan(const struct apply_ctx *c, struct grubby_change *ret, char **ret_error)
{
        struct grubby_change ch = {};
        int r = grubby_entries_load(c->root, &ch.e, ret_error);

        if (r >= 0)
                r = words_join(&ch.e.v[ch.e.def].options, &ch.old_line);
        if (r >= 0)
                r = apply_line_change(c, ch.old_line, &ch.new_line, ret_error);
        if (r >= 0)
                r = words_split(ch.new_line, &ch.new);
        if (r >= 0)
                r = grubby_plan_args(&ch.e.v[ch.e.def].options, &ch.new, &ch.add, &ch.remove);
        if (r < 0) {
                grubby_change_done(&ch);
                return r;
        }
        *ret = ch;
        return 0;
}
