/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The PCI functions as initbind will find them at the next boot, in the initramfs before udev:
 * bound only where the driver is built into the target kernel. A booted host has every driver
 * bound; planning on that view would ask for unbinds the boot never needs.
 */
#pragma once

#include "machine.h"

/*
 * A copy of the machine's PCI host whose functions have their driver cleared when libkmod,
 * for the target kernel, finds a loadable module for the function's modalias. The copy borrows
 * the groups and paths of the machine's host: free it with boot_view_free() only.
 */
int boot_view_new(const struct machine *m, struct pci_host **ret);
void boot_view_free(struct pci_host *view);
