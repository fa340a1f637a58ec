/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "planned_boot.h"

#include "boot_view.h"
#include "log.h"

int planned_boot_new(const struct machine *m, struct pci_host **ret)
{
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

        _cleanup_module_loader_ struct module_loader *ml = NULL;
        int r = module_loader_new(m->root, m->target_release, &ml);
        if (r < 0)
                log_warning("cannot read the module index of kernel %s (%s): planning as if every bound driver were "
                            "built in",
                            m->target_release, strerror(-r));
        else
                pci_host_forget_module_drivers(ml, view);
        *ret = view;
        return 0;
}

void planned_boot_free(struct pci_host *view)
{
        if (!view)
                return;
        free(view->functions);
        free(view);
}
