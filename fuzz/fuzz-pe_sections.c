/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The PE section table reader on any bytes: it either refuses them with an offset inside the
 * input and a phrase, or gives at most 96 sections, each with a NUL-terminated name and a data
 * size no larger than either of its sizes, whose table lies inside the input.
 */
#include <errno.h>

#include "fuzz.h"
#include "pe_sections.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct pe_section *s = NULL;
        struct parse_error e = {};
        size_t n = SIZE_MAX;
        int r = pe_sections_parse(data, size, &s, &n, &e);

        CHECK(r == 0 || r == -EBADMSG || r == -ENOMEM, "returned %d", r);
        if (r == -EBADMSG) {
                CHECK(e.code == r && e.expected && e.offset <= size, "error at %zu of %zu", e.offset, size);
                return 0;
        }
        if (r < 0)
                return 0;
        CHECK(n <= PE_SECTIONS_MAX && (n == 0) == (s == NULL), "%zu sections", n);
        /* the DOS header holds the PE header's offset; each section header is 40 bytes of the
         * input after "PE\0\0" and the COFF header, which cannot start before byte 2 ("MZ") */
        CHECK(size >= 0x40 && size >= 2 + 24 + 40 * n, "%zu sections from %zu bytes", n, size);
        for (size_t i = 0; i < n; i++) {
                CHECK(memchr(s[i].name, '\0', sizeof(s[i].name)), "section %zu: name not terminated", i);
                uint32_t d = pe_section_data_size(&s[i]);
                CHECK(d <= s[i].virtual_size && d <= s[i].raw_size, "section %zu: data size %u", i, d);
                CHECK(pe_sections_find(s, n, s[i].name) <= &s[i], "section %zu: found after itself", i);
        }
        free(s);
        return 0;
}
