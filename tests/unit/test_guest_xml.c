/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The libvirt fragments' XML writer: escaping of attribute values and text, and comments that stay comments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "guest_xml.h"

/* Run WRITE on a writer into memory; the text written, for the caller to free. */
static char *written(void (*write)(struct xml_writer *w))
{
        char *text = NULL;
        size_t size = 0;
        FILE *out = open_memstream(&text, &size);
        assert_non_null(out);
        struct xml_writer w = { .out = out };
        write(&w);
        assert_int_equal(fclose(out), 0);
        return text;
}

static void write_escapes(struct xml_writer *w)
{
        xml_open(w, "devices", NULL);
        xml_empty(w, "a", "v", "x'y\"z<&>", NULL);
        xml_text(w, "name", "a<b&c", "unit", "Ki'B", NULL);
        xml_close(w, "devices");
}

static void test_escapes(void **state)
{
        (void) state;
        char *text = written(write_escapes);
        assert_string_equal(text, "<devices>\n"
                                  "  <a v='x&apos;y&quot;z&lt;&amp;&gt;'/>\n"
                                  "  <name unit='Ki&apos;B'>a&lt;b&amp;c</name>\n"
                                  "</devices>\n");
        free(text);
}

static void write_comments(struct xml_writer *w)
{
        xml_comment(w, "a -- b --- c");
        xml_comment(w, "ends in -");
        xml_comment(w, "line\nbreak\x1b[2J");
}

static void test_comments(void **state)
{
        (void) state;
        /* XML forbids "--" inside a comment and a "-" right before "-->"; controls are not text. */
        char *text = written(write_comments);
        assert_string_equal(text, "<!-- a - - b - - - c -->\n"
                                  "<!-- ends in - -->\n"
                                  "<!-- line?break?[2J -->\n");
        free(text);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_escapes),
                cmocka_unit_test(test_comments),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
