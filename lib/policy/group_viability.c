/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "group_viability.h"

#include "macro.h"

bool driver_manages_dma(const char *driver)
{
        if (streq(driver, "pci-stub") || streq(driver, "pcieport"))
                return true;
        return driver_is_vfio_pci(driver);
}

bool driver_is_vfio_pci(const char *driver)
{
        /* The variants are named after their module (KBUILD_MODNAME), which ends in vfio_pci. */
        return strstr(driver, "vfio-pci") || strstr(driver, "vfio_pci");
}

bool group_is_viable(const struct pci_host *host, const struct iommu_group *group,
                     const struct pci_function **ret_blocker)
{
        for (size_t i = 0; i < group->n_members; i++) {
                const struct pci_function *f = &host->functions[group->members[i]];
                if (f->driver[0] && !driver_manages_dma(f->driver)) {
                        if (ret_blocker)
                                *ret_blocker = f;
                        return false;
                }
        }
        return true;
}
