/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* APPLY_STATE_FILE: read into the context, planned anew by each back end. Not for callers. */
#pragma once

#include "apply_ctx.h"

/* Load what the state file records for boot loader B into C; -EINVAL with *ret_error for a bad line. */
int apply_state_load(struct apply_ctx *c, enum bootloader b, char **ret_error);

/*
 * Record in the plan what OLD_LINE -> NEW_LINE adds (for the state file and the read-back) and
 * plan the state file itself. A value of the user's it would have to record across a line break
 * is -EINVAL with *ret_error.
 */
int apply_state_record(struct apply_plan *p, const struct apply_ctx *c, const char *old_line, const char *new_line,
                       char **ret_error);
