/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * `cmdlinegen guest`: the guest's side of what the proposal sets aside on the host, for one
 * guest of /etc/initbind.conf (its claimed devices, the isolated CPUs, its guest-memory line and
 * NUMA node): vCPU pinning and topology, hugepage backing, the PCI functions to pass through,
 * and the host facts the guest needs now (a hugetlbfs mount of the page size, free pages, the
 * memlock limit). Written as libvirt domain fragments, QEMU arguments or JSON.
 */
#pragma once

#include <stdio.h>

#include "generate.h"
#include "readiness.h"

enum guest_format { GUEST_LIBVIRT, GUEST_QEMU, GUEST_JSON };

struct guest_options {
        enum guest_format format;
        unsigned vcpus; /* 0: every isolated CPU of the guest's node */
};

/* What the guest is given: every field follows one host fact, named where it is written. */
struct guest_spec {
        unsigned *vcpu_cpus; /* host CPU of vCPU i: SMT siblings adjacent, as the topology numbers them */
        unsigned n_vcpus;
        unsigned sockets, cores, threads; /* threads: the host's SMT siblings per core */
        char *vcpu_list;                  /* the host CPUs of the vCPUs, as a CPU list */
        char *housekeeping_list;          /* for the emulator and I/O threads */
        bool housekeeping_on_node;        /* false: the node has no CPU left to the host */

        uint64_t memory_bytes;
        uint64_t page_size;
        int node;               /* host NUMA node of memory and CPUs, -1 when the machine has one */
        char node_source[64];   /* "guest-memory node=1", "the NUMA node of 0000:81:00.0" */
        bool numa_host;         /* the machine has several NUMA nodes: bind to one */
        char memory_origin[96]; /* "/etc/initbind.conf:3", "--guest-memory" */
        char page_param[48];    /* "hugepagesz=1G": the parameter the page size follows */

        size_t *functions; /* indices into the boot view, every function of every claimed group */
        size_t n_functions;
        const struct pci_host *view;

        struct readiness host; /* the host side: hugetlbfs mount, free hugepages, memlock */
        char *hugetlbfs_mount; /* of page_size, NULL when none is mounted */
};

/* Build the spec, or refuse (-EINVAL after logging the fact and the fix; -ENOMEM). */
int guest_spec_build(const struct generation *g, const struct guest_options *o, struct guest_spec *ret);
void guest_spec_done(struct guest_spec *s);

/* Every function of every claimed group into S, or refuse a group that cannot be given. */
int guest_take_functions(const struct generation *g, struct guest_spec *s);

/* The host side of a guest of MEMORY bytes in pages of PAGE_SIZE on NODE (-1: any), into R.
 * *ret_mount (when non-NULL) is the hugetlbfs mount of that page size, or NULL. */
int guest_host_check(const struct machine *m, uint64_t memory, uint64_t page_size, int node, bool bare_qemu,
                     struct readiness *r, char **ret_mount);
/* The same for cmdlinegen's readiness, from the proposal's hugepages: warnings, not failures,
 * as the pages are reserved only at the next boot. */
void guest_host_readiness(const struct propose_context *ctx, struct readiness *r);

/* The QEMU arguments, option and value apart (the value unquoted). */
struct guest_arg {
        const char *option;
        char *value;
};
struct guest_args {
        struct guest_arg *args;
        size_t n;
};
int guest_qemu_args(const struct guest_spec *s, struct guest_args *ret);
void guest_args_done(struct guest_args *a);

void guest_write_libvirt(FILE *out, const struct guest_spec *s);
/* 0, or -ENOMEM. */
int guest_write_qemu(FILE *out, const struct guest_spec *s);
int guest_write_json(FILE *out, const struct guest_spec *s);

/* The whole command: its exit status (0, 1 refused or a host check failed). */
int guest_run(const struct generation *g, const struct guest_options *o);
