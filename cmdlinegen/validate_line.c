/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "validate_line.h"

#include <inttypes.h>
#include <stdio.h>

#include "cpu_check.h"
#include "hugepage_budget.h"
#include "vfio_id.h"

/* Options each IOMMU parameter's parser recognizes (intel_iommu_setup(), parse_amd_iommu_options(),
 * iommu_setup() in arch/x86/kernel/pci-dma.c): anything else is logged as unknown or silently
 * ignored. Debian adds intgpu_off to intel_iommu=. */
static const char *const intel_iommu_options[] = { "on",     "off",   "igfx_off", "intgpu_off",    "forcedac", "strict",
                                                   "sp_off", "sm_on", "sm_off",   "tboot_noforce", NULL };
static const char *const amd_iommu_options[] = {
        "fullflush", "force_enable", "off",         "force_isolation", "pgtbl_v1",
        "pgtbl_v2",  "irtcachedis",  "nohugepages", "v2_pgsizes_only", NULL
};
/* iommu= also takes the GART's options (gart_parse_options()), so only what people write
 * believing it turns the IOMMU on is named here, as known to be ignored. */
static const char *const iommu_noops[] = { "on", "1", "yes", "true", "enable", NULL };

static bool word_in(const char *word, size_t len, const char *const *list)
{
        for (; *list; list++)
                if (strlen(*list) == len && strncmp(word, *list, len) == 0)
                        return true;
        return false;
}

/* The first comma-separated option of VALUE that is not in KNOWN (or that is in NOOPS), into BUF. */
static bool ignored_option(const char *value, const char *const *known, const char *const *noops, char *buf,
                           size_t size)
{
        for (const char *p = value ? value : ""; *p;) {
                size_t len = strcspn(p, ",");
                if (len && (known ? !word_in(p, len, known) : word_in(p, len, noops))) {
                        snprintf(buf, size, "%.*s", (int) len, p);
                        return true;
                }
                p += len;
                p += *p == ',';
        }
        return false;
}

static const struct {
        const char *name;
        const char *const *known; /* every option the parser takes, or NULL: */
        const char *const *noops; /* the options known to do nothing */
        const char *what_happens;
} iommu_params[] = {
        { "intel_iommu", intel_iommu_options, NULL, "the kernel logs \"Unknown option\" and ignores it" },
        { "amd_iommu", amd_iommu_options, NULL,
          "the kernel ignores it (there is no amd_iommu=on: AMD-Vi is on whenever the firmware has an IVRS table)" },
        { "iommu", NULL, iommu_noops, "the kernel ignores it silently (\"on\" and \"1\" are not options of iommu=)" },
};

void propose_noop_removals(struct propose_context *ctx, const struct kcmdline *line)
{
        for (size_t i = 0; i < ELEMENTSOF(iommu_params); i++) {
                _cleanup_free_ const struct kcmdline_token **tokens = NULL;
                size_t n = 0;
                if (kcmdline_get_all(line, iommu_params[i].name, &tokens, &n) < 0) {
                        ctx->proposal->out_of_memory = true;
                        return;
                }
                for (size_t j = 0; j < n; j++) {
                        char bad[64];
                        if (!tokens[j]->has_value || !ignored_option(tokens[j]->value, iommu_params[i].known,
                                                                     iommu_params[i].noops, bad, sizeof(bad)))
                                continue;
                        proposal_remove(ctx->proposal, iommu_params[i].name, tokens[j]->value,
                                        "'%s' is no option of %s=: %s", bad, iommu_params[i].name,
                                        iommu_params[i].what_happens);
                }
        }
}

/* The proposal's own values are checked where they are made: only what the user wrote is
 * checked here, so nothing is reported twice. */
static bool proposed_here(const struct propose_context *ctx, const char *name, const char *value)
{
        const struct proposed_param *p = proposal_find(ctx->proposal, name);
        return p && streq_ptr(p->value, value);
}

static void subject_of(char *buf, size_t size, const char *name, const char *value)
{
        snprintf(buf, size, "%s%s%s", name, value ? "=" : "", value ? value : "");
}

static void check_iommu(const struct propose_context *ctx, const struct kcmdline *line, struct findings *f)
{
        const struct machine *m = ctx->machine;
        const char *v;
        bool claims = ctx->plan && ctx->plan->n_entries;
        if (kcmdline_get(line, "intel_iommu", &v) == 0 && v) {
                if (strstr(v, "off") == v || strstr(v, ",off"))
                        findings_add(f, claims ? FINDING_PROBLEM : FINDING_WARNING, "intel_iommu=off",
                                     "remove intel_iommu=off",
                                     "it turns VT-d off: no IOMMU groups, nothing can be given to a guest");
                else if (!m->pci->has_dmar && (strstr(v, "on") == v))
                        findings_add(f, FINDING_NOTE, "intel_iommu=on", NULL,
                                     "does nothing on this machine: the firmware has no DMAR table%s",
                                     m->pci->has_ivrs ? " (it is an AMD-Vi machine)" : "");
        }
        if (kcmdline_get(line, "amd_iommu", &v) == 0 && v && streq(v, "off"))
                findings_add(f, claims ? FINDING_PROBLEM : FINDING_WARNING, "amd_iommu=off", "remove amd_iommu=off",
                             "it turns AMD-Vi off: no IOMMU groups, nothing can be given to a guest");
        if (kcmdline_get(line, "iommu", &v) == 0 && v && streq(v, "off"))
                findings_add(f, claims ? FINDING_PROBLEM : FINDING_WARNING, "iommu=off", "remove iommu=off",
                             "it turns the IOMMU off: nothing can be given to a guest");
}

static void check_cpu_param(const struct propose_context *ctx, const struct kcmdline *line, const char *name,
                            const char *config_symbol, struct findings *f)
{
        const struct machine *m = ctx->machine;
        const char *value;
        if (kcmdline_get(line, name, &value) < 0 || proposed_here(ctx, name, value))
                return;
        char subject[256];
        subject_of(subject, sizeof(subject), name, value);
        if (config_symbol && machine_kernel_has(m, config_symbol) == TRISTATE_NO) {
                char fix[96];
                snprintf(fix, sizeof(fix), "remove %s=, or boot a kernel with CONFIG_%s", name, config_symbol);
                findings_add(f, FINDING_PROBLEM, subject, fix, "kernel %s is built without CONFIG_%s and ignores it",
                             m->target_release, config_symbol);
                return;
        }
        if (!value)
                return; /* rcu_nocbs without a list: every CPU may offload, nothing to check */

        const char *list = value;
        if (streq(name, "isolcpus")) {
                unsigned flags;
                size_t offset, error;
                if (cpu_check_split_isolcpus(value, &flags, &offset, &error) < 0) {
                        findings_add(f, FINDING_PROBLEM, subject, "use the flags nohz, domain and managed_irq only",
                                     "'%s' at column %zu: expected nohz, domain, managed_irq or a CPU list; the kernel "
                                     "ignores the whole parameter",
                                     value, error + 1);
                        return;
                }
                if (flags & CONFIG_ISOLCPUS_NOHZ && machine_kernel_has(m, "NO_HZ_FULL") == TRISTATE_NO)
                        findings_add(f, FINDING_PROBLEM, subject, "drop the nohz flag",
                                     "kernel %s has no CONFIG_NO_HZ_FULL and ignores isolcpus= with the nohz flag",
                                     m->target_release);
                list = value + offset;
        }
        (void) cpu_check_list_for(m, subject, list,
                                  streq(name, "irqaffinity") ? CPU_LIST_HOUSEKEEPING : CPU_LIST_ISOLATED, f, NULL);
}

static bool size_valid(uint64_t size, void *userdata)
{
        const struct machine *m = userdata;
        return size == 2 * MIB || (size == GIB && m->cpus.has_pdpe1gb);
}

static void check_hugepages(const struct propose_context *ctx, const struct kcmdline *line, struct findings *f)
{
        const struct machine *m = ctx->machine;
        const char *v;
        if (kcmdline_get(line, "hugepagesz", &v) == 0 && v && kcmdline_memparse(v, NULL) == GIB && !m->cpus.has_pdpe1gb)
                findings_add(f, FINDING_PROBLEM, "hugepagesz=1G", "use 2M pages",
                             "the CPU has no pdpe1gb flag: the kernel rejects 1 GiB pages and hugepages= after it "
                             "reserves nothing");

        if (proposal_find(ctx->proposal, "hugepages"))
                return; /* the proposal's block replaced every hugepage parameter and was checked */
        struct kcmdline_hugepages h = {};
        if (kcmdline_get_hugepages(line, size_valid, (void *) m, &h) < 0)
                return;
        uint64_t bytes = 0;
        for (size_t i = 0; i < h.n; i++)
                bytes += h.entries[i].pages * h.entries[i].size;
        kcmdline_hugepages_done(&h);
        if (!bytes || !m->memory.mem_total)
                return;
        if (bytes > hugepage_room(m->memory.mem_total, HUGEPAGE_SCOPE_MACHINE)) {
                char want[32], have[32];
                format_size(bytes, want, sizeof(want));
                format_size_human(m->memory.mem_total, have, sizeof(have));
                findings_add(f, FINDING_PROBLEM, "hugepages=", "reserve fewer pages",
                             "the line reserves %s of hugepages of the machine's %s, leaving the host less than "
                             "max(2G, 10%%)",
                             want, have);
        }
}

static void check_vfio_ids(const struct propose_context *ctx, const struct kcmdline *line, struct findings *f)
{
        const char *value;
        if (kcmdline_get(line, "vfio-pci.ids", &value) < 0 || !value || proposed_here(ctx, "vfio-pci.ids", value))
                return;
        char subject[256];
        subject_of(subject, sizeof(subject), "vfio-pci.ids", value);
        _cleanup_free_ struct vfio_id *ids = NULL;
        size_t n = 0;
        struct parse_error err = {};
        if (vfio_id_list_parse_full(value, &ids, &n, &err) < 0) {
                findings_add(f, FINDING_PROBLEM, subject, NULL, "'%s' at column %zu: expected %s", value,
                             parse_error_column(&err),
                             err.expected ? err.expected : "vendor:device[:subvendor:subdevice[:class[:mask]]]");
                return;
        }
        const struct pci_host *h = ctx->boot_view ? ctx->boot_view : ctx->machine->pci;
        for (size_t i = 0; i < h->n_functions; i++) {
                const struct pci_function *fn = &h->functions[i];
                const struct plan_entry *e = ctx->plan ? claim_plan_find(ctx->plan, i) : NULL;
                if (e && (e->action == PLAN_CLAIM || e->action == PLAN_ALREADY_CLAIMED))
                        continue;
                for (size_t j = 0; j < n; j++)
                        if (vfio_id_matches(&ids[j], &fn->ids)) {
                                char fix[96];
                                snprintf(fix, sizeof(fix),
                                         "claim the guest's device by address (initbind.claim= or a claim line) "
                                         "instead");
                                findings_add(f, pci_function_is_console_gpu(fn) ? FINDING_PROBLEM : FINDING_WARNING,
                                             subject, fix,
                                             "it also matches %s%s, which is not to be claimed: without initbind in "
                                             "the initramfs vfio-pci takes it too",
                                             fn->name, pci_function_is_console_gpu(fn) ? " (the console GPU)" : "");
                                goto next_function;
                        }
        next_function:;
        }
}

/*
 * vfio-pci.NAME= (or vfio_pci.NAME=) for a NAME the target's vfio-pci does not take: the kernel
 * logs "unknown parameter" and ignores it, built in or loaded by modprobe alike. A NAME missing
 * only from sysfs is a warning: sysfs does not show parameters without permissions.
 */
static void check_vfio_params(const struct propose_context *ctx, const struct kcmdline *line, struct findings *f)
{
        const struct machine *m = ctx->machine;
        if (!m->vfio_pci_params_read)
                return; /* neither sysfs nor modinfo: nothing to check against */
        for (size_t i = 0; i < line->n_tokens; i++) {
                const struct kcmdline_token *t = &line->tokens[i];
                if (t->is_dashdash || t->after_dashdash ||
                    !(startswith(t->name, "vfio-pci.") || startswith(t->name, "vfio_pci.")))
                        continue;
                const char *param = t->name + strlen("vfio-pci.");
                enum tristate has = machine_vfio_pci_has(m, param);
                /* ids has no permissions, so no sysfs file, and check_vfio_ids() reads it anyway. */
                if (has == TRISTATE_YES || kcmdline_name_equal(param, "ids") || proposed_here(ctx, t->name, t->value))
                        continue;
                char subject[256];
                subject_of(subject, sizeof(subject), t->name, t->has_value ? t->value : NULL);
                findings_add(f, has == TRISTATE_NO ? FINDING_PROBLEM : FINDING_WARNING, subject, "remove it",
                             "the vfio-pci of kernel %s %s parameter %s (%s): the kernel logs \"unknown parameter\" "
                             "and ignores it",
                             m->target_release, has == TRISTATE_NO ? "has no" : "shows no", param,
                             machine_vfio_pci_params_source(m));
        }
}

static void check_misc(const struct propose_context *ctx, const struct kcmdline *line, struct findings *f)
{
        const struct machine *m = ctx->machine;
        if (kcmdline_contains(line, "pcie_acs_override") && m->acs_patch != TRISTATE_YES)
                findings_add(f, m->acs_patch == TRISTATE_NO ? FINDING_PROBLEM : FINDING_WARNING,
                             "pcie_acs_override=", "remove it, or boot a kernel carrying the ACS override patch",
                             "kernel %s %s the ACS override patch (no pcie_acs_overrides symbol): the parameter does "
                             "nothing",
                             m->target_release,
                             m->acs_patch == TRISTATE_NO ? "does not carry" : "cannot be shown to carry");
        if (kcmdline_contains(line, "rd.driver.pre") && m->boot.generator != GENERATOR_DRACUT &&
            m->boot.generator != GENERATOR_UNKNOWN)
                findings_add(f, FINDING_NOTE, "rd.driver.pre=", NULL,
                             "only dracut reads it; this system's initramfs is built by %s",
                             initramfs_generator_to_string(m->boot.generator));
        if (kcmdline_check_length(line, 0) < 0)
                findings_add(f, FINDING_PROBLEM, "command line", "shorten the line",
                             "it is %zu bytes; x86 kernels keep only the first %d and drop the rest silently",
                             kcmdline_length(line), KCMDLINE_MAX_LEN);
}

void validate_line(const struct propose_context *ctx, const struct kcmdline *line, struct findings *findings)
{
        check_iommu(ctx, line, findings);
        if (machine_kernel_has(ctx->machine, "CPU_ISOLATION") == TRISTATE_NO && kcmdline_contains(line, "isolcpus"))
                findings_add(findings, FINDING_PROBLEM, "isolcpus=", NULL,
                             "kernel %s is built without CONFIG_CPU_ISOLATION and ignores it",
                             ctx->machine->target_release);
        else
                check_cpu_param(ctx, line, "isolcpus", NULL, findings);
        check_cpu_param(ctx, line, "nohz_full", "NO_HZ_FULL", findings);
        check_cpu_param(ctx, line, "rcu_nocbs", "RCU_NOCB_CPU", findings);
        check_cpu_param(ctx, line, "irqaffinity", NULL, findings);
        check_hugepages(ctx, line, findings);
        check_vfio_ids(ctx, line, findings);
        check_vfio_params(ctx, line, findings);
        check_misc(ctx, line, findings);
}
