/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The --json writer: commas, nesting, string escaping and null, captured in memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "json_writer.h"
#include "macro.h"

struct capture {
        struct json_writer w;
        FILE *out;
        char *text;
        size_t size;
};

static void capture_begin(struct capture *c)
{
        *c = (struct capture){};
        c->out = open_memstream(&c->text, &c->size);
        assert_non_null(c->out);
        json_init(&c->w, c->out);
}

/* Close the stream, compare, free. */
static void capture_expect(struct capture *c, const char *want)
{
        assert_int_equal(fclose(c->out), 0);
        c->out = NULL;
        if (!streq(c->text, want))
                fail_msg("got  %s\nwant %s", c->text, want);
        free(c->text);
        c->text = NULL;
}

static void test_flat_object(void **state)
{
        struct capture c;
        capture_begin(&c);
        json_object_begin(&c.w);
        json_kv_string(&c.w, "address", "0000:01:00.0");
        json_kv_int(&c.w, "group", 13);
        json_kv_int(&c.w, "numa_node", -1);
        json_kv_bool(&c.w, "boot_vga", true);
        json_kv_bool(&c.w, "claimable", false);
        json_key(&c.w, "override");
        json_null(&c.w);
        json_object_end(&c.w);
        json_finish(&c.w);
        capture_expect(&c, "{\"address\":\"0000:01:00.0\",\"group\":13,\"numa_node\":-1,"
                           "\"boot_vga\":true,\"claimable\":false,\"override\":null}\n");
}

static void test_empty_containers(void **state)
{
        struct capture c;
        capture_begin(&c);
        json_object_begin(&c.w);
        json_object_end(&c.w);
        json_finish(&c.w);
        capture_expect(&c, "{}\n");

        capture_begin(&c);
        json_object_begin(&c.w);
        json_key(&c.w, "a");
        json_array_begin(&c.w);
        json_array_end(&c.w);
        json_key(&c.w, "o");
        json_object_begin(&c.w);
        json_object_end(&c.w);
        json_key(&c.w, "after");
        json_int(&c.w, 0);
        json_object_end(&c.w);
        capture_expect(&c, "{\"a\":[],\"o\":{},\"after\":0}");
}

static void test_nesting_and_commas(void **state)
{
        struct capture c;
        capture_begin(&c);
        json_object_begin(&c.w);
        json_key(&c.w, "groups");
        json_array_begin(&c.w);
        for (int g = 1; g <= 2; g++) {
                json_object_begin(&c.w);
                json_kv_int(&c.w, "number", g);
                json_key(&c.w, "members");
                json_array_begin(&c.w);
                for (int m = 0; m < g; m++)
                        json_int(&c.w, m);
                json_array_end(&c.w);
                json_kv_bool(&c.w, "viable", g == 1);
                json_object_end(&c.w);
        }
        json_array_end(&c.w);
        json_key(&c.w, "matrix");
        json_array_begin(&c.w);
        json_array_begin(&c.w);
        json_int(&c.w, 1);
        json_int(&c.w, 2);
        json_array_end(&c.w);
        json_array_begin(&c.w);
        json_array_end(&c.w);
        json_array_begin(&c.w);
        json_int(&c.w, 3);
        json_array_end(&c.w);
        json_array_end(&c.w);
        json_kv_string(&c.w, "last", "x");
        json_object_end(&c.w);
        json_finish(&c.w);
        capture_expect(&c, "{\"groups\":[{\"number\":1,\"members\":[0],\"viable\":true},"
                           "{\"number\":2,\"members\":[0,1],\"viable\":false}],"
                           "\"matrix\":[[1,2],[],[3]],\"last\":\"x\"}\n");
}

static void test_deepest_nesting(void **state)
{
        /* JSON_MAX_DEPTH - 1 open containers, with a sibling after each inner one closes. */
        enum { N = JSON_MAX_DEPTH - 1 };
        char want[8 * N + 16] = "";
        struct capture c;
        capture_begin(&c);
        for (int i = 0; i < N; i++) {
                json_array_begin(&c.w);
                strcat(want, "[");
        }
        json_int(&c.w, 7);
        json_int(&c.w, 8);
        strcat(want, "7,8");
        for (int i = N - 1; i >= 0; i--) {
                json_array_end(&c.w);
                strcat(want, "]");
                if (i > 0) {
                        json_int(&c.w, i);
                        char num[8];
                        snprintf(num, sizeof(num), ",%d", i);
                        strcat(want, num);
                }
        }
        capture_expect(&c, want);
}

static void test_escaping(void **state)
{
        struct capture c;
        capture_begin(&c);
        json_array_begin(&c.w);
        json_string(&c.w, "say \"hi\"");
        json_string(&c.w, "C:\\path\\");
        json_string(&c.w, "line1\nline2\ttab\rcr");
        json_string(&c.w, "\x01\x08\x0c\x1f");
        json_string(&c.w, "del\x7f é");
        json_string(&c.w, "");
        json_array_end(&c.w);
        capture_expect(&c, "[\"say \\\"hi\\\"\",\"C:\\\\path\\\\\",\"line1\\nline2\\ttab\\rcr\","
                           "\"\\u0001\\u0008\\u000c\\u001f\",\"del\\u007f é\",\"\"]");

        /* Keys go through the same escaping. */
        capture_begin(&c);
        json_object_begin(&c.w);
        json_kv_string(&c.w, "a\"b\\c\n", "v");
        json_object_end(&c.w);
        capture_expect(&c, "{\"a\\\"b\\\\c\\n\":\"v\"}");
}

/* What /proc/cmdline or a CPU model may hold: the output is still JSON, and valid UTF-8. */
static void test_host_bytes(void **state)
{
        static const struct {
                const char *in, *want;
        } cases[] = {
                { "\x1b[2J", "\\u001b[2J" }, /* a terminal escape: a control, escaped */
                { "\xc2\x9b"
                  "2J",
                  "\\u009b"
                  "2J" },                                               /* the C1 CSI, in UTF-8 */
                { "\xff\xfe", "\\ufffd\\ufffd" },                       /* bytes no UTF-8 sequence starts with */
                { "a\xc3", "a\\ufffd" },                                /* cut at the end */
                { "\xc3(", "\\ufffd(" },                                /* a continuation byte missing */
                { "\xe2\x82x", "\\ufffdx" },                            /* a cut sequence is one U+FFFD */
                { "\x80\xbf", "\\ufffd\\ufffd" },                       /* stray continuation bytes */
                { "\xc0\xaf", "\\ufffd\\ufffd" },                       /* overlong '/' */
                { "\xe0\x80\xaf", "\\ufffd\\ufffd\\ufffd" },            /* overlong, 3 bytes */
                { "\xed\xa0\x80", "\\ufffd\\ufffd\\ufffd" },            /* a UTF-16 surrogate */
                { "\xf4\x90\x80\x80", "\\ufffd\\ufffd\\ufffd\\ufffd" }, /* above U+10FFFF */
                { "\xf5\x80", "\\ufffd\\ufffd" },
                /* Valid UTF-8 stays as it is, up to the last code point. */
                { "Xeon(R) ® € \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf", "Xeon(R) ® € \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf" },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                struct capture c;
                char want[128];
                capture_begin(&c);
                json_string(&c.w, cases[i].in);
                snprintf(want, sizeof(want), "\"%s\"", cases[i].want);
                capture_expect(&c, want);
        }
}

static void test_null(void **state)
{
        struct capture c;
        capture_begin(&c);
        json_object_begin(&c.w);
        json_kv_string(&c.w, "driver", NULL); /* NULL writes null, not "" and not a crash */
        json_kv_string(&c.w, "override", "");
        json_key(&c.w, "list");
        json_array_begin(&c.w);
        json_null(&c.w);
        json_string(&c.w, NULL);
        json_string(&c.w, "x");
        json_array_end(&c.w);
        json_object_end(&c.w);
        capture_expect(&c, "{\"driver\":null,\"override\":\"\",\"list\":[null,null,\"x\"]}");
}

static void test_int_range(void **state)
{
        struct capture c;
        capture_begin(&c);
        json_array_begin(&c.w);
        json_int(&c.w, 0);
        json_int(&c.w, -1);
        json_int(&c.w, INT64_MAX);
        json_int(&c.w, INT64_MIN);
        json_int(&c.w, (int64_t) UINT32_MAX + 1);
        json_array_end(&c.w);
        capture_expect(&c, "[0,-1,9223372036854775807,-9223372036854775808,4294967296]");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_flat_object),
                cmocka_unit_test(test_empty_containers),
                cmocka_unit_test(test_nesting_and_commas),
                cmocka_unit_test(test_deepest_nesting),
                cmocka_unit_test(test_escaping),
                cmocka_unit_test(test_host_bytes),
                cmocka_unit_test(test_null),
                cmocka_unit_test(test_int_range),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
