/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One IOMMU group's verdict as status, list, release and boot show it: VFIO's own answer when the
 * kernel can be asked (lib/host/vfio_group), with the sysfs reading of the members' drivers as the
 * explanation of why a group is not viable, and as the only word when VFIO cannot be asked.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "pci_host.h"
#include "vfio_group.h"

struct json_writer;
struct rootdir;

struct group_verdict {
        struct vfio_verdict vfio;
        const struct pci_function *blocker; /* the first member sysfs shows on a host driver, or NULL */
        bool usable;                        /* VFIO's word when it answered, else the sysfs reading */
};

void group_verdict_read(const struct rootdir *root, const struct pci_host *host, const struct iommu_group *g,
                        struct group_verdict *ret);

/* "VFIO: /dev/vfio/3 viable, not open", "VFIO: not checked (no /dev/vfio/3)", ... into BUF. */
const char *group_verdict_vfio_text(const struct group_verdict *v, char *buf, size_t size);

/* Why the group is not usable, for "IOMMU group N: NOT usable: ...": the sysfs blocker when there
 * is one, else what VFIO said. */
const char *group_verdict_reason(const struct group_verdict *v, char *buf, size_t size);

/* The keys "vfio" (the state word), "viable" and "open" (true, false, or null when unknown). */
void group_verdict_json(struct json_writer *w, const struct group_verdict *v);
