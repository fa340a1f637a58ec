/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reading UTF-8 one character at a time, for the writers that must never pass on what a
 * terminal or a JSON parser would take for something else (json_writer, shown_text).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct utf8_char {
        size_t length;      /* bytes taken, at least 1 */
        int32_t code_point; /* -1: those bytes are an invalid sequence */
};

/*
 * The character at the start of the LEN > 0 bytes at S. Valid is what RFC 3629 allows: the
 * shortest form, no surrogates, nothing above U+10FFFF. An invalid sequence is its longest start
 * that could have been valid (at least one byte), as Unicode's "maximal subpart" practice counts
 * them, so that each becomes one U+FFFD.
 */
struct utf8_char utf8_next(const char *s, size_t len);

/* C0 controls, DEL and the C1 controls U+0080-U+009F: what a terminal may act on. */
bool utf8_is_control(int32_t code_point);

/* The offset of the first byte of S[0..LEN) that is not part of a valid character, or LEN. */
size_t utf8_invalid_offset(const char *s, size_t len);
