/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The last line of defence for the host's own disks: no function to be claimed may carry a
 * mounted filesystem, active swap or the root= device, directly or under device-mapper/md
 * stacking. Found through sysfs (each block device's path shows the PCI function it hangs off)
 * and, for root=UUID=/LABEL=/PARTUUID=, libblkid on the running system.
 */
#pragma once

#include "claim_plan.h"
#include "findings.h"
#include "machine.h"

/* The block devices in use (mounted, swap, root=), read once; NULL when out of memory. */
struct storage_uses *storage_uses_read(const struct machine *m);
void storage_uses_free(struct storage_uses *u);

/* True, with a PROBLEM about the claim from ORIGIN, when F holds one of USES. */
bool storage_guard_blocks(const struct storage_uses *uses, const struct machine *m, const struct pci_function *f,
                          const char *origin, struct findings *findings);
