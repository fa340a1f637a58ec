/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the libvirt hook did for each domain, kept in /run/initbind/libvirt/ (below the root) from
 * `prepare begin` to `release end`: one file per domain, written atomically, so the hook's later
 * runs (separate processes) give back exactly what it claimed and refuse a device another domain
 * holds. /run is emptied at boot, as it should be: no guest runs then.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "pci_address.h"

#define DOMAIN_RECORD_DIR "/run/initbind/libvirt"

enum record_kind {
        RECORD_CLAIMED, /* the hook moved it to vfio-pci: given back at release */
        RECORD_HELD,    /* on vfio-pci before the hook ran (the boot's, or another tool's): never given back */
};

struct record_entry {
        struct pci_address address;
        enum record_kind kind;
        bool managed; /* named with managed='yes': libvirt reattaches it itself before release end */
};

struct domain_record {
        struct record_entry *entries;
        size_t n_entries;
};

/* Add (or, for an address already there, upgrade HELD to CLAIMED). 0 or -ENOMEM. */
int domain_record_add(struct domain_record *rec, const struct pci_address *a, enum record_kind kind, bool managed);
const struct record_entry *domain_record_find(const struct domain_record *rec, const struct pci_address *a);
void domain_record_done(struct domain_record *rec);

/*
 * The record directory below ROOT, created when missing, as an O_DIRECTORY fd holding an exclusive
 * flock(): two domains starting at once cannot both take a device. Logs and returns -errno.
 */
struct rootdir;
int domain_records_lock(const struct rootdir *root);

/* The record of DOMAIN: -ENOENT when there is none; a malformed one is logged, -EBADMSG. */
int domain_record_read(int dirfd, const char *domain, struct domain_record *ret);
/* Replace the record of DOMAIN atomically (lib/shared/atomic_file). Logs and returns -errno. */
int domain_record_write(int dirfd, const char *domain, const struct domain_record *rec);
int domain_record_remove(int dirfd, const char *domain);

/* Every other domain's record, read once for the checks of `prepare begin`. */
struct domain_records {
        char **domains; /* the domain names, decoded from the file names */
        struct domain_record *records;
        size_t n;
};
/* Every record in DIRFD but EXCEPT_DOMAIN's. A malformed one is logged: -EBADMSG. */
int domain_records_read_others(int dirfd, const char *except_domain, struct domain_records *ret);
/* The domain whose record names A, or NULL. */
const char *domain_records_holder(const struct domain_records *all, const struct pci_address *a);
void domain_records_done(struct domain_records *all);
