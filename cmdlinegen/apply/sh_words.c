/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Words of the sh reader (see sh_vars.h): quoting (XCU 2.2), parameter expansion of $NAME and
 * ${NAME} (2.6.2) with the origin of every byte, and the skipping of what is not evaluated
 * (command substitutions). Also the messages with file:line:column.
 */
#include <stdarg.h>

#include "sh_vars_internal.h"

#include "array.h"

void sh_error_done(struct sh_error *e)
{
        if (!e)
                return;
        free(e->file);
        free(e->message);
        *e = (struct sh_error){};
}

char *sh_error_format(const struct sh_error *e)
{
        char *s = NULL;

        if (asprintf(&s, "%s:%u:%u: %s", e->file ? e->file : "?", e->line, e->column,
                     e->message ? e->message : "error") < 0)
                return NULL;
        return s;
}

int sh_error_copy(const struct sh_error *from, struct sh_error *to)
{
        *to = (struct sh_error){ .line = from->line, .column = from->column };
        to->file = from->file ? strdup(from->file) : NULL;
        to->message = from->message ? strdup(from->message) : NULL;
        if ((from->file && !to->file) || (from->message && !to->message)) {
                sh_error_done(to);
                return -ENOMEM;
        }
        return 0;
}

void sh_position(const char *text, size_t offset, unsigned *ret_line, unsigned *ret_column)
{
        unsigned line = 1, column = 1;

        for (size_t k = 0; k < offset && text[k]; k++) {
                if (text[k] == '\n') {
                        line++;
                        column = 1;
                } else
                        column++;
        }
        *ret_line = line;
        *ret_column = column;
}

int sh_error_at(const struct parser *p, size_t offset, struct sh_error *ret, const char *format, ...)
{
        va_list ap;
        char *msg = NULL;
        int n;

        va_start(ap, format);
        n = vasprintf(&msg, format, ap);
        va_end(ap);
        if (n < 0)
                return -ENOMEM;
        sh_error_done(ret);
        ret->file = strdup(p->label);
        if (!ret->file) {
                free(msg);
                return -ENOMEM;
        }
        ret->message = msg;
        sh_position(p->t, offset, &ret->line, &ret->column);
        return 0;
}

void valbuf_done(struct valbuf *b)
{
        free(b->s);
        free(b->o);
        sh_error_done(&b->why);
        *b = (struct valbuf){};
}

static int valbuf_push(struct valbuf *b, char c, struct sh_origin o)
{
        /* once S exists it holds LEN + 1 elements: the bytes and their NUL */
        if ((!b->s && ARRAY_GROW(b->s, 0) < 0) || ARRAY_GROW(b->s, b->len + 1) < 0 || ARRAY_GROW(b->o, b->len) < 0)
                return -ENOMEM;
        b->s[b->len] = c;
        b->o[b->len++] = o;
        return 0;
}

/* The first reason a value is not determinable is the one reported. */
static int valbuf_unknown(struct valbuf *b, const struct parser *p, size_t offset, const char *why)
{
        if (b->unknown)
                return 0;
        b->unknown = true;
        return sh_error_at(p, offset, &b->why, "%s", why);
}

static int valbuf_unknown_from(struct valbuf *b, const struct sh_error *why)
{
        if (b->unknown)
                return 0;
        b->unknown = true;
        return sh_error_copy(why, &b->why);
}

/* Copy the value of the variable NAME into B, with its origins. */
static int expand_var(struct parser *p, struct valbuf *b, const char *name, size_t len)
{
        const struct sh_var *v = sh_var_find(p->env, name, len);
        int r;

        if (p->env->poisoned)
                return valbuf_unknown_from(b, &p->env->poison);
        if (!v)
                return 0;
        if (v->unknown)
                return valbuf_unknown_from(b, &v->why);
        for (size_t k = 0; k < v->len; k++) {
                r = valbuf_push(b, v->value[k], v->origins[k]);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Skip a command substitution $( ... ) starting at p->i ("$("); nesting and quotes respected. */
static int skip_dollar_paren(struct parser *p)
{
        size_t open = p->i, depth = 0;

        p->i++; /* from '$' to '(' */
        for (;;) {
                char c = p->t[p->i];

                if (c == '\0')
                        return FAIL(p, open, "unterminated $(: no matching ')'");
                if (c == '\\' && p->t[p->i + 1]) {
                        p->i += 2;
                        continue;
                }
                if (c == '\'') {
                        const char *close = strchr(p->t + p->i + 1, '\'');
                        if (!close)
                                return FAIL(p, p->i, "unterminated single quote");
                        p->i = (size_t) (close - p->t) + 1;
                        continue;
                }
                p->i++;
                if (c == '(')
                        depth++;
                else if (c == ')' && --depth == 0)
                        return 0;
        }
}

static int skip_backquote(struct parser *p)
{
        size_t open = p->i;

        for (p->i++;; p->i++) {
                char c = p->t[p->i];
                if (c == '\0')
                        return FAIL(p, open, "unterminated command substitution: no closing '`'");
                if (c == '\\' && p->t[p->i + 1])
                        p->i++;
                else if (c == '`') {
                        p->i++;
                        return 0;
                }
        }
}

/*
 * A '$' at p->i, in quoting Q. Sets *ret_bare_ref_end to the offset after a bare $NAME.
 */
static int read_dollar(struct parser *p, struct valbuf *b, enum sh_quote q, size_t *ret_bare_ref_end)
{
        const char *t = p->t;
        size_t start = p->i;
        char c = t[start + 1];

        if (c == '{') {
                const char *close = strchr(t + start + 2, '}');
                size_t name_len = 0;

                if (!close)
                        return FAIL(p, start, "unterminated ${: no matching '}'");
                while (is_name_char(t[start + 2 + name_len]))
                        name_len++;
                p->i = (size_t) (close - t) + 1;
                if (name_len > 0 && is_name_start(t[start + 2]) && t + start + 2 + name_len == close)
                        return expand_var(p, b, t + start + 2, name_len);
                return valbuf_unknown(b, p, start, "${...} with an operator is not evaluated");
        }
        if (is_name_start(c)) {
                size_t n = 1;
                while (is_name_char(t[start + 1 + n]))
                        n++;
                p->i = start + 1 + n;
                *ret_bare_ref_end = p->i;
                return expand_var(p, b, t + start + 1, n);
        }
        if (c == '(') {
                p->i = start;
                int r = skip_dollar_paren(p);
                if (r < 0)
                        return r;
                return valbuf_unknown(b, p, start, "the value comes from a command substitution");
        }
        if (isdigit((unsigned char) c) || (c && strchr("@*#?$!-", c))) {
                p->i = start + 2;
                return valbuf_unknown(b, p, start, "a positional or special parameter is not evaluated");
        }
        /* a lone '$' is itself */
        p->i = start + 1;
        return valbuf_push(b, '$', (struct sh_origin){ p->file, start, start + 1, q });
}

/* "..." starting at p->i. */
static int read_double_quoted(struct parser *p, struct valbuf *b, size_t *ret_bare_ref_end)
{
        size_t open = p->i;
        int r;

        p->i++;
        for (;;) {
                size_t k = p->i;
                char c = p->t[k];

                if (c == '\0')
                        return FAIL(p, open, "unterminated double quote");
                if (c == '"') {
                        p->i++;
                        return 0;
                }
                if (c == '\\' && p->t[k + 1] == '\n') {
                        p->i += 2; /* line continuation */
                        continue;
                }
                if (c == '\\' && p->t[k + 1] && strchr("$`\"\\", p->t[k + 1])) {
                        r = valbuf_push(b, p->t[k + 1], (struct sh_origin){ p->file, k, k + 2, SH_QUOTE_DOUBLE });
                        p->i += 2;
                } else if (c == '$')
                        r = read_dollar(p, b, SH_QUOTE_DOUBLE, ret_bare_ref_end);
                else if (c == '`') {
                        r = skip_backquote(p);
                        if (r >= 0)
                                r = valbuf_unknown(b, p, k, "the value comes from a command substitution");
                } else {
                        r = valbuf_push(b, c, (struct sh_origin){ p->file, k, k + 1, SH_QUOTE_DOUBLE });
                        p->i++;
                }
                if (r == -EINVAL && p->err) {
                        /* most often the quote was never closed and swallowed what follows */
                        _cleanup_free_ char *inner = sh_error_format(p->err);
                        return FAIL(p, open, "unterminated double quote? inside it: %s", inner ? inner : "?");
                }
                if (r < 0)
                        return r;
        }
}

int sh_read_word(struct parser *p, struct valbuf *b, struct word *w)
{
        size_t bare_ref_end = SIZE_MAX;
        enum sh_quote last = SH_QUOTE_NONE;
        size_t last_close = 0;
        int r;

        *w = (struct word){ .start = p->i, .literal_unquoted = true };
        while (!ends_word(p->t[p->i])) {
                size_t k = p->i;
                char c = p->t[k];

                last = SH_QUOTE_NONE;
                if (c == '\\') {
                        w->literal_unquoted = false;
                        if (p->t[k + 1] == '\n') {
                                p->i += 2;
                                continue;
                        }
                        if (p->t[k + 1] == '\0') {
                                r = valbuf_push(b, '\\', (struct sh_origin){ p->file, k, k + 1, SH_QUOTE_NONE });
                                p->i++;
                        } else {
                                r = valbuf_push(b, p->t[k + 1], (struct sh_origin){ p->file, k, k + 2, SH_QUOTE_NONE });
                                p->i += 2;
                        }
                } else if (c == '\'') {
                        const char *close = strchr(p->t + k + 1, '\'');
                        w->literal_unquoted = false;
                        if (!close)
                                return FAIL(p, k, "unterminated single quote");
                        r = 0;
                        for (size_t m = k + 1; r >= 0 && p->t + m < close; m++)
                                r = valbuf_push(b, p->t[m], (struct sh_origin){ p->file, m, m + 1, SH_QUOTE_SINGLE });
                        p->i = (size_t) (close - p->t) + 1;
                        last = SH_QUOTE_SINGLE;
                        last_close = p->i - 1;
                } else if (c == '"') {
                        w->literal_unquoted = false;
                        r = read_double_quoted(p, b, &bare_ref_end);
                        last = SH_QUOTE_DOUBLE;
                        last_close = p->i - 1;
                } else if (c == '$') {
                        w->literal_unquoted = false;
                        r = read_dollar(p, b, SH_QUOTE_NONE, &bare_ref_end);
                } else if (c == '`') {
                        w->literal_unquoted = false;
                        r = skip_backquote(p);
                        if (r >= 0)
                                r = valbuf_unknown(b, p, k, "the value comes from a command substitution");
                } else if (c == '~' && k == w->start) {
                        w->literal_unquoted = false;
                        r = valbuf_unknown(b, p, k, "tilde expansion is not evaluated");
                        p->i++;
                } else {
                        if (strchr("*?[", c))
                                w->literal_unquoted = false; /* not globbed in an assignment, but not plain */
                        r = valbuf_push(b, c, (struct sh_origin){ p->file, k, k + 1, SH_QUOTE_NONE });
                        p->i++;
                }
                if (r < 0)
                        return r;
        }
        w->end = p->i;
        if (last != SH_QUOTE_NONE) {
                w->append_at = last_close;
                w->append_quote = last;
        } else {
                w->append_at = w->end;
                w->append_quote = SH_QUOTE_NONE;
        }
        w->append_after_bare_ref = bare_ref_end == w->append_at;
        return 0;
}

void sh_skip_blanks(struct parser *p)
{
        for (;;) {
                if (is_blank(p->t[p->i]))
                        p->i++;
                else if (p->t[p->i] == '\\' && p->t[p->i + 1] == '\n')
                        p->i += 2;
                else
                        return;
        }
}

int sh_quote_text(const char *text, enum sh_quote context, char **ret)
{
        size_t n = strlen(text);
        char *out = malloc(4 * n + 3), *o = out;

        if (!out)
                return -ENOMEM;
        if (context == SH_QUOTE_NONE)
                *o++ = '"';
        for (const char *s = text; *s; s++) {
                if (context == SH_QUOTE_SINGLE && *s == '\'') {
                        memcpy(o, "'\\''", 4); /* close, escaped quote, reopen */
                        o += 4;
                        continue;
                }
                if (context != SH_QUOTE_SINGLE && strchr("$`\"\\", *s))
                        *o++ = '\\';
                *o++ = *s;
        }
        if (context == SH_QUOTE_NONE)
                *o++ = '"';
        *o = '\0';
        *ret = out;
        return 0;
}
