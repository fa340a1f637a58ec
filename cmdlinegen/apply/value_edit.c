/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* From a changed command line to edits of its files; see value_edit.h. */
#include "value_edit.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>

#include "apply_error.h"
#include "array.h"
#include "kcmdline.h"

struct unit {
        size_t start, len;
};

struct units {
        struct unit *v;
        size_t n;
};

/*
 * Cut S into units: each token, and each run of whitespace between them, on its own. A token whose
 * separator changed (the model gives the new first token the line's leading whitespace) is then
 * still the same unit, so its bytes stay where they are.
 */
static int split_units(const char *s, struct units *ret)
{
        _cleanup_kcmdline_ struct kcmdline *k = NULL;
        size_t pos = 0;
        int r = kcmdline_parse(s, KCMDLINE_PARSE_LENIENT, &k, NULL);

        if (r < 0)
                return r;
        ret->v = calloc(2 * k->n_tokens + 1, sizeof(*ret->v));
        if (!ret->v)
                return -ENOMEM;
        ret->n = 0;
        for (size_t i = 0; i < k->n_tokens; i++) {
                size_t sep = strlen(k->tokens[i].separator), len = strlen(k->tokens[i].original);
                if (sep > 0)
                        ret->v[ret->n++] = (struct unit){ pos, sep };
                ret->v[ret->n++] = (struct unit){ pos + sep, len };
                pos += sep + len;
        }
        if (k->trailing && *k->trailing)
                ret->v[ret->n++] = (struct unit){ pos, strlen(k->trailing) };
        return 0;
}

static bool unit_eq(const char *a, const struct unit *ua, const char *b, const struct unit *ub)
{
        return ua->len == ub->len && memcmp(a + ua->start, b + ub->start, ua->len) == 0;
}

void text_edits_done(struct text_edits *e)
{
        for (size_t i = 0; e && i < e->n; i++)
                free(e->v[i].text);
        if (e)
                free(e->v);
        if (e)
                *e = (struct text_edits){};
}

static int edits_add(struct text_edits *e, unsigned file, size_t start, size_t end, char *text)
{
        if (ARRAY_GROW(e->v, e->n) < 0) {
                free(text);
                return -ENOMEM;
        }
        e->v[e->n++] = (struct text_edit){ file, start, end, text };
        return 0;
}

static int fail_at(const struct value_sources *src, const struct sh_origin *o, char **ret_error, const char *format,
                   ...) _printf_(4, 5);
static int fail_at(const struct value_sources *src, const struct sh_origin *o, char **ret_error, const char *format,
                   ...)
{
        _cleanup_free_ char *msg = NULL;
        unsigned line = 0, column = 0;
        va_list ap;
        int n;

        va_start(ap, format);
        n = vasprintf(&msg, format, ap);
        va_end(ap);
        if (n < 0)
                return -ENOMEM;
        if (!o || o->file >= src->n)
                return apply_error(ret_error, -EINVAL, "%s", msg);
        sh_position(src->texts[o->file], o->raw_start, &line, &column);
        return apply_error(ret_error, -EINVAL, "%s:%u:%u: %s", src->labels[o->file], line, column, msg);
}

/* Only line continuations ("\\\n") between two raw offsets: the bytes may be cut as one piece. */
static bool only_continuations(const char *text, size_t from, size_t to)
{
        for (size_t k = from; k < to; k += 2)
                if (k + 1 >= to || text[k] != '\\' || text[k + 1] != '\n')
                        return false;
        return true;
}

static int check_editable(const struct value_sources *src, const struct sh_origin *o, char **ret_error)
{
        if (o->file == VALUE_ORIGIN_SYNTHETIC || o->file >= src->n)
                return fail_at(src, NULL, ret_error,
                               "the change falls on the space between two variables; edit the files by hand");
        if (src->is_shared && src->is_shared(o, src->userdata))
                return fail_at(src, o, ret_error,
                               "this text reaches the command line through a variable that is also used elsewhere; "
                               "changing it here would change that too: edit by hand");
        return 0;
}

/* Delete value bytes [from, to): one edit per run of bytes written next to each other. */
static int plan_delete(const struct sh_origin *o, size_t from, size_t to, const struct value_sources *src,
                       struct text_edits *edits, char **ret_error)
{
        int r;

        for (size_t k = from; k < to;) {
                size_t end = k + 1;

                /* the space GRUB puts between two variables stays; it is whitespace to the kernel */
                if (o[k].file == VALUE_ORIGIN_SYNTHETIC) {
                        k++;
                        continue;
                }
                r = check_editable(src, &o[k], ret_error);
                if (r < 0)
                        return r;
                while (end < to && o[end].file == o[k].file && o[end].quote == o[k].quote &&
                       o[end].raw_start >= o[end - 1].raw_end &&
                       only_continuations(src->texts[o[k].file], o[end - 1].raw_end, o[end].raw_start)) {
                        r = check_editable(src, &o[end], ret_error);
                        if (r < 0)
                                return r;
                        end++;
                }
                r = edits_add(edits, o[k].file, o[k].raw_start, o[end - 1].raw_end, strdup(""));
                if (r < 0)
                        return r;
                if (!edits->v[edits->n - 1].text)
                        return -ENOMEM;
                k = end;
        }
        return 0;
}

/* Whether a bare $NAME ends at OFFSET of TEXT (text going there must not extend the name). */
static bool bare_ref_ends_at(const char *text, size_t offset)
{
        size_t k = offset;

        while (k > 0 && (isalnum((unsigned char) text[k - 1]) || text[k - 1] == '_'))
                k--;
        return k < offset && k > 0 && text[k - 1] == '$' && !isdigit((unsigned char) text[k]);
}

static int quote_for(const char *text, enum value_syntax syntax, enum sh_quote quote, bool after_bare_ref, char **ret)
{
        _cleanup_free_ char *q = NULL;
        int r;

        if (syntax == VALUE_SYNTAX_RAW) {
                *ret = strdup(text);
                return *ret ? 0 : -ENOMEM;
        }
        r = sh_quote_text(text, quote, &q);
        if (r < 0)
                return r;
        /* "$X""text": an empty pair of quotes ends the name without changing the value */
        if (quote == SH_QUOTE_DOUBLE && after_bare_ref && (isalnum((unsigned char) text[0]) || text[0] == '_'))
                return asprintf(ret, "\"\"%s", q) < 0 ? -ENOMEM : 0;
        *ret = TAKE_PTR(q);
        return 0;
}

/* Insert TEXT at value boundary POS of OLD (before byte POS, or at the append point at the end). */
static int plan_insert(const char *old, const struct sh_origin *o, size_t pos, const char *text,
                       const struct value_append_point *append, enum value_syntax syntax,
                       const struct value_sources *src, struct text_edits *edits, char **ret_error)
{
        size_t len = strlen(old);
        _cleanup_free_ char *spaced = NULL;
        char *quoted = NULL;
        const struct sh_origin *at = NULL;
        size_t offset;
        int r;

        if (pos == len) {
                if (append->leading_space && !isspace((unsigned char) text[0])) {
                        if (asprintf(&spaced, " %s", text) < 0)
                                return -ENOMEM;
                        text = spaced;
                }
                r = quote_for(text, syntax, append->quote, append->after_bare_ref, &quoted);
                if (r < 0)
                        return r;
                return edits_add(edits, append->file, append->offset, append->offset, quoted);
        }

        /* before the next byte, or else after the previous one */
        if (o[pos].file != VALUE_ORIGIN_SYNTHETIC) {
                at = &o[pos];
                offset = at->raw_start;
        } else if (pos > 0 && o[pos - 1].file != VALUE_ORIGIN_SYNTHETIC) {
                at = &o[pos - 1];
                offset = at->raw_end;
        } else
                return fail_at(src, NULL, ret_error, "no place in the files for '%s'", text);
        r = check_editable(src, at, ret_error);
        if (r < 0)
                return r;
        r = quote_for(text, syntax, at->quote,
                      syntax == VALUE_SYNTAX_SH && bare_ref_ends_at(src->texts[at->file], offset), &quoted);
        if (r < 0)
                return r;
        return edits_add(edits, at->file, offset, offset, quoted);
}

/*
 * Cells of the table of the longest common subsequence, at most: 64 MiB. Only the units between
 * the common prefix and suffix are diffed, so adding or removing a few parameters stays small on
 * any line; a change beyond this is refused rather than taking gigabytes and minutes.
 */
#define VALUE_EDIT_MAX_CELLS (UINT64_C(1) << 24)

/*
 * The longest common subsequence of the units that differ: old units [prefix, old_end) against
 * new units [prefix, new_end). Units before PREFIX and from old_end/new_end on are equal pairs.
 */
struct unit_diff {
        size_t prefix, old_end, new_end;
        size_t width;     /* new_end - prefix + 1 */
        uint32_t *common; /* [(a - prefix) * width + (b - prefix)]: common run of old[a..] and new[b..] */
};

static uint32_t common_at(const struct unit_diff *d, size_t a, size_t b)
{
        return d->common[(a - d->prefix) * d->width + (b - d->prefix)];
}

static int unit_diff_init(const char *old, const struct units *uo, const char *new, const struct units *un,
                          struct unit_diff *ret, char **ret_error)
{
        size_t prefix = 0, suffix = 0;

        while (prefix < uo->n && prefix < un->n && unit_eq(old, &uo->v[prefix], new, &un->v[prefix]))
                prefix++;
        while (suffix < uo->n - prefix && suffix < un->n - prefix &&
               unit_eq(old, &uo->v[uo->n - 1 - suffix], new, &un->v[un->n - 1 - suffix]))
                suffix++;

        struct unit_diff d = { prefix, uo->n - suffix, un->n - suffix, un->n - suffix - prefix + 1, NULL };
        uint64_t cells = (uint64_t) (d.old_end - prefix + 1) * d.width;
        if (cells > VALUE_EDIT_MAX_CELLS)
                return apply_error(ret_error, -E2BIG,
                                   "the change is too large to map onto the files: %zu old and %zu new parts of the "
                                   "line differ (at most %" PRIu64 " pairs); edit the files by hand",
                                   d.old_end - prefix, d.new_end - prefix, VALUE_EDIT_MAX_CELLS);
        d.common = calloc(cells, sizeof(*d.common));
        if (!d.common)
                return -ENOMEM;
        for (size_t a = d.old_end; a-- > prefix;)
                for (size_t b = d.new_end; b-- > prefix;)
                        d.common[(a - prefix) * d.width + (b - prefix)] =
                                unit_eq(old, &uo->v[a], new, &un->v[b])              ? common_at(&d, a + 1, b + 1) + 1
                                : common_at(&d, a + 1, b) >= common_at(&d, a, b + 1) ? common_at(&d, a + 1, b)
                                                                                     : common_at(&d, a, b + 1);
        *ret = d;
        return 0;
}

enum unit_step { STEP_KEEP, STEP_DELETE, STEP_INSERT };

/* What to do at old unit I and new unit J; both are equal outside the differing middle. */
static enum unit_step next_step(const char *old, const struct units *uo, size_t i, const char *new,
                                const struct units *un, size_t j, const struct unit_diff *d)
{
        bool old_in = i < d->old_end, new_in = j < d->new_end;

        if (!old_in && !new_in)
                return STEP_KEEP; /* the common suffix */
        if (old_in && new_in && unit_eq(old, &uo->v[i], new, &un->v[j]))
                return STEP_KEEP;
        if (old_in && (!new_in || common_at(d, i + 1, j) >= common_at(d, i, j + 1)))
                return STEP_DELETE;
        return STEP_INSERT;
}

/* The walk over both lines; inserted units collect in PENDING until the walk passes their boundary. */
static int plan_walk(const char *old, const struct units *uo, const char *new, const struct units *un,
                     const struct unit_diff *d, const struct sh_origin *origins,
                     const struct value_append_point *append, enum value_syntax syntax, const struct value_sources *src,
                     struct text_edits *edits, char **ret_error)
{
        _cleanup_free_ char *pending = malloc(strlen(new) + 1);
        size_t i = 0, j = 0, pending_pos = 0, pending_len = 0, old_len = strlen(old);
        int r;

        if (!pending)
                return -ENOMEM;
        for (;;) {
                bool end = i >= uo->n && j >= un->n;
                enum unit_step step = end ? STEP_KEEP : next_step(old, uo, i, new, un, j, d);
                size_t pos = i < uo->n ? uo->v[i].start : old_len;

                if (pending_len > 0 && (step == STEP_KEEP || pos != pending_pos)) {
                        pending[pending_len] = '\0';
                        r = plan_insert(old, origins, pending_pos, pending, append, syntax, src, edits, ret_error);
                        if (r < 0)
                                return r;
                        pending_len = 0;
                }
                if (end)
                        return 0;
                if (step == STEP_KEEP) {
                        i++;
                        j++;
                } else if (step == STEP_DELETE) {
                        r = plan_delete(origins, uo->v[i].start, uo->v[i].start + uo->v[i].len, src, edits, ret_error);
                        if (r < 0)
                                return r;
                        i++;
                } else {
                        if (pending_len == 0)
                                pending_pos = pos;
                        memcpy(pending + pending_len, new + un->v[j].start, un->v[j].len);
                        pending_len += un->v[j].len;
                        j++;
                }
        }
}

int value_edit_plan(const char *old, const struct sh_origin *origins, const char *new,
                    const struct value_append_point *append, enum value_syntax syntax, const struct value_sources *src,
                    struct text_edits *ret, char **ret_error)
{
        _cleanup_free_ struct unit *uov = NULL, *unv = NULL;
        struct units uo = {}, un = {};
        struct unit_diff d = {};
        struct text_edits edits = {};
        int r;

        *ret = (struct text_edits){};
        if (streq(old, new))
                return 0;
        r = split_units(old, &uo);
        uov = uo.v;
        if (r < 0)
                return r;
        r = split_units(new, &un);
        unv = un.v;
        if (r < 0)
                return r;
        r = unit_diff_init(old, &uo, new, &un, &d, ret_error);
        if (r < 0)
                return r;
        r = plan_walk(old, &uo, new, &un, &d, origins, append, syntax, src, &edits, ret_error);
        free(d.common);
        if (r < 0) {
                text_edits_done(&edits);
                return r;
        }
        *ret = edits;
        return 0;
}

static int edit_cmp(const void *a, const void *b)
{
        const struct text_edit *x = a, *y = b;

        /* from the end of the file backwards; at one offset the longer (a deletion) first */
        if (x->start != y->start)
                return x->start < y->start ? 1 : -1;
        if (x->end != y->end)
                return x->end < y->end ? 1 : -1;
        return 0;
}

int text_edits_apply(const struct text_edits *e, unsigned file, const char *text, char **ret)
{
        _cleanup_free_ struct text_edit *v = calloc(e->n + 1, sizeof(*v));
        size_t n = 0, len = strlen(text), limit = SIZE_MAX;
        char *out;

        if (!v)
                return -ENOMEM;
        for (size_t k = 0; k < e->n; k++)
                if (e->v[k].file == file)
                        v[n++] = e->v[k];
        qsort(v, n, sizeof(*v), edit_cmp);
        out = strdup(text);
        if (!out)
                return -ENOMEM;
        for (size_t k = 0; k < n; k++) {
                size_t tl = strlen(v[k].text);
                char *g;

                if (v[k].end > len || v[k].start > v[k].end || v[k].end > limit) {
                        free(out);
                        return -EINVAL;
                }
                limit = v[k].start;
                g = malloc(len - (v[k].end - v[k].start) + tl + 1);
                if (!g) {
                        free(out);
                        return -ENOMEM;
                }
                memcpy(g, out, v[k].start);
                memcpy(g + v[k].start, v[k].text, tl);
                strcpy(g + v[k].start + tl, out + v[k].end);
                free(out);
                out = g;
                len = strlen(out);
        }
        *ret = out;
        return 0;
}
