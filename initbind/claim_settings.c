/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "claim_settings.h"

#include <stdio.h>

#include "claim_exec.h"
#include "log.h"
#include "preflight.h"

/* The function ADDRESS names, when the plan claims it (or finds it claimed). */
static const struct pci_function *claimed(const struct session *s, const struct pci_address *address)
{
        const struct pci_function *f = pci_host_find(s->host, address);
        if (!f)
                return NULL;
        const struct plan_entry *e = claim_plan_find(s->plan, pci_host_index(s->host, f));
        return e && (e->action == PLAN_CLAIM || e->action == PLAN_ALREADY_CLAIMED) ? f : NULL;
}

static bool already_on_vfio(const struct session *s, const struct pci_function *f)
{
        const struct plan_entry *e = claim_plan_find(s->plan, pci_host_index(s->host, f));
        return e && e->action == PLAN_ALREADY_CLAIMED;
}

static void print_bar_size(const struct session *s, const struct config_bar_size *bs)
{
        const struct initbind_config *c = s->sources.config;
        char name[PCI_ADDRESS_STRING_MAX], size[PREFLIGHT_SIZE_MAX], why[256];
        pci_address_format(&bs->address, name);
        preflight_format_size(bs->bytes, size);
        const struct pci_function *f = claimed(s, &bs->address);
        if (!f)
                printf("%-16s %s  not claimed: BAR %u left at its size (%s:%u)\n", "bar-size", name, bs->bar,
                       c->file_name, bs->line);
        else if (already_on_vfio(s, f))
                printf("%-16s %s  on vfio-pci already: BAR %u left at its size, resizable only before a driver "
                       "binds (%s:%u)\n",
                       "bar-size", name, bs->bar, c->file_name, bs->line);
        else if (claim_bar_size_check(s->opts->root, f, bs->bar, bs->bytes, why, sizeof(why)) < 0)
                printf("%-16s %s  cannot resize BAR %u to %s: %s (%s:%u)\n", "bar-size", name, bs->bar, size, why,
                       c->file_name, bs->line);
        else
                printf("%-16s %s  resizes BAR %u to %s before vfio-pci binds (%s:%u)\n", "bar-size", name, bs->bar,
                       size, c->file_name, bs->line);
}

void claim_settings_print(const struct session *s)
{
        const struct initbind_config *c = s->sources.config;
        char name[PCI_ADDRESS_STRING_MAX];
        for (size_t i = 0; c && i < c->n_reset_methods; i++) {
                const struct config_reset_method *rm = &c->reset_methods[i];
                pci_address_format(&rm->address, name);
                if (claimed(s, &rm->address))
                        printf("%-16s %s  writes '%s' to reset_method when claimed (%s:%u)\n", "reset-method", name,
                               rm->methods, c->file_name, rm->line);
                else
                        printf("%-16s %s  not claimed: reset_method left alone (%s:%u)\n", "reset-method", name,
                               c->file_name, rm->line);
        }
        for (size_t i = 0; c && i < c->n_bar_sizes; i++)
                print_bar_size(s, &c->bar_sizes[i]);
        for (size_t i = 0; c && i < c->n_rom_checks; i++) {
                const struct config_rom_check *rc = &c->rom_checks[i];
                pci_address_format(&rc->address, name);
                if (claimed(s, &rc->address))
                        printf("%-16s %s  its option ROM is checked in the pre-flight below (%s:%u)\n", "rom-check",
                               name, c->file_name, rc->line);
                else
                        printf("%-16s %s  not claimed: its option ROM is not read (%s:%u)\n", "rom-check", name,
                               c->file_name, rc->line);
        }
}

size_t claim_settings_unbound(const struct session *s, struct pci_function *f)
{
        const struct initbind_config *c = s->sources.config;
        size_t failed = 0;
        for (size_t i = 0; c && i < c->n_bar_sizes; i++) {
                const struct config_bar_size *bs = &c->bar_sizes[i];
                if (!pci_address_equal(&bs->address, &f->address))
                        continue;
                char origin[4096 + 16]; /* a path and ":LINE" */
                snprintf(origin, sizeof(origin), "%s:%u", c->file_name, bs->line);
                failed += claim_resize_bar(s->opts->root, f, bs->bar, bs->bytes, origin) < 0;
        }
        return failed;
}

size_t claim_settings_apply(const struct session *s)
{
        const struct initbind_config *c = s->sources.config;
        char name[PCI_ADDRESS_STRING_MAX];
        size_t failed = 0;
        for (size_t i = 0; c && i < c->n_reset_methods; i++) {
                const struct config_reset_method *rm = &c->reset_methods[i];
                const struct pci_function *f = claimed(s, &rm->address);
                if (!f) {
                        log_notice("%s:%u: %s is not claimed: its reset_method is left alone", c->file_name, rm->line,
                                   pci_address_format(&rm->address, name));
                        continue;
                }
                failed += claim_set_reset_method(s->opts->root, f, rm->methods) < 0;
        }
        /* bar-size was applied before vfio-pci bound (claim_settings_unbound): say what it left. */
        for (size_t i = 0; c && i < c->n_bar_sizes; i++) {
                const struct config_bar_size *bs = &c->bar_sizes[i];
                const struct pci_function *f = claimed(s, &bs->address);
                if (!f)
                        log_notice("%s:%u: %s is not claimed: its BAR %u is left at its size", c->file_name, bs->line,
                                   pci_address_format(&bs->address, name), bs->bar);
                else if (already_on_vfio(s, f))
                        log_notice("%s:%u: %s is on vfio-pci already: its BAR %u is left at its size (resizable "
                                   "only before a driver binds, at boot)",
                                   c->file_name, bs->line, f->name, bs->bar);
        }
        return failed;
}
