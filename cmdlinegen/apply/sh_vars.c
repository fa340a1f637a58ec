/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A reader for the sh subset of /etc/default/grub and its drop-ins; see sh_vars.h. It follows
 * POSIX sh (XCU 2.2 quoting, 2.6.2 parameter expansion, 2.9.1 simple commands) for what it
 * evaluates and only tracks structure (if/case/loops/functions, && ||, subshells) for the rest.
 */
#include "sh_vars.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>

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
        struct sh_assignment *assignments;
        size_t n_assignments;
        char **labels;
        size_t n_files;
        bool poisoned; /* after ".", "source" or "eval": nothing is determinable any more */
        struct sh_error poison;
};

/* A value being built while reading a word. */
struct valbuf {
        char *s;
        size_t len, cap;
        struct sh_origin *o;
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

static int sh_error_copy(const struct sh_error *from, struct sh_error *to)
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

static int error_at(const struct parser *p, size_t offset, struct sh_error *ret, const char *format, ...)
        _printf_(4, 5);
static int error_at(const struct parser *p, size_t offset, struct sh_error *ret, const char *format, ...)
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

/* A hard error: the text cannot be read past this point. */
#define FAIL(p, offset, ...)                                                                                           \
        ({                                                                                                             \
                int _r = -EINVAL;                                                                                      \
                if ((p)->err && error_at((p), (offset), (p)->err, __VA_ARGS__) < 0)                                    \
                        _r = -ENOMEM;                                                                                  \
                _r;                                                                                                    \
        })

static void valbuf_done(struct valbuf *b)
{
        free(b->s);
        free(b->o);
        sh_error_done(&b->why);
        *b = (struct valbuf){};
}

static int valbuf_push(struct valbuf *b, char c, struct sh_origin o)
{
        if (b->len + 2 > b->cap) {
                size_t cap = b->cap ? 2 * b->cap : 64;
                char *s = realloc(b->s, cap);
                if (!s)
                        return -ENOMEM;
                b->s = s;
                struct sh_origin *no = realloc(b->o, cap * sizeof(*no));
                if (!no)
                        return -ENOMEM;
                b->o = no;
                b->cap = cap;
        }
        b->s[b->len] = c;
        b->o[b->len++] = o;
        b->s[b->len] = '\0';
        return 0;
}

/* The first reason a value is not determinable is the one reported. */
static int valbuf_unknown(struct valbuf *b, const struct parser *p, size_t offset, const char *why)
{
        if (b->unknown)
                return 0;
        b->unknown = true;
        return error_at(p, offset, &b->why, "%s", why);
}

static int valbuf_unknown_from(struct valbuf *b, const struct sh_error *why)
{
        if (b->unknown)
                return 0;
        b->unknown = true;
        return sh_error_copy(why, &b->why);
}

static bool is_name_start(char c) { return c == '_' || isalpha((unsigned char) c); }

static bool is_name_char(char c) { return c == '_' || isalnum((unsigned char) c); }

static bool is_blank(char c) { return c == ' ' || c == '\t'; }

/* Characters that end an unquoted word (XCU 2.3: operators and blanks). */
static bool ends_word(char c) { return c == '\0' || c == '\n' || is_blank(c) || strchr(";&|()<>", c); }

/* Where a command ends: an operator or newline, or a comment starting where a word would. */
static bool at_command_end(const struct parser *p) { return ends_word(p->t[p->i]) || p->t[p->i] == '#'; }

static struct sh_var *var_find(const struct sh_env *env, const char *name, size_t len)
{
        for (size_t k = 0; k < env->n_vars; k++)
                if (strlen(env->vars[k].name) == len && strncmp(env->vars[k].name, name, len) == 0)
                        return &env->vars[k];
        return NULL;
}

static int var_get_or_add(struct sh_env *env, const char *name, size_t len, struct sh_var **ret)
{
        struct sh_var *v = var_find(env, name, len);

        if (!v) {
                struct sh_var *g = realloc(env->vars, (env->n_vars + 1) * sizeof(*g));
                if (!g)
                        return -ENOMEM;
                env->vars = g;
                v = &env->vars[env->n_vars];
                *v = (struct sh_var){ .name = strndup(name, len), .value = strdup("") };
                if (!v->name || !v->value) {
                        free(v->name);
                        free(v->value);
                        return -ENOMEM;
                }
                env->n_vars++;
        }
        *ret = v;
        return 0;
}

static void var_clear(struct sh_var *v)
{
        free(v->value);
        free(v->origins);
        sh_error_done(&v->why);
        v->value = NULL;
        v->origins = NULL;
        v->len = 0;
        v->unknown = false;
}

/* NAME takes the value in B (moved out of it). */
static int var_assign(struct sh_env *env, const char *name, size_t name_len, struct valbuf *b)
{
        struct sh_var *v;
        int r = var_get_or_add(env, name, name_len, &v);

        if (r < 0)
                return r;
        var_clear(v);
        v->set = true;
        if (b->unknown) {
                v->unknown = true;
                v->why = b->why;
                b->why = (struct sh_error){};
        }
        v->value = b->s ? b->s : strdup("");
        if (!v->value)
                return -ENOMEM;
        v->len = b->len;
        v->origins = b->o;
        b->s = NULL;
        b->o = NULL;
        b->len = b->cap = 0;
        return 0;
}

static int var_mark_unknown(struct parser *p, const char *name, size_t len, size_t offset, const char *why)
{
        struct sh_var *v;
        int r = var_get_or_add(p->env, name, len, &v);

        if (r < 0)
                return r;
        var_clear(v);
        v->value = strdup("");
        if (!v->value)
                return -ENOMEM;
        v->set = true;
        v->unknown = true;
        return error_at(p, offset, &v->why, "%.*s %s", (int) len, name, why);
}

/* Copy the value of the variable NAME into B, with its origins. */
static int expand_var(struct parser *p, struct valbuf *b, const char *name, size_t len)
{
        const struct sh_var *v = var_find(p->env, name, len);
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

/* One word from p->i, its value into B. */
static int read_word(struct parser *p, struct valbuf *b, struct word *w)
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

static void skip_blanks(struct parser *p)
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

/* Length of NAME in "NAME=..." at S, or 0 when S is not an assignment word. */
static size_t assignment_name_len(const char *s)
{
        size_t n = 0;

        if (!is_name_start(s[0]))
                return 0;
        while (is_name_char(s[n]))
                n++;
        return s[n] == '=' ? n : 0;
}

static bool word_is(const struct word *w, const struct valbuf *b, const char *s)
{
        return w->literal_unquoted && b->s && streq(b->s, s);
}

static int record_assignment(struct parser *p, size_t name_start, size_t name_len, const struct word *w)
{
        struct sh_env *env = p->env;
        struct sh_assignment *g = realloc(env->assignments, (env->n_assignments + 1) * sizeof(*g));

        if (!g)
                return -ENOMEM;
        env->assignments = g;
        g[env->n_assignments] = (struct sh_assignment){
                .name = strndup(p->t + name_start, name_len),
                .file = p->file,
                .name_start = name_start,
                .word_start = w->start,
                .word_end = w->end,
                .append_at = w->append_at,
                .append_quote = w->append_quote,
                .append_after_bare_ref = w->append_after_bare_ref,
                .literal_unquoted = w->literal_unquoted,
        };
        if (!g[env->n_assignments].name)
                return -ENOMEM;
        env->n_assignments++;
        return 0;
}

/* NAME=WORD at p->i (name_len known); applied now unless a command follows (then it is not kept). */
struct pending {
        size_t name_start, name_len;
        struct word w;
        struct valbuf b;
};

static int apply_pending(struct parser *p, struct pending *a, size_t n, bool keep)
{
        int r;

        for (size_t k = 0; k < n; k++) {
                if (!keep)
                        continue;
                if (p->depth > 0 || p->conditional) {
                        r = var_mark_unknown(p, p->t + a[k].name_start, a[k].name_len, a[k].name_start,
                                             p->depth > 0 ? "is assigned inside if/case/a loop/a function or a subshell"
                                                          : "is assigned after &&, || or in a pipeline");
                        if (r < 0)
                                return r;
                        continue;
                }
                r = record_assignment(p, a[k].name_start, a[k].name_len, &a[k].w);
                if (r < 0)
                        return r;
                r = var_assign(p->env, p->t + a[k].name_start, a[k].name_len, &a[k].b);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int poison(struct parser *p, size_t offset, const char *what)
{
        if (p->env->poisoned)
                return 0;
        p->env->poisoned = true;
        return error_at(p, offset, &p->env->poison, "%s: every variable after it could have any value", what);
}

/* The words of a command after its first word, up to the end of the command. */
static int command_args(struct parser *p, const char *command)
{
        bool export_like = streq(command, "export") || streq(command, "readonly");
        bool unset = streq(command, "unset");
        bool local = streq(command, "local");
        bool reads = streq(command, "read") || streq(command, "getopts");
        int r;

        for (;;) {
                struct valbuf b = {};
                struct word w;
                size_t name_len;

                skip_blanks(p);
                if (at_command_end(p))
                        return 0;
                name_len = assignment_name_len(p->t + p->i);
                if ((export_like || local) && name_len > 0) {
                        struct pending a = { .name_start = p->i, .name_len = name_len };
                        p->i += name_len + 1;
                        r = read_word(p, &a.b, &a.w);
                        if (r >= 0) {
                                if (local)
                                        r = var_mark_unknown(p, p->t + a.name_start, name_len, a.name_start,
                                                             "is assigned with local");
                                else
                                        r = apply_pending(p, &a, 1, true);
                        }
                        valbuf_done(&a.b);
                        if (r < 0)
                                return r;
                        continue;
                }
                size_t start = p->i;
                r = read_word(p, &b, &w);
                if (r >= 0 && w.literal_unquoted && b.s && assignment_name_len(b.s) == 0 && is_name_start(b.s[0])) {
                        size_t n = strlen(b.s);
                        bool is_name = true;
                        for (size_t k = 0; k < n; k++)
                                is_name = is_name && is_name_char(b.s[k]);
                        if (is_name && unset && p->depth == 0 && !p->conditional) {
                                struct sh_var *v = var_find(p->env, b.s, n);
                                if (v) {
                                        var_clear(v);
                                        v->value = strdup("");
                                        v->set = false;
                                        r = v->value ? 0 : -ENOMEM;
                                }
                        } else if (is_name && (unset || reads))
                                r = var_mark_unknown(p, b.s, n, start,
                                                     unset ? "is unset conditionally" : "is read at run time");
                }
                valbuf_done(&b);
                if (r < 0)
                        return r;
        }
}

static int parse_command(struct parser *p)
{
        struct pending a[16];
        size_t n = 0;
        int r = 0;

        /* leading assignments */
        for (;;) {
                size_t name_len;

                skip_blanks(p);
                name_len = assignment_name_len(p->t + p->i);
                if (name_len == 0 || n == ELEMENTSOF(a))
                        break;
                a[n] = (struct pending){ .name_start = p->i, .name_len = name_len };
                p->i += name_len + 1;
                r = read_word(p, &a[n].b, &a[n].w);
                n++;
                if (r < 0)
                        goto out;
        }
        skip_blanks(p);
        if (at_command_end(p)) {
                r = apply_pending(p, a, n, true);
                goto out;
        }

        /* a command word: the assignments before it are for the command only */
        struct valbuf b = {};
        struct word w;
        size_t start = p->i;
        r = read_word(p, &b, &w);
        if (r < 0) {
                valbuf_done(&b);
                goto out;
        }
        const char *word = b.s ? b.s : "";

        if (n == 0 && w.literal_unquoted) {
                size_t plus = 0;
                while (is_name_char(word[plus]))
                        plus++;
                if (plus > 0 && is_name_start(word[0]) && startswith(word + plus, "+=")) {
                        r = var_mark_unknown(p, word, plus, start, "is appended to with +=, which sh does not have");
                        valbuf_done(&b);
                        goto out;
                }
        }
        if (n == 0 &&
            (word_is(&w, &b, "if") || word_is(&w, &b, "while") || word_is(&w, &b, "until") || word_is(&w, &b, "{"))) {
                p->depth++;
        } else if (n == 0 && (word_is(&w, &b, "fi") || word_is(&w, &b, "done") || word_is(&w, &b, "}"))) {
                if (p->depth > 0)
                        p->depth--;
        } else if (n == 0 && word_is(&w, &b, "esac")) {
                if (p->depth > 0)
                        p->depth--;
                if (p->case_depth > 0)
                        p->case_depth--;
        } else if (n == 0 && (word_is(&w, &b, "then") || word_is(&w, &b, "else") || word_is(&w, &b, "elif") ||
                              word_is(&w, &b, "do") || word_is(&w, &b, "!"))) {
                /* the rest of the line is a command of its own */
        } else if (n == 0 && (word_is(&w, &b, "case") || word_is(&w, &b, "for"))) {
                bool is_for = word_is(&w, &b, "for");
                p->depth++;
                if (!is_for)
                        p->case_depth++;
                skip_blanks(p);
                if (is_for && is_name_start(p->t[p->i])) {
                        size_t len = 0;
                        while (is_name_char(p->t[p->i + len]))
                                len++;
                        r = var_mark_unknown(p, p->t + p->i, len, p->i, "is a for loop variable");
                }
                if (r >= 0)
                        r = command_args(p, "");
        } else if (word_is(&w, &b, ".") || word_is(&w, &b, "source") || word_is(&w, &b, "eval")) {
                r = poison(p, start, word_is(&w, &b, "eval") ? "eval" : "a sourced file");
                if (r >= 0)
                        r = command_args(p, "");
        } else {
                r = command_args(p, w.literal_unquoted ? word : "");
        }
        valbuf_done(&b);
out:
        for (size_t k = 0; k < n; k++)
                valbuf_done(&a[k].b);
        return r;
}

static int parse_file(struct parser *p)
{
        int r;

        for (;;) {
                skip_blanks(p);
                char c = p->t[p->i];

                if (c == '\0')
                        return 0;
                if (c == '#') {
                        while (p->t[p->i] && p->t[p->i] != '\n')
                                p->i++;
                } else if (c == '\n' || c == ';') {
                        p->i++;
                        p->conditional = false;
                } else if (c == '&' || c == '|') {
                        /* && || | &: what follows may not run, or runs in a subshell */
                        p->i += p->t[p->i + 1] == c ? 2 : 1;
                        p->conditional = true;
                } else if (c == '(') {
                        p->i++;
                        p->depth++;
                } else if (c == ')') {
                        p->i++;
                        if (p->case_depth == 0 && p->depth > 0)
                                p->depth--;
                } else if (c == '<' || c == '>') {
                        size_t start = p->i;
                        if (c == '<' && p->t[p->i + 1] == '<')
                                return FAIL(p, start, "here-document: not supported in this file");
                        while (p->t[p->i] == '<' || p->t[p->i] == '>' || p->t[p->i] == '&')
                                p->i++;
                        skip_blanks(p);
                        struct valbuf b = {};
                        struct word w;
                        r = read_word(p, &b, &w); /* the redirection's target */
                        valbuf_done(&b);
                        if (r < 0)
                                return r;
                } else {
                        r = parse_command(p);
                        if (r < 0)
                                return r;
                }
        }
}

int sh_env_new(struct sh_env **ret)
{
        struct sh_env *env = calloc(1, sizeof(*env));

        if (!env)
                return -ENOMEM;
        *ret = env;
        return 0;
}

struct sh_env *sh_env_free(struct sh_env *env)
{
        if (!env)
                return NULL;
        for (size_t k = 0; k < env->n_vars; k++) {
                var_clear(&env->vars[k]);
                free(env->vars[k].name);
        }
        free(env->vars);
        for (size_t k = 0; k < env->n_assignments; k++)
                free(env->assignments[k].name);
        free(env->assignments);
        for (size_t k = 0; k < env->n_files; k++)
                free(env->labels[k]);
        free(env->labels);
        sh_error_done(&env->poison);
        free(env);
        return NULL;
}

int sh_env_run(struct sh_env *env, const char *label, const char *text, struct sh_error *ret_error)
{
        char **labels = realloc(env->labels, (env->n_files + 1) * sizeof(*labels));

        if (!labels)
                return -ENOMEM;
        env->labels = labels;
        labels[env->n_files] = strdup(label);
        if (!labels[env->n_files])
                return -ENOMEM;

        struct parser p = {
                .env = env,
                .file = (unsigned) env->n_files++,
                .label = label,
                .t = text ? text : "",
                .err = ret_error,
        };
        return parse_file(&p);
}

int sh_env_get(const struct sh_env *env, const char *name, const char **ret_value, const struct sh_origin **ret_origins,
               bool *ret_set, struct sh_error *ret_error)
{
        const struct sh_var *v = var_find(env, name, strlen(name));
        const struct sh_error *why = NULL;

        if (v && v->unknown)
                why = &v->why;
        else if (env->poisoned)
                why = &env->poison;
        if (why) {
                if (ret_error) {
                        sh_error_done(ret_error);
                        if (sh_error_copy(why, ret_error) < 0)
                                return -ENOMEM;
                }
                return -EINVAL;
        }
        if (ret_value)
                *ret_value = v && v->value ? v->value : "";
        if (ret_origins)
                *ret_origins = v && v->len ? v->origins : NULL;
        if (ret_set)
                *ret_set = v && v->set;
        return 0;
}

const struct sh_assignment *sh_env_last_assignment(const struct sh_env *env, const char *name, unsigned file)
{
        for (size_t k = env->n_assignments; k-- > 0;)
                if (streq(env->assignments[k].name, name) && (file == SH_ANY_FILE || env->assignments[k].file == file))
                        return &env->assignments[k];
        return NULL;
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

size_t sh_env_origin_uses(const struct sh_env *env, const struct sh_origin *o)
{
        size_t uses = 0;

        for (size_t k = 0; k < env->n_vars; k++)
                for (size_t m = 0; m < env->vars[k].len; m++)
                        uses += env->vars[k].origins[m].file == o->file &&
                                env->vars[k].origins[m].raw_start == o->raw_start;
        return uses;
}
