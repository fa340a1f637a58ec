/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the parts of the config parser share: the per-line parser state, the helpers that read
 * words and numbers and record diagnostics (config_text.c), and each directive's parser
 * (config_claims.c, config_intent.c) for config.c's directive table. Private to lib/parse.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "array.h"
#include "config.h"
#include "macro.h"
#include "parse_error.h"

/* Quoted user text is cut to this many bytes, so a message stays one readable kmsg line. */
#define QUOTE_MAX 48
#define QUOTE_SIZE (QUOTE_MAX + sizeof("...''"))

struct word {
        const char *text; /* NUL-terminated, no blanks */
        unsigned column;
};

/* Earlier claims or keeps by hash, so that a duplicate is found without comparing every pair. */
struct line_index {
        struct line_index_slot {
                uint64_t hash;
                size_t item; /* index in the config's array + 1; 0: an empty slot */
        } * slots;
        size_t capacity; /* 0 or a power of two, never more than half full */
        size_t n;
};

struct parser {
        struct initbind_config *config;
        unsigned line;
        enum config_directive directive;            /* of the current line, for its diagnostics */
        size_t line_first_diagnostic;               /* n_diagnostics when the line began */
        unsigned first_line[_CONFIG_DIRECTIVE_MAX]; /* good or bad, for "duplicate" */
        char *line_start, *next;                    /* the current line (a copy) and the next word */
        unsigned end_column;                        /* just after the last word, for "got end of line" */
        struct line_index claims_seen, keeps_seen;  /* of config->claims and config->keeps */
};

typedef int (*parse_func)(struct parser *p);

/* The directives' parsers: read the rest of the line, record diagnostics, store what is good. */
int config_parse_claim(struct parser *p);
int config_parse_keep(struct parser *p);
int config_parse_lend(struct parser *p);
int config_parse_reset_method(struct parser *p);
int config_parse_rom_check(struct parser *p);
int config_parse_bar_size(struct parser *p);
int config_parse_isolate_cores(struct parser *p);
int config_parse_isolate_cpus(struct parser *p);
int config_parse_isolcpus_flags(struct parser *p);
int config_parse_vfio_pci_options(struct parser *p);
int config_parse_guest_memory(struct parser *p);
int config_parse_keyword(struct parser *p);
/*
 * The claim options of config_claim_options.c (variant=, user=, group=): 1 when word W is none
 * of them, else 0 or -ENOMEM with a diagnostic recorded for a bad one. *SEEN holds the ones given.
 */
int config_parse_claim_more(struct parser *p, const struct word *w, struct config_claim *claim, unsigned *seen);
/* After the last line: a claim by address of a function the file also keeps is dropped. */
int config_drop_kept_claims(struct parser *p);
/* Frees what the claim and keep parsers keep in p between lines. */
void config_claims_index_done(struct parser *p);

/* 'TEXT', cut after QUOTE_MAX bytes (at a character boundary: lines are valid UTF-8). */
const char *config_quote(char buf[static QUOTE_SIZE], const char *s, size_t len);
bool config_strv_contains(const char *const *words, const char *s);
/* What was found at S, for "got ...": a word, one character, or END when nothing is left. */
const char *config_describe_got(char buf[static QUOTE_SIZE], const char *s, const char *end);
/* The candidate a typo most likely meant (at most 2 edits, case ignored), or NULL. */
const char *config_closest(const char *word, size_t len, const char *const *candidates);

/* Appends ITEM to ARRAY of N elements (grown by ARRAY_GROW() only). 0 or -ENOMEM (the array is
 * then unchanged). */
#define APPEND(array, n, item)                                                                                         \
        ({                                                                                                             \
                int _r = ARRAY_GROW(array, n);                                                                         \
                if (_r >= 0)                                                                                           \
                        (array)[(n)++] = (item);                                                                       \
                _r;                                                                                                    \
        })

/* Records a diagnostic. Returns 0, or -ENOMEM. */
_printf_(5, 6) int config_diag_at(struct parser *p, unsigned line, unsigned column, enum config_directive directive,
                                  const char *format, ...);
/* A diagnostic on the line being parsed. */
#define diag(p, column, ...) config_diag_at((p), (p)->line, (column), (p)->directive, __VA_ARGS__)

/* No diagnostic so far on the current line. */
bool config_line_ok(const struct parser *p);
/* The next blank-separated word of the line, false at its end. */
bool config_next_word(struct parser *p, struct word *ret);
/* The directive's argument is missing. */
int config_missing(struct parser *p, const char *expected);
/* Nothing may follow; WHAT says what the directive takes, e.g. "one value". */
int config_expect_end(struct parser *p, const char *what);
/*
 * A parser of this project rejected the text that starts OFFSET bytes into word W, as E says;
 * END is what to say was found when the error is at the end of the text ("end of ID").
 */
int config_bad_value(struct parser *p, const struct word *w, size_t offset, const struct parse_error *e,
                     const char *end);
/* Decimal digits only. -EINVAL without any, -ERANGE above MAX (which is at least 9). */
int config_parse_decimal(const char *s, uint64_t max, uint64_t *ret, size_t *ret_len);
/* The rest of word W from OFFSET must be a number MIN..MAX; else a diagnostic. */
int config_parse_number_word(struct parser *p, const struct word *w, size_t offset, uint64_t min, uint64_t max,
                             const char *expected, const char *end, uint64_t *ret);
/* A size such as 16G: decimal digits and one binary suffix K, M, G or T; else a diagnostic. */
int config_parse_size(struct parser *p, const struct word *w, uint64_t *ret);
/* A comma-separated list of NAMES: bit 1 << index of each, its column in columns[index]. */
int config_parse_flag_list(struct parser *p, const struct word *w, size_t offset, const char *const *names,
                           const char *what, unsigned *ret_flags, unsigned columns[]);
