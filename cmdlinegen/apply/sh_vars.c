/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A reader for the sh subset of /etc/default/grub and its drop-ins; see sh_vars.h. It follows
 * POSIX sh (XCU 2.2 quoting, 2.6.2 parameter expansion, 2.9.1 simple commands) for what it
 * evaluates and only tracks structure (if/case/loops/functions, && ||, subshells) for the rest.
 */
#include "sh_vars_internal.h"

#include "array.h"

/* Where a command ends: an operator or newline, or a comment starting where a word would. */
static bool at_command_end(const struct parser *p) { return ends_word(p->t[p->i]) || p->t[p->i] == '#'; }

static int var_mark_unknown(struct parser *p, const char *name, size_t len, size_t offset, const char *why)
{
        struct sh_var *v;
        int r = sh_var_get_or_add(p->env, name, len, &v);

        if (r < 0)
                return r;
        sh_var_clear(v);
        v->value = strdup("");
        if (!v->value)
                return -ENOMEM;
        v->set = true;
        v->unknown = true;
        return sh_error_at(p, offset, &v->why, "%.*s %s", (int) len, name, why);
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
                r = sh_record_assignment(p, a[k].name_start, a[k].name_len, &a[k].w);
                if (r < 0)
                        return r;
                r = sh_var_assign(p->env, p->t + a[k].name_start, a[k].name_len, &a[k].b);
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
        return sh_error_at(p, offset, &p->env->poison, "%s: every variable after it could have any value", what);
}

/* "export NAME=WORD" or "local NAME=WORD" at p->i: applied, or with local unknown. */
static int command_assignment(struct parser *p, size_t name_len, bool local)
{
        struct pending a = { .name_start = p->i, .name_len = name_len };
        int r;

        p->i += name_len + 1;
        r = sh_read_word(p, &a.b, &a.w);
        if (r >= 0)
                r = local ? var_mark_unknown(p, p->t + a.name_start, name_len, a.name_start, "is assigned with local")
                          : apply_pending(p, &a, 1, true);
        valbuf_done(&a.b);
        return r;
}

static bool is_name(const char *s)
{
        if (!is_name_start(s[0]))
                return false;
        while (is_name_char(*s))
                s++;
        return *s == '\0';
}

/* A word after unset, read or getopts: a NAME there is unset now, or unknown from then on. */
static int name_argument(struct parser *p, bool unset, bool reads)
{
        _cleanup_(valbuf_done) struct valbuf b = {};
        struct word w;
        size_t start = p->i;
        int r = sh_read_word(p, &b, &w);

        if (r < 0)
                return r;
        if (!w.literal_unquoted || !b.s || !is_name(b.s))
                return 0;
        if (unset && p->depth == 0 && !p->conditional) {
                struct sh_var *v = sh_var_find(p->env, b.s, strlen(b.s));
                if (!v)
                        return 0;
                sh_var_clear(v);
                v->value = strdup("");
                v->set = false;
                return v->value ? 0 : -ENOMEM;
        }
        if (unset || reads)
                return var_mark_unknown(p, b.s, strlen(b.s), start,
                                        unset ? "is unset conditionally" : "is read at run time");
        return 0;
}

/* The words of a command after its first word, up to the end of the command. */
static int command_args(struct parser *p, const char *command)
{
        bool export_like = streq(command, "export") || streq(command, "readonly");
        bool local = streq(command, "local");
        bool unset = streq(command, "unset");
        bool reads = streq(command, "read") || streq(command, "getopts");

        for (;;) {
                size_t name_len;
                int r;

                sh_skip_blanks(p);
                if (at_command_end(p))
                        return 0;
                name_len = assignment_name_len(p->t + p->i);
                if ((export_like || local) && name_len > 0)
                        r = command_assignment(p, name_len, local);
                else
                        r = name_argument(p, unset, reads);
                if (r < 0)
                        return r;
        }
}

/* A reserved word (XCU 2.4) at the start of a command: 1 when it was one, 0 when not, or -errno. */
static int parse_keyword(struct parser *p, const struct word *w, const struct valbuf *b)
{
        int r = 0;

        if (word_is(w, b, "if") || word_is(w, b, "while") || word_is(w, b, "until") || word_is(w, b, "{"))
                p->depth++;
        else if (word_is(w, b, "fi") || word_is(w, b, "done") || word_is(w, b, "}")) {
                if (p->depth > 0)
                        p->depth--;
        } else if (word_is(w, b, "esac")) {
                if (p->depth > 0)
                        p->depth--;
                if (p->case_depth > 0)
                        p->case_depth--;
        } else if (word_is(w, b, "then") || word_is(w, b, "else") || word_is(w, b, "elif") || word_is(w, b, "do") ||
                   word_is(w, b, "!")) {
                /* the rest of the line is a command of its own */
        } else if (word_is(w, b, "case") || word_is(w, b, "for")) {
                bool is_for = word_is(w, b, "for");
                p->depth++;
                if (!is_for)
                        p->case_depth++;
                sh_skip_blanks(p);
                if (is_for && is_name_start(p->t[p->i])) {
                        size_t len = 0;
                        while (is_name_char(p->t[p->i + len]))
                                len++;
                        r = var_mark_unknown(p, p->t + p->i, len, p->i, "is a for loop variable");
                }
                if (r >= 0)
                        r = command_args(p, "");
        } else
                return 0;
        return r < 0 ? r : 1;
}

/* The command word at p->i and what it does; AFTER_ASSIGNMENTS: "A=1 cmd" (no keyword then). */
static int parse_command_word(struct parser *p, bool after_assignments)
{
        _cleanup_(valbuf_done) struct valbuf b = {};
        struct word w;
        size_t start = p->i;
        int r = sh_read_word(p, &b, &w);

        if (r < 0)
                return r;
        const char *word = b.s ? b.s : "";
        if (!after_assignments && w.literal_unquoted) {
                size_t plus = 0;
                while (is_name_char(word[plus]))
                        plus++;
                if (plus > 0 && is_name_start(word[0]) && startswith(word + plus, "+="))
                        return var_mark_unknown(p, word, plus, start, "is appended to with +=, which sh does not have");
        }
        if (!after_assignments) {
                r = parse_keyword(p, &w, &b);
                if (r != 0)
                        return r < 0 ? r : 0;
        }
        if (word_is(&w, &b, ".") || word_is(&w, &b, "source") || word_is(&w, &b, "eval")) {
                r = poison(p, start, word_is(&w, &b, "eval") ? "eval" : "a sourced file");
                return r < 0 ? r : command_args(p, "");
        }
        return command_args(p, w.literal_unquoted ? word : "");
}

static int parse_command(struct parser *p)
{
        struct pending a[16];
        size_t n = 0;
        int r = 0;

        /* leading assignments */
        for (;;) {
                size_t name_len;

                sh_skip_blanks(p);
                name_len = assignment_name_len(p->t + p->i);
                if (name_len == 0 || n == ELEMENTSOF(a))
                        break;
                a[n] = (struct pending){ .name_start = p->i, .name_len = name_len };
                p->i += name_len + 1;
                r = sh_read_word(p, &a[n].b, &a[n].w);
                n++;
                if (r < 0)
                        goto out;
        }
        sh_skip_blanks(p);
        if (at_command_end(p)) {
                r = apply_pending(p, a, n, true);
                goto out;
        }

        /* a command word: the assignments before it are for the command only */
        r = parse_command_word(p, n > 0);
out:
        for (size_t k = 0; k < n; k++)
                valbuf_done(&a[k].b);
        return r;
}

/* A redirection at p->i: its target word is read and dropped. */
static int skip_redirection(struct parser *p)
{
        _cleanup_(valbuf_done) struct valbuf b = {};
        struct word w;
        size_t start = p->i;

        if (p->t[p->i] == '<' && p->t[p->i + 1] == '<')
                return FAIL(p, start, "here-document: not supported in this file");
        while (p->t[p->i] == '<' || p->t[p->i] == '>' || p->t[p->i] == '&')
                p->i++;
        sh_skip_blanks(p);
        return sh_read_word(p, &b, &w);
}

/* A separator or operator at p->i (newline ; & && | || ( )): whether it was one, consumed. */
static bool parse_operator(struct parser *p)
{
        char c = p->t[p->i];

        if (c == '\n' || c == ';') {
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
        } else
                return false;
        return true;
}

static int parse_file(struct parser *p)
{
        for (;;) {
                int r = 0;

                sh_skip_blanks(p);
                char c = p->t[p->i];
                if (c == '\0')
                        return 0;
                if (c == '#') {
                        while (p->t[p->i] && p->t[p->i] != '\n')
                                p->i++;
                } else if (!parse_operator(p))
                        r = c == '<' || c == '>' ? skip_redirection(p) : parse_command(p);
                if (r < 0)
                        return r;
        }
}

int sh_env_run(struct sh_env *env, const char *label, const char *text, struct sh_error *ret_error)
{
        char *copy = strdup(label);

        if (!copy || ARRAY_GROW(env->labels, env->n_files) < 0) {
                free(copy);
                return -ENOMEM;
        }
        env->labels[env->n_files] = copy;

        struct parser p = {
                .env = env,
                .file = (unsigned) env->n_files++,
                .label = label,
                .t = text ? text : "",
                .err = ret_error,
        };
        return parse_file(&p);
}
