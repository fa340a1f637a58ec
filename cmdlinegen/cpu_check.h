/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Checks of CPU lists against the machine, shared by the proposal (isolate-cpus) and by the
 * validation of what a command line already says (isolcpus=, nohz_full=, rcu_nocbs=,
 * irqaffinity=): within the possible CPUs, the boot CPU and some host CPUs kept, SMT siblings
 * together, each NUMA node keeping a CPU.
 */
#pragma once

#include "findings.h"
#include "machine.h"

enum cpu_list_use {
        CPU_LIST_ISOLATED,     /* CPUs taken from the host: isolcpus=, nohz_full=, rcu_nocbs= */
        CPU_LIST_HOUSEKEEPING, /* CPUs the host keeps: irqaffinity= */
};

/*
 * Parse TEXT as a CPU list of this machine and check it for USE; every problem becomes a
 * finding about SUBJECT. Returns 0 with the set in *ret (when non-NULL), -EINVAL when the list
 * cannot be used (a PROBLEM was added), -ENOMEM.
 */
int cpu_check_list_for(const struct machine *m, const char *subject, const char *text, enum cpu_list_use use,
                       struct findings *findings, struct cpu_set *ret);
static inline int cpu_check_list(const struct machine *m, const char *subject, const char *text,
                                 struct findings *findings, struct cpu_set *ret)
{
        return cpu_check_list_for(m, subject, text, CPU_LIST_ISOLATED, findings, ret);
}

/*
 * isolcpus= values: "[flag,]...LIST" where a flag is nohz, domain or managed_irq
 * (housekeeping_isolcpus_setup()); an unknown flag makes the kernel ignore the whole parameter.
 * *ret_list_offset is where the CPU list starts. -EINVAL with *ret_error_offset at the bad flag.
 */
int cpu_check_split_isolcpus(const char *value, unsigned *ret_flags, size_t *ret_list_offset, size_t *ret_error_offset);

/* "domain,managed_irq" for CONFIG_ISOLCPUS_* flags, in the kernel's documented order; "" for none. */
#define CPU_CHECK_FLAGS_MAX sizeof("nohz,domain,managed_irq")
const char *cpu_check_isolcpus_flags_format(unsigned flags, char buf[static CPU_CHECK_FLAGS_MAX]);
