/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Outside text quoted in a log message. What sysfs, /proc/cmdline or a user hands us may be
 * binary or huge; a message must stay one short printable line, whatever it quotes.
 */
#pragma once

#include <stddef.h>

/* Long enough for a PCI address, an ID list entry or a driver name; longer text is cut. */
#define SHOWN_TEXT_MAX 40
/* 'TEXT...': each byte at most 4 characters (\xNN), the quotes, "...", the NUL. */
#define SHOWN_TEXT_SIZE (SHOWN_TEXT_MAX * 4 + 6)

/*
 * LEN bytes of S as 'TEXT' in BUF: printable ASCII as it is, every other byte (control, NUL,
 * non-ASCII) as \xNN, a backslash as \\, cut after SHOWN_TEXT_MAX bytes with "...". Returns BUF.
 */
const char *shown_text(char buf[static SHOWN_TEXT_SIZE], const char *s, size_t len);
