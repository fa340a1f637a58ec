/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Parsing and printing PCI function addresses in the form sysfs gives them. */

#include "pci_address.h"
#include "hexdigit.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>

static size_t hex_run(const char *s)
{
        size_t n = 0;

        while (hex_digit_value(s[n]) >= 0)
                n++;
        return n;
}

/* Reads exactly `width` hex digits; anything else is an error at the first wrong character. */
static bool read_fixed_hex(const char *s, size_t *pos, size_t width, unsigned *ret)
{
        unsigned v = 0;

        for (size_t i = 0; i < width; i++) {
                int d = hex_digit_value(s[*pos + i]);
                if (d < 0) {
                        *pos += i;
                        return false;
                }
                v = v << 4 | (unsigned) d;
        }
        /* A further digit means the field is too wide, e.g. bus "0b0". */
        if (hex_digit_value(s[*pos + width]) >= 0) {
                *pos += width;
                return false;
        }
        *pos += width;
        *ret = v;
        return true;
}

static int parse(const char *s, bool with_function, struct pci_address *ret, struct parse_error *ret_error)
{
        struct pci_address a = {};
        size_t pos = 0, n;
        unsigned v;

        assert(s);

        /*
         * The first group is the domain when 4-8 digits long, the bus when 2 digits long (sysfs
         * prints "%04x:%02x:"). A 2-digit group followed by two more colon-separated groups is a
         * domain written too short.
         */
        n = hex_run(s);
        if (n >= 4 && n <= 8 && s[n] == ':') {
                for (size_t i = 0; i < n; i++)
                        a.domain = a.domain << 4 | (uint32_t) hex_digit_value(s[i]);
                pos = n + 1;
        } else if (n > 8)
                return parse_error_set(ret_error, -EINVAL, 8, "a hex domain of at most 8 digits");
        else if (n == 0)
                return parse_error_set(ret_error, -EINVAL, 0,
                                       with_function ? "a PCI address such as 0000:0b:00.0"
                                                     : "a PCI slot such as 0000:0b:00");
        else if (n == 1 || n == 3)
                return parse_error_set(ret_error, -EINVAL, 0, "a 4-8 digit hex domain or a 2-digit hex bus number");
        else if (s[n] != ':')
                return parse_error_set(ret_error, -EINVAL, n,
                                       n == 2 ? "':' after the bus number" : "':' after the domain");
        else if (hex_run(s + 3) > 0 && s[3 + hex_run(s + 3)] == ':')
                /* "00:0b:00.0": a domain written with 2 digits. */
                return parse_error_set(ret_error, -EINVAL, 0, "a 4-8 digit hex domain");

        if (!read_fixed_hex(s, &pos, 2, &v))
                return parse_error_set(ret_error, -EINVAL, pos, "a 2-digit hex bus number");
        a.bus = (uint8_t) v;

        if (s[pos] != ':')
                return parse_error_set(ret_error, -EINVAL, pos, "':' after the bus number");
        pos++;

        size_t slot_pos = pos;
        if (!read_fixed_hex(s, &pos, 2, &v))
                return parse_error_set(ret_error, -EINVAL, pos, "a 2-digit hex slot number 00-1f");
        if (v > 0x1f)
                return parse_error_set(ret_error, -EINVAL, slot_pos, "a 2-digit hex slot number 00-1f");
        a.slot = (uint8_t) v;

        if (with_function) {
                if (s[pos] != '.')
                        return parse_error_set(ret_error, -EINVAL, pos, "'.' and a function number");
                pos++;

                if (s[pos] < '0' || s[pos] > '7')
                        return parse_error_set(ret_error, -EINVAL, pos, "a function number 0-7");
                a.function = (uint8_t) (s[pos] - '0');
                pos++;
        }

        if (s[pos] != '\0')
                return parse_error_set(ret_error, -EINVAL, pos,
                                       with_function ? "the end of the address"
                                                     : "the end of the slot (a slot has no .function)");

        *ret = a;
        return 0;
}

int pci_address_parse_full(const char *s, struct pci_address *ret, struct parse_error *ret_error)
{
        return parse(s, true, ret, ret_error);
}

int pci_slot_parse_full(const char *s, struct pci_address *ret, struct parse_error *ret_error)
{
        return parse(s, false, ret, ret_error);
}

/* The plain variants report only the position. */
static int parse_at(const char *s, bool with_function, struct pci_address *ret, size_t *ret_error_pos)
{
        struct parse_error e = {};
        int r = parse(s, with_function, ret, &e);

        if (r < 0 && ret_error_pos)
                *ret_error_pos = e.offset;
        return r;
}

int pci_address_parse(const char *s, struct pci_address *ret, size_t *ret_error_pos)
{
        return parse_at(s, true, ret, ret_error_pos);
}

int pci_slot_parse(const char *s, struct pci_address *ret, size_t *ret_error_pos)
{
        return parse_at(s, false, ret, ret_error_pos);
}

const char *pci_address_format(const struct pci_address *a, char buf[static PCI_ADDRESS_STRING_MAX])
{
        snprintf(buf, PCI_ADDRESS_STRING_MAX, "%04x:%02x:%02x.%x", (unsigned) a->domain, (unsigned) a->bus,
                 (unsigned) a->slot, (unsigned) a->function);
        return buf;
}

static int cmp_u32(uint32_t a, uint32_t b) { return (a > b) - (a < b); }

int pci_address_compare(const struct pci_address *a, const struct pci_address *b)
{
        int r;

        r = cmp_u32(a->domain, b->domain);
        if (r != 0)
                return r;
        r = cmp_u32(a->bus, b->bus);
        if (r != 0)
                return r;
        r = cmp_u32(a->slot, b->slot);
        if (r != 0)
                return r;
        return cmp_u32(a->function, b->function);
}

bool pci_address_equal(const struct pci_address *a, const struct pci_address *b)
{
        return pci_address_compare(a, b) == 0;
}

bool pci_address_same_slot(const struct pci_address *a, const struct pci_address *b)
{
        return a->domain == b->domain && a->bus == b->bus && a->slot == b->slot;
}
