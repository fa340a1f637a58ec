/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cpu_check.h"

#include <stdio.h>

#include "config.h"

static void check_siblings(const struct machine *m, const char *subject, const struct cpu_set *set,
                           struct findings *findings)
{
        const struct cpu_topology *t = &m->cpus;
        for (int c = cpu_set_next(set, 0); c >= 0; c = cpu_set_next(set, (unsigned) c + 1)) {
                const struct cpu_set *core = &t->cpus[c].core_cpus;
                for (int s = cpu_set_next(core, 0); s >= 0; s = cpu_set_next(core, (unsigned) s + 1)) {
                        if (cpu_set_has(set, (unsigned) s))
                                continue;
                        _cleanup_free_ char *core_list = cpu_list_format(core);
                        char fix[160];
                        snprintf(fix, sizeof(fix), "take all of CPUs %s or none of them", core_list ? core_list : "?");
                        findings_add(findings, FINDING_PROBLEM, subject, fix,
                                     "CPU %d and CPU %d are SMT siblings (one core, %s): a guest on one shares the "
                                     "core's caches and execution units with the host on the other",
                                     c, s, core_list ? core_list : "?");
                        return; /* one is enough to make the point; the fix covers the rest */
                }
        }
}

static void check_nodes_keep_cpus(const struct machine *m, const char *subject, const struct cpu_set *set,
                                  struct findings *findings)
{
        const struct cpu_topology *t = &m->cpus;
        if (t->n_nodes < 2)
                return;
        for (size_t i = 0; i < t->n_nodes; i++) {
                const struct numa_node *node = &t->nodes[i];
                if (cpu_set_is_empty(&node->cpus) || !cpu_set_is_subset(&node->cpus, set))
                        continue;
                findings_add(findings, FINDING_WARNING, subject, "leave at least one core of every node to the host",
                             "every CPU of NUMA node %d is taken from the host: the kernel's per-node work (memory "
                             "reclaim, node-local interrupts) then runs remote",
                             node->id);
        }
}

int cpu_check_list_for(const struct machine *m, const char *subject, const char *text, enum cpu_list_use use,
                       struct findings *findings, struct cpu_set *ret)
{
        const struct cpu_topology *t = &m->cpus;
        _cleanup_(cpu_set_done) struct cpu_set set = {};
        struct parse_error err = {};
        _cleanup_free_ char *possible = cpu_list_format(&t->possible);
        if (!possible)
                return -ENOMEM;
        int r = cpu_list_parse_full(text, t->nr_cpu_ids, &set, &err);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                findings_add(findings, FINDING_PROBLEM, subject, NULL,
                             "'%s' at column %zu: expected %s (this machine's possible CPUs are %s)", text,
                             parse_error_column(&err), err.expected ? err.expected : "a CPU list", possible);
                return -EINVAL;
        }
        if (cpu_set_is_empty(&set)) {
                findings_add(findings, FINDING_PROBLEM, subject, NULL, "the list names no CPU");
                return -EINVAL;
        }
        if (!cpu_set_is_subset(&set, &t->possible)) {
                findings_add(findings, FINDING_PROBLEM, subject, NULL,
                             "names CPUs this machine cannot have (possible CPUs: %s)", possible);
                return -EINVAL;
        }

        bool failed = false;
        if (use == CPU_LIST_HOUSEKEEPING) {
                if (!cpu_set_intersects(&set, &t->online)) {
                        findings_add(findings, FINDING_PROBLEM, subject, "name at least one online CPU",
                                     "none of these CPUs is online");
                        failed = true;
                }
        } else {
                if (t->boot_cpu >= 0 && cpu_set_has(&set, (unsigned) t->boot_cpu)) {
                        char fix[96];
                        snprintf(fix, sizeof(fix), "leave CPU %d (and its SMT siblings) to the host", t->boot_cpu);
                        findings_add(findings, FINDING_PROBLEM, subject, fix,
                                     "CPU %d is the boot CPU: the kernel keeps housekeeping work on it regardless "
                                     "(nohz_full refuses it on x86)",
                                     t->boot_cpu);
                        failed = true;
                }
                _cleanup_(cpu_set_done) struct cpu_set host = {};
                if (cpu_set_copy(&host, &t->online) < 0)
                        return -ENOMEM;
                cpu_set_subtract(&host, &set);
                if (cpu_set_is_empty(&host)) {
                        findings_add(findings, FINDING_PROBLEM, subject, "leave at least one core to the host",
                                     "no online CPU is left for the host (online CPUs: %s)", possible);
                        failed = true;
                }
                size_t before = findings->n;
                check_siblings(m, subject, &set, findings);
                failed |= findings->n != before;
                check_nodes_keep_cpus(m, subject, &set, findings);
        }
        if (failed)
                return -EINVAL;
        if (ret) {
                *ret = set;
                set = (struct cpu_set){};
        }
        return 0;
}

int cpu_check_split_isolcpus(const char *value, unsigned *ret_flags, size_t *ret_list_offset, size_t *ret_error_offset)
{
        /* As housekeeping_isolcpus_setup(): words made of letters and '_' before a ',' are flags;
         * the list starts at the first character that is not a letter. */
        unsigned flags = 0;
        const char *p = value;
        while (*p >= 'a' && *p <= 'z') {
                size_t len = strcspn(p, ",");
                unsigned flag = config_isolcpus_flag_from_word(p, len);
                if (!flag || p[len] != ',') {
                        *ret_error_offset = (size_t) (p - value);
                        return -EINVAL;
                }
                flags |= flag;
                p += len + 1;
        }
        *ret_flags = flags;
        *ret_list_offset = (size_t) (p - value);
        return 0;
}

const char *cpu_check_isolcpus_flags_format(unsigned flags, char buf[static CPU_CHECK_FLAGS_MAX])
{
        buf[0] = '\0';
        for (unsigned i = 0; config_isolcpus_flag_words[i]; i++)
                if (flags & (1u << i)) {
                        if (buf[0])
                                strcat(buf, ",");
                        strcat(buf, config_isolcpus_flag_words[i]);
                }
        return buf;
}
