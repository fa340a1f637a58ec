/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * `cmdlinegen --apply LOADER`: the proposal written into the boot loader's configuration through
 * the apply library (cmdlinegen/apply/apply.h), and `--remove`, which takes back what earlier
 * applies added. Also the boot loader's view for the report: what the next boot's command line
 * is now and would be.
 */
#pragma once

#include <stdbool.h>

#include "apply.h"
#include "generate.h"
#include "validate_line.h"

struct apply_options {
        const char *root_path; /* as given to --root */
        enum bootloader bootloader;
        bool remove;            /* --remove */
        bool dry_run;           /* --dry-run: print the plan, write nothing */
        bool rebuild_initramfs; /* --rebuild-initramfs: after the files, the generator's rebuild */
};

/* Returns the exit status (0, 1 problems or failure, 2 a configuration that cannot be read). */
int apply_command(const struct generation *g, const struct apply_options *opts);

/* Add removals for the values the kernel ignores on the boot loader's configured line. */
int apply_add_loader_removals(struct generation *g, const char *root_path, enum bootloader bootloader,
                              char **ret_error);

/*
 * For the report, into G: the command line of the boot loader's default entry before and after
 * applying the proposal (next_boot_old, next_boot_new) and the warnings --apply would print
 * (next_boot_warnings); -ENOENT when no boot loader configuration is found, another -errno with
 * *ret_error when it cannot be read.
 */
int apply_preview(struct generation *g, const char *root_path, char **ret_error);
