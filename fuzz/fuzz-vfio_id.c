/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vfio-pci ID specs, one entry and comma lists: errors point inside the input, values are in
 * range, the canonical form parses back, and matching agrees with what the fields say.
 */
#include <errno.h>

#include "fuzz.h"
#include "vfio_id.h"

static bool id_equal(const struct vfio_id *a, const struct vfio_id *b)
{
        return a->vendor == b->vendor && a->device == b->device && a->subvendor == b->subvendor &&
               a->subdevice == b->subdevice && a->class_code == b->class_code && a->class_mask == b->class_mask;
}

static bool id16_ok(uint32_t v) { return v <= 0xffff || v == VFIO_ID_ANY; }

/* A device built from the ID's own fields (SEED fills the "any" ones) must match it; changing
 * one field the ID pins down, or one class bit its mask covers, must make it not match. */
static void check_matching(const char *s, const struct vfio_id *id, uint32_t seed)
{
        struct pci_ids dev = {
                .vendor = (uint16_t) (id->vendor == VFIO_ID_ANY ? seed : id->vendor),
                .device = (uint16_t) (id->device == VFIO_ID_ANY ? seed >> 3 : id->device),
                .subvendor = (uint16_t) (id->subvendor == VFIO_ID_ANY ? seed >> 7 : id->subvendor),
                .subdevice = (uint16_t) (id->subdevice == VFIO_ID_ANY ? seed >> 11 : id->subdevice),
                /* bits outside the mask are free */
                .class_code = (id->class_code & id->class_mask) | (seed & ~id->class_mask & 0xffffff),
        };
        CHECK(vfio_id_matches(id, &dev), "'%s' does not match a device with its own IDs", s);

        struct pci_ids other = dev;
        if (id->vendor != VFIO_ID_ANY) {
                other.vendor ^= 1;
                CHECK(!vfio_id_matches(id, &other), "'%s' matches another vendor", s);
                other = dev;
        }
        if (id->subdevice != VFIO_ID_ANY) {
                other.subdevice ^= 0x8000;
                CHECK(!vfio_id_matches(id, &other), "'%s' matches another subdevice", s);
                other = dev;
        }
        if (id->class_mask != 0) {
                uint32_t bit = id->class_mask & -id->class_mask; /* lowest bit the mask covers */
                other.class_code ^= bit;
                CHECK(!vfio_id_matches(id, &other), "'%s' matches a class its mask excludes", s);
        }
        (void) vfio_id_class_bits_ignored(id);
}

static void check_entry(const char *s, uint32_t seed)
{
        static const struct vfio_id untouched = { 1, 2, 3, 4, 5, 6 };
        struct vfio_id id = untouched, again = untouched;
        struct parse_error e = { .offset = SIZE_MAX };
        size_t pos_plain = SIZE_MAX;

        int r = vfio_id_parse_full(s, &id, &e);
        size_t pos = e.offset;
        const char *expected = e.expected;
        CHECK(vfio_id_parse(s, &again, &pos_plain) == r, "'%s': plain and _full() parsers disagree", s);
        if (r < 0) {
                CHECK(r == -EINVAL, "'%s': unexpected error %d", s, r);
                CHECK(pos <= strlen(s) && pos == pos_plain, "'%s': error position %zu (%zu) past the end", s, pos,
                      pos_plain);
                CHECK(expected && *expected, "'%s': no 'expected' phrase", s);
                CHECK(id_equal(&id, &untouched), "'%s': result written on failure", s);
                return;
        }
        CHECK(r == 0 && id_equal(&id, &again), "'%s': result %d", s, r);
        CHECK(id16_ok(id.vendor) && id16_ok(id.device) && id16_ok(id.subvendor) && id16_ok(id.subdevice),
              "'%s': an ID above 16 bits", s);
        CHECK(id.class_code <= 0xffffff && id.class_mask <= 0xffffff, "'%s': class above 24 bits", s);

        char canonical[VFIO_ID_STRING_MAX];
        vfio_id_format(&id, canonical);
        CHECK(vfio_id_parse(canonical, &again, NULL) == 0 && id_equal(&id, &again),
              "'%s': canonical '%s' does not parse back to the same ID", s, canonical);
        check_matching(s, &id, seed);
}

static void check_list(const char *s)
{
        struct vfio_id *ids = (struct vfio_id *) 1;
        struct parse_error err = { .offset = SIZE_MAX };
        size_t n = SIZE_MAX, len = strlen(s);

        int r = vfio_id_list_parse_full(s, &ids, &n, &err);
        size_t pos = err.offset;
        const char *expected = err.expected;
        if (r < 0) {
                CHECK(ids == (struct vfio_id *) 1 && n == SIZE_MAX, "'%s': result written on failure", s);
                CHECK(expected && *expected, "'%s': no 'expected' phrase", s);
                if (len > VFIO_ID_LIST_MAX) {
                        CHECK(r == -ENOSPC && pos == VFIO_ID_LIST_MAX, "'%s': %d at %zu for a long list", s, r, pos);
                        return;
                }
                CHECK(r == -EINVAL && pos <= len, "'%s': error %d at %zu", s, r, pos);
                return;
        }
        CHECK(r == 0 && len <= VFIO_ID_LIST_MAX, "'%s': result %d for length %zu", s, r, len);
        CHECK((n == 0) == (ids == NULL), "'%s': %zu entries in %p", s, n, (void *) ids);

        /* Entry by entry as the single-entry parser sees them, and the list's canonical form. */
        char *copy = strdup(s), *save = NULL;
        char *canonical = malloc(n * VFIO_ID_STRING_MAX + 1);
        size_t i = 0, off = 0;
        CHECK(copy && canonical, "out of memory");
        canonical[0] = '\0';
        for (char *e = strtok_r(copy, ",", &save); e; e = strtok_r(NULL, ",", &save), i++) {
                struct vfio_id one;
                CHECK(i < n, "'%s': more entries than the %zu parsed", s, n);
                CHECK(vfio_id_parse(e, &one, NULL) == 0 && id_equal(&one, &ids[i]),
                      "'%s': entry %zu '%s' parses differently alone", s, i, e);
                char buf[VFIO_ID_STRING_MAX];
                off += (size_t) sprintf(canonical + off, "%s%s", i ? "," : "", vfio_id_format(&ids[i], buf));
        }
        CHECK(i == n, "'%s': %zu entries, parsed %zu", s, i, n);

        struct vfio_id *again = NULL;
        size_t n_again = 0;
        if (off <= VFIO_ID_LIST_MAX) {
                CHECK(vfio_id_list_parse_full(canonical, &again, &n_again, NULL) == 0 && n_again == n &&
                              (n == 0 || memcmp(again, ids, n * sizeof(*ids)) == 0),
                      "'%s': canonical '%s' parses differently", s, canonical);
        }
        free(again);
        free(canonical);
        free(copy);
        free(ids);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *s = fuzz_string(data, size, NULL, NULL);
        if (!s)
                return 0;
        uint32_t seed = 0x9e3779b9u;
        for (size_t i = 0; i < size; i++)
                seed = (seed ^ data[i]) * 0x01000193u;

        check_entry(s, seed);
        check_list(s);
        free(s);
        return 0;
}
