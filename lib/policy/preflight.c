/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "preflight.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "log.h"
#include "macro.h"

typedef int (*preflight_check_fn)(const struct preflight_check_input *in, struct preflight_function *out);

/* Every check, in the order their findings are shown. */
static const preflight_check_fn checks[] = {
        preflight_check_reset,
        preflight_check_bars,
        preflight_check_rom,
};

const char *preflight_format_size(uint64_t bytes, char buf[PREFLIGHT_SIZE_MAX])
{
        static const char *const units[] = { "B", "KB", "MB", "GB", "TB", "PB" };
        size_t u = 0;
        while (bytes >= 1024 && bytes % 1024 == 0 && u + 1 < ELEMENTSOF(units)) {
                bytes /= 1024;
                u++;
        }
        snprintf(buf, PREFLIGHT_SIZE_MAX, "%" PRIu64 " %s", bytes, units[u]);
        return buf;
}

int preflight_add(struct preflight_function *ff, const char *kind, enum preflight_severity severity, const char *fix,
                  const char *fact_format, ...)
{
        if (ARRAY_GROW(ff->findings, ff->n_findings) < 0)
                return -ENOMEM;
        struct preflight_finding *x = &ff->findings[ff->n_findings++];
        x->kind = kind;
        x->severity = severity;
        snprintf(x->fix, sizeof(x->fix), "%s", fix ? fix : "");
        va_list ap;
        va_start(ap, fact_format);
        vsnprintf(x->fact, sizeof(x->fact), fact_format, ap);
        va_end(ap);
        return 0;
}

static bool rom_asked(const struct preflight_options *opts, const struct pci_function *f)
{
        for (size_t i = 0; opts && i < opts->n_rom_functions; i++)
                if (pci_address_equal(&opts->rom_functions[i], &f->address))
                        return true;
        return false;
}

static int check_function(const struct rootdir *root, const struct pci_host *host, const struct preflight_host *machine,
                          const struct preflight_options *opts, size_t index, struct preflight_function *out)
{
        const struct pci_function *f = &host->functions[index];
        struct pci_preflight facts;
        int r = pci_preflight_read(root, host, f, &facts);
        if (r < 0) {
                log_debug("%s: no pre-flight: %s", f->name, strerror(-r));
                return 0;
        }
        if (rom_asked(opts, f)) {
                out->rom = malloc(sizeof(*out->rom));
                if (!out->rom)
                        return -ENOMEM;
                r = preflight_rom_read(root, f, out->rom);
                if (r < 0)
                        return r;
        }
        struct preflight_check_input in = {
                .host = host, .f = f, .facts = &facts, .machine = machine, .rom = out->rom
        };
        if (opts && opts->only_rom)
                return preflight_check_rom(&in, out);
        for (size_t c = 0; c < ELEMENTSOF(checks); c++) {
                r = checks[c](&in, out);
                if (r < 0)
                        return r;
        }
        return 0;
}

int preflight_build(const struct rootdir *root, const struct pci_host *host, const size_t *functions, size_t n,
                    const struct preflight_options *opts, struct preflight **ret)
{
        _cleanup_preflight_ struct preflight *p = calloc(1, sizeof(*p));
        if (!p)
                return -ENOMEM;
        struct preflight_host machine;
        preflight_host_read(root, &machine);
        for (size_t i = 0; i < n; i++) {
                if (preflight_find(p, functions[i]))
                        continue;
                if (ARRAY_GROW(p->functions, p->n_functions) < 0)
                        return -ENOMEM;
                struct preflight_function *ff = &p->functions[p->n_functions++];
                ff->function = functions[i];
                int r = check_function(root, host, &machine, opts, functions[i], ff);
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(p);
        return 0;
}

int preflight_build_for_plan(const struct rootdir *root, const struct pci_host *host, const struct claim_plan *plan,
                             const struct preflight_options *opts, struct preflight **ret)
{
        _cleanup_free_ size_t *functions = NULL;
        size_t n = 0;
        for (size_t i = 0; i < plan->n_entries; i++) {
                const struct plan_entry *e = &plan->entries[i];
                if (e->action != PLAN_CLAIM && e->action != PLAN_ALREADY_CLAIMED)
                        continue;
                if (ARRAY_GROW(functions, n) < 0)
                        return -ENOMEM;
                functions[n++] = e->function;
        }
        return preflight_build(root, host, functions, n, opts, ret);
}

struct preflight *preflight_free(struct preflight *p)
{
        if (!p)
                return NULL;
        for (size_t i = 0; i < p->n_functions; i++) {
                free(p->functions[i].findings);
                free(p->functions[i].rom);
        }
        free(p->functions);
        free(p);
        return NULL;
}

const struct preflight_function *preflight_find(const struct preflight *p, size_t function)
{
        for (size_t i = 0; p && i < p->n_functions; i++)
                if (p->functions[i].function == function)
                        return &p->functions[i];
        return NULL;
}

size_t preflight_count(const struct preflight *p, enum preflight_severity severity)
{
        size_t n = 0;
        for (size_t i = 0; p && i < p->n_functions; i++)
                for (size_t k = 0; k < p->functions[i].n_findings; k++)
                        n += p->functions[i].findings[k].severity == severity;
        return n;
}

const char *preflight_severity_to_string(enum preflight_severity s)
{
        return s == PREFLIGHT_WARNING ? "warning" : "info";
}
