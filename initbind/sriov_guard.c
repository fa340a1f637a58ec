/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "sriov_guard.h"

#include <stdio.h>

#include "fileio.h"
#include "log.h"
#include "macro.h"
#include "rootdir.h"

static long routing_id(const struct pci_address *a) { return (long) a->bus << 8 | a->slot << 3 | a->function; }

/* Whether A is one of PF's VFs: VF n has routing ID PF + offset + n * stride (PCIe SR-IOV 3.3.9). */
static bool is_vf_of(const struct pci_function *pf, long offset, long stride, const struct pci_address *a)
{
        if (a->domain != pf->address.domain || stride <= 0)
                return false;
        long n = routing_id(a) - routing_id(&pf->address) - offset;
        return n >= 0 && n % stride == 0 && n / stride < pf->sriov_totalvfs;
}

/* The configured claim by address that names a VF of PF, or NULL. */
static const struct claim_request *configured_vf(const struct session *s, const struct pci_function *pf, long offset,
                                                 long stride)
{
        for (size_t i = 0; i < s->sources.n_requests; i++) {
                const struct claim_request *req = &s->sources.requests[i];
                if (req->claim.selector == CONFIG_SELECT_ADDRESS && is_vf_of(pf, offset, stride, &req->claim.address))
                        return req;
        }
        return NULL;
}

static bool guard_pf(const struct session *s, const struct pci_function *pf)
{
        char dir[96];
        snprintf(dir, sizeof(dir), "/sys/bus/pci/devices/%s", pf->name);
        _cleanup_close_ int dirfd = rootdir_open_dir(s->opts->root, dir);
        long offset = 0, stride = 0, autoprobe = 1;
        if (dirfd < 0 || read_attr_int_at(dirfd, "sriov_offset", &offset) < 0 ||
            read_attr_int_at(dirfd, "sriov_stride", &stride) < 0)
                return false;
        const struct claim_request *req = configured_vf(s, pf, offset, stride);
        if (!req || read_attr_int_at(dirfd, "sriov_drivers_autoprobe", &autoprobe) < 0 || autoprobe == 0)
                return false;

        char vf[PCI_ADDRESS_STRING_MAX];
        pci_address_format(&req->claim.address, vf);
        log_debug("write %s/sriov_drivers_autoprobe: 0", dir);
        int r = write_attr_at(dirfd, "sriov_drivers_autoprobe", "0\n");
        if (r < 0) {
                log_error_errno(r,
                                "%s: cannot turn off sriov_drivers_autoprobe: %m; its VF %s (%s) may be bound by a "
                                "host driver when it is created",
                                pf->name, vf, req->origin);
                return false;
        }
        log_notice("%s: sriov_drivers_autoprobe turned off: its SR-IOV VF %s is claimed by %s, so the VFs it creates "
                   "bind no host driver (initbind hotplug claims the configured ones)",
                   pf->name, vf, req->origin);
        return true;
}

/*
 * Only a claim by address of a function the scan did not find can name a VF that a PF creates
 * later; without one there is nothing to guard, and the SR-IOV counts, which the boot scan leaves
 * unread (PCI_SCAN_SRIOV_ON_DEMAND), need not be read.
 */
static bool claims_absent_address(const struct session *s)
{
        for (size_t i = 0; i < s->sources.n_requests; i++) {
                const struct claim_request *req = &s->sources.requests[i];
                if (req->claim.selector == CONFIG_SELECT_ADDRESS && !pci_host_find(s->host, &req->claim.address))
                        return true;
        }
        return false;
}

unsigned sriov_guard_apply(const struct session *s, const struct pci_function *only)
{
        if (!claims_absent_address(s))
                return 0;
        unsigned changed = 0;
        for (size_t i = 0; i < s->host->n_functions; i++) {
                struct pci_function *f = &s->host->functions[i];
                if (only && only != f)
                        continue;
                if (f->sriov_unread)
                        (void) pci_function_read_sriov(s->opts->root, s->host, f);
                if (f->sriov_totalvfs > 0)
                        changed += guard_pf(s, f);
        }
        return changed;
}
