/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The request parsed, and the change it makes to a command line: what the back ends share. */
#pragma once

#include "apply.h"
#include "kcmdline.h"
#include "macro.h"
#include "rootdir.h"

/* What the state file records for one file of its own (a systemd-boot loader entry). */
struct apply_scope {
        const char *file; /* below the root; in param_storage */
        struct kcmdline_param *ours;
        size_t n_ours;
        struct kcmdline_param *restore;
        size_t n_restore;
};

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
        struct apply_scope *scopes; /* the files recorded apart from the main one (see apply_state.h) */
        size_t n_scopes;
        char *state_old;      /* the state file's contents, NULL when missing */
        char **param_storage; /* the strings the params above point into */
        size_t n_param_storage;
};

/* Parse REQ's parameters into C (ROOT borrowed); -EINVAL with *ret_error for an empty name. */
int apply_ctx_init(struct apply_ctx *c, const struct apply_request *req, struct rootdir *root, char **ret_error);
void apply_ctx_done(struct apply_ctx *c);
/* "name=value" or "name" into *RET, its strings kept in C; -EINVAL for an empty name. */
int apply_ctx_param(struct apply_ctx *c, const char *s, struct kcmdline_param *ret, bool *ret_has_value);

/*
 * The new command line from OLD: the removals, then (with remove_ours) the state's parameters
 * taken back and the values they had replaced put back, then the additions merged. *ret_error
 * for a line kcmdline refuses to edit.
 */
int apply_line_change(const struct apply_ctx *c, const char *old, char **ret_new, char **ret_error);

/* Whether the kernel, given line K, uses NAME with VALUE (a hugepage one: the token is there). */
bool apply_line_uses(const struct kcmdline *k, const char *name, const char *value);
/* Whether the line indexed by X has a token NAME with exactly VALUE (NULL: without '='). */
bool apply_line_has_token(const struct kcmdline_index *x, const char *name, const char *value);
/* Whether LINE carries every added parameter and none of the removed ones. */
bool apply_line_satisfies(const struct apply_ctx *c, const char *line);

/* Read PATH below the root; -ENOENT when missing, -EBADMSG when it holds a NUL byte. */
int apply_read_file(const struct rootdir *root, const char *path, char **ret);
/* Whether an executable PATH exists below the root. */
bool apply_has_program(const struct rootdir *root, const char *path);
