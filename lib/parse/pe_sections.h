/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The section table of a PE/COFF image (an EFI binary: a unified kernel image, an addon): what
 * cmdlinegen needs to tell whether a UKI carries its own command line (.cmdline) and for which
 * kernel (.uname). Only the headers are read, from a buffer holding the start of the file; a
 * section's contents are the caller's to read at raw_offset.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "parse_error.h"

#define PE_SECTION_NAME_MAX 8
#define PE_SECTIONS_MAX 96 /* the PE format's limit on NumberOfSections */

struct pe_section {
        char name[PE_SECTION_NAME_MAX + 1]; /* NUL-padded in the file; NUL-terminated here */
        uint32_t virtual_size;              /* the size of the data, as systemd-stub takes it */
        uint32_t virtual_address;
        uint32_t raw_size; /* SizeOfRawData: the data in the file, padded to the file alignment */
        uint32_t raw_offset;
};

/*
 * The sections of the image whose first SIZE bytes are DATA: 0 with *ret (malloc'd, NULL when
 * there are none) and *ret_n; -EBADMSG when it is not a PE image or its headers go past SIZE, with
 * *e (may be NULL) saying at which byte and what was expected; -ENOMEM.
 */
int pe_sections_parse(const uint8_t *data, size_t size, struct pe_section **ret, size_t *ret_n, struct parse_error *e);

/* The section NAME of S, or NULL. */
const struct pe_section *pe_sections_find(const struct pe_section *s, size_t n, const char *name);

/* How many bytes of section S's data the file holds: the smaller of its two sizes. */
uint32_t pe_section_data_size(const struct pe_section *s);
