/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What cmdlinegen found wrong or worth saying, each tied to the detected fact it rests on:
 * "isolcpus=0-3" (subject) "CPU 0 is the boot CPU" (fact) "isolate CPUs 1-3" (fix).
 *
 * Adding never fails at the call site: an allocation failure sets a sticky flag that the
 * program checks once at the end, so the checks read as a list of rules, not of error paths.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "macro.h"

enum finding_level {
        FINDING_NOTE,    /* worth knowing, nothing wrong */
        FINDING_WARNING, /* works, with a cost or a risk the user should accept knowingly */
        FINDING_PROBLEM, /* would not do what was asked, or would harm the host: exit status 1 */
};

struct finding {
        enum finding_level level;
        char *subject; /* the parameter and value, or the config directive, it is about */
        char *fact;    /* the detected fact, as a sentence fragment */
        char *fix;     /* what to do instead; NULL when there is nothing to do */
};

struct findings {
        struct finding *items;
        size_t n;
        bool out_of_memory;
};

/* FIX may be NULL. The fact is formatted. */
void findings_add(struct findings *f, enum finding_level level, const char *subject, const char *fix,
                  const char *fact_format, ...) _printf_(5, 6);
size_t findings_count(const struct findings *f, enum finding_level level);
void findings_done(struct findings *f);

const char *finding_level_to_string(enum finding_level level);

/* printf into a new string; NULL when out of memory. */
char *strdup_printf(const char *format, ...) _printf_(1, 2);
