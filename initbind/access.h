/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * user= and group= of the claim lines applied to the VFIO nodes of a claimed group: /dev/vfio/N
 * and each member's /dev/vfio/devices/vfioX (the device cdev, Linux 6.6+ with
 * CONFIG_VFIO_DEVICE_CDEV), so a QEMU run as that user opens them without root. Boot mode applies
 * them as the nodes appear (vfio-pci binding creates them in devtmpfs, which the switch to the root
 * keeps); the udev rule applies them again for each node (`initbind access`), where the root's
 * /etc/passwd and /etc/group resolve the names the initramfs may not know.
 */
#pragma once

#include "claim_exec.h"
#include "claim_plan.h"
#include "pci_host.h"

struct rootdir;

/*
 * Apply the owners of the plan's claims in IOMMU group GROUP (every group: -1) whose functions
 * are on a VFIO driver now. Returns the number of nodes it could not give their owner.
 */
size_t access_apply(const struct rootdir *root, const struct pci_host *host, const struct claim_plan *plan, int group);
