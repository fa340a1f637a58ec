/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* `initbind plan`: what boot mode would do on this machine now, with nothing written. */
#include <stdio.h>

#include "commands.h"
#include "handover.h"
#include "json_writer.h"
#include "log.h"
#include "claim_settings.h"
#include "preflight_show.h"
#include "session.h"

static void print_text(const struct session *s)
{
        const struct claim_plan *plan = s->plan;
        const struct pci_host *host = s->host;

        if (plan->n_entries == 0)
                printf("Nothing would be claimed.\n");
        for (size_t i = 0; i < plan->n_entries; i++) {
                const struct plan_entry *e = &plan->entries[i];
                const struct pci_function *f = &host->functions[e->function];
                char note[CLAIM_MESSAGE_MAX];
                printf("%-16s %s  %04x:%04x  %s%s%s\n", plan_action_to_string(e->action), f->name, f->ids.vendor,
                       f->ids.device, e->why, e->unbind_first ? "; unbinding it from its driver first" : "",
                       handover_note(e, note, sizeof(note)));
        }
        for (size_t i = 0; i < plan->n_groups; i++)
                printf("group            %s\n", plan->groups[i].message);
        for (size_t i = 0; i < plan->n_refusals; i++)
                printf("%-16s %s (%s)\n", plan->refusals[i].is_error ? "refused" : "kept", plan->refusals[i].message,
                       plan->refusals[i].origin);
        for (size_t i = 0; i < s->sources.n_diagnostics; i++)
                printf("error            %s\n", s->sources.diagnostics[i]);
}

static void print_json(const struct session *s, const struct preflight *preflight)
{
        const struct claim_plan *plan = s->plan;
        struct json_writer w;
        json_init(&w, stdout);
        json_object_begin(&w);
        json_key(&w, "actions");
        json_array_begin(&w);
        for (size_t i = 0; i < plan->n_entries; i++) {
                const struct plan_entry *e = &plan->entries[i];
                json_object_begin(&w);
                json_kv_string(&w, "action", plan_action_to_string(e->action));
                json_kv_string(&w, "address", s->host->functions[e->function].name);
                json_kv_bool(&w, "companion", e->companion);
                json_kv_bool(&w, "unbind_first", e->unbind_first);
                json_kv_string(&w, "origin", e->origin);
                json_kv_string(&w, "why", e->why);
                handover_json(&w, e);
                json_object_end(&w);
        }
        json_array_end(&w);
        json_key(&w, "groups");
        json_array_begin(&w);
        for (size_t i = 0; i < plan->n_groups; i++) {
                const struct plan_group *g = &plan->groups[i];
                json_object_begin(&w);
                json_kv_int(&w, "group", g->number);
                json_kv_bool(&w, "usable", g->usable);
                json_kv_string(&w, "blocked_by", g->blocker >= 0 ? s->host->functions[g->blocker].name : NULL);
                json_kv_string(&w, "message", g->message);
                json_object_end(&w);
        }
        json_array_end(&w);
        json_key(&w, "refusals");
        json_array_begin(&w);
        for (size_t i = 0; i < plan->n_refusals; i++) {
                const struct plan_refusal *r = &plan->refusals[i];
                json_object_begin(&w);
                json_kv_string(&w, "address", r->function >= 0 ? s->host->functions[r->function].name : NULL);
                json_kv_bool(&w, "error", r->is_error);
                json_kv_string(&w, "origin", r->origin);
                json_kv_string(&w, "message", r->message);
                json_object_end(&w);
        }
        json_array_end(&w);
        json_key(&w, "errors");
        json_array_begin(&w);
        for (size_t i = 0; i < s->sources.n_diagnostics; i++)
                json_string(&w, s->sources.diagnostics[i]);
        json_array_end(&w);
        preflight_print_json(&w, s->host, preflight);
        json_object_end(&w);
        json_finish(&w);
}

/* A refusal in error or a claim source that could not be read: what boot mode would do is not
 * what the configuration asks for, and a script checking the plan must see that. */
static bool plan_has_errors(const struct session *s)
{
        if (s->sources.n_diagnostics)
                return true;
        for (size_t i = 0; i < s->plan->n_refusals; i++)
                if (s->plan->refusals[i].is_error)
                        return true;
        return false;
}

int command_plan(const struct initbind_options *opts)
{
        _cleanup_(session_close) struct session s = {};
        if (session_open(&s, opts) < 0)
                return 1;
        if (s.sources.disabled) {
                printf("initbind=off is on the kernel command line: boot mode would do nothing.\n");
                return 0;
        }
        _cleanup_preflight_ struct preflight *preflight = NULL;
        if (session_plan(&s) < 0 || preflight_for_plan(opts->root, s.host, s.plan, s.sources.config, &preflight) < 0)
                return 1;
        if (opts->json)
                print_json(&s, preflight);
        else {
                print_text(&s);
                claim_settings_print(&s);
                preflight_print_text(s.host, preflight);
        }
        return plan_has_errors(&s) ? 1 : 0;
}
