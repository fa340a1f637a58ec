/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A small XML writer for the libvirt fragments: indentation, and escaping done once here.
 * Attribute values and text have &, <, >, ' and " escaped; comments never contain "--" or end
 * in "-" (XML forbids both) and control characters other than tab become '?'. Our own code,
 * not libxml2's: cmdlinegen is also built static (INITBIND_STATIC), and a static libxml2 would
 * bring ICU, lzma and zlib along for writing a few dozen elements.
 */
#pragma once

#include <stdio.h>

#include "macro.h"

struct xml_writer {
        FILE *out;
        unsigned depth;
};

/* <NAME ATTR='VALUE'...>, the attributes as name, value pairs ending in NULL. */
void xml_open(struct xml_writer *w, const char *name, ...) __attribute__((sentinel));
/* <NAME ATTR='VALUE'.../> */
void xml_empty(struct xml_writer *w, const char *name, ...) __attribute__((sentinel));
/* <NAME ATTR='VALUE'...>TEXT</NAME> */
void xml_text(struct xml_writer *w, const char *name, const char *text, ...) __attribute__((sentinel));
void xml_close(struct xml_writer *w, const char *name);
void xml_comment(struct xml_writer *w, const char *format, ...) _printf_(2, 3);
