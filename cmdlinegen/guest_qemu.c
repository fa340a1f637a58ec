/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The guest as QEMU arguments: the same facts as the libvirt fragments, for QEMU started by
 * hand. QEMU cannot pin its threads itself, so the CPU lists for taskset (and chrt) come as
 * comments with the command to run.
 */
#include "guest.h"

#include <inttypes.h>
#include <stdarg.h>

#include "array.h"

static int add(struct guest_args *a, const char *option, const char *format, ...) _printf_(3, 4);
static int add(struct guest_args *a, const char *option, const char *format, ...)
{
        if (ARRAY_GROW(a->args, a->n) < 0)
                return -ENOMEM;
        va_list ap;
        va_start(ap, format);
        int n = vasprintf(&a->args[a->n].value, format, ap);
        va_end(ap);
        if (n < 0)
                return -ENOMEM;
        a->args[a->n++].option = option;
        return 0;
}

/* QEMU's option syntax doubles a comma inside a value (a mount path could hold one). */
static char *qemu_escape(const char *s)
{
        size_t n = strlen(s), commas = 0;
        for (size_t i = 0; i < n; i++)
                commas += s[i] == ',';
        char *out = malloc(n + commas + 1), *p = out;
        if (!out)
                return NULL;
        for (size_t i = 0; i < n; i++) {
                *p++ = s[i];
                if (s[i] == ',')
                        *p++ = ',';
        }
        *p = '\0';
        return out;
}

static int add_memory(const struct guest_spec *s, struct guest_args *a)
{
        char size[32], page[16], nodes[48] = "";
        format_size(s->memory_bytes, size, sizeof(size));
        format_size(s->page_size, page, sizeof(page));
        char fallback[48];
        snprintf(fallback, sizeof(fallback), "/dev/hugepages%s", page);
        _cleanup_free_ char *path = qemu_escape(s->hugetlbfs_mount ? s->hugetlbfs_mount : fallback);
        if (!path)
                return -ENOMEM;
        if (s->numa_host && s->node >= 0)
                snprintf(nodes, sizeof(nodes), ",host-nodes=%d,policy=bind", s->node);
        if (add(a, "-m", "%s", size) < 0 ||
            add(a, "-object", "memory-backend-file,id=guest-memory,size=%s,mem-path=%s,prealloc=on,share=on%s", size,
                path, nodes) < 0)
                return -ENOMEM;
        if (s->n_vcpus == 1)
                return add(a, "-numa", "node,nodeid=0,cpus=0,memdev=guest-memory");
        return add(a, "-numa", "node,nodeid=0,cpus=0-%u,memdev=guest-memory", s->n_vcpus - 1);
}

int guest_qemu_args(const struct guest_spec *s, struct guest_args *ret)
{
        struct guest_args a = {};
        int r = add(&a, "-cpu", "host");
        if (r >= 0)
                r = add(&a, "-smp", "%u,sockets=%u,cores=%u,threads=%u", s->n_vcpus, s->sockets, s->cores, s->threads);
        if (r >= 0)
                r = add_memory(s, &a);
        for (size_t i = 0; r >= 0 && i < s->n_functions; i++)
                r = add(&a, "-device", "vfio-pci,host=%s", s->view->functions[s->functions[i]].name);
        if (r < 0) {
                guest_args_done(&a);
                return r;
        }
        *ret = a;
        return 0;
}

void guest_args_done(struct guest_args *a)
{
        for (size_t i = 0; i < a->n; i++)
                free(a->args[i].value);
        free(a->args);
        *a = (struct guest_args){};
}

/* A value as one shell word: single-quoted when it holds anything but the plain characters. */
static void shell_word(FILE *out, const char *s)
{
        if (s[strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/._-,=:")] == '\0') {
                fputs(s, out);
                return;
        }
        fputc('\'', out);
        for (; *s; s++)
                fputs(*s == '\'' ? "'\\''" : (char[]){ *s, '\0' }, out);
        fputc('\'', out);
}

static void write_pinning(FILE *out, const struct guest_spec *s)
{
        fprintf(out, "# Start QEMU on the host's CPUs %s%s (its emulator and I/O threads stay there):\n",
                s->housekeeping_list, s->housekeeping_on_node ? " of the guest's NUMA node" : "");
        fprintf(out, "#   taskset -c %s qemu-system-x86_64 -accel kvm ARGUMENTS\n", s->housekeeping_list);
        fprintf(out, "# then pin each vCPU thread (thread-id from QMP query-cpus-fast) to its isolated CPU (%s),\n",
                s->vcpu_list);
        fprintf(out, "# SMT siblings of one host core as adjacent vCPUs, and give it a real-time policy if wanted:\n");
        for (unsigned i = 0; i < s->n_vcpus; i++)
                fprintf(out, "#   vCPU %u: taskset -pc %u THREAD-ID; chrt -f -p 1 THREAD-ID\n", i, s->vcpu_cpus[i]);
}

int guest_write_qemu(FILE *out, const struct guest_spec *s)
{
        fprintf(out,
                "# cmdlinegen guest --qemu: the arguments matching the host's proposal; the host side it needs now:\n");
        for (size_t i = 0; i < s->host.n; i++)
                fprintf(out, "#   %-4s %-15s %s\n", check_state_to_string(s->host.checks[i].state),
                        s->host.checks[i].name, s->host.checks[i].detail);
        write_pinning(out, s);
        struct guest_args a;
        int r = guest_qemu_args(s, &a);
        if (r < 0)
                return r;
        for (size_t i = 0; i < a.n; i++) {
                fprintf(out, "%s ", a.args[i].option);
                shell_word(out, a.args[i].value);
                fputc('\n', out);
        }
        guest_args_done(&a);
        return 0;
}
