/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "utf8.h"

struct utf8_char utf8_next(const char *s, size_t len)
{
        const unsigned char *p = (const unsigned char *) s;
        if (p[0] < 0x80)
                return (struct utf8_char){ 1, p[0] };

        /* The number of continuation bytes, and the range the first of them must fall in: the
         * narrower ranges after E0, ED, F0 and F4 rule out overlong forms, surrogates and code
         * points above U+10FFFF (RFC 3629, section 4). */
        size_t need;
        unsigned char low = 0x80, high = 0xbf;
        int32_t cp;
        if (p[0] >= 0xc2 && p[0] <= 0xdf) {
                need = 1;
                cp = p[0] & 0x1f;
        } else if (p[0] >= 0xe0 && p[0] <= 0xef) {
                need = 2;
                cp = p[0] & 0x0f;
                low = p[0] == 0xe0 ? 0xa0 : 0x80;
                high = p[0] == 0xed ? 0x9f : 0xbf;
        } else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
                need = 3;
                cp = p[0] & 0x07;
                low = p[0] == 0xf0 ? 0x90 : 0x80;
                high = p[0] == 0xf4 ? 0x8f : 0xbf;
        } else
                return (struct utf8_char){ 1, -1 }; /* a continuation byte, C0, C1, F5-FF */

        for (size_t i = 1; i <= need; i++) {
                if (i >= len || p[i] < low || p[i] > high)
                        return (struct utf8_char){ i, -1 };
                cp = (cp << 6) | (p[i] & 0x3f);
                low = 0x80;
                high = 0xbf;
        }
        return (struct utf8_char){ need + 1, cp };
}

bool utf8_is_control(int32_t code_point)
{
        return (code_point >= 0 && code_point < 0x20) || (code_point >= 0x7f && code_point <= 0x9f);
}

size_t utf8_invalid_offset(const char *s, size_t len)
{
        size_t i = 0;

        while (i < len) {
                struct utf8_char c = utf8_next(s + i, len - i);
                if (c.code_point < 0)
                        return i;
                i += c.length;
        }
        return len;
}
