/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Where and why a parser of lib/parse refused its input: one shape for the CPU list, PCI address,
 * vfio ID and kernel command line parsers, and for the config parser that reports what they say.
 */
#pragma once

#include <stddef.h>

struct parse_error {
        int code;             /* the negative errno the parser returned */
        size_t offset;        /* byte offset of the offending character in the text parsed */
        const char *expected; /* static phrase to print as "expected %s"; NULL when none fits */
        /* Set by the caller for its messages, never by a parser: */
        const char *input; /* what the text is: a file name, "isolcpus=", "initbind.claim=" */
        unsigned line;     /* 1-based line of the text in input, 0 when input is one line */
};

/* Records the failure in e (which may be NULL) and returns code, for "return parse_error_set(...)". */
static inline int parse_error_set(struct parse_error *e, int code, size_t offset, const char *expected)
{
        if (e) {
                e->code = code;
                e->offset = offset;
                e->expected = expected;
        }
        return code;
}

/* The 1-based column of the failure in a one-line text. */
static inline size_t parse_error_column(const struct parse_error *e) { return e->offset + 1; }
