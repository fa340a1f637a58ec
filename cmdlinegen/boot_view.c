/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "boot_view.h"

#include "log.h"
#include "module_loader.h"

int boot_view_new(const struct machine *m, struct pci_host **ret)
{
        _cleanup_module_loader_ struct module_loader *ml = NULL;
        int r = module_loader_new(m->root, m->target_release, &ml);
        if (r < 0)
                log_warning("cannot read the module index of kernel %s (%s): planning as if every bound driver were built in",
                            m->target_release, strerror(-r));

        struct pci_host *view = malloc(sizeof(*view));
        if (!view)
                return -ENOMEM;
        *view = *m->pci;
        view->functions = calloc(m->pci->n_functions ? m->pci->n_functions : 1, sizeof(*view->functions));
        if (!view->functions) {
                free(view);
                return -ENOMEM;
        }
        memcpy(view->functions, m->pci->functions, m->pci->n_functions * sizeof(*view->functions));

        for (size_t i = 0; ml && i < view->n_functions; i++) {
                struct pci_function *f = &view->functions[i];
                char module[64];
                if (!f->driver[0] || !f->modalias[0])
                        continue;
                if (module_loader_host_module(ml, f->modalias, module, sizeof(module)) < 0)
                        continue; /* no module claims it by alias (pcieport binds by class): stays */
                if (module_loader_builtin(ml, module) == TRISTATE_YES)
                        continue;
                f->driver[0] = '\0';
        }
        *ret = view;
        return 0;
}

void boot_view_free(struct pci_host *view)
{
        if (!view)
                return;
        free(view->functions);
        free(view);
}
