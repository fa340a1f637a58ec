/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * `cmdlinegen verify`, after the reboot: did the kernel do what was asked? Each proposed
 * parameter on /proc/cmdline, the isolated and nohz_full CPU sets the kernel reports, the
 * hugepages it actually reserved per size and node, IOMMU groups, and the claimed devices on
 * vfio-pci. Returns the exit status: 0 when all hold, 1 otherwise.
 */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "generate.h"

int verify_run(FILE *out, const struct generation *g, bool json);
