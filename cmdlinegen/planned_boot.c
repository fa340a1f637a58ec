/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "planned_boot.h"

#include "boot_view.h"
#include "log.h"

int planned_boot_new(const struct machine *m, struct pci_host **ret)
{
        _cleanup_pci_host_ struct pci_host *view = NULL;
        int r = pci_host_dup(m->pci, &view);
        if (r < 0)
                return r;

        _cleanup_module_loader_ struct module_loader *ml = NULL;
        r = module_loader_new(m->root, m->target_release, &ml);
        if (r < 0)
                log_warning_errno(
                        r,
                        "cannot read the module index of kernel %s (%m): planning as if every bound driver were "
                        "built in",
                        m->target_release);
        else
                pci_host_forget_module_drivers(ml, view);
        *ret = TAKE_PTR(view);
        return 0;
}
