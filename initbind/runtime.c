/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * `initbind claim ADDR` and `initbind release ADDR` on a booted host: move a device (and the rest
 * of its IOMMU group) to vfio-pci or back to its host driver without a reboot, with every refusal
 * boot mode makes.
 */
#include <stdio.h>

#include "block_guard.h"
#include "claim_exec.h"
#include "commands.h"
#include "group_viability.h"
#include "log.h"
#include "rootdir.h"
#include "session.h"

int command_claim(const struct initbind_options *opts, const struct pci_address *address)
{
        _cleanup_(session_close) struct session s = {};
        if (session_open(&s, opts) < 0)
                return 1;

        /* Only this device (and its group); the config still says what the host keeps. */
        s.sources.n_requests = 0;
        if (claim_sources_add_address(&s.sources, CLAIM_REQUEST_RUNTIME, address, opts->allow, "initbind claim") < 0 ||
            session_plan(&s) < 0)
                return 1;
        session_log_plan(&s);

        if (claim_plan_count(s.plan, PLAN_CLAIM) + claim_plan_count(s.plan, PLAN_ALREADY_CLAIMED) == 0)
                return 1; /* refused: the reason is logged */
        /* Half a group is of no use: one function the host's disks need stops the whole claim. */
        int refused = block_guard_refusals(opts->root, s.host, s.plan);
        if (refused != 0) {
                if (refused < 0)
                        log_error_errno(refused, "cannot read the block devices in use: %m; nothing is claimed");
                return 1;
        }

        struct claim_report report = {};
        int r = session_execute(&s, &report);
        bool ok = r == 0 && report.n_groups_unusable == 0;
        claim_report_done(&report);
        return ok ? 0 : 1;
}

static bool held_by_vfio(const struct pci_function *f)
{
        return driver_is_vfio_pci(f->driver) || driver_is_vfio_pci(f->driver_override);
}

int command_release(const struct initbind_options *opts, const struct pci_address *address)
{
        _cleanup_pci_host_ struct pci_host *host = NULL;
        int r = pci_host_scan(opts->root, PCI_SCAN_OVERRIDES, &host);
        if (r < 0) {
                log_error_errno(r, "cannot read PCI devices: %m");
                return 1;
        }
        char name[PCI_ADDRESS_STRING_MAX];
        struct pci_function *f = pci_host_find(host, address);
        if (!f) {
                log_error("no PCI function at %s", pci_address_format(address, name));
                return 1;
        }
        if (!held_by_vfio(f)) {
                log_error("%s is not claimed by vfio-pci (driver: %s); nothing to release", f->name,
                          f->driver[0] ? f->driver : "none");
                return 1;
        }

        /* Give back the whole group's vfio-pci functions: half a group is of use to nobody. */
        const struct iommu_group *g = pci_host_group(host, f->iommu_group);
        size_t n = g ? g->n_members : 1;
        bool ok = true;
        for (size_t m = 0; m < n; m++) {
                struct pci_function *member = g ? &host->functions[g->members[m]] : f;
                if (!held_by_vfio(member))
                        continue;
                r = claim_release_function(opts->root, member);
                if (r < 0 || driver_is_vfio_pci(member->driver)) {
                        log_error("%s is still on %s after release", member->name,
                                  member->driver[0] ? member->driver : "no driver");
                        ok = false;
                } else
                        log_notice("%s released: now on %s", member->name,
                                   member->driver[0] ? member->driver : "no driver (no host driver took it)");
        }
        return ok ? 0 : 1;
}
