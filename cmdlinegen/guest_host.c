/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The host side a guest needs when it starts, checked now: a hugetlbfs mount of the reserved
 * page size, enough free pages of that size on the guest's node, and (for QEMU started by hand)
 * a memlock limit that lets VFIO pin all of the guest's memory.
 */
#include "guest.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "hugepage_budget.h"
#include "hugepage_params.h"
#include "rootdir.h"

/* What libvirt adds to the guest's memory for a guest with a PCI hostdev (qemuDomainGetMemLockLimitBytes()):
 * 1 GiB, for the MMIO regions and QEMU's own pinned buffers. */
#define MEMLOCK_MARGIN GIB

static void check(struct readiness *r, const char *name, enum check_state state, const char *format, ...)
        _printf_(4, 5);
static void check(struct readiness *r, const char *name, enum check_state state, const char *format, ...)
{
        va_list ap;
        va_start(ap, format);
        readiness_addv(r, name, state, format, ap);
        va_end(ap);
}

/* /proc/mounts writes space, tab, newline and backslash as \ooo (seq_file's mangle_path()). */
static void unescape_mount_path(char *s)
{
        char *out = s;
        for (const char *in = s; *in; out++) {
                if (in[0] == '\\' && in[1] >= '0' && in[1] <= '3' && in[2] >= '0' && in[2] <= '7' && in[3] >= '0' &&
                    in[3] <= '7') {
                        *out = (char) ((in[1] - '0') * 64 + (in[2] - '0') * 8 + (in[3] - '0'));
                        in += 4;
                } else
                        *out = *in++;
        }
        *out = '\0';
}

/* The page size of one hugetlbfs mount's options: pagesize= (which the kernel always shows,
 * hugetlbfs_show_options()), else the default hugepage size. */
static uint64_t mount_page_size(const char *options, uint64_t default_size)
{
        const char *p = strstr(options, "pagesize=");
        if (p && (p == options || p[-1] == ','))
                return kcmdline_memparse(p + strlen("pagesize="), NULL);
        return default_size;
}

/* The first hugetlbfs mount of PAGE_SIZE in /proc/mounts: 1 with *ret set, 0 none, -errno. */
static int find_mount(const struct machine *m, uint64_t page_size, uint64_t default_size, char **ret)
{
        _cleanup_free_ char *text = NULL;
        int r = rootdir_read_file(m->root, "/proc/mounts", &text, NULL);
        if (r < 0)
                return r;
        for (char *save = NULL, *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char path[4096], type[64], options[1024];
                if (sscanf(line, "%*s %4095s %63s %1023s", path, type, options) != 3 || !streq(type, "hugetlbfs"))
                        continue;
                if (mount_page_size(options, default_size) != page_size)
                        continue;
                unescape_mount_path(path);
                *ret = strdup(path);
                return *ret ? 1 : -ENOMEM;
        }
        return 0;
}

static int check_mount(const struct machine *m, uint64_t page_size, struct readiness *r, char **ret_mount)
{
        char size[16];
        format_size(page_size, size, sizeof(size));
        _cleanup_free_ char *mount = NULL;
        /* After the proposed boot, default_hugepagesz= makes the page size the default: a mount
         * without pagesize= then has it. Now it has the running kernel's default. */
        int k = find_mount(m, page_size, m->memory.default_hugepage_size, &mount);
        if (k == -ENOMEM)
                return k;
        if (k < 0)
                check(r, "hugetlbfs", CHECK_WARN, "/proc/mounts cannot be read: no hugetlbfs mount of %s pages known",
                      size);
        else if (k == 0)
                check(r, "hugetlbfs", CHECK_FAIL,
                      "no hugetlbfs mount with %s pages in /proc/mounts (a mount without pagesize= has the default "
                      "size only): mount -t hugetlbfs -o pagesize=%s none /dev/hugepages%s",
                      size, size, size);
        else
                check(r, "hugetlbfs", CHECK_OK, "%s pages at %s", size, mount);
        if (ret_mount)
                *ret_mount = TAKE_PTR(mount);
        return 0;
}

static void check_free_pages(const struct machine *m, uint64_t memory, uint64_t page_size, int node,
                             struct readiness *r)
{
        char path[128], where[32] = "";
        if (node >= 0 && m->cpus.n_nodes > 1) {
                snprintf(path, sizeof(path),
                         "/sys/devices/system/node/node%d/hugepages/hugepages-%" PRIu64 "kB/free_hugepages", node,
                         page_size / 1024);
                snprintf(where, sizeof(where), " on node %d", node);
        } else
                snprintf(path, sizeof(path), "/sys/kernel/mm/hugepages/hugepages-%" PRIu64 "kB/free_hugepages",
                         page_size / 1024);
        uint64_t want = (memory + page_size - 1) / page_size;
        _cleanup_free_ char *text = NULL;
        char *end = NULL;
        unsigned long long have = 0;
        if (rootdir_read_file(m->root, path, &text, NULL) >= 0)
                have = strtoull(text, &end, 10);
        if (!end || end == text || (*end && *end != '\n')) {
                check(r, "free hugepages", CHECK_WARN, "%s cannot be read: the guest needs %" PRIu64 " free page%s%s",
                      path, want, want == 1 ? "" : "s", where);
                return;
        }
        char size[16];
        format_size(page_size, size, sizeof(size));
        check(r, "free hugepages", have >= want ? CHECK_OK : CHECK_FAIL,
              "%llu free %s page%s%s, the guest needs %" PRIu64 "%s", have, size, have == 1 ? "" : "s", where, want,
              have >= want ? "" : ": reboot with the proposed hugepages=, or stop what holds them");
}

/* The soft "Max locked memory" of /proc/self/limits: what QEMU started from this session gets. */
static int read_memlock(const struct machine *m, uint64_t *ret, bool *ret_unlimited)
{
        _cleanup_free_ char *text = NULL;
        int r = rootdir_read_file(m->root, "/proc/self/limits", &text, NULL);
        if (r < 0)
                return r;
        const char *line = strstr(text, "Max locked memory");
        if (!line)
                return -ENOENT;
        char soft[32];
        if (sscanf(line + strlen("Max locked memory"), "%31s", soft) != 1)
                return -EBADMSG;
        *ret_unlimited = streq(soft, "unlimited");
        char *end;
        *ret = *ret_unlimited ? UINT64_MAX : strtoull(soft, &end, 10);
        return *ret_unlimited || (end != soft && *end == '\0') ? 0 : -EBADMSG;
}

static void check_memlock(const struct machine *m, uint64_t memory, bool bare_qemu, struct readiness *r)
{
        char need[32], have[32];
        format_size_human(memory + MEMLOCK_MARGIN, need, sizeof(need));
        if (!bare_qemu) {
                check(r, "memlock", CHECK_OK,
                      "libvirt raises the guest's memlock limit to its memory + 1 GiB (%s) itself for PCI hostdevs",
                      need);
                return;
        }
        uint64_t limit;
        bool unlimited;
        if (read_memlock(m, &limit, &unlimited) < 0) {
                check(r, "memlock", CHECK_WARN,
                      "/proc/self/limits has no readable 'Max locked memory': QEMU needs %s for VFIO to pin the "
                      "guest's memory",
                      need);
                return;
        }
        format_size_human(limit, have, sizeof(have));
        if (unlimited || limit >= memory + MEMLOCK_MARGIN)
                check(r, "memlock", CHECK_OK, "%s locked memory allowed, VFIO pins %s", unlimited ? "unlimited" : have,
                      need);
        else
                check(r, "memlock", CHECK_FAIL,
                      "%s locked memory allowed here (ulimit -l), VFIO pins the guest's memory + 1 GiB (%s): run "
                      "QEMU as root (CAP_IPC_LOCK), with prlimit --memlock=, or raise memlock in "
                      "/etc/security/limits.conf",
                      have, need);
}

int guest_host_check(const struct machine *m, uint64_t memory, uint64_t page_size, int node, bool bare_qemu,
                     struct readiness *r, char **ret_mount)
{
        int k = check_mount(m, page_size, r, ret_mount);
        if (k < 0)
                return k;
        check_free_pages(m, memory, page_size, node, r);
        check_memlock(m, memory, bare_qemu, r);
        return 0;
}

void guest_host_readiness(const struct propose_context *ctx, struct readiness *r)
{
        const struct proposed_param *p = proposal_find(ctx->proposal, "hugepagesz");
        const struct initbind_config *c = ctx->intent;
        if (!p || !p->value || c->n_guest_memory == 0)
                return;
        int node = c->guest_memory[0].node;
        for (size_t i = 1; i < c->n_guest_memory; i++)
                if (c->guest_memory[i].node != node)
                        node = -1;
        struct readiness guest = {};
        if (guest_host_check(ctx->machine, config_guest_memory_total(c), kcmdline_memparse(p->value, NULL), node,
                             c->n_claims > 0, &guest, NULL) < 0)
                return;
        /* The pages are reserved at the next boot: what is missing now is a warning here. */
        for (size_t i = 0; i < guest.n; i++)
                check(r, guest.checks[i].name, guest.checks[i].state == CHECK_FAIL ? CHECK_WARN : guest.checks[i].state,
                      "%s", guest.checks[i].detail);
}
