/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Outside text quoted in a log message or shown in a report. What sysfs, /proc/cmdline or a user
 * hands us may be binary or huge; a message must stay one short printable line, whatever it
 * quotes, and a report must not send a terminal the escape sequences the host text holds.
 */
#pragma once

#include <stddef.h>
#include <stdio.h>

/* Long enough for a PCI address, an ID list entry or a driver name; longer text is cut. */
#define SHOWN_TEXT_MAX 40
/* 'TEXT...': each byte at most 4 characters (\xNN), the quotes, "...", the NUL. */
#define SHOWN_TEXT_SIZE (SHOWN_TEXT_MAX * 4 + 6)

/*
 * LEN bytes of S as 'TEXT' in BUF: printable ASCII as it is, every other byte (control, NUL,
 * non-ASCII) as \xNN, a backslash as \\, cut after SHOWN_TEXT_MAX bytes with "...". Returns BUF.
 */
const char *shown_text(char buf[static SHOWN_TEXT_SIZE], const char *s, size_t len);

/*
 * LEN bytes of TEXT whole, for a person reading a report on a terminal: valid UTF-8 as it is (a
 * CPU model may say "®"), the newline as it is; every other control (C0, DEL, C1), each byte of
 * an invalid UTF-8 sequence and a NUL as \xNN. What a command line or a CPU model holds then
 * reaches the screen as text, never as an escape sequence the terminal obeys. A backslash stays
 * as it is, so that text already quoted with shown_text() in a message does not double.
 */
void shown_text_write(FILE *out, const char *text, size_t len);
