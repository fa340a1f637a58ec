/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Where claim instructions come from, gathered into one claim_input: initbind.claim= and
 * vfio-pci.ids= on the kernel command line, `options vfio-pci ids=` in modprobe.d, and the claim
 * and keep lines of /etc/initbind.conf. Bad entries become diagnostics; the good ones are used,
 * because the boot must go on with whatever can be done safely.
 */
#pragma once

#include <stdbool.h>

#include "claim_plan.h"
#include "config.h"

struct rootdir;
struct module_loader;

#define CLAIM_DIAGNOSTIC_MAX 320
/* The problems kept one by one; the last of them then counts the rest. */
#define CLAIM_DIAGNOSTICS_MAX 64

struct claim_sources {
        bool disabled; /* initbind=off on the kernel command line */
        struct initbind_config *config;
        bool config_missing;
        struct claim_request *requests;
        size_t n_requests;
        char (*diagnostics)[CLAIM_DIAGNOSTIC_MAX]; /* every problem, as a full sentence */
        size_t n_diagnostics;
        size_t n_diagnostics_hidden; /* beyond CLAIM_DIAGNOSTICS_MAX */
};

/*
 * Read the kernel command line and the config below ROOT (CONFIG_PATH NULL: /etc/initbind.conf),
 * and vfio-pci's modprobe.d options through ML (may be NULL). Fails only when out of memory or
 * when /proc/cmdline cannot be read.
 */
int claim_sources_read(const struct rootdir *root, const char *config_path, struct module_loader *ml,
                       struct claim_sources *ret);
void claim_sources_done(struct claim_sources *s);

/* The plan's input: every request, and the config's keep lines. */
struct claim_input claim_sources_input(const struct claim_sources *s);

/*
 * Append a request for every claim line of CONFIG (PATH for the origins). When CONFIG has
 * diagnostics that may hide a keep line, only the claims by address are taken, the others
 * become diagnostics. 0 or -ENOMEM.
 */
int claim_requests_from_config(struct claim_sources *s, const struct initbind_config *config, const char *path);

/* Append a request naming one address (for initbind.claim= and `initbind claim`). */
int claim_sources_add_address(struct claim_sources *s, enum claim_request_kind kind, const struct pci_address *a,
                              unsigned allow, const char *origin);
