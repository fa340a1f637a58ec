/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reading a claim plan that claim_plan_build() made (claim_plan.c), and freeing it. */
#include "claim_plan.h"

#include <stdlib.h>

struct claim_plan *claim_plan_free(struct claim_plan *plan)
{
        if (!plan)
                return NULL;
        free(plan->entries);
        free(plan->refusals);
        free(plan->groups);
        free(plan);
        return NULL;
}

const struct plan_entry *claim_plan_find(const struct claim_plan *plan, size_t function)
{
        for (size_t i = 0; i < plan->n_entries; i++)
                if (plan->entries[i].function == function)
                        return &plan->entries[i];
        return NULL;
}

size_t claim_plan_count(const struct claim_plan *plan, enum plan_action action)
{
        size_t n = 0;
        for (size_t i = 0; i < plan->n_entries; i++)
                n += plan->entries[i].action == action;
        return n;
}

const char *plan_action_to_string(enum plan_action a)
{
        switch (a) {
        case PLAN_CLAIM:
                return "claim";
        case PLAN_ALREADY_CLAIMED:
                return "already claimed";
        case PLAN_PROTECT:
                return "protect";
        case PLAN_RETURN_TO_HOST:
                return "return to host";
        }
        return "?";
}
