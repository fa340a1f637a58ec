/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The block device check of the host's initbind, on lib/host/block_uses (libblkid for root=). */
#include "block_guard.h"

#include "block_uses.h"
#include "kernel_info.h"
#include "log.h"

int block_guard_refusals(const struct rootdir *root, const struct pci_host *host, const struct claim_plan *plan)
{
        /* Without the command line root= is unknown; mounts and swap are still read. */
        _cleanup_free_ char *text = NULL;
        _cleanup_kcmdline_ struct kcmdline *cmdline = NULL;
        if (kernel_cmdline(root, &text) >= 0 && kcmdline_parse(text, KCMDLINE_PARSE_LENIENT, &cmdline, NULL) == -ENOMEM)
                return -ENOMEM;
        _cleanup_block_uses_ struct block_uses *uses = NULL;
        int r = block_uses_read(root, cmdline, &uses);
        if (r < 0)
                return r;

        int refused = 0;
        for (size_t i = 0; i < plan->n_entries; i++) {
                const struct plan_entry *e = &plan->entries[i];
                const struct pci_function *f = &host->functions[e->function];
                const char *device, *what;
                if (e->action != PLAN_CLAIM || !block_uses_on_function(uses, root, f->name, &device, &what))
                        continue;
                log_error("%s not claimed: block device %s hangs off it and %s; the host needs it (no --allow "
                          "overrides this)",
                          f->name, device, what);
                refused++;
        }
        return refused;
}
