/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cpu_topology.h"

#include <dirent.h>
#include <stdio.h>

#include "array.h"
#include "fileio.h"
#include "macro.h"
#include "rootdir.h"

#define SYSFS_CPU "/sys/devices/system/cpu"
#define SYSFS_NODE "/sys/devices/system/node"

/* The possible mask sizes everything: nr_cpu_ids is its highest CPU + 1. */
static int read_possible(const struct rootdir *root, struct cpu_topology *topo)
{
        _cleanup_free_ char *text = NULL;
        int r = rootdir_read_file(root, SYSFS_CPU "/possible", &text, NULL);
        if (r < 0)
                return r;

        /* Parse once with a generous bound to learn the highest CPU, then size exactly. */
        struct cpu_set wide;
        size_t pos;
        r = cpu_list_parse(text, 1u << 16, &wide, &pos);
        if (r < 0)
                return r;
        int highest = -1;
        for (int c = cpu_set_next(&wide, 0); c >= 0; c = cpu_set_next(&wide, (unsigned) c + 1))
                highest = c;
        cpu_set_done(&wide);
        if (highest < 0)
                return -EBADMSG;
        topo->nr_cpu_ids = (unsigned) highest + 1;
        return cpu_list_parse(text, topo->nr_cpu_ids, &topo->possible, &pos);
}

/* A CPU mask file below the root; missing or malformed gives an empty set. */
static int read_mask(const struct rootdir *root, const char *path, unsigned nbits, struct cpu_set *ret)
{
        _cleanup_free_ char *text = NULL;
        size_t pos;
        if (rootdir_read_file(root, path, &text, NULL) >= 0 && cpu_list_parse(text, nbits, ret, &pos) >= 0)
                return 0;
        return cpu_set_init(ret, nbits);
}

static void read_cpuinfo(const struct rootdir *root, struct cpu_topology *topo)
{
        _cleanup_free_ char *text = NULL;
        if (rootdir_read_file(root, "/proc/cpuinfo", &text, NULL) < 0)
                return;

        /* The first processor block is enough: x86 reports the same vendor and flags on all. */
        bool seen_flags = false;
        for (char *lines = NULL, *line = strtok_r(text, "\n", &lines); line && !seen_flags;
             line = strtok_r(NULL, "\n", &lines)) {
                char *colon = strchr(line, ':');
                if (!colon)
                        continue;
                char *key_end = colon;
                while (key_end > line && (key_end[-1] == ' ' || key_end[-1] == '\t'))
                        key_end--;
                *key_end = '\0';
                const char *value = colon + 1 + (colon[1] == ' ');

                if (streq(line, "vendor_id"))
                        snprintf(topo->vendor_id, sizeof(topo->vendor_id), "%s", value);
                else if (streq(line, "model name"))
                        snprintf(topo->model_name, sizeof(topo->model_name), "%s", value);
                else if (streq(line, "flags")) {
                        seen_flags = true;
                        _cleanup_free_ char *flags = strdup(value);
                        if (!flags)
                                return;
                        char *save = NULL;
                        for (char *flag = strtok_r(flags, " ", &save); flag; flag = strtok_r(NULL, " ", &save)) {
                                if (streq(flag, "vmx"))
                                        topo->has_vmx = true;
                                else if (streq(flag, "svm"))
                                        topo->has_svm = true;
                                else if (streq(flag, "pdpe1gb"))
                                        topo->has_pdpe1gb = true;
                                else if (streq(flag, "hypervisor"))
                                        topo->has_hypervisor = true;
                        }
                }
        }
        topo->vendor = streq(topo->vendor_id, "GenuineIntel") ? CPU_VENDOR_INTEL
                       : streq(topo->vendor_id, "AuthenticAMD") || streq(topo->vendor_id, "HygonGenuine")
                               ? CPU_VENDOR_AMD
                       : topo->vendor_id[0] ? CPU_VENDOR_OTHER
                                            : CPU_VENDOR_UNKNOWN;
}

static int read_cpu_int(int dirfd, const char *name)
{
        long value;
        if (read_attr_int_at(dirfd, name, &value) < 0 || value < 0 || value > INT32_MAX)
                return -1;
        return (int) value;
}

static int find_or_add_l3(struct cpu_topology *topo, const struct cpu_set *shared)
{
        for (size_t i = 0; i < topo->n_l3_domains; i++)
                if (cpu_set_equal(&topo->l3_domains[i], shared))
                        return (int) i;
        int r = ARRAY_GROW(topo->l3_domains, topo->n_l3_domains);
        if (r < 0)
                return r;
        r = cpu_set_copy(&topo->l3_domains[topo->n_l3_domains], shared);
        if (r < 0)
                return r;
        return (int) topo->n_l3_domains++;
}

/* The L3 is the cache index whose level is 3 (its position varies between CPUs). */
static int read_l3(const struct rootdir *root, struct cpu_topology *topo, unsigned cpu)
{
        /* A CPU named by a domain already read shares that L3: the kernel lists every CPU of a
         * cache in its shared_cpu_list, so one read per cache is enough (a big machine has 512
         * CPUs and 8 L3s). */
        for (size_t i = 0; i < topo->n_l3_domains; i++)
                if (cpu_set_has(&topo->l3_domains[i], cpu))
                        return (int) i;
        for (unsigned index = 0; index < 8; index++) {
                char path[96];
                snprintf(path, sizeof(path), SYSFS_CPU "/cpu%u/cache/index%u", cpu, index);
                _cleanup_close_ int dirfd = rootdir_open_dir(root, path);
                if (dirfd < 0)
                        return -1;
                if (read_cpu_int(dirfd, "level") != 3)
                        continue;
                _cleanup_free_ char *text = NULL;
                if (read_full_at(dirfd, "shared_cpu_list", &text, NULL) < 0)
                        return -1;
                struct cpu_set shared;
                size_t pos;
                if (cpu_list_parse(text, topo->nr_cpu_ids, &shared, &pos) < 0)
                        return -1;
                int r = find_or_add_l3(topo, &shared);
                cpu_set_done(&shared);
                return r;
        }
        return -1;
}

static int read_cpu(const struct rootdir *root, struct cpu_topology *topo, unsigned cpu)
{
        struct cpu_info *info = &topo->cpus[cpu];
        *info = (struct cpu_info){ .core_id = -1, .package_id = -1, .die_id = -1, .node = -1, .l3 = -1 };
        info->present = cpu_set_has(&topo->present, cpu);

        char path[64];
        snprintf(path, sizeof(path), SYSFS_CPU "/cpu%u/topology", cpu);
        _cleanup_close_ int dirfd = rootdir_open_dir(root, path);
        if (dirfd >= 0) {
                info->core_id = read_cpu_int(dirfd, "core_id");
                info->package_id = read_cpu_int(dirfd, "physical_package_id");
                info->die_id = read_cpu_int(dirfd, "die_id");
                _cleanup_free_ char *text = NULL;
                size_t pos;
                /* core_cpus_list since 5.x; thread_siblings_list is the older name of the same set. */
                if ((read_full_at(dirfd, "core_cpus_list", &text, NULL) >= 0 ||
                     read_full_at(dirfd, "thread_siblings_list", &text, NULL) >= 0) &&
                    cpu_list_parse(text, topo->nr_cpu_ids, &info->core_cpus, &pos) >= 0)
                        goto have_siblings;
        }
        /* Unknown siblings: the CPU is its own core. */
        {
                int r = cpu_set_init(&info->core_cpus, topo->nr_cpu_ids);
                if (r < 0)
                        return r;
                cpu_set_add(&info->core_cpus, cpu);
        }
have_siblings:
        if (info->present) {
                int l3 = read_l3(root, topo, cpu);
                if (l3 == -ENOMEM)
                        return l3;
                info->l3 = l3 < 0 ? -1 : l3;
        }
        return 0;
}

static int read_nodes(const struct rootdir *root, struct cpu_topology *topo)
{
        struct cpu_set online_nodes;
        int r = read_mask(root, SYSFS_NODE "/online", 1024, &online_nodes);
        if (r < 0)
                return r;

        for (int n = cpu_set_next(&online_nodes, 0); n >= 0; n = cpu_set_next(&online_nodes, (unsigned) n + 1)) {
                r = ARRAY_GROW(topo->nodes, topo->n_nodes);
                if (r < 0) {
                        cpu_set_done(&online_nodes);
                        return r;
                }
                struct numa_node *node = &topo->nodes[topo->n_nodes++];
                *node = (struct numa_node){ .id = n };

                char path[96];
                snprintf(path, sizeof(path), SYSFS_NODE "/node%d/cpulist", n);
                r = read_mask(root, path, topo->nr_cpu_ids, &node->cpus);
                if (r < 0) {
                        topo->n_nodes--;
                        cpu_set_done(&online_nodes);
                        return r;
                }
                for (int c = cpu_set_next(&node->cpus, 0); c >= 0; c = cpu_set_next(&node->cpus, (unsigned) c + 1))
                        topo->cpus[c].node = n;

                /* "Node 0 MemTotal:       16384000 kB" */
                snprintf(path, sizeof(path), SYSFS_NODE "/node%d/meminfo", n);
                _cleanup_free_ char *meminfo = NULL;
                if (rootdir_read_file(root, path, &meminfo, NULL) >= 0) {
                        const char *p = strstr(meminfo, "MemTotal:");
                        unsigned long long kb;
                        if (p && sscanf(p, "MemTotal: %llu kB", &kb) == 1)
                                node->mem_total = (uint64_t) kb * 1024;
                }
        }
        cpu_set_done(&online_nodes);
        return 0;
}

int cpu_topology_read(const struct rootdir *root, struct cpu_topology *ret)
{
        struct cpu_topology topo = { .boot_cpu = 0 };
        int r = read_possible(root, &topo);
        if (r < 0)
                return r;

        if ((r = read_mask(root, SYSFS_CPU "/present", topo.nr_cpu_ids, &topo.present)) < 0 ||
            (r = read_mask(root, SYSFS_CPU "/online", topo.nr_cpu_ids, &topo.online)) < 0 ||
            (r = read_mask(root, SYSFS_CPU "/isolated", topo.nr_cpu_ids, &topo.isolated)) < 0 ||
            (r = read_mask(root, SYSFS_CPU "/nohz_full", topo.nr_cpu_ids, &topo.nohz_full)) < 0)
                goto fail;

        read_cpuinfo(root, &topo);

        topo.cpus = calloc(topo.nr_cpu_ids, sizeof(*topo.cpus));
        if (!topo.cpus) {
                r = -ENOMEM;
                goto fail;
        }
        for (unsigned cpu = 0; cpu < topo.nr_cpu_ids; cpu++)
                if ((r = read_cpu(root, &topo, cpu)) < 0)
                        goto fail; /* the sets not read yet are zeroed, which cpu_set_done() takes */

        r = read_nodes(root, &topo);
        if (r < 0)
                goto fail;
        *ret = topo;
        return 0;
fail:
        cpu_topology_done(&topo);
        return r;
}

void cpu_topology_done(struct cpu_topology *topo)
{
        cpu_set_done(&topo->possible);
        cpu_set_done(&topo->present);
        cpu_set_done(&topo->online);
        cpu_set_done(&topo->isolated);
        cpu_set_done(&topo->nohz_full);
        if (topo->cpus)
                for (unsigned i = 0; i < topo->nr_cpu_ids; i++)
                        cpu_set_done(&topo->cpus[i].core_cpus);
        free(topo->cpus);
        for (size_t i = 0; i < topo->n_nodes; i++)
                cpu_set_done(&topo->nodes[i].cpus);
        free(topo->nodes);
        for (size_t i = 0; i < topo->n_l3_domains; i++)
                cpu_set_done(&topo->l3_domains[i]);
        free(topo->l3_domains);
        *topo = (struct cpu_topology){};
}

unsigned cpu_topology_count_cores(const struct cpu_topology *topo)
{
        /* A core is counted at its lowest online CPU (with SMT4 and the first thread offline,
         * every remaining thread would otherwise count). A CPU missing from its own sibling set
         * (malformed files) counts on its own. */
        unsigned cores = 0;
        for (int c = cpu_set_next(&topo->online, 0); c >= 0; c = cpu_set_next(&topo->online, (unsigned) c + 1)) {
                const struct cpu_set *core = &topo->cpus[c].core_cpus;
                int first = cpu_set_next(core, 0);
                while (first >= 0 && !cpu_set_has(&topo->online, (unsigned) first))
                        first = cpu_set_next(core, (unsigned) first + 1);
                if (first == c || !cpu_set_has(core, (unsigned) c))
                        cores++;
        }
        return cores;
}
