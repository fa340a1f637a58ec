/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The guest as libvirt domain XML fragments, to paste into `virsh edit`: each element with a
 * comment naming the host fact it follows. The elements are children of <domain>, where
 * libvirt's schema takes them in any order.
 */
#include "guest.h"

#include <inttypes.h>

#include "guest_xml.h"

static void write_host_side(struct xml_writer *w, const struct guest_spec *s)
{
        xml_comment(w, "cmdlinegen guest: paste into <domain> (virsh edit); the host side it needs now:");
        for (size_t i = 0; i < s->host.n; i++)
                xml_comment(w, "  %-4s %-15s %s", check_state_to_string(s->host.checks[i].state),
                            s->host.checks[i].name, s->host.checks[i].detail);
}

static void write_cputune(struct xml_writer *w, const struct guest_spec *s)
{
        char n[16], cpu[16];
        snprintf(n, sizeof(n), "%u", s->n_vcpus);
        xml_comment(w, "%u vCPUs, one per isolated host CPU (%s, isolcpus= of the proposal)", s->n_vcpus, s->vcpu_list);
        xml_text(w, "vcpu", n, "placement", "static", NULL);
        xml_comment(w, "one I/O thread, for the disks: pinned with the emulator below");
        xml_text(w, "iothreads", "1", NULL);
        xml_open(w, "cputune", NULL);
        if (s->threads > 1)
                xml_comment(w,
                            "each %u vCPUs in a row are the SMT siblings of one host core, as <topology threads> says",
                            s->threads);
        for (unsigned i = 0; i < s->n_vcpus; i++) {
                snprintf(n, sizeof(n), "%u", i);
                snprintf(cpu, sizeof(cpu), "%u", s->vcpu_cpus[i]);
                xml_empty(w, "vcpupin", "vcpu", n, "cpuset", cpu, NULL);
        }
        if (s->housekeeping_on_node)
                xml_comment(w, "emulator and I/O threads on the host's CPUs of NUMA node %d, off the guest's", s->node);
        else
                xml_comment(w, "emulator and I/O threads on the host's CPUs%s, off the guest's",
                            s->node >= 0 ? " (its NUMA node has none left to the host)" : "");
        xml_empty(w, "emulatorpin", "cpuset", s->housekeeping_list, NULL);
        xml_empty(w, "iothreadpin", "iothread", "1", "cpuset", s->housekeeping_list, NULL);
        xml_close(w, "cputune");
}

static void write_memory(struct xml_writer *w, const struct guest_spec *s, bool numa_host)
{
        char kib[32], page[32], node[16], size[32];
        snprintf(kib, sizeof(kib), "%" PRIu64, s->memory_bytes / 1024);
        snprintf(page, sizeof(page), "%" PRIu64, s->page_size / 1024);
        format_size(s->memory_bytes, size, sizeof(size));
        xml_comment(w, "guest-memory %s (%s)", size, s->memory_origin);
        xml_text(w, "memory", kib, "unit", "KiB", NULL);
        xml_comment(w, "backed by the hugepages reserved at boot (%s); nodeset is the guest's NUMA cell 0",
                    s->page_param);
        xml_open(w, "memoryBacking", NULL);
        xml_open(w, "hugepages", NULL);
        xml_empty(w, "page", "size", page, "unit", "KiB", "nodeset", "0", NULL);
        xml_close(w, "hugepages");
        xml_empty(w, "access", "mode", "shared", NULL);
        xml_close(w, "memoryBacking");
        if (!numa_host)
                return;
        snprintf(node, sizeof(node), "%d", s->node);
        xml_comment(w, "memory from host NUMA node %d only (%s), where its hugepages are", s->node, s->node_source);
        xml_open(w, "numatune", NULL);
        xml_empty(w, "memory", "mode", "strict", "nodeset", node, NULL);
        xml_empty(w, "memnode", "cellid", "0", "mode", "strict", "nodeset", node, NULL);
        xml_close(w, "numatune");
}

static void write_cpu(struct xml_writer *w, const struct guest_spec *s)
{
        char sockets[16], cores[16], threads[16], last[16], kib[32];
        snprintf(sockets, sizeof(sockets), "%u", s->sockets);
        snprintf(cores, sizeof(cores), "%u", s->cores);
        snprintf(threads, sizeof(threads), "%u", s->threads);
        snprintf(last, sizeof(last), "0-%u", s->n_vcpus - 1);
        snprintf(kib, sizeof(kib), "%" PRIu64, s->memory_bytes / 1024);
        xml_comment(w, "the host's CPU model as it is; %u core%s of %u thread%s, as the host's SMT pairs them",
                    s->cores, s->cores == 1 ? "" : "s", s->threads, s->threads == 1 ? "" : "s");
        xml_open(w, "cpu", "mode", "host-passthrough", "check", "none", NULL);
        xml_empty(w, "topology", "sockets", sockets, "cores", cores, "threads", threads, NULL);
        xml_open(w, "numa", NULL);
        xml_empty(w, "cell", "id", "0", "cpus", s->n_vcpus == 1 ? "0" : last, "memory", kib, "unit", "KiB", "memAccess",
                  "shared", NULL);
        xml_close(w, "numa");
        xml_close(w, "cpu");
}

static void write_hostdev(struct xml_writer *w, const struct pci_function *f)
{
        char domain[16], bus[8], slot[8], function[8];
        snprintf(domain, sizeof(domain), "0x%04x", f->address.domain);
        snprintf(bus, sizeof(bus), "0x%02x", f->address.bus);
        snprintf(slot, sizeof(slot), "0x%02x", f->address.slot);
        snprintf(function, sizeof(function), "0x%x", f->address.function);
        xml_comment(w, "%s (%04x:%04x), IOMMU group %d", f->name, f->ids.vendor, f->ids.device, f->iommu_group);
        xml_open(w, "hostdev", "mode", "subsystem", "type", "pci", "managed", "no", NULL);
        xml_open(w, "source", NULL);
        xml_empty(w, "address", "domain", domain, "bus", bus, "slot", slot, "function", function, NULL);
        xml_close(w, "source");
        xml_close(w, "hostdev");
}

static void write_devices(struct xml_writer *w, const struct guest_spec *s)
{
        xml_open(w, "devices", NULL);
        if (s->n_functions)
                xml_comment(w, "every function of the claimed IOMMU groups; managed='no': initbind binds them to "
                               "vfio-pci at boot and they stay there, where managed='yes' would hand them back to "
                               "their host driver when the guest stops");
        for (size_t i = 0; i < s->n_functions; i++)
                write_hostdev(w, &s->view->functions[s->functions[i]]);
        xml_comment(w, "no balloon: hugepages and the memory VFIO pins cannot be given back to the host");
        xml_empty(w, "memballoon", "model", "none", NULL);
        xml_close(w, "devices");
}

void guest_write_libvirt(FILE *out, const struct guest_spec *s)
{
        struct xml_writer w = { .out = out };
        write_host_side(&w, s);
        write_memory(&w, s, s->node >= 0 && s->numa_host);
        write_cputune(&w, s);
        write_cpu(&w, s);
        write_devices(&w, s);
}
