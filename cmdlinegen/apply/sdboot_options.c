/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * systemd-boot's command lines as text: the "options" lines of a loader entry and
 * /etc/kernel/cmdline, read with where each byte is and edited with the apply context's change
 * (value_edit.h), every other byte left as it was. Not for callers.
 */
#include "sdboot_options.h"

#include "value_edit.h"

const char *loader_entry_value(const char *line, const char *key, size_t *ret_len)
{
        size_t k = strlen(key);
        const char *end = strchrnul(line, '\n');

        if (strncmp(line, key, k) != 0 || (line[k] != ' ' && line[k] != '\t'))
                return NULL;
        line += k;
        line += strspn(line, " \t");
        *ret_len = (size_t) (end - line);
        return line;
}

int sdboot_entry_options(const char *text, struct sdboot_options *ret)
{
        size_t len = strlen(text), n = 0;
        struct sdboot_options opt = { .line = malloc(len + 1), .o = calloc(len + 1, sizeof(*opt.o)) };

        if (!opt.line || !opt.o) {
                free(opt.line);
                free(opt.o);
                return -ENOMEM;
        }
        for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
                size_t vl;
                const char *v = loader_entry_value(l, "options", &vl);
                if (!v)
                        continue;
                if (opt.found && n > 0) {
                        opt.line[n] = ' ';
                        opt.o[n++] = (struct sh_origin){ .file = VALUE_ORIGIN_SYNTHETIC };
                }
                for (size_t k = 0; k < vl; k++) {
                        size_t off = (size_t) (v - text) + k;
                        opt.line[n] = text[off];
                        opt.o[n++] = (struct sh_origin){ 0, off, off + 1, SH_QUOTE_NONE };
                }
                opt.append_at = (size_t) (v - text) + vl;
                opt.found = true;
        }
        opt.line[n] = '\0';
        *ret = opt;
        return 0;
}

/* TEXT (file LABEL) with C's change made to LINE, which is in TEXT as ORIGINS say. */
static int edit_value(const struct apply_ctx *c, const char *label, const char *text, const char *line,
                      const struct sh_origin *origins, size_t append_at, char **ret_new_text, char **ret_new_line,
                      char **ret_error)
{
        _cleanup_free_ char *new_line = NULL;
        struct text_edits edits = {};
        const char *labels[] = { label }, *texts[] = { text };
        struct value_sources src = { labels, texts, 1, NULL, NULL };
        struct value_append_point ap = { .file = 0, .offset = append_at };
        int r;

        r = apply_line_change(c, line, &new_line, ret_error);
        if (r >= 0)
                r = value_edit_plan(line, origins, new_line, &ap, VALUE_SYNTAX_RAW, &src, &edits, ret_error);
        if (r >= 0)
                r = text_edits_apply(&edits, 0, text, ret_new_text);
        text_edits_done(&edits);
        if (r >= 0 && ret_new_line)
                *ret_new_line = TAKE_PTR(new_line);
        return r;
}

int sdboot_edit_cmdline_file(const struct apply_ctx *c, const char *text, char **ret_new_text, char **ret_old_line,
                             char **ret_new_line, char **ret_error)
{
        size_t len = strlen(text), end = len;
        _cleanup_free_ struct sh_origin *o = calloc(len + 1, sizeof(*o));
        int r;

        if (!o)
                return -ENOMEM;
        for (size_t k = 0; k < len; k++)
                o[k] = (struct sh_origin){ 0, k, k + 1, SH_QUOTE_NONE };
        while (end > 0 && strchr(" \t\n", text[end - 1]))
                end--;
        /* the value ends where its last parameter does: the final newline stays after what is added */
        _cleanup_free_ char *line = strndup(text, end);
        if (!line)
                return -ENOMEM;
        r = edit_value(c, SDBOOT_KERNEL_CMDLINE, text, line, o, end, ret_new_text, ret_new_line, ret_error);
        if (r < 0)
                return r;
        /* the line, as the entries carry it: without the file's final newline */
        *ret_old_line = TAKE_PTR(line);
        return 0;
}

static void drop_empty_options(char *text)
{
        char *l = text;

        while (*l) {
                char *next = strchrnul(l, '\n');
                size_t len = (size_t) (next - l);
                if (*next)
                        next++;
                if (startswith(l, "options") && strspn(l + 7, " \t") == len - 7)
                        memmove(l, next, strlen(next) + 1);
                else
                        l = next;
        }
}

int sdboot_edit_entry(const struct apply_ctx *c, const char *label, const char *text, char **ret_new_text,
                      char **ret_old_line, char **ret_new_line, char **ret_error)
{
        _cleanup_free_ char *prepared = NULL, *result = NULL, *new_line = NULL;
        const char *original = text;
        struct sdboot_options opt = {};
        int r;

        r = sdboot_entry_options(text, &opt);
        if (r >= 0 && !opt.found) {
                size_t len = strlen(text);
                free(opt.line);
                free(opt.o);
                if (asprintf(&prepared, "%s%soptions \n", text, len && text[len - 1] != '\n' ? "\n" : "") < 0)
                        return -ENOMEM;
                text = prepared;
                r = sdboot_entry_options(text, &opt);
        }
        if (r < 0)
                return r;
        r = edit_value(c, label, text, opt.line, opt.o, opt.append_at, &result, &new_line, ret_error);
        if (r >= 0 && streq(new_line, opt.line)) {
                /* nothing to change: the entry as it was, without the line prepared above */
                free(result);
                result = strdup(original);
                if (!result)
                        r = -ENOMEM;
        } else if (r >= 0 && new_line[strspn(new_line, " \t")] == '\0')
                /* "options" lines --remove left empty go */
                drop_empty_options(result);
        free(opt.o);
        if (r < 0) {
                free(opt.line);
                return r;
        }
        *ret_new_text = TAKE_PTR(result);
        *ret_old_line = opt.line;
        *ret_new_line = TAKE_PTR(new_line);
        return 0;
}
