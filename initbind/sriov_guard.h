/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SR-IOV VFs the configuration claims by address are created later (a write to the PF's
 * sriov_numvfs), and with the kernel's default the PF's host VF driver binds each one inside that
 * write, before udev can run `initbind hotplug`. Turning off the PF's sriov_drivers_autoprobe
 * (drivers/pci/iov.c) leaves new VFs unbound, so hotplug claims them cleanly.
 */
#pragma once

#include <stdbool.h>

#include "session.h"

/* For every PF (every one, or only ONLY when not NULL) with a configured VF: autoprobe off.
 * Logs what it changed and why; returns the number of PFs changed. Failures are logged. */
unsigned sriov_guard_apply(const struct session *s, const struct pci_function *only);
