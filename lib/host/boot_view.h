/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The PCI functions as initbind finds them at boot, in the initramfs before udev: bound only
 * where the driver is built into the kernel. A booted host has every driver bound; planning on
 * that view would ask for unbinds the boot never needs (`initbind plan --next-boot`, cmdlinegen).
 */
#pragma once

#include "module_loader.h"
#include "pci_host.h"

/*
 * Clear the driver of every function of HOST for which ML (the module index of the kernel that
 * will boot) finds a loadable module by the function's modalias. A driver found by no alias
 * (pcieport binds by class) or built in stays. Returns how many were cleared.
 */
size_t pci_host_forget_module_drivers(struct module_loader *ml, struct pci_host *host);
