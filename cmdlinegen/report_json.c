/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "json_writer.h"
#include "kernel_config.h"
#include "report.h"

void report_json_checks(struct json_writer *w, const char *key, const struct readiness *r)
{
        json_key(w, key);
        json_array_begin(w);
        for (size_t i = 0; i < r->n; i++) {
                json_object_begin(w);
                json_kv_string(w, "check", r->checks[i].name);
                json_kv_string(w, "state", check_state_to_string(r->checks[i].state));
                json_kv_string(w, "detail", r->checks[i].detail);
                json_object_end(w);
        }
        json_array_end(w);
}

static void json_findings(struct json_writer *w, const struct findings *f)
{
        for (size_t i = 0; i < f->n; i++) {
                json_object_begin(w);
                json_kv_string(w, "level", finding_level_to_string(f->items[i].level));
                json_kv_string(w, "subject", f->items[i].subject);
                json_kv_string(w, "fact", f->items[i].fact);
                json_kv_string(w, "fix", f->items[i].fix);
                json_object_end(w);
        }
}

static void json_machine(struct json_writer *w, const struct machine *m)
{
        const struct cpu_topology *t = &m->cpus;
        _cleanup_free_ char *online = cpu_list_format(&t->online);
        json_key(w, "machine");
        json_object_begin(w);
        json_kv_string(w, "cpu_model", t->model_name);
        json_kv_string(w, "cpu_vendor", t->vendor_id);
        json_kv_string(w, "cpus_online", online);
        json_kv_int(w, "cores", cpu_topology_count_cores(t));
        json_kv_int(w, "numa_nodes", (int64_t) t->n_nodes);
        json_kv_bool(w, "pdpe1gb", t->has_pdpe1gb);
        json_kv_int(w, "mem_total", (int64_t) m->memory.mem_total);
        json_kv_string(w, "iommu", m->pci->has_dmar ? "intel" : m->pci->has_ivrs ? "amd" : NULL);
        json_kv_bool(w, "iommu_active", m->pci->iommu_active);
        json_kv_int(w, "iommu_groups", (int64_t) m->pci->n_groups);
        json_kv_int(w, "pci_functions", (int64_t) m->pci->n_functions);
        json_kv_string(w, "kernel", m->target_release);
        json_kv_bool(w, "kernel_running", m->target_is_running);
        json_kv_string(w, "kernel_config", m->kernel_config ? kernel_config_source(m->kernel_config) : NULL);
        json_kv_string(w, "initramfs", initramfs_generator_to_string(m->boot.generator));
        json_kv_string(w, "bootloader", loader_kind_to_string(m->boot.bootloader));
        json_object_end(w);
}

void report_json(FILE *out, const struct generation *g)
{
        const struct proposal *p = &g->proposal;
        struct json_writer w;
        json_init(&w, out);
        json_object_begin(&w);
        json_machine(&w, g->ctx.machine);

        json_key(&w, "parameters");
        json_array_begin(&w);
        for (size_t i = 0; i < p->n_params; i++) {
                json_object_begin(&w);
                json_kv_string(&w, "topic", proposal_topic_to_string(p->params[i].topic));
                json_kv_string(&w, "name", p->params[i].name);
                json_kv_string(&w, "value", p->params[i].value);
                json_kv_string(&w, "reason", p->params[i].reason);
                json_object_end(&w);
        }
        json_array_end(&w);

        json_key(&w, "removals");
        json_array_begin(&w);
        for (size_t i = 0; i < p->n_removals; i++) {
                json_object_begin(&w);
                json_kv_string(&w, "name", p->removals[i].name);
                json_kv_string(&w, "value", p->removals[i].value);
                json_kv_string(&w, "reason", p->removals[i].reason);
                json_object_end(&w);
        }
        json_array_end(&w);

        json_key(&w, "findings");
        json_array_begin(&w);
        json_findings(&w, &p->findings);
        json_findings(&w, &g->line_findings);
        json_array_end(&w);

        report_json_checks(&w, "readiness", &g->readiness);

        _cleanup_free_ char *proposed = NULL;
        (void) kcmdline_format(g->proposed_line, &proposed);
        json_kv_string(&w, "running_cmdline", g->ctx.machine->cmdline_text);
        json_kv_string(&w, "proposed_cmdline", proposed);
        json_kv_string(&w, "next_boot_cmdline", g->next_boot_old);
        json_kv_string(&w, "next_boot_proposed_cmdline", g->next_boot_new);
        json_kv_string(&w, "next_boot_error", g->next_boot_error);
        json_key(&w, "next_boot_warnings");
        json_array_begin(&w);
        for (size_t i = 0; i < g->n_next_boot_warnings; i++)
                json_string(&w, g->next_boot_warnings[i]);
        json_array_end(&w);
        json_kv_bool(&w, "problems", generation_has_problems(g));
        json_object_end(&w);
        json_finish(&w);
}
