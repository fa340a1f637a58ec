/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One cmdlinegen run from detection to a checked command line: the boot view and claim plan,
 * the proposal steps in order, the merge into the running command line, the validation of the
 * result and the readiness checks. Reports and `verify` read the result.
 */
#pragma once

#include "propose.h"
#include "readiness.h"

/* What a proposal step hands to a later one: each field is one step's output. */
struct propose_results {
        struct acs_override_result acs; /* of acs-override, for vfio */
};

struct propose_step {
        const char *name;
        const char *needs; /* the earlier step whose output in propose_results this one reads */
        /* One of the two: a step on its own, or one that reads or writes propose_results. */
        void (*alone)(struct propose_context *ctx);
        void (*handing_over)(struct propose_context *ctx, struct propose_results *results);
};

/* The proposal steps in the order generation_run() runs them. */
extern const struct propose_step propose_steps[];
extern const size_t propose_steps_count;

struct generation {
        struct propose_context ctx;
        struct proposal proposal;
        struct pci_host *boot_view;
        struct claim_plan *plan;
        struct kcmdline *proposed_line; /* the running line with the proposal merged in */
        struct findings line_findings;  /* validation of proposed_line */
        struct readiness readiness;
        /* What the boot loader's configuration gives the next boot, now and with the proposal
         * (cmdlinegen/apply); NULL when no configuration was found, with error when it could not
         * be read. Filled in by the caller. */
        char *next_boot_old, *next_boot_new, *next_boot_error;
        /* What the boot loader's side warns of, as --apply would (a UKI whose .cmdline wins under
         * Secure Boot, a GRUB_DEFAULT that is not the first entry): the report shows them too. */
        char **next_boot_warnings;
        size_t n_next_boot_warnings;
};

/* 0, or -errno after logging why (out of memory, a running line that cannot be edited). */
int generation_run(const struct machine *m, const struct initbind_config *intent, struct generation *ret);
void generation_done(struct generation *g);

/* Problems in the proposal, its line, or readiness failures: the run's exit status is 1. */
bool generation_has_problems(const struct generation *g);
