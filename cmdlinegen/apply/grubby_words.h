/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A command line as grubby edits it: words split at whitespace (grubby-bls reads "options" into a
 * shell variable and splits it unquoted), and grubby's update_args() on them. Not for callers.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct words {
        char **v; /* NULL-terminated once it holds a word (apply_strv_push) */
        size_t n;
};

void words_done(struct words *w);
/* The words of S; -ENOMEM. */
int words_split(const char *s, struct words *ret);
/* The words joined by single spaces, as grubby writes them back ("echo $args"). */
int words_join(const struct words *w, char **ret);
int words_push(struct words *w, const char *s);
bool words_contain(const struct words *w, const char *s);
/* Whether A and B hold the same words, each as often (the order aside). */
bool words_same(const struct words *a, const struct words *b);

/* The key grubby takes an added word to replace: up to its last '=' ("${arg%=*}"). */
int grubby_arg_key(const char *arg, char **ret);
/* Whether word W is key KEY, bare or with a value: what grubby's patterns for KEY match. */
bool grubby_word_is(const char *w, const char *key);

/*
 * grubby-bls update_args() on W: each word of REMOVE taken out (one with '=': its first
 * occurrence; a bare key: every occurrence, bare or with a value), then every word with the key of
 * a word of ADD, then ADD appended in its order.
 */
int grubby_update_args(struct words *w, const struct words *remove, const struct words *add);

/*
 * The words that turn OLD into NEW through update_args(): ADD, every word of NEW with the key of
 * one OLD lacks (grubby takes all of a key out before it appends; the hugepage keys as one block),
 * and REMOVE, what OLD has that NEW lacks and ADD does not replace.
 */
int grubby_plan_args(const struct words *old, const struct words *new, struct words *add, struct words *remove);
