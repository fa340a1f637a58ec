/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Options only on request in the config: kvm.ignore_msrs, nested virtualisation,
 * transparent hugepages, and unsafe interrupts, the last only where remapping is missing.
 */
#include "propose.h"

#include <stdio.h>

static void propose_nested(struct propose_context *ctx)
{
        const struct machine *m = ctx->machine;
        const char *module = m->cpus.has_vmx ? "kvm_intel" : m->cpus.has_svm ? "kvm_amd" : NULL;
        bool on = ctx->intent->nested_virtualization == CONFIG_BOOL_YES;
        char origin[96], name[32];
        config_intent_origin(ctx->intent, CONFIG_DIRECTIVE_NESTED_VIRTUALIZATION, origin, sizeof(origin));
        if (!module) {
                findings_add(
                        &ctx->proposal->findings, on ? FINDING_PROBLEM : FINDING_NOTE, "nested-virtualization", NULL,
                        "the CPU has neither vmx nor svm in /proc/cpuinfo (%s): there is no KVM module to set it for",
                        origin);
                return;
        }
        snprintf(name, sizeof(name), "%s.nested", module);
        proposal_add(ctx->proposal, TOPIC_KVM, name, on ? "1" : "0", "nested-virtualization %s (%s)", on ? "yes" : "no",
                     origin);
}

static void propose_unsafe_interrupts(struct propose_context *ctx)
{
        const struct machine *m = ctx->machine;
        char origin[96];
        config_intent_origin(ctx->intent, CONFIG_DIRECTIVE_UNSAFE_INTERRUPTS, origin, sizeof(origin));
        if (m->interrupt_remapping == TRISTATE_YES) {
                findings_add(&ctx->proposal->findings, FINDING_NOTE, "unsafe-interrupts if-needed", NULL,
                             "not needed: interrupt remapping is on (IR- interrupt chips in /proc/interrupts)");
                return;
        }
        if (m->interrupt_remapping == TRISTATE_UNKNOWN) {
                findings_add(
                        &ctx->proposal->findings, FINDING_NOTE, "unsafe-interrupts if-needed", NULL,
                        "not proposed: /proc/interrupts could not be read to tell whether interrupt remapping is on");
                return;
        }
        proposal_add(
                ctx->proposal, TOPIC_KVM, "vfio_iommu_type1.allow_unsafe_interrupts", "1",
                "the IOMMU does not remap interrupts (no IR- interrupt chips in /proc/interrupts) and %s allows it",
                origin);
        findings_add(&ctx->proposal->findings, FINDING_WARNING, "vfio_iommu_type1.allow_unsafe_interrupts=1", NULL,
                     "without interrupt remapping a guest's device can send arbitrary MSIs, i.e. inject interrupts "
                     "into the host: give such devices only to trusted guests");
}

void propose_kvm_options(struct propose_context *ctx)
{
        const struct initbind_config *c = ctx->intent;
        char origin[96];

        if (c->kvm_ignore_msrs == CONFIG_BOOL_YES)
                proposal_add(
                        ctx->proposal, TOPIC_KVM, "kvm.ignore_msrs", "1",
                        "kvm-ignore-msrs yes (%s): guests reading MSRs KVM does not emulate get 0, not a fault",
                        config_intent_origin(ctx->intent, CONFIG_DIRECTIVE_KVM_IGNORE_MSRS, origin, sizeof(origin)));
        if (c->nested_virtualization != CONFIG_BOOL_UNSET)
                propose_nested(ctx);

        /* "unchanged" leaves the kernel's default alone; the others are the kernel's own words. */
        const char *thp = config_thp_to_string(c->transparent_hugepage);
        if (c->transparent_hugepage != CONFIG_THP_UNSET && c->transparent_hugepage != CONFIG_THP_UNCHANGED)
                proposal_add(ctx->proposal, TOPIC_MEMORY, "transparent_hugepage", thp, "transparent-hugepage %s (%s)",
                             thp,
                             config_intent_origin(ctx->intent, CONFIG_DIRECTIVE_TRANSPARENT_HUGEPAGE, origin,
                                                  sizeof(origin)));
        if (c->unsafe_interrupts == CONFIG_UNSAFE_INTERRUPTS_IF_NEEDED)
                propose_unsafe_interrupts(ctx);
}
