/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "guest_xml.h"

#include <stdarg.h>
#include <stdlib.h>

static void indent(struct xml_writer *w)
{
        for (unsigned i = 0; i < w->depth; i++)
                fputs("  ", w->out);
}

static void escaped(FILE *out, const char *s)
{
        for (; *s; s++)
                switch (*s) {
                case '&':
                        fputs("&amp;", out);
                        break;
                case '<':
                        fputs("&lt;", out);
                        break;
                case '>':
                        fputs("&gt;", out);
                        break;
                case '\'':
                        fputs("&apos;", out);
                        break;
                case '"':
                        fputs("&quot;", out);
                        break;
                default:
                        fputc(*s, out);
                }
}

static void start_tag(struct xml_writer *w, const char *name, va_list ap)
{
        indent(w);
        fprintf(w->out, "<%s", name);
        for (const char *attr; (attr = va_arg(ap, const char *));) {
                fprintf(w->out, " %s='", attr);
                escaped(w->out, va_arg(ap, const char *));
                fputc('\'', w->out);
        }
}

void xml_open(struct xml_writer *w, const char *name, ...)
{
        va_list ap;
        va_start(ap, name);
        start_tag(w, name, ap);
        va_end(ap);
        fputs(">\n", w->out);
        w->depth++;
}

void xml_empty(struct xml_writer *w, const char *name, ...)
{
        va_list ap;
        va_start(ap, name);
        start_tag(w, name, ap);
        va_end(ap);
        fputs("/>\n", w->out);
}

void xml_text(struct xml_writer *w, const char *name, const char *text, ...)
{
        va_list ap;
        va_start(ap, text);
        start_tag(w, name, ap);
        va_end(ap);
        fputc('>', w->out);
        escaped(w->out, text);
        fprintf(w->out, "</%s>\n", name);
}

void xml_close(struct xml_writer *w, const char *name)
{
        w->depth--;
        indent(w);
        fprintf(w->out, "</%s>\n", name);
}

void xml_comment(struct xml_writer *w, const char *format, ...)
{
        char *text = NULL;
        va_list ap;
        va_start(ap, format);
        int n = vasprintf(&text, format, ap);
        va_end(ap);
        indent(w);
        fputs("<!-- ", w->out);
        char previous = ' ';
        for (int i = 0; n > 0 && i < n; i++) {
                char c = text[i];
                if ((unsigned char) c < 0x20 && c != '\t')
                        c = '?';
                if (c == '-' && previous == '-')
                        fputc(' ', w->out);
                fputc(c, w->out);
                previous = c;
        }
        fputs(" -->\n", w->out); /* the space keeps a final '-' from touching "-->" */
        free(text);
}
