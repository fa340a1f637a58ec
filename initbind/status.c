/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * `initbind status`: what is on vfio-pci now, whether each group holding such a device is usable,
 * and what the configuration asks for that did not happen.
 */
#include <stdio.h>

#include "commands.h"
#include "group_viability.h"
#include "json_writer.h"
#include "log.h"
#include "session.h"

int command_status(const struct initbind_options *opts)
{
        _cleanup_(session_close) struct session s = {};
        if (session_open(&s, opts) < 0 || (!s.sources.disabled && session_plan(&s) < 0))
                return 1;
        if (s.sources.disabled) {
                printf("initbind=off is on the kernel command line.\n");
                return 0;
        }
        const struct pci_host *host = s.host;
        size_t missing = claim_plan_count(s.plan, PLAN_CLAIM);

        struct json_writer w;
        if (opts->json) {
                json_init(&w, stdout);
                json_object_begin(&w);
                json_key(&w, "groups");
                json_array_begin(&w);
        }
        for (size_t i = 0; i < host->n_groups; i++) {
                const struct iommu_group *g = &host->groups[i];
                bool has_vfio = false;
                for (size_t m = 0; m < g->n_members; m++)
                        has_vfio |= streq(host->functions[g->members[m]].driver, "vfio-pci");
                if (!has_vfio)
                        continue;
                const struct pci_function *blocker = NULL;
                bool usable = group_is_viable(host, g, &blocker);
                if (opts->json) {
                        json_object_begin(&w);
                        json_kv_int(&w, "group", g->number);
                        json_kv_bool(&w, "usable", usable);
                        json_kv_string(&w, "blocked_by", usable ? NULL : blocker->name);
                        json_key(&w, "functions");
                        json_array_begin(&w);
                } else if (usable)
                        printf("IOMMU group %d: usable\n", g->number);
                else
                        printf("IOMMU group %d: NOT usable: %s is on %s\n", g->number, blocker->name, blocker->driver);
                for (size_t m = 0; m < g->n_members; m++) {
                        const struct pci_function *f = &host->functions[g->members[m]];
                        if (opts->json) {
                                json_object_begin(&w);
                                json_kv_string(&w, "address", f->name);
                                json_kv_string(&w, "driver", f->driver[0] ? f->driver : NULL);
                                json_object_end(&w);
                        } else
                                printf("  %s  %04x:%04x  %s\n", f->name, f->ids.vendor, f->ids.device,
                                       f->driver[0] ? f->driver : "-");
                }
                if (opts->json) {
                        json_array_end(&w);
                        json_object_end(&w);
                }
        }
        if (opts->json) {
                json_array_end(&w);
                json_key(&w, "not_claimed");
                json_array_begin(&w);
        }
        for (size_t i = 0; i < s.plan->n_entries; i++) {
                const struct plan_entry *e = &s.plan->entries[i];
                if (e->action != PLAN_CLAIM)
                        continue;
                const struct pci_function *f = &host->functions[e->function];
                if (opts->json)
                        json_string(&w, f->name);
                else
                        printf("configured but not on vfio-pci: %s (%s; driver: %s)\n", f->name, e->why,
                               f->driver[0] ? f->driver : "none");
        }
        if (opts->json) {
                json_array_end(&w);
                json_object_end(&w);
                json_finish(&w);
        }
        return missing ? 1 : 0;
}
