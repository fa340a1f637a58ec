/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* pci_names.h on top of libpci: pci.ids (and udev's hwdb where libpci is built with it). */
#include "pci_names.h"

#include <pci/pci.h>
#include <stdarg.h>

#include "macro.h"

struct pci_names {
        struct pci_access *access;
        int extra_flags;
};

/* A missing or odd pci.ids only costs us names: keep libpci's warnings off the listing. Its error
 * handler stays the default (it must not return); name lookups reach it only when out of memory. */
static void pci_names_quiet(char *msg, ...) { (void) msg; }

struct pci_names *pci_names_new(const char *ids_path)
{
        struct pci_names *names = calloc(1, sizeof(*names));
        if (!names)
                return NULL;
        names->access = pci_alloc();
        if (!names->access) {
                free(names);
                return NULL;
        }
        names->access->warning = pci_names_quiet;
        names->access->debug = pci_names_quiet;
        if (ids_path) {
                pci_set_name_list_path(names->access, (char *) ids_path, 0);
                names->extra_flags = PCI_LOOKUP_NO_HWDB;
        }
        return names;
}

void pci_names_free(struct pci_names *names)
{
        if (!names)
                return;
        pci_cleanup(names->access);
        free(names);
}

const char *pci_names_lookup(struct pci_names *names, uint16_t vendor, uint16_t device, char *buf, size_t size)
{
        if (!names)
                return NULL;
        /* NO_NUMBERS: an unknown ID gives NULL instead of "Device 1234", so we print the ID once. */
        char vendor_name[128], device_name[256];
        const char *v = pci_lookup_name(names->access, vendor_name, (int) sizeof(vendor_name),
                                        PCI_LOOKUP_VENDOR | PCI_LOOKUP_NO_NUMBERS | names->extra_flags, vendor);
        if (!v)
                return NULL;
        const char *d = pci_lookup_name(names->access, device_name, (int) sizeof(device_name),
                                        PCI_LOOKUP_DEVICE | PCI_LOOKUP_NO_NUMBERS | names->extra_flags, vendor, device);
        snprintf(buf, size, "%s %s", v, d ? d : "device");
        return buf;
}

const char *pci_names_class(struct pci_names *names, uint16_t class_sub, char *buf, size_t size)
{
        if (!names)
                return NULL;
        return pci_lookup_name(names->access, buf, (int) size,
                               PCI_LOOKUP_CLASS | PCI_LOOKUP_NO_NUMBERS | names->extra_flags, class_sub);
}
