/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * PCI function addresses as sysfs names them: DDDD:BB:SS.F (the domain may be omitted).
 * The kernel names every PCI device with "%04x:%02x:%02x.%d" (drivers/pci/probe.c,
 * pci_setup_device()), so the domain has at least 4 digits and grows past 4 only for the
 * synthetic domains of Intel VMD (drivers/pci/controller/vmd.c numbers them from 0x10000 so they
 * cannot clash with ACPI _SEG segments, which are 16-bit).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parse_error.h"

struct pci_address {
        uint32_t domain;  /* 0..0xffff on x86 (VMD uses 0x10000+, so up to 0xffffffff is accepted) */
        uint8_t bus;      /* 0..0xff */
        uint8_t slot;     /* 0..0x1f */
        uint8_t function; /* 0..7 */
};

/* "ffffffff:ff:1f.7" plus NUL fits */
#define PCI_ADDRESS_STRING_MAX 20

/*
 * Parse "DDDD:BB:SS.F" or "BB:SS.F" (domain 0), as lspci and driverctl users write it.
 * The widths are those of sysfs names: domain 4-8 hex digits, bus and slot exactly 2, function
 * exactly 1 (0-7); slot at most 1f. Hex digits in either case; no "0x", no whitespace. The whole
 * string must be consumed. Returns 0, or -EINVAL with *ret_error_pos (if non-NULL) set to the byte
 * offset of the first offending character. *ret is written only on success.
 */
int pci_address_parse(const char *s, struct pci_address *ret, size_t *ret_error_pos);

/*
 * Parse a slot, "DDDD:BB:SS" or "BB:SS" (all functions of one device). ret->function is 0.
 */
int pci_slot_parse(const char *s, struct pci_address *ret, size_t *ret_error_pos);

/*
 * As above; on error *ret_error (if non-NULL) says where, and what was expected there, to print
 * as "file:line:column: expected %s", e.g. "a function number 0-7".
 */
int pci_address_parse_full(const char *s, struct pci_address *ret, struct parse_error *ret_error);
int pci_slot_parse_full(const char *s, struct pci_address *ret, struct parse_error *ret_error);

/* Canonical sysfs form, "%04x:%02x:%02x.%x" (domain printed with at least 4 digits). */
const char *pci_address_format(const struct pci_address *a, char buf[static PCI_ADDRESS_STRING_MAX]);

/* Orders by domain, bus, slot, function (the order of /sys/bus/pci/devices). Returns <0, 0, >0. */
int pci_address_compare(const struct pci_address *a, const struct pci_address *b);
bool pci_address_equal(const struct pci_address *a, const struct pci_address *b);
/* Same domain, bus and slot: functions of one physical device. */
bool pci_address_same_slot(const struct pci_address *a, const struct pci_address *b);
