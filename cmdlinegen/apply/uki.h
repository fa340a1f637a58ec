/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unified kernel images under systemd-boot: what the change does to each. Not for callers. */
#pragma once

#include "apply_ctx.h"

/*
 * For each UKI in DIR/EFI/Linux (DIR the ESP, then XBOOTLDR; NULL skipped): a warning saying
 * whether the change reaches it (its .cmdline section, Secure Boot) and what works instead, and
 * the command that rebuilds it from /etc/kernel/cmdline (the plan's command when there is one
 * UKI to rebuild).
 */
int apply_uki_plan(const struct apply_ctx *c, struct apply_plan *p, const char *esp, const char *xbootldr);

/* Whether the firmware has Secure Boot on: the SecureBoot EFI variable below the root is 1. */
bool apply_secure_boot_on(const struct rootdir *root);
