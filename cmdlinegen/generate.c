/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "generate.h"

#include <stdio.h>

#include "planned_boot.h"
#include "claim_sources.h"
#include "log.h"
#include "shown_text.h"
#include "validate_line.h"

static int read_plan_details(const struct machine *m, struct generation *g);

static int plan_claims(const struct machine *m, const struct initbind_config *intent, struct generation *g)
{
        if (intent->n_claims == 0)
                return 0;
        int r = planned_boot_new(m, &g->boot_view);
        if (r < 0)
                return r;
        struct claim_sources sources = {};
        r = claim_requests_from_config(&sources, intent, m->config_path);
        if (r >= 0) {
                struct claim_input input = {
                        .requests = sources.requests,
                        .n_requests = sources.n_requests,
                        .keeps = intent->keeps,
                        .n_keeps = intent->n_keeps,
                };
                r = claim_plan_build(g->boot_view, &input, &g->plan);
        }
        claim_sources_done(&sources);
        return r < 0 ? r : read_plan_details(m, g);
}

/* Read the details of one function and of the bridges above it, each once. */
static void read_details_up(const struct machine *m, struct pci_host *view, size_t i, bool *done)
{
        for (ssize_t f = (ssize_t) i; f >= 0 && !done[f]; f = view->functions[f].parent) {
                done[f] = true;
                (void) pci_function_read_details(m->root, view, &view->functions[f]);
        }
}

/*
 * The scan left out config space and NUMA node (17 system calls a function instead of 11 on a
 * big machine); what the proposal needs of them is for the functions the plan touches (the guest
 * GPU's node, the PCI Express type of the bridges above a group the ACS analysis looks at).
 */
static int read_plan_details(const struct machine *m, struct generation *g)
{
        struct pci_host *view = g->boot_view;
        _cleanup_free_ bool *done = calloc(view->n_functions ? view->n_functions : 1, sizeof(bool));
        if (!done)
                return -ENOMEM;
        for (size_t i = 0; i < g->plan->n_entries; i++)
                read_details_up(m, view, g->plan->entries[i].function, done);
        for (size_t i = 0; i < g->plan->n_refusals; i++)
                if (g->plan->refusals[i].function >= 0)
                        read_details_up(m, view, (size_t) g->plan->refusals[i].function, done);
        for (size_t i = 0; i < g->plan->n_groups; i++) {
                const struct iommu_group *group = pci_host_group(view, g->plan->groups[i].number);
                for (size_t j = 0; group && j < group->n_members; j++)
                        read_details_up(m, view, group->members[j], done);
        }
        return 0;
}

/* The NUMA node of the first claimed function that has one: where guest CPUs and memory go. */
static int guest_numa_node(const struct generation *g)
{
        if (!g->plan)
                return -1;
        for (size_t i = 0; i < g->plan->n_entries; i++) {
                const struct plan_entry *e = &g->plan->entries[i];
                if ((e->action == PLAN_CLAIM || e->action == PLAN_ALREADY_CLAIMED) &&
                    g->boot_view->functions[e->function].numa_node >= 0)
                        return g->boot_view->functions[e->function].numa_node;
        }
        return -1;
}

static void step_noop_removals(struct propose_context *ctx) { propose_noop_removals(ctx, ctx->machine->cmdline); }

static void step_acs_override(struct propose_context *ctx, struct propose_results *results)
{
        propose_acs_override(ctx, &results->acs);
}

static void step_vfio(struct propose_context *ctx, struct propose_results *results)
{
        propose_vfio(ctx, &results->acs);
}

/*
 * The order is also the report's: parameters and findings are listed as the steps add them, the
 * removals of ignored values first, then topic by topic.
 */
const struct propose_step propose_steps[] = {
        { "noop-removals", .alone = step_noop_removals },
        { "iommu", .alone = propose_iommu },
        { "cpu-isolation", .alone = propose_cpu_isolation },
        { "hugepages", .alone = propose_hugepages },
        { "acs-override", .handing_over = step_acs_override },
        /* The planner's refusal of a group the override splits is a note, not a problem. */
        { "vfio", .needs = "acs-override", .handing_over = step_vfio },
        { "kvm-options", .alone = propose_kvm_options },
};
const size_t propose_steps_count = ELEMENTSOF(propose_steps);

/* Quotes pair up from the start, as the kernel reads them: with an odd count, the last is open. */
static void log_open_quote(const struct machine *m)
{
        const char *quote = strrchr(m->cmdline_text, '"');
        char shown[SHOWN_TEXT_SIZE];
        log_error("/proc/cmdline: the double quote at column %zu is never closed (%s): nothing can be added to the "
                  "running command line safely",
                  quote ? (size_t) (quote - m->cmdline_text) + 1 : 0,
                  shown_text(shown, quote ? quote : "", quote ? strlen(quote) : 0));
}

int generation_run(const struct machine *m, const struct initbind_config *intent, struct generation *ret)
{
        struct generation *g = ret;
        *g = (struct generation){};
        int r = plan_claims(m, intent, g);
        if (r < 0)
                return log_error_errno(r, "cannot plan the claims: %m");
        g->ctx = (struct propose_context){
                .machine = m,
                .intent = intent,
                .boot_view = g->boot_view,
                .plan = g->plan,
                .guest_node = guest_numa_node(g),
                .proposal = &g->proposal,
        };

        struct propose_results results = {};
        for (const struct propose_step *s = propose_steps; s < propose_steps + propose_steps_count; s++)
                if (s->alone)
                        s->alone(&g->ctx);
                else
                        s->handing_over(&g->ctx, &results);
        r = proposal_failed(&g->proposal) ? -ENOMEM : proposal_apply_to(&g->proposal, m->cmdline, &g->proposed_line);
        if (r == -EINVAL) {
                log_open_quote(m);
                return r;
        }
        if (r >= 0) {
                validate_line(&g->ctx, g->proposed_line, &g->line_findings);
                readiness_check(&g->ctx, &g->readiness);
                r = g->line_findings.out_of_memory ? -ENOMEM : 0;
        }
        if (r < 0)
                log_error_errno(r, "cannot make a proposal: %m");
        return r;
}

void generation_done(struct generation *g)
{
        proposal_done(&g->proposal);
        pci_host_free(g->boot_view);
        claim_plan_free(g->plan);
        kcmdline_free(g->proposed_line);
        findings_done(&g->line_findings);
        free(g->next_boot_old);
        free(g->next_boot_new);
        free(g->next_boot_error);
        for (size_t i = 0; i < g->n_next_boot_warnings; i++)
                free(g->next_boot_warnings[i]);
        free(g->next_boot_warnings);
        *g = (struct generation){};
}

bool generation_has_problems(const struct generation *g)
{
        return findings_count(&g->proposal.findings, FINDING_PROBLEM) ||
               findings_count(&g->line_findings, FINDING_PROBLEM) || readiness_count(&g->readiness, CHECK_FAIL);
}
