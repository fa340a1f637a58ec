/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * `initbind hotplug ADDRESS`, run by the udev rule for a PCI function that appears after boot
 * (hotplug, rescan, SR-IOV VFs): the configured claims applied to that function's IOMMU group
 * only, with the same plan boot mode makes. Like boot mode it never fails the caller.
 */
#include "claim_exec.h"
#include "commands.h"
#include "log.h"
#include "session.h"
#include "sriov_guard.h"

/* Keep only what concerns GROUP (the new function's group, or the function alone without one). */
static void narrow_plan(struct claim_plan *plan, const struct pci_host *host, size_t function)
{
        int group = host->functions[function].iommu_group;
        size_t kept = 0;
        for (size_t i = 0; i < plan->n_entries; i++) {
                size_t f = plan->entries[i].function;
                if (f == function || (group >= 0 && host->functions[f].iommu_group == group))
                        plan->entries[kept++] = plan->entries[i];
        }
        plan->n_entries = kept;

        kept = 0;
        for (size_t i = 0; i < plan->n_groups; i++)
                if (plan->groups[i].number == group)
                        plan->groups[kept++] = plan->groups[i];
        plan->n_groups = kept;

        kept = 0;
        for (size_t i = 0; i < plan->n_refusals; i++) {
                ssize_t f = plan->refusals[i].function;
                if (f >= 0 && (f == (ssize_t) function || (group >= 0 && host->functions[f].iommu_group == group)))
                        plan->refusals[kept++] = plan->refusals[i];
        }
        plan->n_refusals = kept;
        plan->needs_vfio = claim_plan_count(plan, PLAN_CLAIM) + claim_plan_count(plan, PLAN_PROTECT) > 0;
}

int command_hotplug(const struct initbind_options *opts, const struct pci_address *address)
{
        int r = log_open_kmsg(opts->root);
        if (r < 0)
                log_warning_errno(r, "cannot open /dev/kmsg: %m");

        _cleanup_(session_close) struct session s = {};
        if (session_open(&s, opts) < 0 || s.sources.disabled || s.sources.n_requests == 0)
                return 0;
        const struct pci_function *f = pci_host_find(s.host, address);
        if (!f) {
                char name[PCI_ADDRESS_STRING_MAX];
                log_warning("hotplug: no PCI function at %s (gone again?)", pci_address_format(address, name));
                return opts->strict ? 1 : 0;
        }
        (void) sriov_guard_apply(&s, f); /* a PF that appeared: before anyone creates its VFs */
        s.context = CLAIM_CONTEXT_HOTPLUG;
        if (session_plan(&s) < 0)
                return opts->strict ? 1 : 0;
        narrow_plan(s.plan, s.host, pci_host_index(s.host, f));
        if (s.plan->n_entries == 0 && s.plan->n_refusals == 0)
                return 0; /* not a device the configuration names */
        session_log_plan(&s);

        struct claim_report report = {};
        r = session_execute(&s, &report);
        claim_report_done(&report);
        return opts->strict && r != 0 ? 1 : 0;
}
