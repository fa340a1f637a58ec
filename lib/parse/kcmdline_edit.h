/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What kcmdline.c, kcmdline_edit.c and hugepage_params.c share: the token primitives edits are
 * made of, and the hugepage checks kcmdline_merge() needs. Private to lib/parse: callers use
 * kcmdline.h.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "kcmdline.h"

/* The kernel's isspace() (lib/ctype.c), 0xA0 included. */
bool kcmdline_isspace(char c);

/* Index of the "--" token, or n_tokens: everything before it is a kernel parameter. */
size_t kcmdline_kernel_end(const struct kcmdline *k);

/* Room for n tokens, grown by doubling. 0 or -ENOMEM. */
int kcmdline_tokens_reserve(struct kcmdline *k, size_t n);
/* Registered as __setup("name="): a bare "name" never reaches the kernel's handler. */
bool kcmdline_needs_value(const char *name);
/*
 * Whether t is an occurrence of name as the kernel sees it (kernel_view) or by name alone, which
 * is what removal uses so that no stray spelling is left behind.
 */
bool kcmdline_token_matches(const struct kcmdline_token *t, const char *name, bool kernel_view);

/* A new token for name[=value], quoting a value with whitespace. 0 or -ENOMEM. */
int kcmdline_token_new(const char *name, const char *value, struct kcmdline_token *ret);
void kcmdline_token_done(struct kcmdline_token *t);
/* Insert t at idx, taking ownership of its contents. 0 or -ENOMEM. */
int kcmdline_insert_token(struct kcmdline *k, size_t idx, struct kcmdline_token *t);
void kcmdline_delete_token(struct kcmdline *k, size_t idx);

/* A leniently parsed line whose last quote is open: edits refuse it. */
bool kcmdline_has_unterminated_quote(const struct kcmdline *k);
/* Edits that must not leave k half done run on a copy which then takes k's place. */
void kcmdline_swap(struct kcmdline *a, struct kcmdline *b);

/* The forms we write: "N" or "node:N[,node:N...]"; a size memparse() reads completely. */
bool hugepage_count_valid(const char *s);
bool hugepage_size_valid(const char *s);
/*
 * Replace every hugepage parameter before "--" with block, in order, where the first old one
 * stood. 1 when the line changed, 0 when block was already there exactly, or -ENOMEM.
 */
int hugepage_block_replace(struct kcmdline *k, const struct kcmdline_param *block, size_t n);
