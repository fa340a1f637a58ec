/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The loader back ends, as apply.c calls them. Not for callers. */
#pragma once

#include "apply_ctx.h"

int apply_grub_plan(const struct apply_ctx *c, struct apply_plan *p, char **ret_error);
int apply_sdboot_plan(const struct apply_ctx *c, struct apply_plan *p, char **ret_error);
int apply_grubby_plan(const struct apply_ctx *c, struct apply_plan *p, char **ret_error);
int apply_ostree_plan(const struct apply_ctx *c, struct apply_plan *p, char **ret_error);
/* Whether the default entry of a regenerated configuration (verify_path: grub.cfg, or every BLS entry) carries what the plan wants. */
int apply_grub_verify(const struct apply_plan *p, const struct rootdir *root, char **ret_error);
