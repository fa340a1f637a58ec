/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * `initbind claim` on a running host: a function that a block device in use hangs off (a mounted
 * filesystem, active swap, the root= device) is never claimed, whatever --allow says, since
 * vfio-pci would take the disk from under the running system. allow=storage lifts only the class
 * check (claim_check); this is the check of what the host does with the device now, the one
 * cmdlinegen makes of every proposed claim (lib/host/block_uses).
 */
#pragma once

#include "claim_plan.h"

struct rootdir;

/*
 * Log each PLAN_CLAIM entry of PLAN that must not be claimed for this reason, and return how many
 * there are (0: the plan may go ahead), or -ENOMEM.
 */
int block_guard_refusals(const struct rootdir *root, const struct pci_host *host, const struct claim_plan *plan);
