/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The ID spec that vfio-pci's "ids" module parameter takes:
 *   vvvv:dddd[:svvv:sddd[:cccccc[:mmmmmm]]]  comma-separated
 * matched exactly as the kernel does; parsed more strictly than it does.
 *
 * What the kernel does (drivers/vfio/pci/vfio_pci.c, vfio_pci_fill_ids()): the value is split with
 * strsep(","), empty entries are skipped, each entry goes through sscanf("%x:%x:%x:%x:%x:%x").
 * An entry with fewer than 2 fields is logged ("invalid id string") and skipped; vfio-pci still
 * loads. Missing subsystem fields stay PCI_ANY_ID, missing class/mask stay 0. sscanf's %x
 * (lib/vsprintf.c, vsscanf()) skips leading whitespace, takes an optional "0x", reads hex digits
 * greedily and stores the value truncated to 32 bits; scanning stops silently at the first
 * character that does not fit, so trailing junk is ignored. pci_add_dynid() stores the values as
 * they are, unchecked: vendor 0x12345 is kept and never matches (PCI IDs are 16-bit), while
 * "1000010de" is truncated to 0x10de and matches NVIDIA. The whole value is limited to 1023
 * characters (kernel/params.c, param_set_copystring(): -ENOSPC, nothing is set).
 *
 * What this parser accepts: each field hex, either case, optional "0x"/"0X" prefix; vendor,
 * device, subvendor and subdevice 1-4 digits, or exactly "ffffffff" (PCI_ANY_ID, the only way to
 * say "any" when later fields follow); class and mask 1-6 digits; no whitespace; nothing after the
 * last field. Everything else, including what the kernel would skip or read differently, is
 * -EINVAL with the position of the offending character.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parse_error.h"

#define VFIO_ID_ANY 0xffffffffu /* PCI_ANY_ID */

/* The longest value the kernel takes for vfio-pci.ids (its buffer is 1024 bytes). */
#define VFIO_ID_LIST_MAX 1023

struct vfio_id {
        uint32_t vendor, device;         /* 16-bit IDs or VFIO_ID_ANY */
        uint32_t subvendor, subdevice;   /* VFIO_ID_ANY when not given */
        uint32_t class_code, class_mask; /* 24-bit; 0 when not given (mask 0 = any class) */
};

/* What a PCI function offers to be matched (class is the 24-bit class/subclass/prog-if). */
struct pci_ids {
        uint16_t vendor, device;
        uint16_t subvendor, subdevice;
        uint32_t class_code;
};

/* Parse one entry (no commas). Returns 0 or -EINVAL with *ret_error_pos set. */
int vfio_id_parse(const char *s, struct vfio_id *ret, size_t *ret_error_pos);

/*
 * Parse a comma-separated list as the kernel splits it: empty entries are skipped. Entries the
 * kernel would skip or misread make this return -EINVAL with ret_error (if non-NULL) at the
 * offending character (an offset into s) and what was expected there. A value longer than
 * VFIO_ID_LIST_MAX is -ENOSPC with the offset VFIO_ID_LIST_MAX, as the kernel then ignores the
 * whole parameter. On success *ret_ids is a malloc'd array of *ret_n entries (NULL/0 for an empty list);
 * -ENOMEM when allocation fails.
 */
int vfio_id_list_parse_full(const char *s, struct vfio_id **ret_ids, size_t *ret_n, struct parse_error *ret_error);

/*
 * One ID; on error *ret_error (if non-NULL) says where (an offset into s) and what was expected
 * there, to print as "expected %s", e.g. "a hex device ID (1-4 digits)".
 */
int vfio_id_parse_full(const char *s, struct vfio_id *ret, struct parse_error *ret_error);

/*
 * pci_match_one_device() semantics (drivers/pci/pci.h): each of the four IDs equal or
 * VFIO_ID_ANY, and !((id->class_code ^ dev->class_code) & id->class_mask).
 */
bool vfio_id_matches(const struct vfio_id *id, const struct pci_ids *dev);

/*
 * True when class bits are given that the mask ignores, e.g. "10de:1b80:ffffffff:ffffffff:030000"
 * (no mask: the kernel matches any class). Accepted by the kernel, almost certainly not meant.
 */
bool vfio_id_class_bits_ignored(const struct vfio_id *id);

/*
 * Formats "vvvv:dddd" or the longer forms, with as few fields as give back the same value when
 * parsed (VFIO_ID_ANY as "ffffffff", class and mask with 6 digits); returns buf.
 */
#define VFIO_ID_STRING_MAX 64
const char *vfio_id_format(const struct vfio_id *id, char buf[static VFIO_ID_STRING_MAX]);
