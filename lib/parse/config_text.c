/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The config parser's text helpers: UTF-8, quoting, suggestions, words, numbers, diagnostics. */

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_parser.h"
#include "utf8.h"

/* 'TEXT', cut after QUOTE_MAX bytes (at a character boundary: lines are valid UTF-8). */
const char *config_quote(char buf[static QUOTE_SIZE], const char *s, size_t len)
{
        bool cut = len > QUOTE_MAX;

        if (cut) {
                len = QUOTE_MAX;
                while (len > 0 && ((unsigned char) s[len] & 0xc0) == 0x80)
                        len--;
        }
        snprintf(buf, QUOTE_SIZE, "'%.*s%s'", (int) len, s, cut ? "..." : "");
        return buf;
}

bool config_strv_contains(const char *const *words, const char *s)
{
        for (; *words; words++)
                if (streq(*words, s))
                        return true;
        return false;
}

/* "a, b or c" from a NULL-terminated list of words. */
const char *config_join_or(char *buf, size_t size, const char *const *words)
{
        size_t len = 0;

        buf[0] = '\0';
        for (size_t i = 0; words[i] && len < size; i++)
                len += (size_t) snprintf(buf + len, size - len, "%s%s",
                                         i == 0         ? ""
                                         : words[i + 1] ? ", "
                                                        : " or ",
                                         words[i]);
        return buf;
}

unsigned config_flag_from_word(const char *const *words, const char *word, size_t len)
{
        for (unsigned i = 0; words[i]; i++)
                if (strlen(words[i]) == len && strncmp(words[i], word, len) == 0)
                        return 1u << i;
        return 0;
}

static bool is_word_char(char c)
{
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

/*
 * What was found at S, for "got ...": a run of letters and digits ("'9000'", "'GB'"), or one
 * character ("'.'"), or END ("end of address") when nothing is left.
 */
const char *config_describe_got(char buf[static QUOTE_SIZE], const char *s, const char *end)
{
        size_t n = 0;

        if (*s == '\0')
                return end;
        if (*s == '#')
                return "'#' (a comment needs a blank before it)";
        while (is_word_char(s[n]))
                n++;
        return config_quote(buf, s, n > 0 ? n : utf8_next(s, strlen(s)).length);
}

static unsigned edit_distance_nocase(const char *a, size_t la, const char *b)
{
        unsigned row[33], lb = (unsigned) strlen(b);

        if (la >= ELEMENTSOF(row) || lb >= ELEMENTSOF(row))
                return UINT_MAX; /* not worth a suggestion */
        for (unsigned j = 0; j <= lb; j++)
                row[j] = j;
        for (size_t i = 1; i <= la; i++) {
                unsigned diagonal = row[0];
                row[0] = (unsigned) i;
                for (unsigned j = 1; j <= lb; j++) {
                        unsigned above = row[j];
                        unsigned cost = strncasecmp(a + i - 1, b + j - 1, 1) != 0;
                        unsigned best = diagonal + cost;
                        if (above + 1 < best)
                                best = above + 1;
                        if (row[j - 1] + 1 < best)
                                best = row[j - 1] + 1;
                        row[j] = best;
                        diagonal = above;
                }
        }
        return row[lb];
}

/* The candidate a typo most likely meant (at most 2 edits, case ignored), or NULL. */
const char *config_closest(const char *word, size_t len, const char *const *candidates)
{
        const char *best = NULL;
        unsigned best_distance = 3;

        for (; *candidates; candidates++) {
                unsigned d = edit_distance_nocase(word, len, *candidates);
                if (d < best_distance) {
                        best = *candidates;
                        best_distance = d;
                }
        }
        return best;
}

/* Records a diagnostic. Returns 0, or -ENOMEM. */
int config_diag_at(struct parser *p, unsigned line, unsigned column, enum config_directive directive,
                   const char *format, ...)
{
        struct config_diagnostic d = { .line = line, .column = column, .directive = directive };
        va_list ap;
        int r;

        va_start(ap, format);
        r = vasprintf(&d.message, format, ap);
        va_end(ap);
        if (r < 0)
                return -ENOMEM;
        if (APPEND(p->config->diagnostics, p->config->n_diagnostics, d) < 0) {
                free(d.message);
                return -ENOMEM;
        }
        return 0;
}

bool config_line_ok(const struct parser *p) { return p->config->n_diagnostics == p->line_first_diagnostic; }

bool config_next_word(struct parser *p, struct word *ret)
{
        char *s = p->next;

        while (*s == ' ' || *s == '\t')
                s++;
        if (*s == '\0') {
                p->next = s;
                return false;
        }
        ret->text = s;
        ret->column = (unsigned) (s - p->line_start) + 1;
        while (*s != '\0' && *s != ' ' && *s != '\t')
                s++;
        if (*s != '\0')
                *s++ = '\0';
        p->next = s;
        return true;
}

/* The directive's argument is missing. */
int config_missing(struct parser *p, const char *expected)
{
        return diag(p, p->end_column, "expected %s after '%s', got end of line", expected,
                    config_directive_to_string(p->directive));
}

/* Nothing may follow; WHAT says what the directive takes, e.g. "one value". */
int config_expect_end(struct parser *p, const char *what)
{
        char q[QUOTE_SIZE];
        struct word w;

        if (!config_next_word(p, &w))
                return 0;
        return diag(p, w.column, "expected end of line, got %s ('%s' takes %s)",
                    config_quote(q, w.text, strlen(w.text)), config_directive_to_string(p->directive), what);
}

/*
 * A parser of this project rejected the text at VALUE (which starts OFFSET bytes into word W)
 * at byte POS, saying what it EXPECTED there.
 */
int config_bad_value(struct parser *p, const struct word *w, size_t offset, const struct parse_error *e,
                     const char *end)
{
        const char *value = w->text + offset;
        size_t pos = e->offset;
        char q[QUOTE_SIZE];

        if (pos > strlen(value))
                pos = strlen(value);
        return diag(p, w->column + (unsigned) (offset + pos), "expected %s, got %s",
                    e->expected ? e->expected : "something else", config_describe_got(q, value + pos, end));
}

/*
 * Decimal digits only; *ret_len is the number of digits. -EINVAL without any, -ERANGE above MAX
 * (which is at least 9).
 */
int config_parse_decimal(const char *s, uint64_t max, uint64_t *ret, size_t *ret_len)
{
        uint64_t v = 0;
        bool too_large = false;
        size_t n = 0;

        for (; s[n] >= '0' && s[n] <= '9'; n++) {
                unsigned digit = (unsigned) (s[n] - '0');
                if (too_large || v > (max - digit) / 10)
                        too_large = true;
                else
                        v = v * 10 + digit;
        }
        *ret_len = n;
        if (n == 0)
                return -EINVAL;
        if (too_large)
                return -ERANGE;
        *ret = v;
        return 0;
}

/*
 * The rest of word W from OFFSET must be a number MIN..MAX. On a mistake the diagnostic says
 * "expected EXPECTED, got 'TEXT'" (or END when empty) at the first character that is not a
 * digit, or at the start of a number out of range.
 */
int config_parse_number_word(struct parser *p, const struct word *w, size_t offset, uint64_t min, uint64_t max,
                             const char *expected, const char *end, uint64_t *ret)
{
        const char *s = w->text + offset;
        const char *got;
        char q[QUOTE_SIZE];
        uint64_t v = 0;
        size_t n;
        int r;

        r = config_parse_decimal(s, max, &v, &n);
        got = *s ? config_quote(q, s, strlen(s)) : end;
        if (r == -EINVAL || (r == 0 && s[n] != '\0'))
                return diag(p, w->column + (unsigned) (offset + n), "expected %s, got %s", expected, got);
        if (r == -ERANGE || v < min || s[n] != '\0')
                return diag(p, w->column + (unsigned) offset, "expected %s, got %s", expected, got);
        *ret = v;
        return 0;
}

/*
 * A comma-separated list of NAMES: sets bit 1 << index for each in *ret_flags and the column of
 * each in columns[index]. WHAT names one entry in messages ("permission").
 */
int config_parse_flag_list(struct parser *p, const struct word *w, size_t offset, const char *const *names,
                           const char *what, unsigned *ret_flags, unsigned columns[])
{
        char buf[128], q[QUOTE_SIZE];
        const char *s = w->text + offset, *expected = config_join_or(buf, sizeof(buf), names);
        unsigned flags = 0;
        size_t n_names = 0;
        int r;

        while (names[n_names])
                n_names++;

        for (;;) {
                size_t len = strcspn(s, ","), i;
                unsigned column = w->column + (unsigned) (s - w->text);

                if (len == 0)
                        r = diag(p, column, "expected %s, got %s", expected, *s == ',' ? "','" : "end of list");
                else {
                        for (i = 0; i < n_names; i++)
                                if (strlen(names[i]) == len && strncmp(s, names[i], len) == 0)
                                        break;
                        if (i == n_names)
                                r = diag(p, column, "unknown %s %s: expected %s", what, config_quote(q, s, len),
                                         expected);
                        else if (flags & (1u << i))
                                r = diag(p, column, "%s '%s' given twice", what, names[i]);
                        else {
                                flags |= 1u << i;
                                columns[i] = column;
                                r = 0;
                        }
                }
                if (r < 0)
                        return r;
                if (s[len] == '\0')
                        break;
                s += len + 1;
        }
        *ret_flags = flags;
        return 0;
}
