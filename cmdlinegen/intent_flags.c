/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "intent_flags.h"

#include <stdio.h>

#include "array.h"
#include "log.h"

struct intent_flag {
        enum config_directive directive;
        const char *option; /* "--isolate-cores", for messages */
        const char *value;
};

struct intent_flags {
        struct intent_flag *items;
        size_t n;
};

int intent_flags_add(struct intent_flags **flags, enum config_directive d, const char *option, const char *value)
{
        if (!*flags && !(*flags = calloc(1, sizeof(**flags))))
                return -ENOMEM;
        if (ARRAY_GROW((*flags)->items, (*flags)->n) < 0)
                return -ENOMEM;
        (*flags)->items[(*flags)->n++] = (struct intent_flag){ d, option, value };
        return 0;
}

void intent_flags_free(struct intent_flags *flags)
{
        if (flags)
                free(flags->items);
        free(flags);
}

/* Move what one parsed flag set from FROM into TO. */
static int take_value(struct initbind_config *to, struct initbind_config *from, enum config_directive d,
                      bool *guest_memory_replaced)
{
        switch (d) {
        case CONFIG_DIRECTIVE_ISOLATE_CORES:
                to->isolate_cores = from->isolate_cores;
                free(to->isolate_cpus);
                to->isolate_cpus = NULL;
                to->directive_line[CONFIG_DIRECTIVE_ISOLATE_CPUS] = 0;
                break;
        case CONFIG_DIRECTIVE_ISOLATE_CPUS:
                free(to->isolate_cpus);
                to->isolate_cpus = from->isolate_cpus;
                from->isolate_cpus = NULL;
                to->isolate_cores = 0;
                to->directive_line[CONFIG_DIRECTIVE_ISOLATE_CORES] = 0;
                break;
        case CONFIG_DIRECTIVE_ISOLCPUS_FLAGS:
                to->isolcpus_flags = from->isolcpus_flags;
                break;
        case CONFIG_DIRECTIVE_GUEST_MEMORY: {
                if (!*guest_memory_replaced) {
                        to->n_guest_memory = 0;
                        *guest_memory_replaced = true;
                }
                /* back to 0 above: array_grow() takes that as a new array and reallocates */
                if (ARRAY_GROW(to->guest_memory, to->n_guest_memory) < 0)
                        return -ENOMEM;
                struct config_guest_memory *m = to->guest_memory;
                m[to->n_guest_memory] = from->guest_memory[0];
                m[to->n_guest_memory].line = 0;
                to->n_guest_memory++;
                break;
        }
        case CONFIG_DIRECTIVE_HUGEPAGE_SIZE:
                to->hugepage_size = from->hugepage_size;
                break;
        case CONFIG_DIRECTIVE_ACS_OVERRIDE:
                to->acs_override = from->acs_override;
                break;
        case CONFIG_DIRECTIVE_KVM_IGNORE_MSRS:
                to->kvm_ignore_msrs = from->kvm_ignore_msrs;
                break;
        case CONFIG_DIRECTIVE_NESTED_VIRTUALIZATION:
                to->nested_virtualization = from->nested_virtualization;
                break;
        case CONFIG_DIRECTIVE_TRANSPARENT_HUGEPAGE:
                to->transparent_hugepage = from->transparent_hugepage;
                break;
        case CONFIG_DIRECTIVE_UNSAFE_INTERRUPTS:
                to->unsafe_interrupts = from->unsafe_interrupts;
                break;
        case CONFIG_DIRECTIVE_FRAMEBUFFER:
                to->framebuffer = from->framebuffer;
                break;
        default:
                return -EINVAL; /* claim/keep are not flags */
        }
        to->directive_line[d] = 0; /* "the command line" in explanations */
        return 0;
}

int intent_flags_apply(const struct intent_flags *flags, struct initbind_config *config)
{
        bool guest_memory_replaced = false;
        for (size_t i = 0; flags && i < flags->n; i++) {
                const struct intent_flag *f = &flags->items[i];
                const char *keyword = config_directive_to_string(f->directive);
                /* The flag's value may say "16G,node=1": the file writes "16G node=1". */
                _cleanup_free_ char *value = strdup(f->value);
                _cleanup_free_ char *line = NULL;
                if (!value)
                        return -ENOMEM;
                if (f->directive == CONFIG_DIRECTIVE_GUEST_MEMORY)
                        for (char *c = value; (c = strchr(c, ',')); c++)
                                *c = ' ';
                if (asprintf(&line, "%s %s\n", keyword, value) < 0)
                        return -ENOMEM;
                _cleanup_config_ struct initbind_config *parsed = NULL;
                int r = config_parse(line, strlen(line), f->option, &parsed);
                if (r < 0)
                        return r;
                if (parsed->n_diagnostics) {
                        const struct config_diagnostic *d = &parsed->diagnostics[0];
                        size_t offset = strlen(keyword) + 1;
                        log_error("%s '%s' at column %zu: %s", f->option, f->value,
                                  d->column > offset ? d->column - offset : (size_t) 1, d->message);
                        return -EINVAL;
                }
                r = take_value(config, parsed, f->directive, &guest_memory_replaced);
                if (r < 0)
                        return r;
        }
        return 0;
}
