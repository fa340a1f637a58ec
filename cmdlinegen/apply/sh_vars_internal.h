/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the three parts of the sh reader share; not for callers (they use sh_vars.h):
 * sh_words.c reads words and expands references, sh_store.c holds the variables and the
 * assignments, sh_vars.c reads commands and decides what each one does to the variables.
 */
#pragma once

#include <ctype.h>
#include <stdint.h>

#include "sh_vars.h"

struct sh_var {
        char *name;
        char *value; /* NUL-terminated */
        size_t len;
        struct sh_origin *origins;
        bool set;
        bool unknown;
        struct sh_error why; /* when unknown */
};

struct sh_env {
        struct sh_var *vars;
        size_t n_vars;
        /* open addressing over vars by name: index + 1, 0 for a free slot; n_slots a power of 2 */
        size_t *slots;
        size_t n_slots;
        struct sh_assignment *assignments;
        size_t n_assignments;
        char **labels;
        size_t n_files;
        bool poisoned; /* after ".", "source" or "eval": nothing is determinable any more */
        struct sh_error poison;
};

/* A value being built while reading a word. */
struct valbuf {
        char *s; /* LEN bytes and a NUL, grown by ARRAY_GROW() */
        size_t len;
        struct sh_origin *o; /* one per byte of S */
        bool unknown;
        struct sh_error why;
};

struct word {
        size_t start, end;
        size_t append_at;
        enum sh_quote append_quote;
        bool append_after_bare_ref;
        bool literal_unquoted;
};

struct parser {
        struct sh_env *env;
        unsigned file;
        const char *label;
        const char *t;
        size_t i;
        unsigned depth;      /* inside if/while/until/for/case/{ }/( ) */
        unsigned case_depth; /* inside case ... esac, where ')' ends a pattern */
        bool conditional;    /* after && || | & in the current list */
        struct sh_error *err;
};

static inline bool is_name_start(char c) { return c == '_' || isalpha((unsigned char) c); }
static inline bool is_name_char(char c) { return c == '_' || isalnum((unsigned char) c); }
static inline bool is_blank(char c) { return c == ' ' || c == '\t'; }
/* Characters that end an unquoted word (XCU 2.3: operators and blanks). */
static inline bool ends_word(char c) { return c == '\0' || c == '\n' || is_blank(c) || strchr(";&|()<>", c); }

/* sh_words.c */
int sh_error_copy(const struct sh_error *from, struct sh_error *to);
/* *RET says FORMAT at byte OFFSET of the file P reads. */
int sh_error_at(const struct parser *p, size_t offset, struct sh_error *ret, const char *format, ...) _printf_(4, 5);
/* A hard error: the text cannot be read past this point. */
#define FAIL(p, offset, ...)                                                                                           \
        ({                                                                                                             \
                int _r = -EINVAL;                                                                                      \
                if ((p)->err && sh_error_at((p), (offset), (p)->err, __VA_ARGS__) < 0)                                 \
                        _r = -ENOMEM;                                                                                  \
                _r;                                                                                                    \
        })
void valbuf_done(struct valbuf *b);
/* One word from p->i, its value into B. */
int sh_read_word(struct parser *p, struct valbuf *b, struct word *w);
void sh_skip_blanks(struct parser *p);

/* sh_store.c */
struct sh_var *sh_var_find(const struct sh_env *env, const char *name, size_t len);
int sh_var_get_or_add(struct sh_env *env, const char *name, size_t len, struct sh_var **ret);
void sh_var_clear(struct sh_var *v);
/* NAME takes the value in B (moved out of it). */
int sh_var_assign(struct sh_env *env, const char *name, size_t name_len, struct valbuf *b);
/* The assignment NAME=W at NAME_START of the file P reads, for sh_env_last_assignment(). */
int sh_record_assignment(struct parser *p, size_t name_start, size_t name_len, const struct word *w);
