/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "verify.h"

#include <inttypes.h>
#include <stdarg.h>

#include "cpu_check.h"
#include "json_writer.h"
#include "report.h"
#include "rootdir.h"

struct verdicts {
        FILE *out;
        struct json_writer *json;
        unsigned failed, passed;
};

static void verdict(struct verdicts *v, bool ok, const char *what, const char *format, ...) _printf_(4, 5);
static void verdict(struct verdicts *v, bool ok, const char *what, const char *format, ...)
{
        char detail[512];
        va_list ap;
        va_start(ap, format);
        vsnprintf(detail, sizeof(detail), format, ap);
        va_end(ap);
        if (ok)
                v->passed++;
        else
                v->failed++;
        if (v->json) {
                json_object_begin(v->json);
                json_kv_string(v->json, "check", what);
                json_kv_bool(v->json, "ok", ok);
                json_kv_string(v->json, "detail", detail);
                json_object_end(v->json);
        } else
                fprintf(v->out, "  %-4s %-28s %s\n", ok ? "ok" : "FAIL", what, detail);
}

static void verify_parameters(struct verdicts *v, const struct generation *g)
{
        const struct machine *m = g->ctx.machine;
        for (size_t i = 0; i < g->proposal.n_params; i++) {
                const struct proposed_param *p = &g->proposal.params[i];
                if (kcmdline_is_hugepage_param(p->name))
                        continue; /* positional: checked by what the kernel reserved, below */
                const char *value = NULL;
                bool present = kcmdline_get(m->cmdline, p->name, &value) == 0;
                char what[96];
                snprintf(what, sizeof(what), "%s%s", p->name, p->value ? "=" : "");
                verdict(v, present && streq_ptr(value, p->value), what, "asked %s, /proc/cmdline has %s",
                        p->value ? p->value : "(flag)",
                        !present ? "none"
                        : value  ? value
                                 : "(flag)");
        }
}

/*
 * vfio-pci's own parameters as the running module took them: a bool parameter reads Y or N in
 * /sys/module/vfio_pci/parameters. Without that directory vfio-pci is not loaded (yet), and
 * nothing has taken them.
 */
static void verify_vfio_pci_params(struct verdicts *v, const struct generation *g)
{
        const struct machine *m = g->ctx.machine;
        static const char dir[] = VFIO_PCI_SYSFS_PARAMS;
        if (rootdir_exists(m->root, dir) <= 0)
                return;
        for (size_t i = 0; i < g->proposal.n_params; i++) {
                const struct proposed_param *p = &g->proposal.params[i];
                if (!startswith(p->name, "vfio-pci.") || !streq_ptr(p->value, "1"))
                        continue;
                const char *name = p->name + strlen("vfio-pci.");
                char path[160], what[96];
                snprintf(path, sizeof(path), "%s/%s", dir, name);
                snprintf(what, sizeof(what), "vfio-pci %s", name);
                _cleanup_free_ char *text = NULL;
                int r = rootdir_read_file(m->root, path, &text, NULL);
                if (r < 0) {
                        verdict(v, false, what, "asked 1, the loaded vfio-pci has no %s (%s)", path,
                                rootdir_strerror(r));
                        continue;
                }
                text[strcspn(text, "\n")] = '\0';
                verdict(v, streq(text, "Y"), what, "asked 1, %s reads %s", path, text);
        }
}

static void verify_cpu_set(struct verdicts *v, const struct generation *g, const char *param,
                           const struct cpu_set *actual, const char *file)
{
        const struct proposed_param *p = proposal_find(&g->proposal, param);
        if (!p || !p->value)
                return;
        const char *list = p->value;
        if (streq(param, "isolcpus")) {
                /* isolcpus= carries its flags in front of the list; the kernel's "isolated" file
                 * shows only the CPUs taken out of scheduling domains. */
                unsigned flags;
                size_t offset, error;
                if (cpu_check_split_isolcpus(p->value, &flags, &offset, &error) < 0 ||
                    (flags && !(flags & CONFIG_ISOLCPUS_DOMAIN)))
                        return;
                list = p->value + offset;
        }
        _cleanup_(cpu_set_done) struct cpu_set want = {};
        if (cpu_list_parse(list, g->ctx.machine->cpus.nr_cpu_ids, &want, NULL) < 0)
                return;
        _cleanup_free_ char *have = cpu_list_format(actual);
        verdict(v, cpu_set_equal(&want, actual), file, "asked %s, the kernel reports %s", list,
                have && *have ? have : "none");
}

static uint64_t node_hugepages(const struct machine *m, int node, uint64_t size)
{
        char path[128];
        snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/hugepages/hugepages-%" PRIu64 "kB/nr_hugepages",
                 node, size >> 10);
        _cleanup_free_ char *text = NULL;
        if (rootdir_read_file(m->root, path, &text, NULL) < 0)
                return 0;
        return strtoull(text, NULL, 10);
}

static void verify_hugepages(struct verdicts *v, const struct generation *g)
{
        const struct machine *m = g->ctx.machine;
        const struct proposed_param *size = proposal_find(&g->proposal, "hugepagesz"),
                                    *count = proposal_find(&g->proposal, "hugepages");
        if (!size || !count)
                return;
        uint64_t bytes = kcmdline_memparse(size->value, NULL);
        if (!strchr(count->value, ':')) {
                const struct hugepage_pool *pool = memory_info_pool(&m->memory, bytes);
                uint64_t want = strtoull(count->value, NULL, 10);
                verdict(v, pool && pool->nr_pages >= want, "hugepages",
                        "asked %" PRIu64 " page%s of %s, the kernel has %" PRIu64, want, want == 1 ? "" : "s",
                        size->value, pool ? pool->nr_pages : 0);
                return;
        }
        /* node:count[,node:count]: each node on its own. */
        for (const char *p = count->value; *p;) {
                char *end;
                long node = strtol(p, &end, 10);
                uint64_t want = *end == ':' ? strtoull(end + 1, &end, 10) : 0;
                uint64_t have = node_hugepages(m, (int) node, bytes);
                char what[48];
                snprintf(what, sizeof(what), "hugepages on node %ld", node);
                verdict(v, have >= want, what, "asked %" PRIu64 " page%s of %s, the node has %" PRIu64, want,
                        want == 1 ? "" : "s", size->value, have);
                p = *end == ',' ? end + 1 : end + strlen(end);
        }
}

static void verify_devices(struct verdicts *v, const struct generation *g)
{
        const struct machine *m = g->ctx.machine;
        verdict(v, m->pci->n_groups > 0, "IOMMU groups", "%zu", m->pci->n_groups);
        if (!g->plan)
                return;
        for (size_t i = 0; i < g->plan->n_entries; i++) {
                const struct plan_entry *e = &g->plan->entries[i];
                if (e->action != PLAN_CLAIM && e->action != PLAN_ALREADY_CLAIMED)
                        continue;
                /* The plan indexes the boot view, a copy of m->pci in the same order. */
                const struct pci_function *f = &m->pci->functions[e->function];
                char what[48];
                snprintf(what, sizeof(what), "%s on vfio-pci", f->name);
                verdict(v, streq(f->driver, "vfio-pci"), what, "driver: %s", f->driver[0] ? f->driver : "none");
        }
}

int verify_run(FILE *out, const struct generation *g, bool json)
{
        struct json_writer w;
        struct verdicts v = { .out = out, .json = json ? &w : NULL };
        if (json) {
                json_init(&w, out);
                json_object_begin(&w);
                json_key(&w, "checks");
                json_array_begin(&w);
        } else {
                report_machine_summary(out, g->ctx.machine);
                fprintf(out, "\nWhat was asked, and what the kernel did:\n");
        }
        verify_parameters(&v, g);
        verify_vfio_pci_params(&v, g);
        verify_cpu_set(&v, g, "isolcpus", &g->ctx.machine->cpus.isolated, "isolated CPUs");
        verify_cpu_set(&v, g, "nohz_full", &g->ctx.machine->cpus.nohz_full, "nohz_full CPUs");
        verify_hugepages(&v, g);
        verify_devices(&v, g);
        if (json) {
                json_array_end(&w);
                json_kv_int(&w, "failed", v.failed);
                json_object_end(&w);
                json_finish(&w);
        } else
                fprintf(out, "\n%u check%s passed, %u failed.\n", v.passed, v.passed == 1 ? "" : "s", v.failed);
        return v.failed ? 1 : 0;
}
