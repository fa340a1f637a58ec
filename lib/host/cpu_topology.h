/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * CPUs as the kernel describes them: possible/present/online sets, SMT siblings, cores,
 * packages, NUMA nodes and L3 domains, plus the /proc/cpuinfo facts the parameters depend on.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "cpu_list.h"

struct rootdir;

enum cpu_vendor { CPU_VENDOR_UNKNOWN, CPU_VENDOR_INTEL, CPU_VENDOR_AMD, CPU_VENDOR_OTHER };

struct cpu_info {
        bool present;
        int core_id, package_id, die_id; /* -1 when unknown (not present, or files missing) */
        int node;                        /* NUMA node, -1 when unknown */
        int l3;                          /* index into cpu_topology.l3_domains, -1 when none */
        struct cpu_set core_cpus;        /* this CPU and its SMT siblings */
};

struct numa_node {
        int id;
        struct cpu_set cpus;
        uint64_t mem_total; /* bytes, 0 when unknown */
};

struct cpu_topology {
        enum cpu_vendor vendor;
        char vendor_id[16]; /* "GenuineIntel", "AuthenticAMD" */
        char model_name[64];
        bool has_vmx, has_svm, has_pdpe1gb, has_hypervisor;
        unsigned nr_cpu_ids; /* the highest possible CPU + 1: the bound for CPU lists */
        struct cpu_set possible, present, online;
        struct cpu_set isolated, nohz_full; /* what the running kernel did */
        int boot_cpu;                       /* the CPU the kernel booted on: 0 on x86 */
        struct cpu_info *cpus;              /* nr_cpu_ids entries */
        struct numa_node *nodes;
        size_t n_nodes;
        struct cpu_set *l3_domains;
        size_t n_l3_domains;
};

/* Read the topology. Missing files give "unknown" fields, never an error; only an unreadable
 * possible-CPU mask (nothing to size the sets by) or an allocation failure fails. */
int cpu_topology_read(const struct rootdir *root, struct cpu_topology *ret);
void cpu_topology_done(struct cpu_topology *topo);

/* Number of distinct cores (sets of SMT siblings) among the online CPUs. */
unsigned cpu_topology_count_cores(const struct cpu_topology *topo);
