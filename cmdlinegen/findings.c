/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "findings.h"

#include <stdarg.h>
#include <stdio.h>

#include "array.h"

char *strdup_printf(const char *format, ...)
{
        va_list ap;
        char *s = NULL;
        va_start(ap, format);
        int r = vasprintf(&s, format, ap);
        va_end(ap);
        return r < 0 ? NULL : s;
}

void findings_add(struct findings *f, enum finding_level level, const char *subject, const char *fix,
                  const char *fact_format, ...)
{
        if (ARRAY_GROW(f->items, f->n) < 0) {
                f->out_of_memory = true;
                return;
        }

        va_list ap;
        char *fact = NULL;
        va_start(ap, fact_format);
        int r = vasprintf(&fact, fact_format, ap);
        va_end(ap);

        struct finding *it = &f->items[f->n];
        *it = (struct finding){
                .level = level,
                .subject = strdup(subject),
                .fact = r < 0 ? NULL : fact,
                .fix = fix ? strdup(fix) : NULL,
        };
        if (!it->subject || !it->fact || (fix && !it->fix)) {
                free(it->subject);
                free(it->fact);
                free(it->fix);
                f->out_of_memory = true;
                return;
        }
        f->n++;
}

size_t findings_count(const struct findings *f, enum finding_level level)
{
        size_t n = 0;
        for (size_t i = 0; i < f->n; i++)
                n += f->items[i].level == level;
        return n;
}

void findings_done(struct findings *f)
{
        for (size_t i = 0; i < f->n; i++) {
                free(f->items[i].subject);
                free(f->items[i].fact);
                free(f->items[i].fix);
        }
        free(f->items);
        *f = (struct findings){};
}

const char *finding_level_to_string(enum finding_level level)
{
        switch (level) {
        case FINDING_NOTE:
                return "note";
        case FINDING_WARNING:
                return "warning";
        case FINDING_PROBLEM:
                return "problem";
        }
        return "?";
}
