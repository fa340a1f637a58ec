/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "claim_settings.h"

#include <stdio.h>

#include "claim_exec.h"
#include "log.h"

/* The function a reset-method line names, when the plan claims it (or finds it claimed). */
static const struct pci_function *claimed(const struct session *s, const struct config_reset_method *rm)
{
        const struct pci_function *f = pci_host_find(s->host, &rm->address);
        if (!f)
                return NULL;
        const struct plan_entry *e = claim_plan_find(s->plan, pci_host_index(s->host, f));
        return e && (e->action == PLAN_CLAIM || e->action == PLAN_ALREADY_CLAIMED) ? f : NULL;
}

void claim_settings_print(const struct session *s)
{
        const struct initbind_config *c = s->sources.config;
        for (size_t i = 0; c && i < c->n_reset_methods; i++) {
                const struct config_reset_method *rm = &c->reset_methods[i];
                char name[PCI_ADDRESS_STRING_MAX];
                pci_address_format(&rm->address, name);
                if (claimed(s, rm))
                        printf("%-16s %s  writes '%s' to reset_method when claimed (%s:%u)\n", "reset-method", name,
                               rm->methods, c->file_name, rm->line);
                else
                        printf("%-16s %s  not claimed: reset_method left alone (%s:%u)\n", "reset-method", name,
                               c->file_name, rm->line);
        }
}

size_t claim_settings_apply(const struct session *s)
{
        const struct initbind_config *c = s->sources.config;
        size_t failed = 0;
        for (size_t i = 0; c && i < c->n_reset_methods; i++) {
                const struct config_reset_method *rm = &c->reset_methods[i];
                const struct pci_function *f = claimed(s, rm);
                if (!f) {
                        char name[PCI_ADDRESS_STRING_MAX];
                        log_notice("%s:%u: %s is not claimed: its reset_method is left alone", c->file_name, rm->line,
                                   pci_address_format(&rm->address, name));
                        continue;
                }
                failed += claim_set_reset_method(s->opts->root, f, rm->methods) < 0;
        }
        return failed;
}
