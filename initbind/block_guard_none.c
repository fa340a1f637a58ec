/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The block device check of the static initbind, which has no libblkid: it cannot tell which
 * block devices are in use, so it claims no storage controller at run time. Boot mode does not
 * come here (at boot nothing is mounted from the disk yet, and allow=storage is the user's word).
 */
#include "block_guard.h"

#include "log.h"
#include "pci_class.h"

int block_guard_refusals(const struct rootdir *root, const struct pci_host *host, const struct claim_plan *plan)
{
        (void) root;
        int refused = 0;
        for (size_t i = 0; i < plan->n_entries; i++) {
                const struct plan_entry *e = &plan->entries[i];
                const struct pci_function *f = &host->functions[e->function];
                if (e->action != PLAN_CLAIM || !pci_class_is_storage(f->ids.class_code))
                        continue;
                log_error("%s not claimed: this initbind (static, without libblkid) cannot tell whether the host's "
                          "block devices are on it; claim it with the host's initbind",
                          f->name);
                refused++;
        }
        return refused;
}
