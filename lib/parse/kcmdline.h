/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The kernel command line as the kernel itself reads it, for cmdlinegen to propose edits and for
 * initbind to read /proc/cmdline.
 *
 * Tokenizing follows next_arg() (lib/cmdline.c) and parse_args() (kernel/params.c): tokens are
 * separated by the kernel's isspace() (which, unlike glibc's, includes byte 0xA0), a double quote
 * anywhere toggles "inside quotes", a quote at the very start of a token or of its value is removed
 * with the token's last character when that is a quote, and the first bare "--" ends the kernel's
 * parameters: what follows goes to init (init/main.c, "Setting init args") and is kept verbatim
 * here but never matched. Names compare with '-' equal to '_' (parameq()).
 *
 * Every token keeps its original bytes and the whitespace before it, so formatting an untouched
 * line gives back the same bytes; edits touch only the tokens they change.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hugepage_params.h"
#include "macro.h"
#include "parse_error.h"

/* x86 COMMAND_LINE_SIZE (arch/x86/include/asm/setup.h): includes the NUL, longer lines are cut. */
#define KCMDLINE_SIZE 2048
#define KCMDLINE_MAX_LEN (KCMDLINE_SIZE - 1)

enum {
        /*
         * Accept an unterminated quote the way the kernel does: the token then runs to the end
         * of the line. Without it (strict), such a line is -EINVAL: that is for user input we
         * validate before writing it to a boot loader configuration.
         */
        KCMDLINE_PARSE_LENIENT = 1 << 0,
};

struct kcmdline_token {
        char *original;      /* the token's bytes exactly as found, quotes included */
        char *separator;     /* whitespace before the token ("" for a token at the start) */
        char *name;          /* quotes removed as next_arg() removes them */
        char *value;         /* likewise; NULL when !has_value */
        bool has_value;      /* there was a '=' (not as the first character, see next_arg()) */
        bool is_dashdash;    /* the "--" that ends the kernel's parameters */
        bool after_dashdash; /* an argument for init: never a kernel parameter */
};

struct kcmdline {
        struct kcmdline_token *tokens;
        size_t n_tokens;
        size_t n_allocated; /* room in tokens */
        char *trailing;     /* whitespace after the last token, e.g. the "\n" of /proc/cmdline */
};

/* A parameter to apply or take back: value NULL means a bare flag ("quiet"). */
struct kcmdline_param {
        const char *name;
        const char *value;
};

/*
 * Which occurrence of a repeated parameter the kernel uses. Looked up by name in a table in
 * kcmdline.c; everything not in it (module parameters included) is last-wins.
 */
enum kcmdline_dup_rule {
        KCMDLINE_DUP_LAST_WINS,
        KCMDLINE_DUP_FIRST_WINS,
        KCMDLINE_DUP_POSITIONAL, /* hugepagesz=/hugepages=: meaning depends on the order */
};

/*
 * Parse s (NULL is taken as ""). flags: KCMDLINE_PARSE_*. Returns 0 and a new line in *ret;
 * -EINVAL for an unterminated quote in strict mode, with *ret_error (if non-NULL) at the byte
 * offset of the opening quote; -ENOMEM.
 */
int kcmdline_parse(const char *s, unsigned flags, struct kcmdline **ret, struct parse_error *ret_error);
struct kcmdline *kcmdline_free(struct kcmdline *k);
static inline void kcmdline_freep(struct kcmdline **k) { kcmdline_free(*k); }
#define _cleanup_kcmdline_ _cleanup_(kcmdline_freep)

/* Deep copy. Returns 0 or -ENOMEM. */
int kcmdline_copy(const struct kcmdline *k, struct kcmdline **ret);

/* The line back as a string (malloc'd), untouched tokens byte for byte. 0 or -ENOMEM. */
int kcmdline_format(const struct kcmdline *k, char **ret);

/*
 * Length the kernel would see: the formatted line without trailing whitespace (the "\n" that
 * /proc/cmdline adds is not part of the command line).
 */
size_t kcmdline_length(const struct kcmdline *k);

/*
 * 0 when the line plus reserve bytes fits in KCMDLINE_MAX_LEN, else -E2BIG. reserve is for what
 * the boot loader adds on its own (GRUB prepends "BOOT_IMAGE=/vmlinuz-... ").
 */
int kcmdline_check_length(const struct kcmdline *k, size_t reserve);

/* parameq(): equal when equal after mapping every '-' to '_'. */
bool kcmdline_name_equal(const char *a, const char *b);
enum kcmdline_dup_rule kcmdline_dup_rule(const char *name);
/* default_hugepagesz, hugepagesz, hugepages: the ordered group kcmdline_set_hugepages() owns. */
bool kcmdline_is_hugepage_param(const char *name);

/*
 * The following look only at kernel parameters (before "--"). A parameter the kernel registers
 * with "name=" (isolcpus=, nohz_full=, the hugepage ones) is not matched by a bare "name".
 */
size_t kcmdline_count(const struct kcmdline *k, const char *name);
bool kcmdline_contains(const struct kcmdline *k, const char *name);

/*
 * The occurrence the kernel uses, by the parameter's duplicate rule. *ret_value (if non-NULL) is
 * borrowed from k and is NULL for a bare flag. -ENOENT when absent; -ENOTUNIQ for a positional
 * parameter present more than once (read those with kcmdline_get_hugepages()).
 */
int kcmdline_get(const struct kcmdline *k, const char *name, const char **ret_value);

/* Every occurrence in order, as a malloc'd array of borrowed tokens. 0 (also when none) or -ENOMEM. */
int kcmdline_get_all(const struct kcmdline *k, const char *name, const struct kcmdline_token ***ret, size_t *ret_n);

/*
 * K's kernel parameters sorted by name, for looking up many names in one long line:
 * kcmdline_get_all() scans the whole line for each. Borrows K, which must not change meanwhile.
 */
struct kcmdline_index {
        const struct kcmdline_token **tokens;
        size_t n;
};
/* 0 or -ENOMEM. O(n log n). */
int kcmdline_index_build(const struct kcmdline *k, struct kcmdline_index *ret);
void kcmdline_index_done(struct kcmdline_index *x);
/* What kcmdline_get_all() gives for NAME, in order, borrowed from X: their count, *ret the first. */
size_t kcmdline_index_get_all(const struct kcmdline_index *x, const char *name,
                              const struct kcmdline_token *const **ret);

/*
 * Make name[=value] the only occurrence: the first occurrence is rewritten in place and the
 * others removed, or the parameter is appended after the last kernel parameter (before "--").
 * A value with whitespace is quoted. -EINVAL for a name that is empty, "--" or contains
 * whitespace, '=' or '"', for a value with '"' (the kernel has no escape for it), and for the
 * hugepage parameters (use kcmdline_set_hugepages()). Returns 1 when the line changed, 0 when
 * it already was the only occurrence with that value (its bytes are then left alone), or
 * -ENOMEM. A rewritten token keeps the line's spelling of the name (vfio_pci vs vfio-pci).
 * A line with an unterminated quote (parsed leniently) is -EINVAL: what is appended would end
 * up inside the quote. The same holds for kcmdline_set_hugepages() and kcmdline_merge().
 */
int kcmdline_set(struct kcmdline *k, const char *name, const char *value);

/* Remove every occurrence. Returns how many were removed. */
int kcmdline_remove(struct kcmdline *k, const char *name);

/* Remove the occurrences with exactly this value (NULL: bare ones). Returns how many. */
int kcmdline_remove_value(struct kcmdline *k, const char *name, const char *value);

/*
 * For cmdlinegen: apply params so that the kernel uses exactly these values. Each non-hugepage
 * parameter is set as by kcmdline_set() (so an earlier first-wins occurrence or a duplicate
 * cannot shadow it). When params contain hugepage parameters (values checked as by
 * kcmdline_set_hugepages()), they replace all existing ones as one block, in the order given. All or nothing: on error k is unchanged. Returns a positive
 * number when the line changed (one per parameter set, one for the hugepage block), 0 when
 * everything was already in place, or -EINVAL / -ENOMEM.
 */
int kcmdline_merge(struct kcmdline *k, const struct kcmdline_param *params, size_t n);

/*
 * Take back exactly these name=value pairs (what an earlier merge added) and nothing else: a
 * parameter with another value stays. Returns the number of tokens removed.
 */
int kcmdline_unmerge(struct kcmdline *k, const struct kcmdline_param *params, size_t n);
