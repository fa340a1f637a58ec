/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "generate.h"

#include <stdio.h>

#include "planned_boot.h"
#include "claim_sources.h"
#include "log.h"
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

int generation_run(const struct machine *m, const struct initbind_config *intent, struct generation *ret)
{
        struct generation *g = ret;
        *g = (struct generation){};
        int r = plan_claims(m, intent, g);
        if (r < 0) {
                log_error("cannot plan the claims: %s", strerror(-r));
                return r;
        }
        g->ctx = (struct propose_context){
                .machine = m,
                .intent = intent,
                .boot_view = g->boot_view,
                .plan = g->plan,
                .guest_node = guest_numa_node(g),
                .acs_split_group = -1,
                .proposal = &g->proposal,
        };

        propose_noop_removals(&g->ctx, m->cmdline);
        propose_iommu(&g->ctx);
        propose_cpu_isolation(&g->ctx);
        propose_hugepages(&g->ctx);
        propose_acs_override(&g->ctx); /* first: vfio's report names what the override solves */
        propose_vfio(&g->ctx);
        propose_kvm_options(&g->ctx);
        if (proposal_failed(&g->proposal))
                return -ENOMEM;

        r = proposal_apply_to(&g->proposal, m->cmdline, &g->proposed_line);
        if (r == -EINVAL) {
                log_error("the running command line has an unterminated quote: nothing can be added to it safely "
                          "(/proc/cmdline: %s)",
                          m->cmdline_text);
                return r;
        }
        if (r < 0)
                return r;
        validate_line(&g->ctx, g->proposed_line, &g->line_findings);
        readiness_check(&g->ctx, &g->readiness);
        return g->line_findings.out_of_memory ? -ENOMEM : 0;
}

void generation_done(struct generation *g)
{
        proposal_done(&g->proposal);
        planned_boot_free(g->boot_view);
        claim_plan_free(g->plan);
        kcmdline_free(g->proposed_line);
        findings_done(&g->line_findings);
        free(g->next_boot_old);
        free(g->next_boot_new);
        free(g->next_boot_error);
        *g = (struct generation){};
}

bool generation_has_problems(const struct generation *g)
{
        return findings_count(&g->proposal.findings, FINDING_PROBLEM) ||
               findings_count(&g->line_findings, FINDING_PROBLEM) || readiness_count(&g->readiness, CHECK_FAIL);
}
