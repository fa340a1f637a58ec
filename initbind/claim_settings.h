/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the configuration sets of a claimed function besides its driver (reset-method): shown by
 * plan, written when boot, claim and hotplug claim it.
 */
#pragma once

#include "session.h"

/* plan: a line per setting the plan will apply, and per setting for a function it does not claim. */
void claim_settings_print(const struct session *s);
/* Write each setting of a function the plan claims; returns how many failed (each logged). */
size_t claim_settings_apply(const struct session *s);
