/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Vendor and device names from pci.ids through libpci, for listings. The static initramfs build
 * has no libpci (Debian ships no libpci.a) and lists IDs without names.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct pci_names;

/*
 * Never fails hard: without libpci or pci.ids every lookup returns NULL. IDS_PATH (may be NULL)
 * replaces the system's pci.ids and turns udev's hwdb off, as lspci -i does: for reproducible
 * listings in tests.
 */
struct pci_names *pci_names_new(const char *ids_path);
void pci_names_free(struct pci_names *names);
static inline void pci_names_freep(struct pci_names **n)
{
        if (*n)
                pci_names_free(*n);
}
#define _cleanup_pci_names_ __attribute__((cleanup(pci_names_freep)))

/* The class name for a 16-bit class/subclass ("VGA compatible controller"), or NULL. */
const char *pci_names_class(struct pci_names *names, uint16_t class_sub, char *buf, size_t size);

/* "Vendor Device" into BUF, or NULL when pci.ids does not know the vendor. */
const char *pci_names_lookup(struct pci_names *names, uint16_t vendor, uint16_t device, char *buf, size_t size);
