/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "boot_view.h"

size_t pci_host_forget_module_drivers(struct module_loader *ml, struct pci_host *host)
{
        size_t cleared = 0;
        for (size_t i = 0; i < host->n_functions; i++) {
                struct pci_function *f = &host->functions[i];
                char module[64];
                if (!f->driver[0] || !f->modalias[0])
                        continue;
                if (module_loader_host_module(ml, f->modalias, module, sizeof(module)) < 0)
                        continue;
                if (module_loader_builtin(ml, module) == TRISTATE_YES)
                        continue;
                f->driver[0] = '\0';
                cleared++;
        }
        return cleared;
}
