/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* pci_names.h for the static initramfs binary: no libpci there, so IDs are listed without names. */
#include "pci_names.h"

struct pci_names *pci_names_new(const char *ids_path) { return NULL; }
void pci_names_free(struct pci_names *names) { (void) names; }
const char *pci_names_lookup(struct pci_names *names, uint16_t vendor, uint16_t device, char *buf, size_t size)
{
        return NULL;
}

const char *pci_names_class(struct pci_names *names, uint16_t class_sub, char *buf, size_t size) { return NULL; }
