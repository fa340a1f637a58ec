/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* IOMMU parameters: what turns the IOMMU on for this firmware and kernel, and nothing more. */
#include "propose.h"

#include "kernel_config.h"

/* An Intel GPU on the root bus: the "integrated GPU" Debian's intgpu_off default leaves out. */
static bool claims_intel_integrated_gpu(const struct propose_context *ctx)
{
        if (!ctx->plan)
                return false;
        for (size_t i = 0; i < ctx->plan->n_entries; i++) {
                const struct plan_entry *e = &ctx->plan->entries[i];
                const struct pci_function *f = &ctx->boot_view->functions[e->function];
                if (e->action == PLAN_CLAIM && f->ids.vendor == 0x8086 && (f->ids.class_code >> 16) == 0x03 &&
                    f->address.bus == 0)
                        return true;
        }
        return false;
}

static void propose_intel(struct propose_context *ctx)
{
        const struct machine *m = ctx->machine;
        if (machine_kernel_has(m, "INTEL_IOMMU") == TRISTATE_NO) {
                findings_add(&ctx->proposal->findings, FINDING_PROBLEM, "intel_iommu=on",
                             "use a kernel built with CONFIG_INTEL_IOMMU=y",
                             "kernel %s is built without CONFIG_INTEL_IOMMU (%s)", m->target_release,
                             kernel_config_source(m->kernel_config));
                return;
        }
        if (machine_kernel_has(m, "INTEL_IOMMU_DEFAULT_ON") == TRISTATE_YES)
                return;
        /* Debian's kernels choose "on, except for an integrated GPU" (its Kconfig patch
         * INTEL_IOMMU_DEFAULT_ON_INTGPU_OFF): on already, unless the iGPU is the guest's. */
        if (machine_kernel_has(m, "INTEL_IOMMU_DEFAULT_ON_INTGPU_OFF") == TRISTATE_YES &&
            !claims_intel_integrated_gpu(ctx))
                return;
        if (claims_intel_integrated_gpu(ctx))
                proposal_add(ctx->proposal, TOPIC_IOMMU, "intel_iommu", "on",
                             "the firmware has a DMAR table and the integrated Intel GPU is claimed: kernel %s leaves "
                             "integrated GPUs outside the IOMMU by default",
                             m->target_release);
        else
                proposal_add(ctx->proposal, TOPIC_IOMMU, "intel_iommu", "on",
                             "the firmware has a DMAR table (Intel VT-d) and kernel %s does not turn the IOMMU on by "
                             "default%s",
                             m->target_release,
                             m->kernel_config ? "" : " as far as can be told (its config was not found)");
}

void propose_iommu(struct propose_context *ctx)
{
        const struct machine *m = ctx->machine;
        struct proposal *p = ctx->proposal;

        if (m->pci->has_dmar)
                propose_intel(ctx);
        else if (m->pci->has_ivrs) {
                /* AMD-Vi is on whenever the firmware has an IVRS table; amd_iommu= has no "on". */
        } else {
                findings_add(&p->findings, FINDING_PROBLEM, "IOMMU",
                             m->cpus.vendor == CPU_VENDOR_AMD
                                     ? "turn on \"IOMMU\" / \"AMD-Vi\" (and SVM) in the firmware setup"
                                     : "turn on \"VT-d\" (and VT-x) in the firmware setup",
                             "the firmware has neither a DMAR (Intel VT-d) nor an IVRS (AMD-Vi) ACPI table: the IOMMU "
                             "is off in the firmware, and no kernel parameter can turn it on");
                return;
        }
        proposal_add(p, TOPIC_IOMMU, "iommu", "pt",
                     "host devices keep identity-mapped DMA (no translation cost); devices given to guests are "
                     "translated all the same");
}
