/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Whether one PCI function may be handed to vfio-pci, and if not why. The same rules serve
 * `initbind list`, boot mode, `initbind claim` and cmdlinegen, so they can never disagree.
 */
#pragma once

#include <stdbool.h>

#include "pci_host.h"

enum claim_refusal {
        CLAIM_ALLOWED = 0,
        CLAIM_REFUSED_NO_IOMMU,      /* no IOMMU is active: vfio-pci would probe but be useless */
        CLAIM_REFUSED_NO_GROUP,      /* IOMMU on, but this function is not in a group */
        CLAIM_REFUSED_BRIDGE,        /* bridges and ports: vfio-pci rejects them and the port breaks */
        CLAIM_REFUSED_CONSOLE_GPU,   /* boot VGA or firmware framebuffer owner: the console goes dark */
        CLAIM_REFUSED_STORAGE,       /* storage controllers: the host may boot from them */
        CLAIM_REFUSED_SRIOV_ENABLED, /* a PF with VFs enabled: vfio-pci returns -EBUSY */
        CLAIM_REFUSED_DENYLISTED,    /* on vfio-pci's denylist: -EINVAL without disable_denylist */
        _CLAIM_REFUSAL_MAX,
};

enum claim_permission {
        CLAIM_PERMIT_CONSOLE = 1 << 0,
        CLAIM_PERMIT_STORAGE = 1 << 1,
};

enum claim_refusal claim_check(const struct pci_host *host, const struct pci_function *f, unsigned permissions);

/* "bridge", "console GPU", ...: the short word listings print. */
const char *claim_refusal_to_string(enum claim_refusal r);
/* One sentence a log line can end with. */
const char *claim_refusal_explain(enum claim_refusal r);
