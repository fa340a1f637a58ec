/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* stopped end and release end: give back exactly what prepare begin recorded as claimed. */
#include "hook.h"

#include <unistd.h>

#include "domain_record.h"
#include "log.h"
#include "macro.h"
#include "pci_host.h"
#include "rootdir.h"

static void give_back(const struct hook_context *ctx, struct pci_host *host, const struct record_entry *e)
{
        char name[PCI_ADDRESS_STRING_MAX];
        pci_address_format(&e->address, name);
        struct pci_function *f = pci_host_find(host, &e->address);
        if (!f) {
                log_warning(HOOK_LOG_PREFIX "%s is gone (removed from the system): nothing to give back", ctx->domain,
                            name);
                return;
        }
        /* managed='yes': libvirt has reattached it before release end; not ours to move again. */
        if (!streq(f->driver, "vfio-pci") && !streq(f->driver_override, "vfio-pci")) {
                log_info(HOOK_LOG_PREFIX "%s is on %s already: nothing to give back", ctx->domain, name,
                         f->driver[0] ? f->driver : "no driver");
                return;
        }
        int r = claim_release_function(ctx->opts->root, f);
        if (r < 0 || streq(f->driver, "vfio-pci"))
                log_error(HOOK_LOG_PREFIX "%s is still on %s after release", ctx->domain, name,
                          f->driver[0] ? f->driver : "no driver");
        else
                log_notice(HOOK_LOG_PREFIX "%s given back: now on %s", ctx->domain, name,
                           f->driver[0] ? f->driver : "no driver (no host driver took it)");
}

int hook_release(const struct hook_context *ctx, bool final)
{
        _cleanup_close_ int dirfd = domain_records_lock(ctx->opts->root);
        if (dirfd < 0)
                return 0;
        _cleanup_(domain_record_done) struct domain_record rec = {};
        int r = domain_record_read(dirfd, ctx->domain, &rec);
        if (r == -ENOENT) {
                log_debug(HOOK_LOG_PREFIX "no record in %s: nothing to give back", ctx->domain, DOMAIN_RECORD_DIR);
                return 0;
        }
        if (r < 0)
                return 0; /* logged: a record we cannot read gives back nothing rather than a guess */

        _cleanup_pci_host_ struct pci_host *host = NULL;
        r = pci_host_scan(ctx->opts->root, PCI_SCAN_OVERRIDES, &host);
        if (r < 0) {
                log_error_errno(r, HOOK_LOG_PREFIX "cannot read PCI devices: %m; nothing is given back", ctx->domain);
                return 0;
        }
        for (size_t i = 0; i < rec.n_entries; i++) {
                const struct record_entry *e = &rec.entries[i];
                /* After stopped end libvirt reattaches what it detached itself: leave that to it. */
                if (e->kind == RECORD_CLAIMED && (final || !e->managed))
                        give_back(ctx, host, e);
        }
        if (final)
                (void) domain_record_remove(dirfd, ctx->domain);
        return 0;
}
