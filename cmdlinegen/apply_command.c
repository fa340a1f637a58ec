/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "apply_command.h"

#include <stdio.h>

#include "child.h"
#include "log.h"
#include "rootdir.h"

/* The proposal as the apply library takes it: "name=value" to add, "name=value" to take out. */
struct param_lists {
        char **add;
        size_t n_add;
        char **remove;
        size_t n_remove;
};

static void param_lists_done(struct param_lists *l)
{
        for (size_t i = 0; i < l->n_add; i++)
                free(l->add[i]);
        for (size_t i = 0; i < l->n_remove; i++)
                free(l->remove[i]);
        free(l->add);
        free(l->remove);
}

static char *param_text(const char *name, const char *value)
{
        return value ? strdup_printf("%s=%s", name, value) : strdup(name);
}

static int param_lists_from(const struct proposal *p, struct param_lists *ret)
{
        struct param_lists l = {
                .add = calloc(p->n_params + 1, sizeof(char *)),
                .remove = calloc(p->n_removals + 1, sizeof(char *)),
        };
        if (!l.add || !l.remove)
                goto oom;
        for (; l.n_add < p->n_params; l.n_add++)
                if (!(l.add[l.n_add] = param_text(p->params[l.n_add].name, p->params[l.n_add].value)))
                        goto oom;
        for (; l.n_remove < p->n_removals; l.n_remove++)
                if (!(l.remove[l.n_remove] = param_text(p->removals[l.n_remove].name, p->removals[l.n_remove].value)))
                        goto oom;
        *ret = l;
        return 0;
oom:
        param_lists_done(&l);
        return -ENOMEM;
}

static int plan_for(const struct generation *g, const char *root_path, enum bootloader bootloader, bool remove,
                    struct apply_plan **ret, char **ret_error)
{
        struct param_lists l = {};
        int r = param_lists_from(&g->proposal, &l);
        if (r < 0)
                return r;
        struct apply_request req = {
                .root = root_path,
                .bootloader = bootloader,
                .add = remove ? NULL : (const char *const *) l.add,
                .n_add = remove ? 0 : l.n_add,
                .remove = remove ? NULL : (const char *const *) l.remove,
                .n_remove = remove ? 0 : l.n_remove,
                .remove_ours = remove,
        };
        r = apply_plan(&req, ret, ret_error);
        param_lists_done(&l);
        return r;
}

/*
 * Values the kernel ignores can sit in the boot loader's configuration without being on the
 * running line (added since the last boot, or only in the normal entries): propose taking them
 * out too. Returns 0, or -errno with *ret_error from reading the configuration.
 */
int apply_add_loader_removals(struct generation *g, const char *root_path, enum bootloader bootloader, char **ret_error)
{
        _cleanup_apply_plan_ struct apply_plan *plan = NULL;
        int r = plan_for(g, root_path, bootloader, false, &plan, ret_error);
        if (r < 0)
                return r;
        _cleanup_kcmdline_ struct kcmdline *line = NULL;
        r = kcmdline_parse(plan->old_cmdline, KCMDLINE_PARSE_LENIENT, &line, NULL);
        if (r < 0)
                return r;
        propose_noop_removals(&g->ctx, line); /* what the running line named already is not repeated */
        return proposal_failed(&g->proposal) ? -ENOMEM : 0;
}

int apply_preview(struct generation *g, const char *root_path, char **ret_error)
{
        _cleanup_apply_plan_ struct apply_plan *plan = NULL;
        int r = plan_for(g, root_path, BOOTLOADER_AUTO, false, &plan, ret_error);
        if (r < 0)
                return r;
        g->next_boot_old = TAKE_PTR(plan->old_cmdline);
        g->next_boot_new = TAKE_PTR(plan->new_cmdline);
        g->next_boot_warnings = TAKE_PTR(plan->warnings);
        g->n_next_boot_warnings = plan->n_warnings;
        plan->n_warnings = 0;
        return 0;
}

/* Run the initramfs generator's rebuild command ("update-initramfs -u"); 0 or -errno/-ECHILD, logged. */
static int rebuild_initramfs(enum initramfs_generator generator)
{
        const char *const *argv = initramfs_generator_rebuild_argv(generator);
        int status, r;

        if (!argv) {
                log_error("--rebuild-initramfs: no initramfs generator found (initramfs-tools, dracut, mkinitcpio)");
                return -ENOENT;
        }
        log_notice("rebuilding the initramfs: %s %s", argv[0], argv[1]);
        r = child_run((char *const *) argv, &status); /* posix_spawn's argv type; it is not written */
        if (r < 0)
                return log_error_errno(r, "cannot run %s: %m", argv[0]);
        if (status != 0) {
                log_error(
                        "%s %s failed (exit status %d): the boot loader configuration is changed, the initramfs is not",
                        argv[0], argv[1], status);
                return -ECHILD;
        }
        return 0;
}

/* Why the apply failed, and whether the rollback put every file back: a user must not be told so when it did not. */
static void log_execute_failure(const struct apply_plan *plan, int r, const char *error)
{
        const char *why = error ? error : strerror(-r);

        if (plan->n_not_restored == 0)
                log_error("%s; every file is back as it was", why);
        else
                log_error("%s; %zu file%s could not be put back (see above; the backups are kept)", why,
                          plan->n_not_restored, plan->n_not_restored == 1 ? "" : "s");
}

/*
 * Readiness failures do not stop an apply: they are the host as it runs now (an IOMMU not active
 * yet is what the new line changes; a missing hook or /dev/kvm does not make the line wrong).
 * They are said, so that the apply is not taken for "ready".
 */
static void log_readiness_failures(const struct readiness *rd)
{
        _cleanup_free_ char *names = NULL;
        size_t n = 0;

        for (size_t i = 0; i < rd->n; i++) {
                if (rd->checks[i].state != CHECK_FAIL)
                        continue;
                char *joined = strdup_printf("%s%s%s", names ? names : "", names ? ", " : "", rd->checks[i].name);
                if (!joined)
                        return;
                free(names);
                names = joined;
                n++;
        }
        if (n > 0)
                log_warning("readiness: %zu check%s fail%s on this host now (%s); they do not stop --apply, which "
                            "writes the command line: run cmdlinegen to see what to do",
                            n, n == 1 ? "" : "s", n == 1 ? "s" : "", names);
}

int apply_command(const struct generation *g, const struct apply_options *opts)
{
        const struct machine *m = g->ctx.machine;
        size_t problems = findings_count(&g->proposal.findings, FINDING_PROBLEM) +
                          findings_count(&g->line_findings, FINDING_PROBLEM);
        if (!opts->remove && problems) {
                log_error(
                        "the proposal has %zu problem%s: run cmdlinegen without --apply to see %s; nothing was written",
                        problems, problems == 1 ? "" : "s", problems == 1 ? "it" : "them");
                return 1;
        }

        _cleanup_apply_plan_ struct apply_plan *plan = NULL;
        _cleanup_free_ char *error = NULL;
        int r = plan_for(g, opts->root_path, opts->bootloader, opts->remove, &plan, &error);
        if (r < 0) {
                log_error("%s", error ? error : strerror(-r));
                return r == -EINVAL || r == -ENOENT || r == -EEXIST ? 2 : 1;
        }
        if (!opts->remove)
                log_readiness_failures(&g->readiness);
        apply_plan_print(plan, stdout);
        if (opts->dry_run) {
                printf("\nDry run: nothing was written.\n");
                return 0;
        }

        /* Regeneration runs only on the running system: an image or fixture gets the files. */
        bool regenerate = rootdir_is_host(m->root);
        r = apply_execute(plan, regenerate, stderr, &error);
        if (r < 0) {
                log_execute_failure(plan, r, error);
                return 1;
        }
        if (!regenerate && plan->regenerate_argv && plan->n_files > 0) {
                printf("Below --root %s nothing is run: regenerate inside that system (chroot) with:", opts->root_path);
                for (size_t i = 0; plan->regenerate_argv[i]; i++)
                        printf(" %s", plan->regenerate_argv[i]);
                printf("\n");
        }
        if (opts->rebuild_initramfs) {
                if (!regenerate) {
                        const char *const *argv = initramfs_generator_rebuild_argv(m->boot.generator);
                        printf("--rebuild-initramfs: skipped below --root %s; run '%s%s%s' inside it\n",
                               opts->root_path, argv ? argv[0] : "the generator", argv ? " " : "", argv ? argv[1] : "");
                        return 0;
                }
                if (rebuild_initramfs(m->boot.generator) < 0)
                        return 1;
        }
        return 0;
}
