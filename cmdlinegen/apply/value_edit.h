/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Turning a change of a kernel command line into edits of the files it was read from.
 *
 * The old line is known byte by byte with the place each byte was written (struct sh_origin, also
 * used for loader entries, where nothing is quoted). The new line comes from the kcmdline model,
 * which keeps untouched parameters byte for byte. Both lines are cut into units (each parameter,
 * each run of whitespace); a longest-common-subsequence walk finds the units to delete and to
 * insert. A deleted unit is cut out of the file where its bytes were written; an inserted one is
 * written, quoted for its context, next to its neighbour, or at the append point when it comes at
 * the end. So comments, other variables, the quoting style, line continuations and references are
 * left as they were, and only the changed parameters move.
 *
 * An edit that cannot be put into a file without changing something else is refused with the
 * place that stops it: bytes that reach the line through a reference used elsewhere too.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "sh_vars.h"

/*
 * sh_origin.file of a byte no file holds (the space the reader of the files puts between two
 * values). It is whitespace: a deletion leaves it, an insertion goes next to it.
 */
#define VALUE_ORIGIN_SYNTHETIC ((unsigned) -1)

enum value_syntax {
        VALUE_SYNTAX_SH,  /* sh words: inserted text is quoted for its context */
        VALUE_SYNTAX_RAW, /* loader entry "options" lines: text goes in as it is */
};

/* Where parameters appended at the end of the line go: right after the line's last byte. */
struct value_append_point {
        unsigned file;
        size_t offset;
        enum sh_quote quote;
        bool after_bare_ref; /* a bare $NAME ends at offset */
        bool leading_space;  /* the value before offset may be non-empty: always start with a space */
};

/* The files the line was read from, indexed by sh_origin.file. */
struct value_sources {
        const char *const *labels;
        const char *const *texts;
        size_t n;
        /* whether the bytes at an origin also reach another value (or this one twice); may be NULL */
        bool (*is_shared)(const struct sh_origin *o, void *userdata);
        void *userdata;
};

struct text_edit {
        unsigned file;
        size_t start, end; /* bytes replaced */
        char *text;        /* replacement */
};

struct text_edits {
        struct text_edit *v;
        size_t n;
};

void text_edits_done(struct text_edits *e);

/*
 * The edits that turn OLD (with ORIGINS, one per byte) into NEW. 0 with *ret filled (no edits
 * when equal); -EINVAL with *ret_error (malloc'd, "FILE:LINE:COLUMN: ...") when an edit cannot be
 * placed; -E2BIG with *ret_error when the parts of the lines that differ are too many to diff
 * (VALUE_EDIT_MAX_CELLS in value_edit.c); -ENOMEM.
 */
int value_edit_plan(const char *old, const struct sh_origin *origins, const char *new,
                    const struct value_append_point *append, enum value_syntax syntax,
                    const struct value_sources *sources, struct text_edits *ret, char **ret_error);

/* TEXT with the edits of file number FILE applied, malloc'd. -EINVAL for overlapping edits. */
int text_edits_apply(const struct text_edits *e, unsigned file, const char *text, char **ret);
