/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One hex digit's value, for the parsers of IDs and addresses. */
#pragma once

/* 0-15, or -1 when C is not a hex digit (either case). */
static inline int hex_digit_value(char c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}
