/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "shown_text.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "utf8.h"

const char *shown_text(char buf[static SHOWN_TEXT_SIZE], const char *s, size_t len)
{
        bool cut = len > SHOWN_TEXT_MAX;
        size_t n = cut ? SHOWN_TEXT_MAX : len, out = 0;

        buf[out++] = '\'';
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char) s[i];
                if (c == '\\') {
                        buf[out++] = '\\';
                        buf[out++] = '\\';
                } else if (c >= 0x20 && c < 0x7f)
                        buf[out++] = (char) c;
                else
                        out += (size_t) snprintf(buf + out, 5, "\\x%02x", c);
        }
        if (cut) {
                memcpy(buf + out, "...", 3);
                out += 3;
        }
        buf[out++] = '\'';
        buf[out] = '\0';
        return buf;
}

void shown_text_write(FILE *out, const char *text, size_t len)
{
        while (len > 0) {
                struct utf8_char c = utf8_next(text, len);
                if (c.code_point == '\n' || (c.code_point > 0 && !utf8_is_control(c.code_point)))
                        fwrite(text, 1, c.length, out);
                else /* NUL, a control, or an invalid sequence: every byte of it */
                        for (size_t i = 0; i < c.length; i++)
                                fprintf(out, "\\x%02x", (unsigned char) text[i]);
                text += c.length;
                len -= c.length;
        }
}
