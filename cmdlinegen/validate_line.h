/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Checks of a whole kernel command line against the machine: every parameter this project
 * knows, with the value the kernel will use (duplicate rules applied), and the line's length.
 * Used on the line cmdlinegen proposes, and on the running one by `cmdlinegen verify`.
 */
#pragma once

#include "propose.h"

/* Findings about LINE; ORIGIN ("proposed", "/proc/cmdline") is not part of the subjects. */
void validate_line(const struct propose_context *ctx, const struct kcmdline *line, struct findings *findings);

/*
 * Parameters on LINE the kernel ignores (amd_iommu=on, iommu=1, intel_iommu=1, isolcpus with
 * an unknown flag, ...): each becomes a removal with the reason.
 */
void propose_noop_removals(struct propose_context *ctx, const struct kcmdline *line);
