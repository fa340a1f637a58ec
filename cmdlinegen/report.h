/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The proposal as a person reads it before trusting it, and as JSON for scripts. */
#pragma once

#include <stdio.h>

#include "generate.h"

void report_text(FILE *out, const struct generation *g);
void report_json(FILE *out, const struct generation *g);
/* KEY: an array of the checks of R (readiness, the guest's host side). */
struct json_writer;
void report_json_checks(struct json_writer *w, const char *key, const struct readiness *r);

/* One line per machine fact, shared by the text report and `verify`. */
void report_machine_summary(FILE *out, const struct machine *m);
