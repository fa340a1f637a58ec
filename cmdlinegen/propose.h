/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The proposal steps. Each reads the machine and the intent (the config, with the command-line
 * flags already folded into it) and adds parameters, removals and findings to the proposal.
 * They never write anything. A step that needs another's result takes it as an argument; the
 * order they run in is the table in generate.c.
 */
#pragma once

#include "claim_plan.h"
#include "machine.h"
#include "proposal.h"

struct propose_context {
        const struct machine *machine;
        const struct initbind_config *intent;
        /* What initbind will claim at the next boot, planned on the machine as the initramfs
         * sees it (only built-in drivers bound). NULL when the config claims nothing. */
        const struct pci_host *boot_view;
        const struct claim_plan *plan;
        int guest_node; /* NUMA node of the first claimed function with one, else -1 */
        struct proposal *proposal;
};

/* What propose_acs_override() hands to propose_vfio(): the refusal it solves is not a problem. */
struct acs_override_result {
        int split_group; /* the IOMMU group pcie_acs_override= is proposed for, else -1 */
};

void propose_iommu(struct propose_context *ctx);
void propose_cpu_isolation(struct propose_context *ctx);
void propose_hugepages(struct propose_context *ctx);
void propose_acs_override(struct propose_context *ctx, struct acs_override_result *ret);
void propose_vfio(struct propose_context *ctx, const struct acs_override_result *acs);
void propose_kvm_options(struct propose_context *ctx);
