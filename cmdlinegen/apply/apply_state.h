/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * APPLY_STATE_FILE: read into the context, planned anew by each back end. Not for callers.
 *
 * "BOOTLOADER PARAM" is what an apply added to the boot loader's main command line (GRUB's, or
 * /etc/kernel/cmdline), "BOOTLOADER -PARAM" a value of the user's it replaced there. A file that
 * carries a command line of its own (a systemd-boot loader entry, whose options need not be
 * /etc/kernel/cmdline's) has its own record: a line "BOOTLOADER:FILE", then "BOOTLOADER:FILE PARAM"
 * and "BOOTLOADER:FILE -PARAM", so that --remove takes back in each file exactly what the apply
 * changed there. A file without a record of its own was written since from the main line
 * (kernel-install copies /etc/kernel/cmdline into the entries of new kernels) and shares its record.
 */
#pragma once

#include "apply_ctx.h"

/* Load what the state file records for boot loader B into C; -EINVAL with *ret_error for a bad line. */
int apply_state_load(struct apply_ctx *c, enum bootloader b, char **ret_error);

/*
 * C as it applies to FILE: with FILE's own record where the state file has one, else the main one.
 * *ret borrows from C and is not to be passed to apply_ctx_done().
 */
void apply_ctx_for_file(const struct apply_ctx *c, const char *file, struct apply_ctx *ret);

/* One file with a record of its own: its context (apply_ctx_for_file()) and its line before and after. */
struct apply_state_file {
        struct apply_ctx c;
        char *file;
        char *old_line, *new_line;
};
void apply_state_files_done(struct apply_state_file *v, size_t n);

/*
 * Record in the plan what OLD_LINE -> NEW_LINE adds to the main line (for the state file and the
 * read-back), and for each of FILES what it adds there, and plan the state file itself. A value of
 * the user's it would have to record across a line break, or a file name with white space, is
 * -EINVAL with *ret_error.
 */
int apply_state_record_files(struct apply_plan *p, const struct apply_ctx *c, const char *old_line,
                             const char *new_line, const struct apply_state_file *files, size_t n_files,
                             char **ret_error);
/* The same with the main line alone. */
int apply_state_record(struct apply_plan *p, const struct apply_ctx *c, const char *old_line, const char *new_line,
                       char **ret_error);
