/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the configuration sets of a claimed function besides its driver (reset-method, bar-size)
 * or asks of it (rom-check): shown by plan, written when boot, claim and hotplug claim it.
 */
#pragma once

#include "session.h"

/* plan: a line per setting the plan will apply, and per setting for a function it does not claim. */
void claim_settings_print(const struct session *s);
/* The settings that need F without a driver (bar-size), written once the executor has it so
 * (claim_ops.unbound); returns how many failed (each logged, naming its config line). */
size_t claim_settings_unbound(const struct session *s, struct pci_function *f);
/* Write each setting of a function the plan claims; returns how many failed (each logged). */
size_t claim_settings_apply(const struct session *s);
