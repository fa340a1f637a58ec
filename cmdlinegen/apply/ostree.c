/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ostree systems (Fedora Silverblue, Kinoite, Bazzite; bootc images): the kernel arguments belong
 * to a deployment. "rpm-ostree kargs --delete-if-present=... --append-if-missing=..." stages a
 * new deployment with them, which takes effect when it boots; /boot/loader/entries is ostree's
 * to write and is never edited here. Without rpm-ostree (a bootc image without it) the change
 * belongs in the image: bootc reads the TOML files of /usr/lib/bootc/kargs.d when it deploys, so the plan is
 * refused with the drop-in to build in.
 */
#include "apply_plan.h"
#include "apply_state.h"
#include "loaders.h"

#include <unistd.h>

#include "apply_error.h"
#include "grubby_entries.h"
#include "grubby_words.h"

/* ostree-finalize-staged writes its entry at shutdown; until then it is only this file */
#define STAGED "/run/ostree/staged-deployment"

static const char *const rpm_ostree_paths[] = { "/usr/bin/rpm-ostree", "/bin/rpm-ostree" };

/* Below --root, where it installs; on the running system, where child_run() will find it ($PATH). */
static bool have_rpm_ostree(const struct rootdir *root)
{
        if (rootdir_is_host(root)) {
                const char *env = getenv("PATH");
                _cleanup_free_ char *path = strdup(env ? env : "/usr/bin:/bin");
                char *save = NULL;
                for (char *d = path ? strtok_r(path, ":", &save) : NULL; d; d = strtok_r(NULL, ":", &save)) {
                        _cleanup_free_ char *f = NULL;
                        if (asprintf(&f, "%s/rpm-ostree", d) >= 0 && access(f, X_OK) == 0)
                                return true;
                }
                return false;
        }
        for (size_t i = 0; i < ELEMENTSOF(rpm_ostree_paths); i++)
                if (apply_has_program(root, rpm_ostree_paths[i]))
                        return true;
        return false;
}

/* No rpm-ostree: the kargs.d drop-in bootc documents, for the image build. */
static int refuse_bootc(const struct words *add, const struct words *remove, char **ret_error)
{
        _cleanup_free_ char *list = NULL;

        for (size_t i = 0; i < add->n; i++) {
                char *s = NULL;
                if (asprintf(&s, "%s%s\"%s\"", list ? list : "", list ? ", " : "", add->v[i]) < 0)
                        return -ENOMEM;
                free(list);
                list = s;
        }
        return apply_error(ret_error, -ENOENT,
                           "an ostree system without rpm-ostree: its kernel arguments come with the image; "
                           "for a bootc image build, add /usr/lib/bootc/kargs.d/50-initbind.toml with "
                           "'kargs = [%s]'%s and deploy the new image (bootc upgrade or bootc switch)",
                           list ? list : "",
                           remove->n ? " (a drop-in only adds: take the others out of the image)" : "");
}

static int set_command(struct apply_plan *p, const struct words *add, const struct words *remove)
{
        struct words argv = {};
        int r = words_push(&argv, "rpm-ostree");

        if (r >= 0)
                r = words_push(&argv, "kargs");
        for (size_t i = 0; r >= 0 && i < remove->n + add->n; i++) {
                _cleanup_free_ char *a = NULL;
                bool del = i < remove->n;
                if (asprintf(&a, "--%s=%s", del ? "delete-if-present" : "append-if-missing",
                             del ? remove->v[i] : add->v[i - remove->n]) < 0)
                        r = -ENOMEM;
                else
                        r = words_push(&argv, a);
        }
        if (r >= 0)
                r = apply_plan_set_regenerate(
                        p,
                        "rpm-ostree stages a new deployment with these kernel arguments: they "
                        "take effect when it boots (the next boot); the running one keeps its own",
                        (const char *const *) argv.v);
        words_done(&argv);
        return r;
}

/* Every word of OLD with the key of a word of ADD: taken out first, so that ADD comes in its order. */
static int add_replaced(const struct words *old, const struct words *add, struct words *remove)
{
        for (size_t i = 0; i < old->n; i++)
                for (size_t j = 0; j < add->n; j++) {
                        _cleanup_free_ char *k = NULL;
                        if (grubby_arg_key(add->v[j], &k) < 0)
                                return -ENOMEM;
                        if (grubby_word_is(old->v[i], k) && !words_contain(remove, old->v[i]) &&
                            words_push(remove, old->v[i]) < 0)
                                return -ENOMEM;
                }
        return 0;
}

int apply_ostree_plan(const struct apply_ctx *c, struct apply_plan *p, char **ret_error)
{
        _cleanup_(grubby_change_done) struct grubby_change ch = {};
        int r;

        /* the newest deployment's entry: what rpm-ostree kargs starts from, unless one is staged */
        if (rootdir_exists(c->root, STAGED) > 0)
                return apply_error(ret_error, -EBUSY,
                                   "a deployment is staged (" STAGED "): rpm-ostree kargs would change its kernel "
                                   "arguments, which cannot be read here; boot into it (or drop it with "
                                   "\"rpm-ostree cleanup --pending\"), then run this again");
        r = grubby_change_plan(c, &ch, ret_error);
        if (r >= 0)
                r = add_replaced(&ch.e.v[ch.e.def].options, &ch.add, &ch.remove);
        bool change = r >= 0 && (ch.add.n || ch.remove.n);
        if (change && !have_rpm_ostree(c->root))
                r = refuse_bootc(&ch.add, &ch.remove, ret_error);
        /* the record is the only file: the deployment is rpm-ostree's */
        if (r >= 0 && change)
                r = apply_state_record(p, c, ch.old_line, ch.new_line, ret_error);
        if (r >= 0 && change)
                r = set_command(p, &ch.add, &ch.remove);
        if (r >= 0) {
                p->old_cmdline = TAKE_PTR(ch.old_line);
                p->new_cmdline = TAKE_PTR(ch.new_line);
        }
        return r;
}
