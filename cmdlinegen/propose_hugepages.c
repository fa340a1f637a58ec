/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Hugepages reserved at boot for guest memory: the page size the CPU supports, enough pages for
 * the guests that run together, on the node they are pinned to, and never so many that the host
 * is left without memory (an over-allocation makes the host run out of memory while booting).
 */
#include "propose.h"

#include "hugepage_budget.h"

#include <inttypes.h>
#include <stdio.h>

static uint64_t choose_page_size(struct propose_context *ctx, bool *ok)
{
        const struct machine *m = ctx->machine;
        char origin[96];
        *ok = true;
        switch (ctx->intent->hugepage_size) {
        case CONFIG_HUGEPAGE_SIZE_2M:
                return 2 * MIB;
        case CONFIG_HUGEPAGE_SIZE_1G:
                if (!m->cpus.has_pdpe1gb) {
                        char subject[128];
                        snprintf(subject, sizeof(subject), "hugepage-size 1G (%s)",
                                 config_intent_origin(ctx->intent, CONFIG_DIRECTIVE_HUGEPAGE_SIZE, origin,
                                                      sizeof(origin)));
                        findings_add(&ctx->proposal->findings, FINDING_PROBLEM, subject, "use hugepage-size 2M or auto",
                                     "the CPU (%s) has no pdpe1gb flag in /proc/cpuinfo: the kernel rejects "
                                     "hugepagesz=1G on it",
                                     m->cpus.model_name[0] ? m->cpus.model_name : "unknown model");
                        *ok = false;
                }
                return GIB;
        default:
                return m->cpus.has_pdpe1gb ? GIB : 2 * MIB;
        }
}

static bool node_exists(const struct cpu_topology *t, int node, uint64_t *mem_total)
{
        for (size_t i = 0; i < t->n_nodes; i++)
                if (t->nodes[i].id == node) {
                        *mem_total = t->nodes[i].mem_total;
                        return true;
                }
        return false;
}

/* Does BYTES of pages fit in memory TOTAL (bytes) with the headroom kept? A finding when not. */
static bool fits(struct propose_context *ctx, const char *subject, const char *where, uint64_t bytes, uint64_t total)
{
        char have[32], want[32], keep[32], most[32];
        if (total == 0)
                return true; /* unknown: nothing to check against, said elsewhere */
        enum hugepage_scope scope = *where ? HUGEPAGE_SCOPE_NODE : HUGEPAGE_SCOPE_MACHINE;
        uint64_t headroom = hugepage_headroom(total, scope), room = hugepage_room(total, scope);
        if (bytes <= room)
                return true;
        format_size_human(total, have, sizeof(have));
        format_size(bytes, want, sizeof(want));
        format_size_human(headroom, keep, sizeof(keep));
        format_size_human(room, most, sizeof(most));
        char fix[128];
        if (room)
                snprintf(fix, sizeof(fix), "reserve at most %s%s", most, where);
        else
                snprintf(fix, sizeof(fix), "reserve no hugepages%s: all of its memory is the host's headroom", where);
        findings_add(
                &ctx->proposal->findings, FINDING_PROBLEM, subject, fix,
                "%s of hugepages%s leave the host less than %s of its %s: the host would run out of memory at boot",
                want, where, keep, have);
        return false;
}

/* Per-node reservations need every guest pinned: a line without node= has no home. Are they all
 * pinned (*ret_pinned); false, with a finding, when some are and some are not. */
static bool pinning_is_uniform(struct propose_context *ctx, bool *ret_pinned)
{
        const struct initbind_config *c = ctx->intent;
        size_t with_node = 0;
        for (size_t i = 0; i < c->n_guest_memory; i++)
                with_node += c->guest_memory[i].node >= 0;
        if (with_node && with_node != c->n_guest_memory) {
                findings_add(&ctx->proposal->findings, FINDING_PROBLEM, "guest-memory",
                             "give node= on every guest-memory line, or on none",
                             "some guest-memory lines name a NUMA node and some do not: the kernel reserves pages "
                             "either per node or from all nodes, not both");
                return false;
        }
        *ret_pinned = with_node > 0;
        return true;
}

static uint64_t guest_bytes_on_node(const struct initbind_config *c, int node)
{
        uint64_t bytes = 0;
        for (size_t i = 0; i < c->n_guest_memory; i++)
                if (c->guest_memory[i].node == node)
                        bytes += c->guest_memory[i].bytes;
        return bytes;
}

/* The hugepages= value node:count,... summed per node in node order; false (with a finding) when a
 * node is missing, too small, or the kernel cannot take the per-node form. */
static bool format_node_counts(struct propose_context *ctx, const char *subject, uint64_t page, char *count,
                               size_t size)
{
        const struct machine *m = ctx->machine;
        if (!machine_kernel_at_least(m, 5, 16)) {
                findings_add(&ctx->proposal->findings, FINDING_PROBLEM, subject,
                             "drop node= (or boot a kernel from 5.16 on)",
                             "kernel %s is older than 5.16, which added per-node hugepages= (node:count)",
                             m->target_release);
                return false;
        }
        size_t len = 0;
        count[0] = '\0';
        for (int node = 0; node < CONFIG_NUMA_NODES_MAX; node++) {
                uint64_t bytes = guest_bytes_on_node(ctx->intent, node);
                if (!bytes)
                        continue;
                uint64_t node_total = 0;
                char where[48];
                snprintf(where, sizeof(where), " on node %d", node);
                if (!node_exists(&m->cpus, node, &node_total)) {
                        findings_add(&ctx->proposal->findings, FINDING_PROBLEM, subject,
                                     "name a node listed in /sys/devices/system/node",
                                     "the machine has no NUMA node %d (it has %zu)", node, m->cpus.n_nodes);
                        return false;
                }
                if (!fits(ctx, subject, where, bytes, node_total))
                        return false;
                len += (size_t) snprintf(count + len, size - len, "%s%d:%" PRIu64, len ? "," : "", node,
                                         (bytes + page - 1) / page);
                if (len >= size)
                        return false; /* cannot happen with the node bound above; never emit a cut value */
        }
        return true;
}

static void add_hugepage_params(struct propose_context *ctx, uint64_t page, const char *count, const char *total_text,
                                bool per_node)
{
        const struct machine *m = ctx->machine;
        char size_text[16];
        format_size(page, size_text, sizeof(size_text));
        proposal_add(ctx->proposal, TOPIC_HUGEPAGES, "default_hugepagesz", size_text,
                     "guests map hugetlbfs of the default size without naming one");
        proposal_add(ctx->proposal, TOPIC_HUGEPAGES, "hugepagesz", size_text,
                     page == GIB ? "the CPU has pdpe1gb: 1 GiB pages, fewest TLB misses" : "2 MiB pages%s",
                     page == GIB
                             ? ""
                             : (m->cpus.has_pdpe1gb ? " as configured" : ": the CPU has no pdpe1gb for 1 GiB pages"));
        proposal_add(ctx->proposal, TOPIC_HUGEPAGES, "hugepages", count,
                     "%s of guest memory%s, reserved at boot while memory is still unfragmented", total_text,
                     per_node ? " on the guests' NUMA nodes" : "");
}

void propose_hugepages(struct propose_context *ctx)
{
        const struct initbind_config *c = ctx->intent;
        if (c->n_guest_memory == 0)
                return;

        bool ok;
        uint64_t page = choose_page_size(ctx, &ok);
        if (!ok)
                return;
        bool pinned;
        if (!pinning_is_uniform(ctx, &pinned))
                return;

        uint64_t total = 0;
        for (size_t i = 0; i < c->n_guest_memory; i++)
                total += c->guest_memory[i].bytes;
        char size_text[16], total_text[32], origin[96], subject[128];
        format_size(page, size_text, sizeof(size_text));
        format_size(total, total_text, sizeof(total_text));
        snprintf(subject, sizeof(subject), "guest-memory %s (%s)", total_text,
                 config_intent_origin(ctx->intent, CONFIG_DIRECTIVE_GUEST_MEMORY, origin, sizeof(origin)));

        if (!fits(ctx, subject, "", total, ctx->machine->memory.mem_total))
                return;

        char count[256];
        if (!pinned)
                snprintf(count, sizeof(count), "%" PRIu64, (total + page - 1) / page);
        else if (!format_node_counts(ctx, subject, page, count, sizeof(count)))
                return;
        if (total % page)
                findings_add(&ctx->proposal->findings, FINDING_NOTE, subject, NULL,
                             "%s is not a multiple of the %s page size: rounded up", total_text, size_text);
        add_hugepage_params(ctx, page, count, total_text, pinned);
}
