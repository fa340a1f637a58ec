/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Whether VFIO can open an IOMMU group now. Since Linux 5.19 every member must be unbound or
 * bound to a driver that manages DMA itself (vfio-pci and its variants, pci-stub, pcieport);
 * one function left on, say, snd_hda_intel makes the whole group fail with EPERM.
 */
#pragma once

#include <stdbool.h>

#include "pci_host.h"

bool driver_manages_dma(const char *driver);
/* vfio-pci or one of its variant drivers (mlx5_vfio_pci, hisi_acc_vfio_pci, nvgrace_gpu_vfio_pci, ...). */
bool driver_is_vfio_pci(const char *driver);

/*
 * True when the group is usable as the drivers stand. Otherwise *ret_blocker (if non-NULL) is
 * the first member that blocks it.
 */
bool group_is_viable(const struct pci_host *host, const struct iommu_group *group,
                     const struct pci_function **ret_blocker);
