/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * From the proposal to what one guest is given. Everything is taken from the same run as the
 * proposal (its isolcpus=, its hugepage size, its claim plan), so the guest matches what the host
 * sets aside at boot; what cannot work is refused with the fact and the fix.
 */
#include "guest.h"

#include <stdio.h>

#include "cpu_check.h"
#include "hugepage_budget.h"
#include "hugepage_params.h"
#include "log.h"

static int refuse(const char *fact, const char *fix)
{
        log_error("cannot describe the guest: %s; %s", fact, fix);
        return -EINVAL;
}

/* The one guest-memory line: its size and its node. */
static int take_memory(const struct generation *g, struct guest_spec *s)
{
        const struct initbind_config *c = g->ctx.intent;
        if (c->n_guest_memory == 0)
                return refuse("the configuration has no guest-memory line, which gives the guest's memory size and "
                              "its hugepages",
                              "add 'guest-memory SIZE [node=N]' to the configuration, or give --guest-memory");
        if (c->n_guest_memory > 1) {
                log_error("cannot describe the guest: the configuration has %zu guest-memory lines (one per guest); "
                          "name the one to describe with --guest-memory SIZE[,node=N]",
                          c->n_guest_memory);
                return -EINVAL;
        }
        s->memory_bytes = c->guest_memory[0].bytes;
        config_intent_origin(c, CONFIG_DIRECTIVE_GUEST_MEMORY, s->memory_origin, sizeof(s->memory_origin));
        const struct proposed_param *p = proposal_find(&g->proposal, "hugepagesz");
        if (!p || !p->value)
                return refuse("no hugepages could be proposed for the guest-memory (see the findings of 'cmdlinegen')",
                              "fix what those findings say first");
        s->page_size = kcmdline_memparse(p->value, NULL);
        snprintf(s->page_param, sizeof(s->page_param), "hugepagesz=%s", p->value);
        return 0;
}

static const struct numa_node *find_node(const struct cpu_topology *t, int id)
{
        for (size_t i = 0; i < t->n_nodes; i++)
                if (t->nodes[i].id == id)
                        return &t->nodes[i];
        return NULL;
}

/* The host node of the guest's memory and CPUs: guest-memory's node=, else the claimed GPU's. */
static int take_node(const struct generation *g, struct guest_spec *s)
{
        const struct machine *m = g->ctx.machine;
        int node = g->ctx.intent->guest_memory[0].node;
        snprintf(s->node_source, sizeof(s->node_source), "guest-memory node=%d", node);
        if (node < 0 && s->n_functions && s->view->functions[s->functions[0]].numa_node >= 0) {
                node = s->view->functions[s->functions[0]].numa_node;
                snprintf(s->node_source, sizeof(s->node_source), "the NUMA node of %s",
                         s->view->functions[s->functions[0]].name);
        }
        if (node < 0 && m->cpus.n_nodes == 1) {
                node = m->cpus.nodes[0].id;
                snprintf(s->node_source, sizeof(s->node_source), "the machine's only NUMA node");
        }
        s->node = node;
        s->numa_host = m->cpus.n_nodes > 1;
        if (node < 0)
                return 0;
        const struct numa_node *n = find_node(&m->cpus, node);
        char want[32], have[32], fact[160];
        format_size_human(s->memory_bytes, want, sizeof(want));
        if (!n) {
                snprintf(fact, sizeof(fact), "the machine has no NUMA node %d (%s)", node, s->node_source);
                return refuse(fact, "name a node of /sys/devices/system/node in guest-memory node=");
        }
        if (n->mem_total < s->memory_bytes) {
                format_size_human(n->mem_total, have, sizeof(have));
                snprintf(fact, sizeof(fact), "NUMA node %d (%s) has %s of memory, the guest wants %s", node,
                         s->node_source, have, want);
                return refuse(fact, "give the guest less memory, or put it on a node with enough (guest-memory node=)");
        }
        return 0;
}

/* The CPUs the proposal isolates, as a set. */
static int isolated_cpus(const struct generation *g, struct cpu_set *ret)
{
        const struct proposed_param *p = proposal_find(&g->proposal, "isolcpus");
        if (!p || !p->value)
                return refuse("no CPUs are isolated for guests, so no vCPU could be pinned away from the host",
                              "add 'isolate-cores N' (or isolate-cpus) to the configuration");
        unsigned flags;
        size_t list, error;
        if (cpu_check_split_isolcpus(p->value, &flags, &list, &error) < 0 ||
            cpu_list_parse(p->value + list, g->ctx.machine->cpus.nr_cpu_ids, ret, NULL) < 0)
                return refuse("the proposed isolcpus= cannot be read back", "report this as a bug");
        return 0;
}

/* Append the isolated CPUs of one core, in order; the count of its SMT siblings. */
static unsigned add_core(const struct cpu_topology *t, unsigned cpu, const struct cpu_set *usable, struct guest_spec *s)
{
        unsigned n = 0;
        const struct cpu_set *core = &t->cpus[cpu].core_cpus;
        for (int c = cpu_set_next(core, 0); c >= 0; c = cpu_set_next(core, (unsigned) c + 1))
                if (cpu_set_has(usable, (unsigned) c)) {
                        s->vcpu_cpus[s->n_vcpus++] = (unsigned) c;
                        n++;
                }
        return n;
}

/* vCPUs core by core, the siblings of a core adjacent: libvirt and QEMU number the threads of a
 * core innermost (vCPU = (socket * cores + core) * threads + thread). */
static int order_vcpus(const struct machine *m, const struct cpu_set *usable, struct guest_spec *s)
{
        const struct cpu_topology *t = &m->cpus;
        s->vcpu_cpus = calloc(cpu_set_count(usable) + 1, sizeof(unsigned));
        _cleanup_(cpu_set_done) struct cpu_set seen = {};
        if (!s->vcpu_cpus || cpu_set_init(&seen, t->nr_cpu_ids) < 0)
                return -ENOMEM;
        unsigned threads = 0, cores = 0;
        bool uniform = true;
        for (int c = cpu_set_next(usable, 0); c >= 0; c = cpu_set_next(usable, (unsigned) c + 1)) {
                if (cpu_set_has(&seen, (unsigned) c))
                        continue;
                cpu_set_union(&seen, &t->cpus[c].core_cpus);
                unsigned n = add_core(t, (unsigned) c, usable, s);
                uniform = uniform && (threads == 0 || n == threads);
                threads = threads ? threads : n;
                cores++;
        }
        /* Cores with different numbers of threads cannot be one topology: then every vCPU is a core. */
        s->threads = uniform ? threads : 1;
        s->cores = uniform ? cores : s->n_vcpus;
        s->sockets = 1;
        return 0;
}

static int take_vcpus(const struct generation *g, const struct guest_options *o, const struct cpu_set *isolated,
                      struct guest_spec *s)
{
        const struct machine *m = g->ctx.machine;
        _cleanup_(cpu_set_done) struct cpu_set usable = {};
        if (cpu_set_copy(&usable, isolated) < 0)
                return -ENOMEM;
        const struct numa_node *n = s->node >= 0 ? find_node(&m->cpus, s->node) : NULL;
        if (n && cpu_set_intersects(&n->cpus, isolated) && m->cpus.n_nodes > 1) {
                _cleanup_(cpu_set_done) struct cpu_set off_node = {};
                if (cpu_set_copy(&off_node, isolated) < 0)
                        return -ENOMEM;
                cpu_set_subtract(&off_node, &n->cpus);
                cpu_set_subtract(&usable, &off_node);
        }
        int r = order_vcpus(m, &usable, s);
        if (r < 0)
                return r;
        if (s->n_vcpus == 0 || s->threads == 0) /* the proposal isolates none of the online CPUs */
                return refuse("none of the isolated CPUs is online", "bring them online, or isolate online cores");
        char fact[200], fix[120];
        if (o->vcpus > s->n_vcpus) {
                snprintf(fact, sizeof(fact), "%u vCPUs asked, but %u CPU%s isolated%s", o->vcpus, s->n_vcpus,
                         s->n_vcpus == 1 ? " is" : "s are", n ? " on the guest's NUMA node" : "");
                snprintf(fix, sizeof(fix), "give at most --vcpus %u, or isolate more cores (isolate-cores)",
                         s->n_vcpus);
                return refuse(fact, fix);
        }
        if (o->vcpus && o->vcpus % s->threads) {
                snprintf(fact, sizeof(fact),
                         "%u vCPU%s would take part of a host core of %u SMT siblings, splitting it", o->vcpus,
                         o->vcpus == 1 ? "" : "s", s->threads);
                snprintf(fix, sizeof(fix), "give --vcpus a multiple of %u", s->threads);
                return refuse(fact, fix);
        }
        if (o->vcpus) {
                s->cores = o->vcpus / s->threads;
                s->n_vcpus = o->vcpus;
        }
        _cleanup_(cpu_set_done) struct cpu_set given = {};
        if (cpu_set_init(&given, m->cpus.nr_cpu_ids) < 0)
                return -ENOMEM;
        for (unsigned i = 0; i < s->n_vcpus; i++)
                cpu_set_add(&given, s->vcpu_cpus[i]);
        s->vcpu_list = cpu_list_format(&given);
        return s->vcpu_list ? 0 : -ENOMEM;
}

/* The emulator and I/O threads: the host's CPUs of the guest's node, else all of the host's. */
static int take_housekeeping(const struct machine *m, const struct cpu_set *isolated, struct guest_spec *s)
{
        _cleanup_(cpu_set_done) struct cpu_set host = {};
        if (cpu_set_copy(&host, &m->cpus.online) < 0)
                return -ENOMEM;
        cpu_set_subtract(&host, isolated);
        const struct numa_node *n = s->node >= 0 ? find_node(&m->cpus, s->node) : NULL;
        s->housekeeping_on_node = false;
        if (n && cpu_set_intersects(&host, &n->cpus)) {
                _cleanup_(cpu_set_done) struct cpu_set elsewhere = {};
                if (cpu_set_copy(&elsewhere, &host) < 0)
                        return -ENOMEM;
                cpu_set_subtract(&elsewhere, &n->cpus);
                cpu_set_subtract(&host, &elsewhere);
                s->housekeeping_on_node = true;
        }
        s->housekeeping_list = cpu_list_format(&host);
        return s->housekeeping_list ? 0 : -ENOMEM;
}

int guest_spec_build(const struct generation *g, const struct guest_options *o, struct guest_spec *ret)
{
        struct guest_spec s = { .view = g->boot_view };
        _cleanup_(cpu_set_done) struct cpu_set isolated = {};
        int r = guest_take_functions(g, &s);
        if (r >= 0)
                r = take_memory(g, &s);
        if (r >= 0)
                r = take_node(g, &s);
        if (r >= 0)
                r = isolated_cpus(g, &isolated);
        if (r >= 0)
                r = take_vcpus(g, o, &isolated, &s);
        if (r >= 0)
                r = take_housekeeping(g->ctx.machine, &isolated, &s);
        if (r >= 0)
                r = guest_host_check(g->ctx.machine, s.memory_bytes, s.page_size, s.node, o->format != GUEST_LIBVIRT,
                                     &s.host, &s.hugetlbfs_mount);
        if (r < 0) {
                if (r == -ENOMEM)
                        log_error_errno(r, "cannot describe the guest: %m");
                guest_spec_done(&s);
                return r;
        }
        *ret = s;
        return 0;
}

void guest_spec_done(struct guest_spec *s)
{
        free(s->vcpu_cpus);
        free(s->vcpu_list);
        free(s->housekeeping_list);
        free(s->functions);
        free(s->hugetlbfs_mount);
        *s = (struct guest_spec){};
}
