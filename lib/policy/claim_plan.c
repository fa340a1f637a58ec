/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "claim_plan.h"

#include <stdarg.h>
#include <stdio.h>

#include "array.h"
#include "claim_check.h"
#include "group_viability.h"
#include "macro.h"

#define VFIO_PCI_DRIVER "vfio-pci"

enum candidate_state {
        CANDIDATE_NONE,
        CANDIDATE_TARGET,   /* will be claimed (or is on vfio-pci already) */
        CANDIDATE_EXCLUDED, /* selected, but refused, kept or blocked */
};

/* What the requests said about one function. */
struct candidate {
        enum candidate_state state;
        bool selected;
        bool named_by_address; /* an address selector named it: only then may allow=console apply */
        bool matched_by_ids;   /* an entry of vfio-pci.ids matches it */
        bool companion;
        bool unbind_first;
        unsigned allow;
        bool plain_vfio;
        const struct config_owner *owner; /* of the first claim that gives user= or group= */
        const char *origin;
        const struct config_keep *keep;
        char why[CLAIM_MESSAGE_MAX];
};

struct planner {
        enum claim_context context;
        const struct pci_host *host;
        struct candidate *candidates;
        struct claim_plan *plan;
};

static int add_refusal(struct planner *p, ssize_t function, bool is_error, const char *origin, const char *format, ...)
        _printf_(5, 6);
static int add_refusal(struct planner *p, ssize_t function, bool is_error, const char *origin, const char *format, ...)
{
        struct claim_plan *plan = p->plan;
        if (ARRAY_GROW(plan->refusals, plan->n_refusals) < 0)
                return -ENOMEM;
        struct plan_refusal *r = &plan->refusals[plan->n_refusals++];
        *r = (struct plan_refusal){ .function = function, .is_error = is_error };
        snprintf(r->origin, sizeof(r->origin), "%s", origin ? origin : "");
        va_list ap;
        va_start(ap, format);
        vsnprintf(r->message, sizeof(r->message), format, ap);
        va_end(ap);
        return 0;
}

static const struct pci_function *fn(const struct planner *p, size_t i) { return &p->host->functions[i]; }

static void select_function(struct planner *p, size_t i, const struct claim_request *req)
{
        struct candidate *c = &p->candidates[i];
        if (req->kind == CLAIM_REQUEST_VFIO_IDS) {
                c->matched_by_ids = true;
                /* vfio-pci.ids asks for no permissions: the console GPU it also matches stays. */
        }
        if (!c->selected) {
                c->selected = true;
                c->origin = req->origin;
        }
        c->allow |= req->claim.allow;
        c->plain_vfio |= req->claim.plain_vfio;
        if (!c->owner && config_owner_given(&req->claim.owner))
                c->owner = &req->claim.owner;
        if (req->claim.selector == CONFIG_SELECT_ADDRESS) {
                c->named_by_address = true;
                /* A host driver that bound a hot-added function inside the rescan got there before
                 * udev could run initbind: the config naming this very function is the consent. */
                if (p->context == CLAIM_CONTEXT_HOTPLUG)
                        c->allow |= CONFIG_ALLOW_UNBIND;
                c->origin = req->origin; /* the most specific reason is the one worth quoting */
        }
}

static int resolve_request(struct planner *p, const struct claim_request *req)
{
        const struct config_claim *claim = &req->claim;
        const struct pci_host *host = p->host;
        char addr[PCI_ADDRESS_STRING_MAX], idbuf[VFIO_ID_STRING_MAX];
        size_t matched = 0;

        switch (claim->selector) {
        case CONFIG_SELECT_ADDRESS: {
                struct pci_function *f = pci_host_find(host, &claim->address);
                if (!f)
                        return add_refusal(p, -1, true, req->origin, "no PCI function at %s: not claimed",
                                           pci_address_format(&claim->address, addr));
                if (claim->has_expect && !vfio_id_matches(&claim->expect, &f->ids))
                        return add_refusal(
                                p, (ssize_t) pci_host_index(host, f), true, req->origin,
                                "%s is %04x:%04x now, not the expected %s: the hardware has moved; not claimed",
                                f->name, f->ids.vendor, f->ids.device, vfio_id_format(&claim->expect, idbuf));
                select_function(p, pci_host_index(host, f), req);
                return 0;
        }
        case CONFIG_SELECT_SLOT:
                for (size_t i = 0; i < host->n_functions; i++)
                        if (pci_address_same_slot(&host->functions[i].address, &claim->address)) {
                                select_function(p, i, req);
                                matched++;
                        }
                if (!matched) {
                        struct pci_address slot = claim->address;
                        return add_refusal(p, -1, true, req->origin, "no PCI device in slot %.*s: not claimed",
                                           (int) strlen(pci_address_format(&slot, addr)) - 2, addr);
                }
                return 0;
        case CONFIG_SELECT_ID:
                for (size_t i = 0; i < host->n_functions; i++)
                        if (vfio_id_matches(&claim->id, &host->functions[i].ids)) {
                                select_function(p, i, req);
                                matched++;
                        }
                if (!matched && req->kind != CLAIM_REQUEST_VFIO_IDS)
                        return add_refusal(p, -1, true, req->origin, "no PCI function matches %s: nothing claimed",
                                           vfio_id_format(&claim->id, idbuf));
                return 0;
        case CONFIG_SELECT_GROUP: {
                const struct iommu_group *g = pci_host_group(host, (int) claim->group);
                if (!g)
                        return add_refusal(p, -1, true, req->origin, "there is no IOMMU group %u: nothing claimed",
                                           claim->group);
                /* The group's bridges are its plumbing, not something the user asked to claim. */
                for (size_t m = 0; m < g->n_members; m++)
                        if (!pci_function_is_bridge(fn(p, g->members[m])))
                                select_function(p, g->members[m], req);
                return 0;
        }
        }
        return -EINVAL;
}

static const struct config_keep *find_keep(const struct claim_input *input, const struct pci_address *a)
{
        for (size_t i = 0; i < input->n_keeps; i++)
                if (pci_address_equal(&input->keeps[i].address, a))
                        return &input->keeps[i];
        return NULL;
}

static unsigned permissions_of(const struct candidate *c)
{
        unsigned perm = 0;
        if (c->named_by_address && (c->allow & CONFIG_ALLOW_CONSOLE))
                perm |= CLAIM_PERMIT_CONSOLE;
        if (c->allow & CONFIG_ALLOW_STORAGE)
                perm |= CLAIM_PERMIT_STORAGE;
        return perm;
}

/* Why a function on another driver is not taken, in the words of whoever asked. */
static void bound_elsewhere_reason(enum claim_context context, const struct pci_function *f, char *buf, size_t size)
{
        switch (context) {
        case CLAIM_CONTEXT_COMMAND:
                snprintf(buf, size, "it is bound to %s; pass --allow unbind to take it from that driver", f->driver);
                break;
        case CLAIM_CONTEXT_HOTPLUG:
                snprintf(buf, size,
                         "it is bound to %s, which took it as it appeared; claim it by address, or add allow=unbind, "
                         "to take it",
                         f->driver);
                break;
        default:
                snprintf(buf, size,
                         "it is bound to %s already (built in, or loaded before initbind); add allow=unbind to take it",
                         f->driver);
        }
}

/*
 * Why F cannot be a target, or NULL if it can. BUF receives the sentence. Checks the policy
 * (claim_check), the keep lines and a driver already bound.
 */
static const char *exclusion_reason(struct planner *p, size_t i, unsigned allow, unsigned perm, bool *ret_unbind,
                                    char *buf, size_t size)
{
        const struct pci_function *f = fn(p, i);
        struct candidate *c = &p->candidates[i];
        *ret_unbind = false;

        if (c->keep) {
                snprintf(buf, size, "the config keeps it for the host (keep at line %u)", c->keep->line);
                return buf;
        }
        enum claim_refusal refusal = claim_check(p->host, f, perm);
        if (refusal != CLAIM_ALLOWED) {
                snprintf(buf, size, "%s", claim_refusal_explain(refusal));
                return buf;
        }
        if (f->driver[0] && !driver_is_vfio_pci(f->driver)) {
                if (allow & CONFIG_ALLOW_UNBIND) {
                        *ret_unbind = true;
                        return NULL;
                }
                bound_elsewhere_reason(p->context, f, buf, size);
                return buf;
        }
        return NULL;
}

static int filter_selected(struct planner *p, const struct claim_input *input)
{
        for (size_t i = 0; i < p->host->n_functions; i++) {
                struct candidate *c = &p->candidates[i];
                const struct pci_function *f = fn(p, i);
                c->keep = find_keep(input, &f->address);
                if (!c->selected)
                        continue;

                char reason[CLAIM_MESSAGE_MAX];
                bool unbind;
                const char *why = exclusion_reason(p, i, c->allow, permissions_of(c), &unbind, reason, sizeof(reason));
                if (!why) {
                        c->state = CANDIDATE_TARGET;
                        c->unbind_first = unbind;
                        snprintf(c->why, sizeof(c->why), "named by %s", c->origin);
                        continue;
                }
                c->state = CANDIDATE_EXCLUDED;
                /* An ID, slot or group that also matches the console GPU or a kept device is the
                 * identical-GPU case working as designed, not a mistake in the config. */
                bool by_design = !c->named_by_address && (c->keep || pci_function_is_console_gpu(f));
                int r = add_refusal(p, (ssize_t) i, !by_design, c->origin, "%s %s: %s", f->name,
                                    by_design ? "kept for the host" : "not claimed", why);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int add_group(struct planner *p, int number, bool usable, ssize_t blocker, const char *format, ...)
        _printf_(5, 6);
static int add_group(struct planner *p, int number, bool usable, ssize_t blocker, const char *format, ...)
{
        struct claim_plan *plan = p->plan;
        if (ARRAY_GROW(plan->groups, plan->n_groups) < 0)
                return -ENOMEM;
        struct plan_group *g = &plan->groups[plan->n_groups++];
        *g = (struct plan_group){ .number = number, .usable = usable, .blocker = blocker };
        va_list ap;
        va_start(ap, format);
        vsnprintf(g->message, sizeof(g->message), format, ap);
        va_end(ap);
        return 0;
}

/* A member that can stay as it is in a usable group: a bridge on pcieport or on no driver. */
static bool harmless_bridge(const struct pci_function *f)
{
        return pci_function_is_bridge(f) && (!f->driver[0] || driver_manages_dma(f->driver));
}

/*
 * Complete one group: every endpoint joins the claim, or the group is reported unusable and
 * (unless a claim in it says allow=partial-group) none of it is claimed.
 */
/* Leave the whole group alone: half a group is a device nobody can use. Each claim says why. */
static int leave_group_alone(struct planner *p, const struct iommu_group *g, const char *blocker_reason)
{
        for (size_t m = 0; m < g->n_members; m++) {
                size_t i = g->members[m];
                struct candidate *c = &p->candidates[i];
                if (c->state != CANDIDATE_TARGET)
                        continue;
                c->state = CANDIDATE_EXCLUDED;
                if (!c->companion) {
                        int r = add_refusal(p, (ssize_t) i, true, c->origin,
                                            "%s not claimed: IOMMU group %d cannot be made usable: %s "
                                            "(allow=partial-group claims it anyway)",
                                            fn(p, i)->name, g->number, blocker_reason);
                        if (r < 0)
                                return r;
                }
                c->companion = false;
        }
        return 0;
}

static int complete_group(struct planner *p, const struct iommu_group *g)
{
        unsigned allow = 0;
        const char *origin = NULL;
        size_t first_target = 0;
        for (size_t m = g->n_members; m-- > 0;) {
                const struct candidate *c = &p->candidates[g->members[m]];
                if (c->state == CANDIDATE_TARGET) {
                        allow |= c->allow;
                        origin = c->origin;
                        first_target = g->members[m];
                }
        }
        if (!origin)
                return 0;

        /* Companions get unbind and partial-group from the claims in the group, never console or storage. */
        unsigned companion_allow = allow & (CONFIG_ALLOW_UNBIND | CONFIG_ALLOW_PARTIAL_GROUP);
        ssize_t blocker = -1;
        char blocker_reason[CLAIM_MESSAGE_MAX] = "";
        if (g->unread_member[0])
                snprintf(blocker_reason, sizeof(blocker_reason), "%s, in the group, could not be read as a member",
                         g->unread_member);
        bool blocked = g->unread_member[0] != '\0';

        for (size_t m = 0; m < g->n_members; m++) {
                size_t i = g->members[m];
                struct candidate *c = &p->candidates[i];
                const struct pci_function *f = fn(p, i);

                if (c->state == CANDIDATE_TARGET || harmless_bridge(f))
                        continue;
                if (c->state == CANDIDATE_EXCLUDED) {
                        if (!blocked) {
                                blocked = true;
                                blocker = (ssize_t) i;
                                snprintf(blocker_reason, sizeof(blocker_reason), "%s is not claimed", f->name);
                        }
                        continue;
                }
                char reason[CLAIM_MESSAGE_MAX];
                bool unbind;
                const char *why =
                        pci_function_is_bridge(f)
                                ? (snprintf(reason, sizeof(reason), "it is a bridge bound to %s", f->driver), reason)
                                : exclusion_reason(p, i, companion_allow, 0, &unbind, reason, sizeof(reason));
                if (why) {
                        if (!blocked) {
                                blocked = true;
                                blocker = (ssize_t) i;
                                snprintf(blocker_reason, sizeof(blocker_reason), "%s cannot join: %s", f->name, why);
                        }
                        c->state = CANDIDATE_EXCLUDED;
                        continue;
                }
                c->state = CANDIDATE_TARGET;
                c->companion = true;
                c->unbind_first = unbind;
                c->allow = companion_allow;
                c->origin = origin;
                snprintf(c->why, sizeof(c->why), "completes IOMMU group %d of %s", g->number,
                         fn(p, first_target)->name);
        }

        if (!blocked)
                return add_group(p, g->number, true, -1, "IOMMU group %d will be usable", g->number);

        if (allow & CONFIG_ALLOW_PARTIAL_GROUP)
                return add_group(p, g->number, false, blocker,
                                 "IOMMU group %d will not be usable: %s (claimed anyway: allow=partial-group)",
                                 g->number, blocker_reason);

        int r = leave_group_alone(p, g, blocker_reason);
        if (r < 0)
                return r;
        return add_group(p, g->number, false, blocker, "IOMMU group %d left alone: %s", g->number, blocker_reason);
}

/*
 * A companion is handed over as the claims of its group say: the group's node has one owner,
 * and variant=none of a claim goes for the functions it brings along.
 */
static void inherit_group_options(struct planner *p, const struct iommu_group *g)
{
        const struct config_owner *owner = NULL;
        bool plain_vfio = false;
        for (size_t m = 0; m < g->n_members; m++) {
                const struct candidate *c = &p->candidates[g->members[m]];
                if (c->state != CANDIDATE_TARGET || c->companion)
                        continue;
                plain_vfio |= c->plain_vfio;
                if (!owner)
                        owner = c->owner;
        }
        for (size_t m = 0; m < g->n_members; m++) {
                struct candidate *c = &p->candidates[g->members[m]];
                if (c->state != CANDIDATE_TARGET)
                        continue;
                c->plain_vfio |= c->companion && plain_vfio;
                if (!c->owner)
                        c->owner = owner;
        }
}

static int add_entry(struct planner *p, size_t i, enum plan_action action)
{
        struct claim_plan *plan = p->plan;
        const struct candidate *c = &p->candidates[i];
        if (ARRAY_GROW(plan->entries, plan->n_entries) < 0)
                return -ENOMEM;
        struct plan_entry *e = &plan->entries[plan->n_entries++];
        *e = (struct plan_entry){
                .function = i,
                .action = action,
                .companion = c->companion,
                .unbind_first = action == PLAN_CLAIM && c->unbind_first,
                .allow = c->allow,
                .plain_vfio = c->plain_vfio,
        };
        if (c->owner)
                e->owner = *c->owner;
        const struct pci_function *f = fn(p, i);
        if (action == PLAN_CLAIM || action == PLAN_ALREADY_CLAIMED)
                snprintf(e->driver, sizeof(e->driver), "%s", action == PLAN_CLAIM ? VFIO_PCI_DRIVER : f->driver);
        snprintf(e->origin, sizeof(e->origin), "%s", c->origin ? c->origin : "vfio-pci.ids=");
        if (action == PLAN_PROTECT)
                snprintf(e->why, sizeof(e->why), "vfio-pci.ids matches it, but it stays with the host");
        else if (action == PLAN_RETURN_TO_HOST)
                snprintf(e->why, sizeof(e->why), "vfio-pci took it through vfio-pci.ids, but it stays with the host");
        else
                snprintf(e->why, sizeof(e->why), "%s", c->why);
        return 0;
}

int claim_plan_build(const struct pci_host *host, const struct claim_input *input, struct claim_plan **ret)
{
        struct planner p = { .context = input->context, .host = host };
        p.plan = calloc(1, sizeof(*p.plan));
        p.candidates = calloc(host->n_functions ? host->n_functions : 1, sizeof(*p.candidates));
        int r = -ENOMEM;
        if (!p.plan || !p.candidates)
                goto fail;

        bool any_ids = false;
        for (size_t i = 0; i < input->n_requests; i++) {
                any_ids |= input->requests[i].kind == CLAIM_REQUEST_VFIO_IDS;
                if ((r = resolve_request(&p, &input->requests[i])) < 0)
                        goto fail;
        }
        if ((r = filter_selected(&p, input)) < 0)
                goto fail;
        for (size_t g = 0; g < host->n_groups; g++)
                if ((r = complete_group(&p, &host->groups[g])) < 0)
                        goto fail;
        for (size_t g = 0; g < host->n_groups; g++)
                inherit_group_options(&p, &host->groups[g]);

        for (size_t i = 0; i < host->n_functions; i++) {
                const struct candidate *c = &p.candidates[i];
                const struct pci_function *f = fn(&p, i);
                if (c->state == CANDIDATE_TARGET)
                        r = add_entry(&p, i, driver_is_vfio_pci(f->driver) ? PLAN_ALREADY_CLAIMED : PLAN_CLAIM);
                else if (c->matched_by_ids && streq(f->driver, VFIO_PCI_DRIVER))
                        r = add_entry(&p, i, PLAN_RETURN_TO_HOST);
                else if (c->matched_by_ids && !f->driver[0] && !pci_function_is_bridge(f))
                        r = add_entry(&p, i, PLAN_PROTECT);
                else
                        r = 0;
                if (r < 0)
                        goto fail;
        }
        p.plan->needs_vfio = any_ids || claim_plan_count(p.plan, PLAN_CLAIM) > 0;
        p.plan->context = input->context;

        free(p.candidates);
        *ret = p.plan;
        return 0;
fail:
        free(p.candidates);
        claim_plan_free(p.plan);
        return r;
}
