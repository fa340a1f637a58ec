/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "preflight_show.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "log.h"
#include "macro.h"

int preflight_for_plan(const struct rootdir *root, const struct pci_host *host, const struct claim_plan *plan,
                       const struct initbind_config *config, struct preflight **ret)
{
        /* rom-check lines: the ROMs to read, of the functions the plan claims. */
        _cleanup_free_ struct pci_address *roms = NULL;
        size_t n = 0;
        for (size_t i = 0; config && i < config->n_rom_checks; i++) {
                if (ARRAY_GROW(roms, n) < 0)
                        return log_error_errno(-ENOMEM, "out of memory");
                roms[n++] = config->rom_checks[i].address;
        }
        struct preflight_options opts = { .rom_functions = roms, .n_rom_functions = n };
        int r = preflight_build_for_plan(root, host, plan, &opts, ret);
        if (r < 0)
                return log_error_errno(r, "cannot check the claimed devices before the guest starts: %m");
        return 0;
}

int preflight_for_all(const struct rootdir *root, const struct pci_host *host, struct preflight **ret)
{
        _cleanup_free_ size_t *functions = NULL;
        size_t n = 0;
        for (size_t i = 0; i < host->n_functions; i++) {
                if (pci_function_is_bridge(&host->functions[i]))
                        continue;
                if (ARRAY_GROW(functions, n) < 0)
                        return log_error_errno(-ENOMEM, "out of memory");
                functions[n++] = i;
        }
        int r = preflight_build(root, host, functions, n, NULL, ret);
        if (r < 0)
                return log_error_errno(r, "cannot check the devices before the guest starts: %m");
        return 0;
}

void preflight_print_text(const struct pci_host *host, const struct preflight *p)
{
        for (size_t i = 0; p && i < p->n_functions; i++) {
                const struct preflight_function *ff = &p->functions[i];
                const char *name = host->functions[ff->function].name;
                for (size_t k = 0; k < ff->n_findings; k++) {
                        const struct preflight_finding *x = &ff->findings[k];
                        printf("%-16s %s  %s: %s\n", x->kind, name, preflight_severity_to_string(x->severity), x->fact);
                        if (x->fix[0])
                                printf("%-16s %*s  fix: %s\n", "", (int) strlen(name), "", x->fix);
                }
        }
}

void preflight_print_json(struct json_writer *w, const struct pci_host *host, const struct preflight *p)
{
        json_key(w, "preflight");
        json_array_begin(w);
        for (size_t i = 0; p && i < p->n_functions; i++) {
                const struct preflight_function *ff = &p->functions[i];
                json_object_begin(w);
                json_kv_string(w, "address", host->functions[ff->function].name);
                json_key(w, "findings");
                json_array_begin(w);
                for (size_t k = 0; k < ff->n_findings; k++) {
                        const struct preflight_finding *x = &ff->findings[k];
                        json_object_begin(w);
                        json_kv_string(w, "kind", x->kind);
                        json_kv_string(w, "severity", preflight_severity_to_string(x->severity));
                        json_kv_string(w, "fact", x->fact);
                        json_kv_string(w, "fix", x->fix[0] ? x->fix : NULL);
                        json_object_end(w);
                }
                json_array_end(w);
                json_object_end(w);
        }
        json_array_end(w);
}

const char *preflight_mark(const struct preflight *p, size_t function, char *buf, size_t size)
{
        const struct preflight_function *ff = preflight_find(p, function);
        buf[0] = '\0';
        for (size_t k = 0; ff && k < ff->n_findings; k++) {
                const struct preflight_finding *x = &ff->findings[k];
                char word[40];
                snprintf(word, sizeof(word), "%s!", x->kind);
                if (x->severity != PREFLIGHT_WARNING || strstr(buf, word))
                        continue;
                size_t len = strlen(buf);
                snprintf(buf + len, size - len, "%s%s", len ? "," : "", word);
        }
        if (!buf[0])
                snprintf(buf, size, "-");
        return buf;
}
