/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * PE/COFF headers (Microsoft's "PE Format" specification): the MS-DOS stub with the offset of
 * the PE signature at 0x3c, "PE\0\0", the COFF file header (NumberOfSections at +6,
 * SizeOfOptionalHeader at +20, 24 bytes in all with the signature), the optional header, then
 * 40 bytes per section: Name[8], VirtualSize, VirtualAddress, SizeOfRawData, PointerToRawData.
 * Every field is little-endian; every offset is checked against the buffer before it is read.
 */
#include "pe_sections.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define DOS_LFANEW_OFFSET 0x3c
#define COFF_HEADER_SIZE 24 /* with the signature */
#define SECTION_HEADER_SIZE 40

static uint16_t le16(const uint8_t *p) { return (uint16_t) (p[0] | p[1] << 8); }

static uint32_t le32(const uint8_t *p)
{
        return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
}

/* Where the section table starts and how many entries it has; -EBADMSG with *e otherwise. */
static int find_table(const uint8_t *data, size_t size, size_t *ret_offset, size_t *ret_n, struct parse_error *e)
{
        if (size < 2 || data[0] != 'M' || data[1] != 'Z')
                return parse_error_set(e, -EBADMSG, 0, "the MS-DOS signature \"MZ\"");
        if (size < DOS_LFANEW_OFFSET + 4)
                return parse_error_set(e, -EBADMSG, size, "the offset of the PE header at byte 0x3c");
        size_t pe = le32(data + DOS_LFANEW_OFFSET);
        if (pe > size || size - pe < COFF_HEADER_SIZE)
                return parse_error_set(e, -EBADMSG, DOS_LFANEW_OFFSET, "a PE header within the file");
        if (memcmp(data + pe, "PE\0\0", 4) != 0)
                return parse_error_set(e, -EBADMSG, pe, "the PE signature \"PE\\0\\0\"");
        size_t n = le16(data + pe + 6), optional = le16(data + pe + 20);
        if (n > PE_SECTIONS_MAX)
                return parse_error_set(e, -EBADMSG, pe + 6, "at most 96 sections");
        size_t table = pe + COFF_HEADER_SIZE + optional;
        if (table > size || (size - table) / SECTION_HEADER_SIZE < n)
                return parse_error_set(e, -EBADMSG, pe + 20, "a section table within the file");
        *ret_offset = table;
        *ret_n = n;
        return 0;
}

int pe_sections_parse(const uint8_t *data, size_t size, struct pe_section **ret, size_t *ret_n, struct parse_error *e)
{
        struct pe_section *s = NULL;
        size_t table, n;
        int r = find_table(data, size, &table, &n, e);

        if (r < 0)
                return r;
        if (n > 0) {
                s = calloc(n, sizeof(*s));
                if (!s)
                        return -ENOMEM;
        }
        for (size_t i = 0; i < n; i++) {
                const uint8_t *h = data + table + i * SECTION_HEADER_SIZE;
                memcpy(s[i].name, h, PE_SECTION_NAME_MAX);
                s[i].name[PE_SECTION_NAME_MAX] = '\0';
                s[i].virtual_size = le32(h + 8);
                s[i].virtual_address = le32(h + 12);
                s[i].raw_size = le32(h + 16);
                s[i].raw_offset = le32(h + 20);
        }
        *ret = s;
        *ret_n = n;
        return 0;
}

const struct pe_section *pe_sections_find(const struct pe_section *s, size_t n, const char *name)
{
        for (size_t i = 0; i < n; i++)
                if (strncmp(s[i].name, name, PE_SECTION_NAME_MAX + 1) == 0)
                        return &s[i];
        return NULL;
}

uint32_t pe_section_data_size(const struct pe_section *s)
{
        return s->virtual_size < s->raw_size ? s->virtual_size : s->raw_size;
}
