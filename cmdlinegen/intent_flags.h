/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Command-line flags that override the intent in /etc/initbind.conf (--isolate-cores 4,
 * --guest-memory 16G,node=1, ...). Each flag is read by the config file's own parser, as the
 * line "DIRECTIVE VALUE", so a flag accepts exactly what the file does and fails the same way.
 */
#pragma once

#include "config.h"

struct intent_flags;

/* Remember a flag; nothing is parsed yet. 0 or -ENOMEM. */
int intent_flags_add(struct intent_flags **flags, enum config_directive d, const char *option, const char *value);
/*
 * Fold the flags into CONFIG in the order given: each replaces the file's value (guest-memory
 * flags together replace the file's guest-memory lines; isolate-cores and isolate-cpus replace
 * each other). A bad value is logged as "OPTION 'VALUE': column N: MESSAGE"; returns -EINVAL
 * then, 0 or -ENOMEM otherwise.
 */
int intent_flags_apply(const struct intent_flags *flags, struct initbind_config *config);
void intent_flags_free(struct intent_flags *flags);
