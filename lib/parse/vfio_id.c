/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vfio-pci.ids entries: strict parsing, the kernel's matching, canonical printing. */

#include "vfio_id.h"
#include "hexdigit.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "macro.h"

enum { FIELD_VENDOR, FIELD_DEVICE, FIELD_SUBVENDOR, FIELD_SUBDEVICE, FIELD_CLASS, FIELD_MASK, FIELD_MAX };

/* What each field must look like, phrased to follow "expected". */
static const char *const field_expected[FIELD_MAX] = {
        [FIELD_VENDOR] = "a hex vendor ID (1-4 digits)",
        [FIELD_DEVICE] = "a hex device ID (1-4 digits)",
        [FIELD_SUBVENDOR] = "a hex subsystem vendor ID (1-4 digits, or ffffffff for any)",
        [FIELD_SUBDEVICE] = "a hex subsystem device ID (1-4 digits, or ffffffff for any)",
        [FIELD_CLASS] = "a hex class code (1-6 digits, e.g. 030000)",
        [FIELD_MASK] = "a hex class mask (1-6 digits, e.g. ffff00)",
};

static bool is_any_id(const char *s, size_t n)
{
        if (n != 8)
                return false;
        for (size_t i = 0; i < n; i++)
                if (s[i] != 'f' && s[i] != 'F')
                        return false;
        return true;
}

/* Parses one entry of exactly len bytes (it need not be NUL-terminated there). */
static int parse_entry(const char *s, size_t len, struct vfio_id *ret, struct parse_error *ret_error)
{
        uint32_t v[FIELD_MAX] = { 0, 0, VFIO_ID_ANY, VFIO_ID_ANY, 0, 0 };
        size_t pos = 0;
        int field = 0;

        for (;;) {
                /* The kernel's %x takes a "0x" prefix; so do we, but then a digit must follow. */
                if (pos + 1 < len && s[pos] == '0' && (s[pos + 1] == 'x' || s[pos + 1] == 'X'))
                        pos += 2;

                size_t start = pos, n = 0;
                while (pos + n < len && hex_digit_value(s[pos + n]) >= 0)
                        n++;
                if (n == 0)
                        return parse_error_set(ret_error, -EINVAL, pos, field_expected[field]);

                size_t max_digits = field >= FIELD_CLASS ? 6 : 4;
                if (field < FIELD_CLASS && is_any_id(s + start, n))
                        v[field] = VFIO_ID_ANY;
                else if (n > max_digits)
                        /* The kernel would take the value truncated to 32 bits; no PCI ID is that wide. */
                        return parse_error_set(ret_error, -EINVAL, start + max_digits, field_expected[field]);
                else {
                        uint32_t x = 0;
                        for (size_t i = 0; i < n; i++)
                                x = x << 4 | (uint32_t) hex_digit_value(s[start + i]);
                        v[field] = x;
                }
                pos += n;
                field++;

                if (pos == len) {
                        if (field < 2)
                                /* The kernel logs "invalid id string" and skips such an entry. */
                                return parse_error_set(ret_error, -EINVAL, pos, "':' and a hex device ID");
                        break;
                }
                if (s[pos] != ':' || field == FIELD_MAX)
                        /* The kernel stops scanning here and ignores the rest of the entry. */
                        return parse_error_set(ret_error, -EINVAL, pos,
                                               field == FIELD_MAX ? "the end of the ID (at most 6 fields)"
                                               : field < 2        ? "':' and a hex device ID"
                                                                  : "':' and another field, or the end of the ID");
                pos++;
        }

        *ret = (struct vfio_id){
                .vendor = v[FIELD_VENDOR],
                .device = v[FIELD_DEVICE],
                .subvendor = v[FIELD_SUBVENDOR],
                .subdevice = v[FIELD_SUBDEVICE],
                .class_code = v[FIELD_CLASS],
                .class_mask = v[FIELD_MASK],
        };
        return 0;
}

int vfio_id_parse_full(const char *s, struct vfio_id *ret, struct parse_error *ret_error)
{
        assert(s);
        assert(ret);
        return parse_entry(s, strlen(s), ret, ret_error);
}

int vfio_id_parse(const char *s, struct vfio_id *ret, size_t *ret_error_pos)
{
        struct parse_error e = {};
        int r = vfio_id_parse_full(s, ret, &e);

        if (r < 0 && ret_error_pos)
                *ret_error_pos = e.offset;
        return r;
}

int vfio_id_list_parse_full(const char *s, struct vfio_id **ret_ids, size_t *ret_n, struct parse_error *ret_error)
{
        _cleanup_free_ struct vfio_id *ids = NULL;
        size_t n = 0, len;

        assert(s);
        assert(ret_ids);
        assert(ret_n);

        len = strlen(s);
        if (len > VFIO_ID_LIST_MAX)
                return parse_error_set(ret_error, -ENOSPC, VFIO_ID_LIST_MAX, "at most 1023 characters in vfio-pci.ids");

        for (size_t start = 0; start <= len;) {
                const char *comma = strchr(s + start, ',');
                size_t end = comma ? (size_t) (comma - s) : len;

                if (end > start) {
                        struct vfio_id id;
                        struct parse_error e = {};
                        int r = parse_entry(s + start, end - start, &id, &e);
                        if (r < 0)
                                return parse_error_set(ret_error, r, start + e.offset, e.expected);

                        /* At most 512 entries fit in 1023 characters: no overflow here. */
                        if (ARRAY_GROW(ids, n) < 0)
                                return -ENOMEM;
                        ids[n++] = id;
                }
                start = end + 1;
        }

        *ret_ids = TAKE_PTR(ids);
        *ret_n = n;
        return 0;
}

bool vfio_id_matches(const struct vfio_id *id, const struct pci_ids *dev)
{
        return (id->vendor == VFIO_ID_ANY || id->vendor == dev->vendor) &&
               (id->device == VFIO_ID_ANY || id->device == dev->device) &&
               (id->subvendor == VFIO_ID_ANY || id->subvendor == dev->subvendor) &&
               (id->subdevice == VFIO_ID_ANY || id->subdevice == dev->subdevice) &&
               !((id->class_code ^ dev->class_code) & id->class_mask);
}

bool vfio_id_class_bits_ignored(const struct vfio_id *id) { return (id->class_code & ~id->class_mask) != 0; }

const char *vfio_id_format(const struct vfio_id *id, char buf[static VFIO_ID_STRING_MAX])
{
        int fields = id->class_mask != 0            ? 6
                     : id->class_code != 0          ? 5
                     : id->subdevice != VFIO_ID_ANY ? 4
                     : id->subvendor != VFIO_ID_ANY ? 3
                                                    : 2;
        size_t off;

        /* %04x prints VFIO_ID_ANY as ffffffff, which is how the parser reads "any". */
        off = (size_t) snprintf(buf, VFIO_ID_STRING_MAX, "%04x:%04x", (unsigned) id->vendor, (unsigned) id->device);
        if (fields >= 3)
                off += (size_t) snprintf(buf + off, VFIO_ID_STRING_MAX - off, ":%04x", (unsigned) id->subvendor);
        if (fields >= 4)
                off += (size_t) snprintf(buf + off, VFIO_ID_STRING_MAX - off, ":%04x", (unsigned) id->subdevice);
        if (fields >= 5)
                off += (size_t) snprintf(buf + off, VFIO_ID_STRING_MAX - off, ":%06x", (unsigned) id->class_code);
        if (fields >= 6)
                snprintf(buf + off, VFIO_ID_STRING_MAX - off, ":%06x", (unsigned) id->class_mask);
        return buf;
}
