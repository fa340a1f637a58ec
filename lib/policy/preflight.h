/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The pre-flight: what will go wrong with a function once a guest has it, as data. Each finding
 * has a kind (what it is about: "reset", "bar", ...), a severity, the fact and the fix; a check
 * is a function adding findings for one function, and the checks are one table in preflight.c,
 * so a new kind is a new check file and one line there. initbind's plan, status and list and
 * cmdlinegen's readiness section show the same findings.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "claim_plan.h"
#include "macro.h"
#include "pci_host.h"
#include "pci_preflight.h"

struct rootdir;

enum preflight_severity {
        PREFLIGHT_INFO,    /* a fact worth knowing: how it resets, its BAR sizes */
        PREFLIGHT_WARNING, /* what will go wrong, with the fix */
};

#define PREFLIGHT_TEXT_MAX 400

struct preflight_finding {
        const char *kind; /* a static string: "reset", "bar", "framebuffer", ... */
        enum preflight_severity severity;
        char fact[PREFLIGHT_TEXT_MAX];
        char fix[PREFLIGHT_TEXT_MAX]; /* "" when there is nothing to do */
};

struct preflight_function {
        size_t function; /* index into pci_host.functions */
        struct preflight_finding *findings;
        size_t n_findings;
};

struct preflight {
        struct preflight_function *functions; /* in the order asked for */
        size_t n_functions;
};

/* What a check sees of one function. */
struct preflight_check_input {
        const struct pci_host *host;
        const struct pci_function *f;
        const struct pci_preflight *facts;
        const struct preflight_host *machine;
};

/* Add a finding; FIX may be NULL. 0 or -ENOMEM. */
int preflight_add(struct preflight_function *ff, const char *kind, enum preflight_severity severity, const char *fix,
                  const char *fact_format, ...) _printf_(5, 6);

/* Run every check on the N functions (indices into HOST) of FUNCTIONS. A function whose facts
 * cannot be read (it is gone) gets no findings. 0 or -ENOMEM. */
int preflight_build(const struct rootdir *root, const struct pci_host *host, const size_t *functions, size_t n,
                    struct preflight **ret);
/* The same for every function PLAN claims or finds claimed already. */
int preflight_build_for_plan(const struct rootdir *root, const struct pci_host *host, const struct claim_plan *plan,
                             struct preflight **ret);
struct preflight *preflight_free(struct preflight *p);
static inline void preflight_freep(struct preflight **p)
{
        if (*p)
                preflight_free(*p);
}
#define _cleanup_preflight_ __attribute__((cleanup(preflight_freep)))

/* The findings of one function, NULL when it was not checked. */
const struct preflight_function *preflight_find(const struct preflight *p, size_t function);
size_t preflight_count(const struct preflight *p, enum preflight_severity severity);
const char *preflight_severity_to_string(enum preflight_severity s);

/* A device gnif/vendor-reset supports (its device list, as a fact table). */
bool vendor_reset_supports(const struct pci_ids *ids);

/* The checks (one file each). */
int preflight_check_reset(const struct preflight_check_input *in, struct preflight_function *out);
int preflight_check_bars(const struct preflight_check_input *in, struct preflight_function *out);
