/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ACS override, the last resort for a claimed device whose IOMMU group holds devices that stay
 * with the host: only when the config allows it, only on a kernel carrying the out-of-tree
 * patch, in the narrow id: form, and with the warning. Otherwise: say what would help.
 */
#include "propose.h"

#include <stdio.h>

/* Bridges of the group between F and the root: is one of them the group's reason, a
 * conventional PCI bridge (PCIe ACS cannot separate what sits behind one)? */
static const struct pci_function *conventional_bridge_above(const struct pci_host *h, const struct pci_function *f)
{
        for (int p = f->parent; p >= 0; p = h->functions[p].parent) {
                const struct pci_function *b = &h->functions[p];
                if (b->iommu_group == f->iommu_group && b->pcie_type == PCIE_TYPE_NONE)
                        return b;
                if (b->iommu_group == f->iommu_group && b->pcie_type == PCIE_TYPE_PCIE_TO_PCI_BRIDGE)
                        return b;
        }
        return NULL;
}

/* Whether pcie_acs_override= is proposed for group G; otherwise a problem says what would help. */
static bool acs_for_group(struct propose_context *ctx, const struct plan_group *g)
{
        const struct pci_host *h = ctx->boot_view;
        const struct machine *m = ctx->machine;
        struct findings *findings = &ctx->proposal->findings;
        const struct pci_function *blocker = g->blocker >= 0 ? &h->functions[g->blocker] : NULL;

        /* The member the config claims: the device the override has to isolate. The planner left
         * the group alone (a refusal names it) or claimed it partially (allow=partial-group). */
        const struct pci_function *claimed = NULL;
        for (size_t i = 0; i < ctx->plan->n_refusals && !claimed; i++) {
                const struct plan_refusal *r = &ctx->plan->refusals[i];
                if (r->function >= 0 && h->functions[r->function].iommu_group == g->number)
                        claimed = &h->functions[r->function];
        }
        for (size_t i = 0; i < ctx->plan->n_entries && !claimed; i++) {
                const struct plan_entry *e = &ctx->plan->entries[i];
                if (e->action == PLAN_CLAIM && !e->companion && h->functions[e->function].iommu_group == g->number)
                        claimed = &h->functions[e->function];
        }
        if (!claimed)
                return false;

        char subject[96], shares[160];
        snprintf(subject, sizeof(subject), "IOMMU group %d", g->number);
        snprintf(shares, sizeof(shares), "%s shares IOMMU group %d with %s, which stays with the host", claimed->name,
                 g->number, blocker ? blocker->name : "a device");
        const struct pci_function *bridge = conventional_bridge_above(h, claimed);
        if (bridge) {
                findings_add(findings, FINDING_PROBLEM, subject, "put the card in a PCIe slot with a group of its own",
                             "%s; it sits behind the conventional PCI bridge %s, which shares one IOMMU group with "
                             "everything behind it: no ACS override can split that",
                             shares, bridge->name);
                return false;
        }
        if (ctx->intent->acs_override != CONFIG_ACS_OVERRIDE_IF_NEEDED) {
                findings_add(findings, FINDING_PROBLEM, subject,
                             "move the card to a slot with its own group, or accept the risk with 'acs-override "
                             "if-needed' on a kernel with the ACS override patch",
                             "%s", shares);
                return false;
        }
        if (m->acs_patch != TRISTATE_YES) {
                findings_add(findings, FINDING_PROBLEM, subject,
                             "move the card to a slot with its own group (often the one wired to the CPU)",
                             "%s; kernel %s %s the ACS override patch (no pcie_acs_overrides symbol), so "
                             "pcie_acs_override= would do nothing",
                             shares, m->target_release,
                             m->acs_patch == TRISTATE_NO ? "does not carry" : "cannot be shown to carry");
                return false;
        }

        /* Claimed and blocker in one multifunction slot: the device itself must claim isolation
         * between its functions; otherwise the port above it must claim ACS. */
        const struct pci_function *target = claimed;
        if (!(blocker && blocker->address.bus == claimed->address.bus &&
              blocker->address.slot == claimed->address.slot) &&
            claimed->parent >= 0)
                target = &h->functions[claimed->parent];
        char value[32];
        snprintf(value, sizeof(value), "id:%04x:%04x", target->ids.vendor, target->ids.device);
        proposal_add(ctx->proposal, TOPIC_VFIO, "pcie_acs_override", value,
                     "%s; kernel %s carries the ACS override patch; the narrow form names only %s (%s)", shares,
                     m->target_release, target->name,
                     target == claimed ? "the multifunction device" : "the port above the device");
        findings_add(findings, FINDING_WARNING, "pcie_acs_override=", NULL,
                     "the override tells the kernel that %s isolates its devices when the hardware does not say so: a "
                     "guest's device may then reach the host's devices in group %d by peer-to-peer DMA. Use it only "
                     "with guests you trust",
                     target->name, g->number);
        return true;
}

void propose_acs_override(struct propose_context *ctx, struct acs_override_result *ret)
{
        struct acs_override_result result = { .split_group = -1 };
        /* One override, for the first group that needs it: the patch takes one id: list, and a
         * second group is better solved by a slot than by a longer list of weakened ports. */
        for (size_t i = 0; ctx->plan && i < ctx->plan->n_groups && result.split_group < 0; i++)
                if (!ctx->plan->groups[i].usable && acs_for_group(ctx, &ctx->plan->groups[i]))
                        result.split_group = ctx->plan->groups[i].number;
        *ret = result;
}
