/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Filling in a plan (struct apply_plan, apply.h): what the loader back ends call. Not for callers. */
#pragma once

#include "apply.h"
#include "macro.h"

/* A file the plan writes: added only when NEW differs from OLD. Takes neither string. */
int apply_plan_add_file(struct apply_plan *p, const char *path, const char *old, const char *new);
int apply_plan_warn(struct apply_plan *p, const char *format, ...) _printf_(2, 3);
/* The regeneration: NOTE for the report (may be NULL) and ARGV (NULL-terminated; NULL: nothing runs). */
int apply_plan_set_regenerate(struct apply_plan *p, const char *note, const char *const *argv);
int apply_strv_push(char ***v, size_t *n, const char *s);
void apply_strv_free(char **v, size_t n);
