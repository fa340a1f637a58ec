/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The guest as JSON: the spec's facts, and the QEMU arguments as a list. */
#include "guest.h"

#include "json_writer.h"
#include "report.h"

static void json_cpus(struct json_writer *w, const struct guest_spec *s)
{
        json_kv_int(w, "vcpus", s->n_vcpus);
        json_key(w, "topology");
        json_object_begin(w);
        json_kv_int(w, "sockets", s->sockets);
        json_kv_int(w, "cores", s->cores);
        json_kv_int(w, "threads", s->threads);
        json_object_end(w);
        json_key(w, "vcpu_pins");
        json_array_begin(w);
        for (unsigned i = 0; i < s->n_vcpus; i++)
                json_int(w, s->vcpu_cpus[i]);
        json_array_end(w);
        json_kv_string(w, "vcpu_cpus", s->vcpu_list);
        json_kv_string(w, "housekeeping_cpus", s->housekeeping_list);
        json_kv_bool(w, "housekeeping_on_node", s->housekeeping_on_node);
}

static void json_memory(struct json_writer *w, const struct guest_spec *s)
{
        json_kv_int(w, "memory", (int64_t) s->memory_bytes);
        json_kv_string(w, "memory_origin", s->memory_origin);
        json_kv_int(w, "page_size", (int64_t) s->page_size);
        json_key(w, "node");
        if (s->node >= 0)
                json_int(w, s->node);
        else
                json_null(w);
        json_kv_string(w, "node_source", s->node >= 0 ? s->node_source : NULL);
        json_kv_string(w, "hugetlbfs_mount", s->hugetlbfs_mount);
}

static void json_devices(struct json_writer *w, const struct guest_spec *s)
{
        json_key(w, "hostdevs");
        json_array_begin(w);
        for (size_t i = 0; i < s->n_functions; i++) {
                const struct pci_function *f = &s->view->functions[s->functions[i]];
                char ids[16];
                snprintf(ids, sizeof(ids), "%04x:%04x", f->ids.vendor, f->ids.device);
                json_object_begin(w);
                json_kv_string(w, "address", f->name);
                json_kv_string(w, "ids", ids);
                json_kv_int(w, "iommu_group", f->iommu_group);
                json_kv_bool(w, "managed", false);
                json_object_end(w);
        }
        json_array_end(w);
}

int guest_write_json(FILE *out, const struct guest_spec *s)
{
        struct guest_args a;
        int r = guest_qemu_args(s, &a);
        if (r < 0)
                return r;
        struct json_writer w;
        json_init(&w, out);
        json_object_begin(&w);
        json_cpus(&w, s);
        json_memory(&w, s);
        json_devices(&w, s);
        report_json_checks(&w, "host", &s->host);
        json_key(&w, "qemu");
        json_array_begin(&w);
        for (size_t i = 0; i < a.n; i++) {
                json_string(&w, a.args[i].option);
                json_string(&w, a.args[i].value);
        }
        json_array_end(&w);
        json_object_end(&w);
        json_finish(&w);
        guest_args_done(&a);
        return 0;
}
