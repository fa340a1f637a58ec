/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * CPU isolation: isolcpus=, nohz_full=, rcu_nocbs= and irqaffinity= from "N cores for guests"
 * or an explicit CPU list. Cores are taken whole (every SMT sibling), from the guest GPU's NUMA
 * node first, never the boot CPU's core, and never the last core of a node.
 */
#include "propose.h"

#include <stdio.h>

#include "cpu_check.h"

/* The online cores as their CPU sets, one entry per core (its lowest CPU). */
struct core {
        unsigned first_cpu;
        int node;
        int l3;
        const struct cpu_set *cpus;
};

static size_t list_cores(const struct cpu_topology *t, struct core *cores)
{
        size_t n = 0;
        for (int c = cpu_set_next(&t->online, 0); c >= 0; c = cpu_set_next(&t->online, (unsigned) c + 1)) {
                const struct cpu_info *info = &t->cpus[c];
                /* A core is listed once, at its lowest online CPU. */
                int first = cpu_set_next(&info->core_cpus, 0);
                if (first >= 0 && first != c && cpu_set_has(&t->online, (unsigned) first))
                        continue;
                cores[n++] = (struct core){ (unsigned) c, info->node, info->l3, &info->core_cpus };
        }
        return n;
}

/*
 * The order cores are given to guests: the guest GPU's node first, then within a node whole L3
 * domains from the top (a guest's cores sharing one cache), highest CPU numbers first, leaving the
 * low ones, where the boot CPU and most pinned host services live, to the host.
 */
static int core_order(const void *a, const void *b, void *userdata)
{
        const struct core *x = a, *y = b;
        int guest_node = *(const int *) userdata;
        bool xn = x->node == guest_node, yn = y->node == guest_node;
        if (xn != yn)
                return xn ? -1 : 1;
        if (x->node != y->node)
                return x->node > y->node ? -1 : 1;
        if (x->l3 != y->l3)
                return x->l3 > y->l3 ? -1 : 1;
        return x->first_cpu > y->first_cpu ? -1 : (x->first_cpu < y->first_cpu);
}

static int choose_cores(struct propose_context *ctx, unsigned wanted, struct cpu_set *isolated)
{
        const struct cpu_topology *t = &ctx->machine->cpus;
        char origin[96], subject[128];
        config_intent_origin(ctx->intent, CONFIG_DIRECTIVE_ISOLATE_CORES, origin, sizeof(origin));
        snprintf(subject, sizeof(subject), "isolate-cores %u (%s)", wanted, origin);

        _cleanup_free_ struct core *cores = calloc(t->nr_cpu_ids ? t->nr_cpu_ids : 1, sizeof(*cores));
        if (!cores)
                return -ENOMEM;
        size_t n = list_cores(t, cores);
        qsort_r(cores, n, sizeof(*cores), core_order, &ctx->guest_node);

        /* Per node, how many cores the host still has; the boot CPU's core is never given away. */
        _cleanup_free_ unsigned *host_cores = calloc(t->n_nodes + 1, sizeof(unsigned));
        if (!host_cores)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                host_cores[cores[i].node >= 0 && (size_t) cores[i].node < t->n_nodes ? (size_t) cores[i].node
                                                                                     : t->n_nodes]++;

        unsigned taken = 0;
        for (size_t i = 0; i < n && taken < wanted; i++) {
                size_t slot =
                        cores[i].node >= 0 && (size_t) cores[i].node < t->n_nodes ? (size_t) cores[i].node : t->n_nodes;
                if (cpu_set_has(cores[i].cpus, (unsigned) t->boot_cpu) || host_cores[slot] <= 1)
                        continue;
                cpu_set_union(isolated, cores[i].cpus);
                host_cores[slot]--;
                taken++;
        }
        if (taken < wanted) {
                char fix[160];
                if (taken)
                        snprintf(fix, sizeof(fix), "ask for at most %u core%s", taken, taken == 1 ? "" : "s");
                else
                        snprintf(fix, sizeof(fix), "this machine has no core to spare for guests");
                findings_add(&ctx->proposal->findings, FINDING_PROBLEM, subject, fix,
                             "the machine has %zu online cores; the host keeps the boot CPU's core and one core on "
                             "each NUMA node, which leaves %u for guests",
                             n, taken);
                return -ERANGE;
        }
        return 0;
}

static bool nodes_of_set(const struct cpu_topology *t, const struct cpu_set *s, int *first, int *count)
{
        *first = -1;
        *count = 0;
        for (size_t i = 0; i < t->n_nodes; i++)
                if (cpu_set_intersects(&t->nodes[i].cpus, s)) {
                        if (*first < 0)
                                *first = t->nodes[i].id;
                        (*count)++;
                }
        return *count > 0;
}

/* NAME=LIST when the target kernel is built with CONFIG_SYMBOL (it ignores it otherwise), else a note. */
static void propose_if_kernel_has(struct propose_context *ctx, const char *name, const char *list, const char *symbol,
                                  const char *benefit)
{
        const struct machine *m = ctx->machine;
        enum tristate has = machine_kernel_has(m, symbol);
        if (has == TRISTATE_YES) {
                proposal_add(ctx->proposal, TOPIC_CPUS, name, list, "kernel %s has CONFIG_%s: %s", m->target_release,
                             symbol, benefit);
                return;
        }
        char subject[64];
        snprintf(subject, sizeof(subject), "%s=", name);
        findings_add(&ctx->proposal->findings, FINDING_NOTE, subject, NULL, "not proposed: kernel %s %s CONFIG_%s",
                     m->target_release, has == TRISTATE_NO ? "is built without" : "has no config to show", symbol);
}

static void add_parameters(struct propose_context *ctx, const struct cpu_set *isolated, const char *source)
{
        const struct machine *m = ctx->machine;
        struct proposal *p = ctx->proposal;
        _cleanup_free_ char *list = cpu_list_format(isolated);
        _cleanup_(cpu_set_done) struct cpu_set housekeeping = {};
        if (!list || cpu_set_copy(&housekeeping, &m->cpus.possible) < 0) {
                p->out_of_memory = true;
                return;
        }
        cpu_set_subtract(&housekeeping, isolated);
        _cleanup_free_ char *hk_list = cpu_list_format(&housekeeping);
        if (!hk_list) {
                p->out_of_memory = true;
                return;
        }

        char value[64 + 8192];
        char flags[CPU_CHECK_FLAGS_MAX];
        cpu_check_isolcpus_flags_format(ctx->intent->isolcpus_flags, flags);
        snprintf(value, sizeof(value), "%s%s%s", flags, *flags ? "," : "", list);
        int node, n_nodes;
        nodes_of_set(&m->cpus, isolated, &node, &n_nodes);
        char where[96] = "";
        if (n_nodes == 1 && m->cpus.n_nodes > 1)
                snprintf(where, sizeof(where), " on NUMA node %d%s", node,
                         node == ctx->guest_node ? " (the guest GPU's)" : "");
        else if (n_nodes > 1)
                findings_add(&p->findings, FINDING_WARNING, "isolcpus=", NULL,
                             "the guest CPUs %s span %d NUMA nodes (the host keeps a core on each): a guest using all "
                             "of them reaches memory across nodes",
                             list, n_nodes);
        proposal_add(p, TOPIC_CPUS, "isolcpus", value,
                     "%s: %u CPU%s%s, whole cores with their SMT siblings; the host keeps %s", source,
                     cpu_set_count(isolated), cpu_set_count(isolated) == 1 ? "" : "s", where, hk_list);

        propose_if_kernel_has(ctx, "nohz_full", list, "NO_HZ_FULL", "no timer tick on guest CPUs running one task");
        propose_if_kernel_has(ctx, "rcu_nocbs", list, "RCU_NOCB_CPU", "RCU callbacks run on the host's CPUs");

        proposal_add(p, TOPIC_CPUS, "irqaffinity", hk_list,
                     "interrupts default to the host's CPUs, away from the guests'");
}

void propose_cpu_isolation(struct propose_context *ctx)
{
        const struct initbind_config *c = ctx->intent;
        const struct cpu_topology *t = &ctx->machine->cpus;
        _cleanup_(cpu_set_done) struct cpu_set isolated = {};
        char source[160], origin[96];

        if (c->isolate_cores) {
                if (cpu_set_init(&isolated, t->nr_cpu_ids) < 0) {
                        ctx->proposal->out_of_memory = true;
                        return;
                }
                if (choose_cores(ctx, c->isolate_cores, &isolated) < 0)
                        return;
                snprintf(source, sizeof(source), "%u core%s for guests (%s)", c->isolate_cores,
                         c->isolate_cores == 1 ? "" : "s",
                         config_intent_origin(ctx->intent, CONFIG_DIRECTIVE_ISOLATE_CORES, origin, sizeof(origin)));
        } else if (c->isolate_cpus) {
                config_intent_origin(ctx->intent, CONFIG_DIRECTIVE_ISOLATE_CPUS, origin, sizeof(origin));
                char subject[160];
                snprintf(subject, sizeof(subject), "isolate-cpus %s (%s)", c->isolate_cpus, origin);
                if (cpu_check_list(ctx->machine, subject, c->isolate_cpus, &ctx->proposal->findings, &isolated) < 0)
                        return;
                snprintf(source, sizeof(source), "CPUs %s for guests (%s)", c->isolate_cpus, origin);
        } else
                return;

        if (c->isolcpus_flags & CONFIG_ISOLCPUS_NOHZ && machine_kernel_has(ctx->machine, "NO_HZ_FULL") == TRISTATE_NO) {
                findings_add(&ctx->proposal->findings, FINDING_PROBLEM, "isolcpus-flags nohz",
                             "drop nohz from isolcpus-flags, or use a kernel built with CONFIG_NO_HZ_FULL",
                             "kernel %s is built without CONFIG_NO_HZ_FULL and ignores isolcpus= with the nohz flag",
                             ctx->machine->target_release);
                return;
        }
        add_parameters(ctx, &isolated, source);
}
