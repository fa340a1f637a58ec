/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The machine's PCI functions as the target kernel's initramfs will find them (lib/boot_view.h). */
#pragma once

#include "machine.h"

/*
 * A copy of the machine's PCI host with the drivers that are modules of the target kernel
 * cleared: a copy of its own, so the problems that reading details of it finds stay with it.
 * Free it with pci_host_free().
 */
int planned_boot_new(const struct machine *m, struct pci_host **ret);
