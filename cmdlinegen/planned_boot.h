/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The machine's PCI functions as the target kernel's initramfs will find them (lib/boot_view.h). */
#pragma once

#include "machine.h"

/*
 * A copy of the machine's PCI host with the drivers that are modules of the target kernel
 * cleared. It borrows the groups and paths of the machine's host: free it with
 * planned_boot_free() only.
 */
int planned_boot_new(const struct machine *m, struct pci_host **ret);
void planned_boot_free(struct pci_host *view);
