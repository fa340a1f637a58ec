/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The PCI functions the guest is given: every function of every IOMMU group the claim plan
 * takes (a group is the unit VFIO hands to a guest, so a GPU comes with its audio function).
 * A group the plan cannot make usable, a claim it refuses, or a function outside any IOMMU
 * group cannot be passed through: refused here rather than at the guest's start.
 */
#include "guest.h"

#include "log.h"

static int refuse_plan(const struct generation *g)
{
        const struct claim_plan *plan = g->plan;
        for (size_t i = 0; i < plan->n_refusals; i++)
                if (plan->refusals[i].is_error) {
                        log_error("cannot describe the guest: %s: %s; fix the claim first ('initbind plan --next-boot' "
                                  "shows the plan)",
                                  plan->refusals[i].origin, plan->refusals[i].message);
                        return -EINVAL;
                }
        for (size_t i = 0; i < plan->n_groups; i++)
                if (!plan->groups[i].usable) {
                        log_error("cannot describe the guest: IOMMU group %d cannot be given to a guest: %s",
                                  plan->groups[i].number, plan->groups[i].message);
                        return -EINVAL;
                }
        return 0;
}

int guest_take_functions(const struct generation *g, struct guest_spec *s)
{
        const struct claim_plan *plan = g->plan;
        if (!plan)
                return 0; /* nothing claimed: a guest without passed-through devices */
        if (!g->boot_view->iommu_active) {
                log_error("cannot describe the guest: the IOMMU is not active (no IOMMU groups in "
                          "/sys/kernel/iommu_groups), and VFIO gives a guest devices only through it; turn on VT-d or "
                          "AMD-Vi in the firmware setup (on Intel also intel_iommu=on), as 'cmdlinegen' proposes");
                return -EINVAL;
        }
        int r = refuse_plan(g);
        if (r < 0)
                return r;
        s->functions = calloc(plan->n_entries + 1, sizeof(size_t));
        if (!s->functions)
                return -ENOMEM;
        for (size_t i = 0; i < plan->n_entries; i++) {
                const struct plan_entry *e = &plan->entries[i];
                if (e->action != PLAN_CLAIM && e->action != PLAN_ALREADY_CLAIMED)
                        continue;
                const struct pci_function *f = &g->boot_view->functions[e->function];
                if (f->iommu_group < 0) {
                        log_error("cannot describe the guest: %s is in no IOMMU group (the IOMMU does not translate "
                                  "it), and VFIO gives a guest only whole IOMMU groups; drop its claim line",
                                  f->name);
                        return -EINVAL;
                }
                s->functions[s->n_functions++] = e->function;
        }
        return 0;
}
