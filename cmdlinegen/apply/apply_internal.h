/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the boot loader planners (grub.c, sdboot.c) share with apply.c. Not for callers. */
#pragma once

#include "apply.h"
#include "kcmdline.h"
#include "macro.h"
#include "rootdir.h"

/* The request, parsed. */
struct apply_ctx {
        const struct apply_request *req;
        struct rootdir *root;
        struct kcmdline_param *add;
        size_t n_add;
        struct kcmdline_param *remove; /* value NULL with remove_all: every occurrence */
        bool *remove_all;
        size_t n_remove;
        struct kcmdline_param *ours; /* what the state file says we added for this boot loader */
        size_t n_ours;
        struct kcmdline_param *restore; /* values of the user's an apply replaced ("-PARAM" lines) */
        size_t n_restore;
        char *state_old;      /* the state file's contents, NULL when missing */
        char **param_storage; /* the strings the params above point into */
        size_t n_param_storage;
};

/* A file the plan writes: added only when NEW differs from OLD. Takes neither string. */
int apply_plan_add_file(struct apply_plan *p, const char *path, const char *old, const char *new);
int apply_plan_warn(struct apply_plan *p, const char *format, ...) _printf_(2, 3);
/* A NULL-terminated argv from the arguments, NULL-terminated too. */
int apply_plan_set_regenerate(struct apply_plan *p, const char *note, ...);
int apply_strv_push(char ***v, size_t *n, const char *s);
void apply_strv_free(char **v, size_t n);

/*
 * The new command line from OLD: the removals, then (with remove_ours) the state's parameters
 * taken back and the values they had replaced put back, then the additions merged. *ret_error for a line kcmdline refuses to edit.
 */
int apply_line_change(const struct apply_ctx *c, const char *old, char **ret_new, char **ret_error);

/*
 * Record in the plan what OLD_LINE -> NEW_LINE adds (for the state file and the read-back) and
 * plan the state file itself.
 */
int apply_plan_record(struct apply_plan *p, const struct apply_ctx *c, const char *old_line, const char *new_line);

/* Whether the kernel, given line K, uses NAME with VALUE (a hugepage one: the token is there). */
bool apply_line_uses(const struct kcmdline *k, const char *name, const char *value);

/* Whether LINE carries every added parameter and none of the removed ones. */
bool apply_line_satisfies(const struct apply_ctx *c, const char *line);

/* Read PATH below the root; -ENOENT when missing. */
int apply_read_file(const struct rootdir *root, const char *path, char **ret);
/* Whether an executable PATH exists below the root. */
bool apply_has_program(const struct rootdir *root, const char *path);

int apply_grub_plan(const struct apply_ctx *c, struct apply_plan *p, char **ret_error);
int apply_sdboot_plan(const struct apply_ctx *c, struct apply_plan *p, char **ret_error);
/* Whether the default entry of a regenerated configuration carries what the plan wants. */
int apply_grub_verify(const struct apply_plan *p, const struct rootdir *root, char **ret_error);
