/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * `initbind claim ADDR` and `initbind release ADDR` on a booted host: move a device (and the rest
 * of its IOMMU group) to vfio-pci or back to its host driver without a reboot, with every refusal
 * boot mode makes.
 */
#include <stdio.h>
#include <stdlib.h>

#include "block_guard.h"
#include "claim_exec.h"
#include "commands.h"
#include "group_viability.h"
#include "group_verdict.h"
#include "log.h"
#include "rootdir.h"
#include "session.h"

int command_claim(const struct initbind_options *opts, const struct pci_address *address)
{
        (void) log_copy_to_kmsg(opts->root); /* a record of who moved the device, as boot and hotplug leave */
        _cleanup_(session_close) struct session s = {};
        if (session_open(&s, opts) < 0)
                return 1;

        /* Only this device (and its group); the config still says what the host keeps. */
        s.sources.n_requests = 0;
        s.context = CLAIM_CONTEXT_COMMAND;
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

/* The members of F's group (F alone without one) that are on vfio-pci or reserved for it, into
 * RET (room for every member of the group). */
static size_t held_members(const struct pci_host *host, const struct pci_function *f, size_t *ret)
{
        const struct iommu_group *g = pci_host_group(host, f->iommu_group);
        size_t n = 0;
        for (size_t m = 0; m < (g ? g->n_members : 1); m++) {
                size_t i = g ? g->members[m] : pci_host_index(host, f);
                if (held_by_vfio(&host->functions[i]))
                        ret[n++] = i;
        }
        return n;
}

/*
 * Whether the group may be given back: not while a VM has it open (VFIO says so, the kernel
 * would yank the device from under QEMU), not what the boot claims unless --release-configured.
 * Every refusal is logged; nothing is released when there is one.
 */
static bool release_allowed(struct session *s, const struct pci_function *f, const size_t *members, size_t n)
{
        const struct iommu_group *g = pci_host_group(s->host, f->iommu_group);
        if (g) {
                struct group_verdict v;
                group_verdict_read(s->opts->root, s->host, g, &v);
                if (v.vfio.state == VFIO_VERDICT_OPEN) {
                        log_error("%s not released: IOMMU group %d is in use, %s is open by another process (a "
                                  "running VM); stop the VM first",
                                  f->name, g->number, v.vfio.path);
                        return false;
                }
        }
        bool ok = true;
        for (size_t k = 0; k < n; k++) {
                const struct pci_function *m = &s->host->functions[members[k]];
                const struct plan_entry *e = s->plan ? claim_plan_find(s->plan, members[k]) : NULL;
                if (!e || (e->action != PLAN_CLAIM && e->action != PLAN_ALREADY_CLAIMED) || s->opts->release_configured)
                        continue;
                log_error("%s not released: the boot claims it (%s); --release-configured gives it back until the "
                          "next boot",
                          m->name, e->origin);
                ok = false;
        }
        return ok;
}

static bool release_members(const struct rootdir *root, struct pci_host *host, const size_t *members, size_t n)
{
        bool ok = true;
        for (size_t k = 0; k < n; k++) {
                struct pci_function *member = &host->functions[members[k]];
                int r = claim_release_function(root, member);
                if (r < 0 || driver_is_vfio_pci(member->driver)) {
                        log_error("%s is still on %s after release", member->name,
                                  member->driver[0] ? member->driver : "no driver");
                        ok = false;
                } else
                        log_notice("%s released: now on %s", member->name,
                                   member->driver[0] ? member->driver : "no driver (no host driver took it)");
        }
        return ok;
}

int command_release(const struct initbind_options *opts, const struct pci_address *address)
{
        (void) log_copy_to_kmsg(opts->root); /* a record of who moved the device, as boot and hotplug leave */
        _cleanup_(session_close) struct session s = {};
        if (session_open_scan(&s, opts, PCI_SCAN_OVERRIDES) < 0)
                return 1;
        /* initbind=off: the boot claimed nothing, but what a user claimed since can go back. */
        int r = s.sources.disabled ? pci_host_scan(opts->root, PCI_SCAN_OVERRIDES, &s.host) : session_plan(&s);
        if (r < 0) {
                if (s.sources.disabled)
                        log_error_errno(r, "cannot read PCI devices: %m");
                return 1;
        }

        char name[PCI_ADDRESS_STRING_MAX];
        struct pci_function *f = pci_host_find(s.host, address);
        if (!f) {
                log_error("no PCI function at %s", pci_address_format(address, name));
                return 1;
        }
        /* Half a group is of use to nobody: the companions go back too, even when F already has. */
        const struct iommu_group *g = pci_host_group(s.host, f->iommu_group);
        _cleanup_free_ size_t *members = calloc(g ? g->n_members : 1, sizeof(*members));
        if (!members) {
                log_error("out of memory");
                return 1;
        }
        size_t n = held_members(s.host, f, members);
        if (n == 0) {
                log_error("%s is not claimed by vfio-pci (driver: %s); nothing to release", f->name,
                          f->driver[0] ? f->driver : "none");
                return 1;
        }
        if (!held_by_vfio(f))
                log_notice("%s is on %s already; giving back the rest of IOMMU group %d, still on vfio-pci", f->name,
                           f->driver[0] ? f->driver : "no driver", f->iommu_group);
        if (!release_allowed(&s, f, members, n))
                return 1;
        return release_members(opts->root, s.host, members, n) ? 0 : 1;
}
