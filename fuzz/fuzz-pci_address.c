/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * PCI addresses and slots (claim and keep lines, sysfs names): errors point inside the input,
 * the result is written only on success and is in range, and the canonical form parses back.
 */
#include <errno.h>

#include "fuzz.h"
#include "pci_address.h"

typedef int (*parse_full_fn)(const char *s, struct pci_address *ret, struct parse_error *ret_error);
typedef int (*parse_fn)(const char *s, struct pci_address *ret, size_t *ret_error_pos);

static const struct pci_address untouched = { .domain = 0xdeadbeef, .bus = 0xee, .slot = 0xee, .function = 0xee };

static void format_slot(const struct pci_address *a, char buf[static PCI_ADDRESS_STRING_MAX])
{
        snprintf(buf, PCI_ADDRESS_STRING_MAX, "%04x:%02x:%02x", (unsigned) a->domain, (unsigned) a->bus,
                 (unsigned) a->slot);
}

/* One parser on s; returns its result and leaves the address in *ret on success. */
static int check_parser(const char *s, bool with_function, parse_full_fn full, parse_fn plain, struct pci_address *ret)
{
        struct pci_address a = untouched, b = untouched;
        struct parse_error e = { .offset = SIZE_MAX };
        size_t pos_plain = SIZE_MAX;

        int r = full(s, &a, &e);
        size_t pos = e.offset;
        const char *expected = e.expected;
        int r_plain = plain(s, &b, &pos_plain);
        CHECK(r == r_plain, "'%s': _full() gives %d, the plain parser %d", s, r, r_plain);
        /* No out-parameters at all must work too. */
        CHECK(full(s, &b, NULL) == r, "'%s': result changes without out-parameters", s);

        if (r < 0) {
                CHECK(r == -EINVAL, "'%s': unexpected error %d", s, r);
                CHECK(pos <= strlen(s), "'%s': error position %zu past the end", s, pos);
                CHECK(pos == pos_plain, "'%s': error positions %zu and %zu differ", s, pos, pos_plain);
                CHECK(expected && *expected, "'%s': no 'expected' phrase", s);
                CHECK(memcmp(&a, &untouched, sizeof(a)) == 0, "'%s': result written on failure", s);
                return r;
        }

        CHECK(r == 0, "'%s': result %d", s, r);
        CHECK(a.slot <= 0x1f && a.function <= 7, "'%s': slot %x function %x out of range", s, a.slot, a.function);
        CHECK(with_function || a.function == 0, "'%s': a slot with function %u", s, a.function);
        CHECK(pci_address_equal(&a, &b), "'%s': two parses differ", s);

        /* The canonical form parses back to the same value. */
        char canonical[PCI_ADDRESS_STRING_MAX];
        struct pci_address again = untouched;
        if (with_function)
                pci_address_format(&a, canonical);
        else
                format_slot(&a, canonical);
        CHECK(full(canonical, &again, &e) == 0, "'%s': canonical '%s' does not parse", s, canonical);
        CHECK(pci_address_compare(&a, &again) == 0 && pci_address_same_slot(&a, &again),
              "'%s': canonical '%s' parses to another value", s, canonical);

        /* Written without the domain, a domain-0 address means the same. */
        if (a.domain == 0) {
                CHECK(full(canonical + 5, &again, &e) == 0 && pci_address_equal(&a, &again),
                      "'%s': short form '%s' differs", s, canonical + 5);
        }
        *ret = a;
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *s = fuzz_string(data, size, NULL, NULL);
        if (!s)
                return 0;

        struct pci_address address = untouched, slot = untouched;
        int r_address = check_parser(s, true, pci_address_parse_full, pci_address_parse, &address);
        int r_slot = check_parser(s, false, pci_slot_parse_full, pci_slot_parse, &slot);

        /* A string is never both, and an address without its ".F" is its slot. */
        CHECK(r_address < 0 || r_slot < 0, "'%s' parses as an address and as a slot", s);
        if (r_address == 0) {
                char *dot = strrchr(s, '.');
                CHECK(dot, "'%s': an address without '.'", s);
                *dot = '\0';
                struct pci_address prefix = untouched;
                CHECK(pci_slot_parse(s, &prefix, NULL) == 0 && pci_address_same_slot(&prefix, &address),
                      "'%s': the part before '.' is not the same slot", s);
                CHECK(pci_address_compare(&prefix, &address) <= 0, "slot orders after its function");
        }
        free(s);
        return 0;
}
