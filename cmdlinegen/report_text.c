/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "report.h"

#include "kernel_config.h"

static const char *tristate_word(enum tristate t, const char *yes, const char *no)
{
        return t == TRISTATE_YES ? yes : t == TRISTATE_NO ? no : "unknown";
}

void report_machine_summary(FILE *out, const struct machine *m)
{
        const struct cpu_topology *t = &m->cpus;
        char mem[32];
        format_size_human(m->memory.mem_total, mem, sizeof(mem));
        unsigned cores = cpu_topology_count_cores(t), online = cpu_set_count(&t->online);
        fprintf(out, "Machine:\n");
        fprintf(out, "  CPU         %s (%s), %u CPUs online in %u cores, %zu NUMA node%s%s%s\n",
                t->model_name[0] ? t->model_name : "unknown model", t->vendor_id[0] ? t->vendor_id : "unknown vendor",
                online, cores, t->n_nodes, t->n_nodes == 1 ? "" : "s", online > cores ? ", SMT" : "",
                t->has_pdpe1gb ? ", pdpe1gb" : "");
        fprintf(out, "  memory      %s\n", m->memory.mem_total ? mem : "unknown");
        fprintf(out, "  IOMMU       %s, %s, %zu groups, interrupt remapping %s\n",
                m->pci->has_dmar   ? "Intel VT-d (DMAR)"
                : m->pci->has_ivrs ? "AMD-Vi (IVRS)"
                                   : "no DMAR/IVRS table",
                m->pci->iommu_active ? "active" : "inactive", m->pci->n_groups,
                tristate_word(m->interrupt_remapping, "on", "off"));
        fprintf(out, "  PCI         %zu functions\n", m->pci->n_functions);
        fprintf(out, "  kernel      %s%s, config %s, ACS override patch %s\n", m->target_release,
                m->target_is_running                          ? " (running)"
                : m->target_source == TARGET_NEWEST_INSTALLED ? " (newest installed, none running)"
                                                              : "",
                m->kernel_config ? kernel_config_source(m->kernel_config) : "not found",
                tristate_word(m->acs_patch, "yes", "no"));
        fprintf(out, "  boot        initramfs %s, boot loader %s\n", initramfs_generator_to_string(m->boot.generator),
                loader_kind_to_string(m->boot.bootloader));
}

static void print_findings(FILE *out, const struct findings *f)
{
        for (size_t i = 0; i < f->n; i++) {
                const struct finding *it = &f->items[i];
                fprintf(out, "  %-7s %s: %s\n", finding_level_to_string(it->level), it->subject, it->fact);
                if (it->fix)
                        fprintf(out, "          fix: %s\n", it->fix);
        }
}

static void print_param(FILE *out, const char *name, const char *value)
{
        fprintf(out, "%s%s%s", name, value ? "=" : "", value ? value : "");
}

/* Tokens of A not in B, each matched once (a multiset difference by exact bytes). */
static void print_difference(FILE *out, const struct kcmdline *a, const struct kcmdline *b, char mark)
{
        bool *used = calloc(b->n_tokens ? b->n_tokens : 1, sizeof(bool));
        if (!used)
                return;
        for (size_t i = 0; i < a->n_tokens; i++) {
                size_t j;
                for (j = 0; j < b->n_tokens; j++)
                        if (!used[j] && streq(a->tokens[i].original, b->tokens[j].original))
                                break;
                if (j < b->n_tokens)
                        used[j] = true;
                else
                        fprintf(out, "  %c %s\n", mark, a->tokens[i].original);
        }
        free(used);
}

/* The boot loader's side: what the next boot gets now, and with the proposal applied. */
static void print_next_boot(FILE *out, const struct generation *g)
{
        const struct machine *m = g->ctx.machine;
        if (m->boot.bootloader == LOADER_UNKNOWN)
                return;
        fprintf(out, "\nAgainst what %s gives the next boot:\n", loader_kind_to_string(m->boot.bootloader));
        if (g->next_boot_error) {
                fprintf(out, "  cannot tell: %s\n", g->next_boot_error);
                return;
        }
        _cleanup_kcmdline_ struct kcmdline *before = NULL, *after = NULL;
        if (kcmdline_parse(g->next_boot_old, KCMDLINE_PARSE_LENIENT, &before, NULL) < 0 ||
            kcmdline_parse(g->next_boot_new, KCMDLINE_PARSE_LENIENT, &after, NULL) < 0)
                return;
        if (streq_ptr(g->next_boot_old, g->next_boot_new))
                fprintf(out, "  no change\n");
        else {
                print_difference(out, before, after, '-');
                print_difference(out, after, before, '+');
        }
        /* what --apply would warn of: a report without them would promise what the boot cannot give */
        for (size_t i = 0; i < g->n_next_boot_warnings; i++)
                fprintf(out, "  warning: %s\n", g->next_boot_warnings[i]);
}

void report_text(FILE *out, const struct generation *g)
{
        const struct machine *m = g->ctx.machine;
        const struct proposal *p = &g->proposal;
        report_machine_summary(out, m);

        fprintf(out, "\nProposed parameters:\n");
        if (p->n_params == 0)
                fprintf(out, "  (none: nothing in the configuration asks for a parameter)\n");
        for (size_t i = 0; i < p->n_params; i++) {
                fprintf(out, "  ");
                print_param(out, p->params[i].name, p->params[i].value);
                fprintf(out, "\n      %s\n", p->params[i].reason);
        }
        if (p->n_removals) {
                fprintf(out, "\nTo remove:\n");
                for (size_t i = 0; i < p->n_removals; i++) {
                        fprintf(out, "  ");
                        print_param(out, p->removals[i].name, p->removals[i].value);
                        fprintf(out, "\n      %s\n", p->removals[i].reason);
                }
        }
        if (p->findings.n || g->line_findings.n) {
                fprintf(out, "\nFindings:\n");
                print_findings(out, &p->findings);
                print_findings(out, &g->line_findings);
        }

        fprintf(out, "\nReadiness:\n");
        for (size_t i = 0; i < g->readiness.n; i++)
                fprintf(out, "  %-4s %-19s %s\n", check_state_to_string(g->readiness.checks[i].state),
                        g->readiness.checks[i].name, g->readiness.checks[i].detail);

        fprintf(out, "\nAgainst the running command line (/proc/cmdline):\n");
        _cleanup_free_ char *proposed = NULL;
        if (kcmdline_format(g->proposed_line, &proposed) == 0 && streq(proposed, m->cmdline_text))
                fprintf(out, "  no change\n");
        else {
                print_difference(out, m->cmdline, g->proposed_line, '-');
                print_difference(out, g->proposed_line, m->cmdline, '+');
        }
        fprintf(out, "\nProposed command line (%zu of %d bytes):\n  %s\n", kcmdline_length(g->proposed_line),
                KCMDLINE_MAX_LEN, proposed ? proposed : "");
        print_next_boot(out, g);

        size_t problems = findings_count(&p->findings, FINDING_PROBLEM) +
                          findings_count(&g->line_findings, FINDING_PROBLEM) +
                          readiness_count(&g->readiness, CHECK_FAIL);
        size_t warnings = findings_count(&p->findings, FINDING_WARNING) +
                          findings_count(&g->line_findings, FINDING_WARNING) +
                          readiness_count(&g->readiness, CHECK_WARN) + g->n_next_boot_warnings;
        fprintf(out, "\n%zu problem%s, %zu warning%s.", problems, problems == 1 ? "" : "s", warnings,
                warnings == 1 ? "" : "s");
        if (m->boot.bootloader != LOADER_UNKNOWN)
                fprintf(out, " Nothing was written; 'cmdlinegen --apply %s' writes it.",
                        loader_kind_to_string(m->boot.bootloader));
        fprintf(out, "\n");
}
