/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The pre-flight findings (lib/policy/preflight.h) as plan, status and list show them: a line per
 * finding with its fact and its fix, the same in --json, and list's short mark.
 */
#pragma once

#include "claim_plan.h"
#include "config.h"
#include "json_writer.h"
#include "preflight.h"

struct rootdir;

/* The findings for every function PLAN claims or finds claimed. 0, or -errno after logging. */
int preflight_for_plan(const struct rootdir *root, const struct pci_host *host, const struct claim_plan *plan,
                       const struct initbind_config *config, struct preflight **ret);
/* The findings for every function of HOST that is not a bridge (for list). */
int preflight_for_all(const struct rootdir *root, const struct pci_host *host, struct preflight **ret);

/* A line per finding: "KIND  ADDRESS  SEVERITY: FACT" and, if there is one, "  fix: FIX". */
void preflight_print_text(const struct pci_host *host, const struct preflight *p);
/* "preflight": [{"address", "findings": [{"kind", "severity", "fact", "fix"}]}] */
void preflight_print_json(struct json_writer *w, const struct pci_host *host, const struct preflight *p);
/* list's mark: the kinds with a warning, "kind!" comma-separated ("reset!,framebuffer!"), or "-". */
const char *preflight_mark(const struct preflight *p, size_t function, char *buf, size_t size);
