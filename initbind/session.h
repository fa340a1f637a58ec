/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What boot mode, `plan` and `claim` share: the module loader, the claim sources, the host model
 * and the plan, prepared in that order and logged the same way.
 */
#pragma once

#include "claim_exec.h"
#include "claim_plan.h"
#include "claim_sources.h"
#include "commands.h"
#include "module_loader.h"
#include "pci_host.h"

struct session {
        const struct initbind_options *opts;
        struct module_loader *loader; /* NULL when libkmod could not start: logged, boot goes on */
        struct claim_sources sources;
        struct pci_host *host;
        struct claim_plan *plan;
        enum claim_context context; /* set before session_plan(): boot unless the caller says */
};

/* Read sources and host. Returns 0, or -errno after logging why. */
int session_open(struct session *s, const struct initbind_options *opts);
/* The same, the scan also reading what SCAN_FLAGS (PCI_SCAN_*) say. */
int session_open_scan(struct session *s, const struct initbind_options *opts, unsigned scan_flags);
/* Build the plan from the sources (plus what the caller added). */
int session_plan(struct session *s);
/* Log what the plan refuses or keeps for the host, and an inactive IOMMU. */
void session_log_plan(const struct session *s);
/* Carry the plan out; returns the number of claims that failed, or -errno. */
int session_execute(struct session *s, struct claim_report *report);
void session_close(struct session *s);

/* Log every source diagnostic at error level; returns how many there were. */
size_t session_log_diagnostics(const struct session *s);
