/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The variables a sequence of sh files leaves behind when sourced one after the other, as
 * grub-mkconfig sources /etc/default/grub and then the *.cfg files of /etc/default/grub.d: for reading the
 * kernel command line GRUB will use and for editing it in place.
 *
 * It reads the subset of sh such files are written in: comments, assignments (several per line,
 * after "export" or "readonly"), '' and "" quoting, backslash escapes and line continuations,
 * $VAR and ${VAR} references. Everything else is understood only as far as needed to stay
 * honest: a value that depends on a command substitution, on ${VAR:-...}, on an assignment inside
 * if/case/a function, after && or ||, or on a sourced file or eval is "not determinable", with the
 * file:line:column that makes it so. Reading such a variable is refused; other variables stay
 * readable (Debian's GRUB_DISTRIBUTOR=`lsb_release ...` does not stop GRUB_CMDLINE_LINUX_DEFAULT).
 * Nothing is ever executed.
 *
 * Every byte of a value remembers where it came from (file, byte range, quoting), through any
 * number of references, so that an edit of the value can be mapped back onto the files.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "macro.h"

enum sh_quote {
        SH_QUOTE_NONE,   /* unquoted */
        SH_QUOTE_SINGLE, /* inside '...' */
        SH_QUOTE_DOUBLE, /* inside "..." */
};

/* Where one byte of a value was written: bytes [raw_start, raw_end) of file number FILE. */
struct sh_origin {
        unsigned file;
        size_t raw_start, raw_end; /* "\$" is two raw bytes for one value byte */
        enum sh_quote quote;
};

/* A position for messages, 1-based. */
struct sh_error {
        char *file;
        unsigned line, column;
        char *message;
};
void sh_error_done(struct sh_error *e);
/* "FILE:LINE:COLUMN: MESSAGE" (malloc'd), or NULL when out of memory. */
char *sh_error_format(const struct sh_error *e);

/* One assignment VAR=WORD as written at the top level of a file. */
struct sh_assignment {
        char *name;
        unsigned file;
        size_t name_start;           /* offset of the name */
        size_t word_start, word_end; /* the WORD after '=' */
        /*
         * Where text appended to the value goes: before the closing quote of a word that ends
         * quoted, else at word_end; in which quoting; and whether a bare $NAME ends right there
         * (text starting with a name character would then extend the name).
         */
        size_t append_at;
        enum sh_quote append_quote;
        bool append_after_bare_ref;
        bool literal_unquoted; /* the word is plain unquoted text: no quotes, escapes or $ */
};

struct sh_env;

int sh_env_new(struct sh_env **ret);
struct sh_env *sh_env_free(struct sh_env *env);
static inline void sh_env_freep(struct sh_env **e) { sh_env_free(*e); }
#define _cleanup_sh_env_ _cleanup_(sh_env_freep)

/*
 * Source TEXT (a NUL-terminated file) labelled LABEL ("/etc/default/grub") into ENV. Files are
 * numbered 0, 1, ... in the order they are run. Returns 0; -EINVAL for text it cannot read past
 * (an unterminated quote, ${ or $(, a here-document), with *ret_error filled (if non-NULL);
 * -ENOMEM.
 */
int sh_env_run(struct sh_env *env, const char *label, const char *text, struct sh_error *ret_error);

/*
 * The value of NAME after every file run so far: *ret_value borrowed from env (NUL-terminated,
 * "" for an unset variable), *ret_origins one per byte (NULL when empty), *ret_set whether it
 * was ever assigned. -EINVAL when the value is not determinable, with *ret_error saying where
 * and why. -ENOMEM.
 */
int sh_env_get(const struct sh_env *env, const char *name, const char **ret_value, const struct sh_origin **ret_origins,
               bool *ret_set, struct sh_error *ret_error);

/*
 * The last unconditional assignment to NAME in file number FILE (SH_ANY_FILE: in any file), or
 * NULL when there is none.
 */
#define SH_ANY_FILE ((unsigned) -1)
const struct sh_assignment *sh_env_last_assignment(const struct sh_env *env, const char *name, unsigned file);

/* TEXT quoted for a context: inside "...", inside '...', or unquoted (then wrapped in "..."). */
int sh_quote_text(const char *text, enum sh_quote context, char **ret);

/* 1-based line and column of byte OFFSET of TEXT. */
void sh_position(const char *text, size_t offset, unsigned *ret_line, unsigned *ret_column);

/*
 * How many bytes of all variables' values came from the bytes at O (same file and raw start):
 * more than one means editing them there would change another value, or this one twice.
 */
size_t sh_env_origin_uses(const struct sh_env *env, const struct sh_origin *o);
