/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fedora/RHEL with BLS entries: the change made by "grubby --update-kernel=ALL --args=...
 * --remove-args=...", which edits the "options" line of every entry in /boot/loader/entries.
 * The plan predicts each entry as grubby will write it (grubby_words.c), shows those for the dry
 * run, and runs grubby; apply_execute() backs the entries up first, reads them back after, and
 * puts them back when grubby failed or did not do what was planned.
 *
 * Exactness: grubby changes every entry alike. An apply is refused where the entries disagree on
 * a parameter it touches, since --remove could not then give each its own back; so one record,
 * made from the default entry, holds for all of them.
 *
 * --no-etc-grub-update: grubby would otherwise rewrite the GRUB_CMDLINE_LINUX line of
 * /etc/default/grub whole, in a way the record could not take back. /etc/kernel/cmdline, which
 * kernel-install reads for kernels installed later, gets the same change when it exists.
 */
#include "apply_plan.h"
#include "apply_state.h"
#include "loaders.h"

#include "apply_error.h"
#include "grubby_entries.h"
#include "grubby_words.h"

#define KERNEL_CMDLINE "/etc/kernel/cmdline"

/* The words of W that grubby's patterns for the keys of ADD and REMOVE match, in order, joined. */
static int touched(const struct words *w, const struct words *add, const struct words *remove, char **ret)
{
        struct words t = {};
        int r = 0;

        for (size_t i = 0; r >= 0 && i < w->n; i++) {
                bool hit = false;
                for (size_t j = 0; j < add->n + remove->n; j++) {
                        _cleanup_free_ char *k = NULL;
                        const char *arg = j < add->n ? add->v[j] : remove->v[j - add->n];
                        if (grubby_arg_key(arg, &k) < 0)
                                return -ENOMEM;
                        hit = hit || grubby_word_is(w->v[i], k);
                }
                if (hit)
                        r = words_push(&t, w->v[i]);
        }
        if (r >= 0)
                r = words_join(&t, ret);
        words_done(&t);
        return r;
}

/* An apply (not --remove): every entry must agree with the default one on what is changed. */
static int check_agree(const struct grubby_entries *e, const struct words *add, const struct words *remove,
                       char **ret_error)
{
        _cleanup_free_ char *want = NULL;
        int r = touched(&e->v[e->def].options, add, remove, &want);

        for (size_t i = 0; r >= 0 && i < e->n; i++) {
                _cleanup_free_ char *have = NULL;
                r = touched(&e->v[i].options, add, remove, &have);
                if (r >= 0 && !streq(have, want))
                        r = apply_error(ret_error, -EINVAL,
                                        "%s has '%s' where the default entry %s has '%s': grubby --update-kernel=ALL "
                                        "makes every entry alike, and --remove could not give each its own back; "
                                        "make the entries agree on these parameters first",
                                        e->v[i].path, have, e->v[e->def].path, want);
        }
        if (r < 0 || !e->kernel_cmdline)
                return r;
        /* /etc/kernel/cmdline gets the same words, and must give its own back on --remove too */
        _cleanup_free_ char *have = NULL;
        struct words k = {};
        r = words_split(e->kernel_cmdline, &k);
        if (r >= 0)
                r = touched(&k, add, remove, &have);
        words_done(&k);
        if (r >= 0 && !streq(have, want))
                r = apply_error(ret_error, -EINVAL,
                                "/etc/kernel/cmdline has '%s' where the default entry %s has '%s': it gets the same "
                                "change, and --remove could not give it its own back; make them agree first",
                                have, e->v[e->def].path, want);
        return r;
}

/* Each entry as grubby will write it, and /etc/kernel/cmdline with the same change. */
static int plan_files(const struct apply_ctx *c, struct apply_plan *p, const struct grubby_entries *e,
                      const struct words *add, const struct words *remove, char **ret_error)
{
        int r = 0;

        for (size_t i = 0; r >= 0 && i < e->n; i++) {
                _cleanup_free_ char *text = NULL, *line = NULL;
                size_t before = p->n_files;
                r = grubby_entry_edit(&e->v[i], remove, add, &text, &line);
                if (r >= 0 && !apply_line_satisfies(c, line))
                        r = apply_error(ret_error, -EINVAL, "%s: after grubby its options would be '%s'", e->v[i].path,
                                        line);
                if (r >= 0)
                        r = apply_plan_add_file(p, e->v[i].path, e->v[i].text, text);
                if (r >= 0 && p->n_files > before)
                        p->files[before].by_command = true;
        }
        if (r < 0 || !e->kernel_cmdline)
                return r;
        struct words w = {};
        _cleanup_free_ char *line = NULL, *text = NULL;
        r = words_split(e->kernel_cmdline, &w);
        if (r >= 0)
                r = grubby_update_args(&w, remove, add);
        if (r >= 0)
                r = words_join(&w, &line);
        words_done(&w);
        if (r >= 0 && asprintf(&text, "%s\n", line) < 0)
                r = -ENOMEM;
        if (r >= 0)
                r = apply_plan_add_file(p, KERNEL_CMDLINE, e->kernel_cmdline, text);
        return r;
}

/* "grubby --update-kernel=ALL [--args=...] [--remove-args=...] --no-etc-grub-update" */
static int set_command(struct apply_plan *p, const struct words *add, const struct words *remove)
{
        _cleanup_free_ char *a = NULL, *r = NULL, *aa = NULL, *ra = NULL;

        if (words_join(add, &a) < 0 || words_join(remove, &r) < 0)
                return -ENOMEM;
        if ((add->n && asprintf(&aa, "--args=%s", a) < 0) || (remove->n && asprintf(&ra, "--remove-args=%s", r) < 0))
                return -ENOMEM;
        const char *argv[] = { "grubby", "--update-kernel=ALL", aa ? aa : ra, aa ? ra : NULL, NULL, NULL };
        argv[aa && ra ? 4 : 3] = "--no-etc-grub-update";
        p->verify_path = strdup("/boot/loader/entries");
        if (!p->verify_path)
                return -ENOMEM;
        return apply_plan_set_regenerate(p,
                                         "grubby writes the BLS entries; GRUB reads them as they are at the next boot "
                                         "(GRUB_CMDLINE_LINUX in /etc/default/grub is left as it is)",
                                         argv);
}

static int warn_kernel_cmdline(struct apply_plan *p, const struct grubby_entries *e)
{
        if (e->kernel_cmdline)
                return 0;
        return apply_plan_warn(p, KERNEL_CMDLINE
                               " does not exist: kernel-install gives a kernel installed later the "
                               "running command line (/proc/cmdline), which has these parameters only after the "
                               "next boot");
}

int apply_grubby_plan(const struct apply_ctx *c, struct apply_plan *p, char **ret_error)
{
        _cleanup_(grubby_change_done) struct grubby_change ch = {};
        _cleanup_free_ char *sim_line = NULL;
        struct words sim = {};
        int r;

        r = grubby_change_plan(c, &ch, ret_error);
        if (r >= 0 && !c->req->remove_ours)
                r = check_agree(&ch.e, &ch.add, &ch.remove, ret_error);
        if (r >= 0)
                r = words_split(ch.old_line, &sim);
        if (r >= 0)
                r = grubby_update_args(&sim, &ch.remove, &ch.add);
        if (r >= 0)
                r = words_join(&sim, &sim_line);
        /* what update_args() cannot do (a word with two '='), refused rather than done otherwise */
        if (r >= 0 && !words_same(&sim, &ch.new))
                r = apply_error(ret_error, -EINVAL,
                                "grubby cannot make this change: its --args/--remove-args would give '%s' where "
                                "'%s' is wanted",
                                sim_line, ch.new_line);
        words_done(&sim);
        bool change = r >= 0 && (ch.add.n || ch.remove.n);
        if (change)
                r = plan_files(c, p, &ch.e, &ch.add, &ch.remove, ret_error);
        if (r >= 0 && p->n_files > 0)
                r = apply_state_record(p, c, ch.old_line, sim_line, ret_error);
        if (r >= 0 && p->n_files > 0)
                r = set_command(p, &ch.add, &ch.remove);
        if (r >= 0)
                r = warn_kernel_cmdline(p, &ch.e);
        if (r >= 0) {
                p->old_cmdline = TAKE_PTR(ch.old_line);
                p->new_cmdline = TAKE_PTR(sim_line);
        }
        return r;
}
