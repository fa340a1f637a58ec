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

/* Adds a PROBLEM for every claimed function that holds a block device in use. */
void storage_guard_check(const struct machine *m, const struct pci_host *view, const struct claim_plan *plan,
                         struct findings *findings);
