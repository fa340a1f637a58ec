/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The BLS entries grubby edits, read as grubby-bls reads them. Not for callers. */
#pragma once

#include "apply_ctx.h"
#include "grubby_words.h"
#include "rootdir.h"

struct grubby_entry {
        char *path; /* below the root */
        char *id;   /* the file name without ".conf" */
        char *text;
        struct words options;
};

struct grubby_entries {
        struct grubby_entry *v;
        size_t n;
        size_t def;           /* the entry GRUB boots by default */
        char *kernel_cmdline; /* /etc/kernel/cmdline, NULL when missing */
};

void grubby_entries_done(struct grubby_entries *e);
/*
 * The entries of /boot/loader/entries and the default one: grubenv's saved_entry (an id or a
 * title), else the newest, first in grubby's order. -ENOENT without entries, -EINVAL for an entry
 * grubby cannot edit as planned (no or several "options" lines, a $variable from grubenv, a
 * quote), each with *ret_error.
 */
int grubby_entries_load(const struct rootdir *root, struct grubby_entries *ret, char **ret_error);
/* E's text with grubby's update_args(REMOVE, ADD) made to its options line, and that line. */
int grubby_entry_edit(const struct grubby_entry *e, const struct words *remove, const struct words *add,
                      char **ret_text, char **ret_line);

/* The change C makes to the default entry of a grubby or ostree system, as words to pass. */
struct grubby_change {
        struct grubby_entries e;
        char *old_line;                /* the default entry's options */
        char *new_line;                /* cmdlinegen's change of it (the kcmdline model) */
        struct words new, add, remove; /* NEW_LINE's words; what grubby_plan_args() passes */
};

void grubby_change_done(struct grubby_change *ch);
/* The entries loaded and the change planned: 0, or -errno with *ret_error (grubby_entries_load()). */
int grubby_change_plan(const struct apply_ctx *c, struct grubby_change *ret, char **ret_error);
