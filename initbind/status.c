/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * `initbind status`: what is on vfio-pci now, whether each group holding such a device is usable,
 * and what the configuration asks for that did not happen.
 */
#include <stdio.h>

#include "commands.h"
#include "group_verdict.h"
#include "group_viability.h"
#include "json_writer.h"
#include "log.h"
#include "preflight_show.h"
#include "session.h"

static bool group_has_vfio(const struct pci_host *host, const struct iommu_group *g)
{
        for (size_t m = 0; m < g->n_members; m++)
                if (driver_is_vfio_pci(host->functions[g->members[m]].driver))
                        return true;
        return false;
}

/* The VFIO device cdev of F, or NULL (not on a VFIO driver, or a kernel without cdevs). */
static const char *device_cdev(const struct rootdir *root, const struct pci_function *f, char *buf, size_t size)
{
        return vfio_device_cdev(root, f, buf, size) == 0 ? buf : NULL;
}

static void print_group_json(struct json_writer *w, const struct rootdir *root, const struct pci_host *host,
                             const struct iommu_group *g, const struct group_verdict *v)
{
        json_object_begin(w);
        json_kv_int(w, "group", g->number);
        json_kv_bool(w, "usable", v->usable);
        json_kv_string(w, "blocked_by", v->usable || !v->blocker ? NULL : v->blocker->name);
        group_verdict_json(w, v);
        json_key(w, "functions");
        json_array_begin(w);
        for (size_t m = 0; m < g->n_members; m++) {
                const struct pci_function *f = &host->functions[g->members[m]];
                char cdev[64];
                json_object_begin(w);
                json_kv_string(w, "address", f->name);
                json_kv_string(w, "driver", f->driver[0] ? f->driver : NULL);
                json_kv_string(w, "cdev", device_cdev(root, f, cdev, sizeof(cdev)));
                json_object_end(w);
        }
        json_array_end(w);
        json_object_end(w);
}

static void print_group_text(const struct rootdir *root, const struct pci_host *host, const struct iommu_group *g,
                             const struct group_verdict *v)
{
        char text[160];
        if (v->usable)
                printf("IOMMU group %d: usable\n", g->number);
        else
                printf("IOMMU group %d: NOT usable: %s\n", g->number, group_verdict_reason(v, text, sizeof(text)));
        printf("  %s\n", group_verdict_vfio_text(v, text, sizeof(text)));
        for (size_t m = 0; m < g->n_members; m++) {
                const struct pci_function *f = &host->functions[g->members[m]];
                char cdev[64];
                printf("  %s  %04x:%04x  %s", f->name, f->ids.vendor, f->ids.device, f->driver[0] ? f->driver : "-");
                if (device_cdev(root, f, cdev, sizeof(cdev)))
                        printf("  %s", cdev);
                printf("\n");
        }
}

/* Every group with a device on vfio-pci, usable or not; W is NULL for text. */
static void print_groups(struct json_writer *w, const struct rootdir *root, const struct pci_host *host)
{
        if (w) {
                json_key(w, "groups");
                json_array_begin(w);
        }
        for (size_t i = 0; i < host->n_groups; i++) {
                const struct iommu_group *g = &host->groups[i];
                if (!group_has_vfio(host, g))
                        continue;
                struct group_verdict v;
                group_verdict_read(root, host, g, &v);
                if (w)
                        print_group_json(w, root, host, g, &v);
                else
                        print_group_text(root, host, g, &v);
        }
        if (w)
                json_array_end(w);
}

/* What the plan still wants claimed; W is NULL for text. */
static void print_not_claimed(struct json_writer *w, const struct pci_host *host, const struct claim_plan *plan)
{
        if (w) {
                json_key(w, "not_claimed");
                json_array_begin(w);
        }
        for (size_t i = 0; i < plan->n_entries; i++) {
                const struct plan_entry *e = &plan->entries[i];
                if (e->action != PLAN_CLAIM)
                        continue;
                const struct pci_function *f = &host->functions[e->function];
                if (w)
                        json_string(w, f->name);
                else
                        printf("configured but not on vfio-pci: %s (%s; driver: %s)\n", f->name, e->why,
                               f->driver[0] ? f->driver : "none");
        }
        if (w)
                json_array_end(w);
}

int command_status(const struct initbind_options *opts)
{
        _cleanup_(session_close) struct session s = {};
        if (session_open(&s, opts) < 0 || (!s.sources.disabled && session_plan(&s) < 0))
                return 1;
        if (s.sources.disabled) {
                printf("initbind=off is on the kernel command line.\n");
                return 0;
        }

        _cleanup_preflight_ struct preflight *preflight = NULL;
        if (preflight_for_plan(opts->root, s.host, s.plan, s.sources.config, &preflight) < 0)
                return 1;
        struct json_writer jw, *w = NULL;
        if (opts->json) {
                w = &jw;
                json_init(w, stdout);
                json_object_begin(w);
        }
        print_groups(w, opts->root, s.host);
        print_not_claimed(w, s.host, s.plan);
        if (w) {
                preflight_print_json(w, s.host, preflight);
                json_object_end(w);
                json_finish(w);
        } else
                preflight_print_text(s.host, preflight);
        return claim_plan_count(s.plan, PLAN_CLAIM) ? 1 : 0;
}
