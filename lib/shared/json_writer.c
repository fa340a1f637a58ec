/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "json_writer.h"

#include <inttypes.h>
#include <string.h>

#include "utf8.h"

void json_init(struct json_writer *w, FILE *out) { *w = (struct json_writer){ .out = out }; }

/* Called before every value: a comma between siblings, nothing right after a key. */
static void before_value(struct json_writer *w)
{
        if (w->after_key) {
                w->after_key = false;
                return;
        }
        if (w->need_comma[w->depth])
                fputc(',', w->out);
        w->need_comma[w->depth] = true;
}

static void open_container(struct json_writer *w, char c)
{
        before_value(w);
        fputc(c, w->out);
        if (w->depth + 1 < JSON_MAX_DEPTH)
                w->depth++;
        w->need_comma[w->depth] = false;
}

static void close_container(struct json_writer *w, char c)
{
        if (w->depth > 0)
                w->depth--;
        fputc(c, w->out);
}

void json_object_begin(struct json_writer *w) { open_container(w, '{'); }
void json_object_end(struct json_writer *w) { close_container(w, '}'); }
void json_array_begin(struct json_writer *w) { open_container(w, '['); }
void json_array_end(struct json_writer *w) { close_container(w, ']'); }

/*
 * Host text (a command line, a CPU model, a driver name) may hold any bytes: what is written is
 * valid UTF-8 and holds no raw control character, so that any JSON parser reads it and a terminal
 * showing it does nothing it is not asked to.
 */
static void write_escaped(FILE *out, const char *s)
{
        fputc('"', out);
        for (size_t len = strlen(s); len > 0;) {
                struct utf8_char c = utf8_next(s, len);
                if (c.code_point < 0)
                        fputs("\\ufffd", out);
                else if (c.code_point == '"')
                        fputs("\\\"", out);
                else if (c.code_point == '\\')
                        fputs("\\\\", out);
                else if (c.code_point == '\n')
                        fputs("\\n", out);
                else if (c.code_point == '\t')
                        fputs("\\t", out);
                else if (c.code_point == '\r')
                        fputs("\\r", out);
                else if (utf8_is_control(c.code_point))
                        fprintf(out, "\\u%04x", (unsigned) c.code_point);
                else
                        fwrite(s, 1, c.length, out);
                s += c.length;
                len -= c.length;
        }
        fputc('"', out);
}

void json_key(struct json_writer *w, const char *key)
{
        before_value(w);
        write_escaped(w->out, key);
        fputc(':', w->out);
        w->after_key = true;
}

void json_string(struct json_writer *w, const char *s)
{
        if (!s) {
                json_null(w);
                return;
        }
        before_value(w);
        write_escaped(w->out, s);
}

void json_int(struct json_writer *w, int64_t v)
{
        before_value(w);
        fprintf(w->out, "%" PRId64, v);
}

static void json_bool(struct json_writer *w, bool v)
{
        before_value(w);
        fputs(v ? "true" : "false", w->out);
}

void json_null(struct json_writer *w)
{
        before_value(w);
        fputs("null", w->out);
}

void json_finish(struct json_writer *w) { fputc('\n', w->out); }

void json_kv_string(struct json_writer *w, const char *key, const char *s)
{
        json_key(w, key);
        json_string(w, s);
}
void json_kv_int(struct json_writer *w, const char *key, int64_t v)
{
        json_key(w, key);
        json_int(w, v);
}
void json_kv_bool(struct json_writer *w, const char *key, bool v)
{
        json_key(w, key);
        json_bool(w, v);
}
