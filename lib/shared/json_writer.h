/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A streaming JSON writer for --json output: commas, nesting and string escaping done once here. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json_writer {
        FILE *out;
        unsigned depth;
        bool need_comma[JSON_MAX_DEPTH];
        bool after_key;
};

void json_init(struct json_writer *w, FILE *out);
void json_object_begin(struct json_writer *w);
void json_object_end(struct json_writer *w);
void json_array_begin(struct json_writer *w);
void json_array_end(struct json_writer *w);
void json_key(struct json_writer *w, const char *key);
/*
 * Strings (keys too) are written as valid UTF-8 whatever they hold: '"', '\\', and the C0
 * controls, DEL and the C1 controls escaped (\n, \t, \r, else \u00XX); each invalid UTF-8
 * sequence (a stray byte such as 0xff, a truncated, overlong or surrogate sequence) replaced by
 * U+FFFD, written as \ufffd. NULL writes null.
 */
void json_string(struct json_writer *w, const char *s);
void json_int(struct json_writer *w, int64_t v);
void json_null(struct json_writer *w);
/* Finish the document with a newline. */
void json_finish(struct json_writer *w);

/* key + value shorthands */
void json_kv_string(struct json_writer *w, const char *key, const char *s);
void json_kv_int(struct json_writer *w, const char *key, int64_t v);
void json_kv_bool(struct json_writer *w, const char *key, bool v);
