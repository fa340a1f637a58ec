/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* How grub.cfg is regenerated after the edit, and read back. */
#pragma once

#include "apply_ctx.h"
#include "sh_vars.h"

/* The command (or the note why none runs), the warnings about it, and what to read back. */
int grub_plan_regenerate(const struct sh_env *env, const struct apply_ctx *c, struct apply_plan *p);
