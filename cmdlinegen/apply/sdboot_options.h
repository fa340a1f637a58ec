/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * systemd-boot's command lines as text: the "options" lines of a loader entry and
 * /etc/kernel/cmdline, read with where each byte is and edited with the apply context's change
 * (value_edit.h), every other byte left as it was. Not for callers.
 */
#pragma once

#include "apply_ctx.h"
#include "sh_vars.h"

#define SDBOOT_KERNEL_CMDLINE "/etc/kernel/cmdline"

/* The value of KEY on LINE of an entry ("key value", whitespace between), *ret_len bytes; NULL: another key. */
const char *loader_entry_value(const char *line, const char *key, size_t *ret_len);

/* The options of an entry as one line, with where each byte is; "options" lines joined by a space. */
struct sdboot_options {
        char *line;
        struct sh_origin *o;
        size_t append_at; /* end of the last options line's value */
        bool found;
};
int sdboot_entry_options(const char *text, struct sdboot_options *ret);

/*
 * /etc/kernel/cmdline (TEXT) with C's change: the value is the file itself, which kernel-install
 * reads whitespace-separated, newlines too. *ret_old_line is the line without the final newline.
 */
int sdboot_edit_cmdline_file(const struct apply_ctx *c, const char *text, char **ret_new_text, char **ret_old_line,
                             char **ret_new_line, char **ret_error);

/*
 * Entry TEXT (file LABEL) with C's change made to its options; an entry without "options" gets
 * one line, and "options" lines --remove leaves empty go. *ret_old_line is the options before.
 */
int sdboot_edit_entry(const struct apply_ctx *c, const char *label, const char *text, char **ret_new_text,
                      char **ret_old_line, char **ret_new_line, char **ret_error);
