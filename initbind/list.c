/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * `initbind list`: every PCI function grouped by IOMMU group, with what people otherwise loop
 * over /sys/kernel/iommu_groups for: driver, console mark, and whether it can be claimed.
 */
#include <stdio.h>

#include "claim_check.h"
#include "commands.h"
#include "group_verdict.h"
#include "group_viability.h"
#include "json_writer.h"
#include "log.h"
#include "pci_class.h"
#include "pci_host.h"
#include "pci_names.h"
#include "preflight_show.h"
#include "rootdir.h"

static const char *console_mark(const struct pci_function *f)
{
        if (f->boot_vga == TRISTATE_YES)
                return "boot-vga";
        if (f->owns_framebuffer)
                return "fb";
        return "";
}

static const char *function_name(struct pci_names *names, const struct pci_function *f, char *buf, size_t size)
{
        char class_buf[128], device_buf[200];
        const char *class_name = pci_names_class(names, pci_class_sub(f->ids.class_code), class_buf, sizeof(class_buf));
        if (!class_name)
                class_name = pci_class_name(f->ids.class_code);
        if (!class_name) {
                snprintf(class_buf, sizeof(class_buf), "Class %04x", pci_class_sub(f->ids.class_code));
                class_name = class_buf;
        }

        const char *device_name = pci_names_lookup(names, f->ids.vendor, f->ids.device, device_buf, sizeof(device_buf));
        if (device_name)
                snprintf(buf, size, "%s: %s", class_name, device_name);
        else
                snprintf(buf, size, "%s", class_name);
        return buf;
}

static void print_function_line(const struct pci_host *host, struct pci_names *names, const struct preflight *pf,
                                const struct pci_function *f)
{
        char claim[48], name[320], mark[128];
        enum claim_refusal refusal = claim_check(host, f, 0);
        if (refusal == CLAIM_ALLOWED)
                snprintf(claim, sizeof(claim), "yes");
        else
                snprintf(claim, sizeof(claim), "no: %s", claim_refusal_to_string(refusal));

        printf("  %-12s  %04x:%04x  %04x  %-16s  %-8s  %-16s  %-16s  %s\n", f->name, f->ids.vendor, f->ids.device,
               (unsigned) (f->ids.class_code >> 8), f->driver[0] ? f->driver : "-", console_mark(f), claim,
               preflight_mark(pf, pci_host_index(host, f), mark, sizeof(mark)),
               function_name(names, f, name, sizeof(name)));
}

/* A group with a member on vfio-pci has a /dev/vfio/N to ask; other groups are VFIO's only once claimed. */
static bool group_on_vfio(const struct pci_host *host, const struct iommu_group *g)
{
        for (size_t m = 0; m < g->n_members; m++)
                if (driver_is_vfio_pci(host->functions[g->members[m]].driver))
                        return true;
        return false;
}

static void print_group_header(const struct rootdir *root, const struct pci_host *host, const struct iommu_group *g)
{
        struct group_verdict v;
        group_verdict_read(root, host, g, &v);
        char vfio[160] = "", reason[160];
        if (v.vfio.state != VFIO_VERDICT_NOT_CHECKED || group_on_vfio(host, g))
                snprintf(vfio, sizeof(vfio), "; %s", group_verdict_vfio_text(&v, reason, sizeof(reason)));
        if (v.usable)
                printf("IOMMU group %d (usable by VFIO now%s)\n", g->number, vfio);
        else
                printf("IOMMU group %d (not usable by VFIO now: %s%s)\n", g->number,
                       group_verdict_reason(&v, reason, sizeof(reason)), vfio);
}

static void print_text(const struct rootdir *root, const struct pci_host *host, struct pci_names *names,
                       const struct preflight *pf)
{
        if (!host->iommu_active)
                printf("No IOMMU is active: no function can be passed through.%s\n",
                       host->has_dmar   ? " The firmware has a DMAR table: add intel_iommu=on."
                       : host->has_ivrs ? " The firmware has an IVRS table, but AMD-Vi is not on."
                                        : " Enable VT-d or AMD-Vi (IOMMU) in the firmware setup.");

        printf("  %-12s  %-9s  %-4s  %-16s  %-8s  %-16s  %-16s  %s\n", "ADDRESS", "ID", "CLS", "DRIVER", "CONSOLE",
               "CLAIMABLE", "PREFLIGHT", "NAME");
        for (size_t i = 0; i < host->n_groups; i++) {
                const struct iommu_group *g = &host->groups[i];
                print_group_header(root, host, g);
                for (size_t m = 0; m < g->n_members; m++)
                        print_function_line(host, names, pf, &host->functions[g->members[m]]);
        }

        bool header_printed = false;
        for (size_t i = 0; i < host->n_functions; i++) {
                const struct pci_function *f = &host->functions[i];
                if (f->iommu_group >= 0)
                        continue;
                if (!header_printed) {
                        printf("No IOMMU group\n");
                        header_printed = true;
                }
                print_function_line(host, names, pf, f);
        }
}

static void json_function(struct json_writer *w, const struct pci_host *host, struct pci_names *names,
                          const struct preflight *pf, const struct pci_function *f)
{
        char id[10], class_code[8], name[320], mark[128];
        snprintf(id, sizeof(id), "%04x:%04x", f->ids.vendor, f->ids.device);
        snprintf(class_code, sizeof(class_code), "%06x", f->ids.class_code);
        enum claim_refusal refusal = claim_check(host, f, 0);

        json_object_begin(w);
        json_kv_string(w, "address", f->name);
        json_kv_string(w, "id", id);
        json_kv_string(w, "class", class_code);
        json_kv_string(w, "name", function_name(names, f, name, sizeof(name)));
        json_kv_string(w, "driver", f->driver[0] ? f->driver : NULL);
        json_kv_string(w, "driver_override", f->driver_override[0] ? f->driver_override : NULL);
        json_kv_bool(w, "boot_vga", f->boot_vga == TRISTATE_YES);
        json_kv_bool(w, "framebuffer", f->owns_framebuffer);
        json_kv_bool(w, "bridge", pci_function_is_bridge(f));
        json_key(w, "iommu_group");
        if (f->iommu_group >= 0)
                json_int(w, f->iommu_group);
        else
                json_null(w);
        json_kv_int(w, "numa_node", f->numa_node);
        json_kv_bool(w, "claimable", refusal == CLAIM_ALLOWED);
        json_kv_string(w, "refusal", refusal == CLAIM_ALLOWED ? NULL : claim_refusal_to_string(refusal));
        json_kv_string(w, "preflight", preflight_mark(pf, pci_host_index(host, f), mark, sizeof(mark)));
        json_object_end(w);
}

static void print_json(const struct rootdir *root, const struct pci_host *host, struct pci_names *names,
                       const struct preflight *pf)
{
        struct json_writer w;
        json_init(&w, stdout);
        json_object_begin(&w);
        json_kv_bool(&w, "iommu_active", host->iommu_active);
        json_kv_bool(&w, "dmar", host->has_dmar);
        json_kv_bool(&w, "ivrs", host->has_ivrs);
        json_key(&w, "groups");
        json_array_begin(&w);
        for (size_t i = 0; i < host->n_groups; i++) {
                const struct iommu_group *g = &host->groups[i];
                struct group_verdict v;
                group_verdict_read(root, host, g, &v);
                json_object_begin(&w);
                json_kv_int(&w, "group", g->number);
                json_kv_bool(&w, "usable", v.usable);
                json_kv_string(&w, "blocked_by", v.usable || !v.blocker ? NULL : v.blocker->name);
                group_verdict_json(&w, &v);
                json_key(&w, "functions");
                json_array_begin(&w);
                for (size_t m = 0; m < g->n_members; m++)
                        json_function(&w, host, names, pf, &host->functions[g->members[m]]);
                json_array_end(&w);
                json_object_end(&w);
        }
        json_array_end(&w);
        json_key(&w, "ungrouped");
        json_array_begin(&w);
        for (size_t i = 0; i < host->n_functions; i++)
                if (host->functions[i].iommu_group < 0)
                        json_function(&w, host, names, pf, &host->functions[i]);
        json_array_end(&w);
        json_object_end(&w);
        json_finish(&w);
}

int list_scan(const struct initbind_options *opts, struct pci_host **ret)
{
        int r = pci_host_scan(opts->root, PCI_SCAN_DETAILS | PCI_SCAN_OVERRIDES, ret);
        if (r < 0)
                log_error_errno(r, "cannot read PCI devices under %s/sys/bus/pci/devices: %m",
                                rootdir_is_host(opts->root) ? "" : rootdir_path(opts->root));
        return r;
}

int command_list(const struct initbind_options *opts)
{
        _cleanup_pci_host_ struct pci_host *host = NULL;
        if (list_scan(opts, &host) < 0)
                return 1;

        pci_host_log_problems(host);
        _cleanup_pci_names_ struct pci_names *names = pci_names_new(opts->pci_ids_path);
        _cleanup_preflight_ struct preflight *pf = NULL;
        if (preflight_for_all(opts->root, host, &pf) < 0)
                return 1;
        if (opts->json)
                print_json(opts->root, host, names, pf);
        else
                print_text(opts->root, host, names, pf);
        return 0;
}
