/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The PCI host devices of a libvirt domain XML, read with libxml2 (what libvirt itself parses it
 * with): exactly /domain/devices/hostdev[@mode='subsystem'][@type='pci']/source/address, walked
 * element by element, so a <hostdev> inside <metadata>, a comment or CDATA text is never one, and
 * the time is linear in the input. Host side only: the static initramfs binary has no libxml2.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "pci_address.h"

struct domain_hostdev {
        struct pci_address address; /* the host's address, from <source><address .../></source> */
        bool managed;               /* managed='yes': libvirt detaches and reattaches it itself */
        unsigned line;              /* of the <hostdev> element, for messages */
};

struct domain_hostdevs {
        char *name; /* the domain's <name>, NULL when it has none */
        struct domain_hostdev *items;
        size_t n_items;
};

/*
 * Read the domain XML of SIZE bytes at BUF. INPUT names it in messages ("standard input"). Every
 * problem is logged with INPUT, the line and what was expected; then -EINVAL (not well-formed, not
 * a <domain>, a DOCTYPE, a PCI hostdev whose address cannot be read: nothing of it is returned),
 * or -ENOMEM. *ret is set only on success.
 */
int domain_xml_read(const char *buf, size_t size, const char *input, struct domain_hostdevs *ret);
void domain_hostdevs_done(struct domain_hostdevs *h);
