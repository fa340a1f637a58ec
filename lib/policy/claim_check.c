/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "claim_check.h"

#include "macro.h"
#include "pci_class.h"

#define PCI_VENDOR_ID_INTEL 0x8086

/* vfio-pci's own denylist (drivers/vfio/pci/vfio_pci.c vfio_pci_dev_in_denylist()). */
static bool vfio_pci_denylisted(const struct pci_ids *ids)
{
        /* Intel QAT C3XXX, C62X and DH895XCC and their VFs. */
        static const uint16_t intel_qat[] = { 0x19e2, 0x19e3, 0x37c8, 0x37c9, 0x0435, 0x0443 };

        if (ids->vendor != PCI_VENDOR_ID_INTEL)
                return false;
        for (size_t i = 0; i < ELEMENTSOF(intel_qat); i++)
                if (ids->device == intel_qat[i])
                        return true;
        return false;
}

enum claim_refusal claim_check(const struct pci_host *host, const struct pci_function *f, unsigned permissions)
{
        /* Order: the hardware's and kernel's hard limits first, then what protects the host. */
        if (pci_function_is_bridge(f))
                return CLAIM_REFUSED_BRIDGE;
        if (!host->iommu_active)
                return CLAIM_REFUSED_NO_IOMMU;
        if (f->iommu_group < 0)
                return CLAIM_REFUSED_NO_GROUP;
        if (vfio_pci_denylisted(&f->ids))
                return CLAIM_REFUSED_DENYLISTED;
        if (f->sriov_numvfs > 0)
                return CLAIM_REFUSED_SRIOV_ENABLED;
        if (pci_function_is_console_gpu(f) && !(permissions & CLAIM_PERMIT_CONSOLE))
                return CLAIM_REFUSED_CONSOLE_GPU;
        if (pci_class_is_storage(f->ids.class_code) && !(permissions & CLAIM_PERMIT_STORAGE))
                return CLAIM_REFUSED_STORAGE;
        return CLAIM_ALLOWED;
}

static const struct {
        const char *word;
        const char *sentence;
} refusal_texts[_CLAIM_REFUSAL_MAX] = {
        [CLAIM_ALLOWED] = { "yes", "it can be claimed" },
        [CLAIM_REFUSED_NO_IOMMU] = { "no IOMMU", "no IOMMU is active (enable VT-d/AMD-Vi in the firmware; on Intel add "
                                                 "intel_iommu=on)" },
        [CLAIM_REFUSED_NO_GROUP] = { "no group", "it is in no IOMMU group, so VFIO cannot use it" },
        [CLAIM_REFUSED_BRIDGE] = { "bridge", "it is a bridge or port: vfio-pci rejects it and the port would be left "
                                             "without a driver" },
        [CLAIM_REFUSED_CONSOLE_GPU] = { "console GPU",
                                        "it drives the console (boot VGA or firmware framebuffer): the host display "
                                        "would go dark; name it by address with allow=console to claim it anyway" },
        [CLAIM_REFUSED_STORAGE] = { "storage", "it is a storage controller the host may need to boot; name it with "
                                               "allow=storage to claim it anyway" },
        [CLAIM_REFUSED_SRIOV_ENABLED] = { "SR-IOV on", "it is an SR-IOV physical function with VFs enabled: vfio-pci "
                                                       "refuses it (-EBUSY); set sriov_numvfs to 0 first" },
        [CLAIM_REFUSED_DENYLISTED] = { "denylisted", "it is on vfio-pci's denylist (Intel QAT): vfio-pci refuses it "
                                                     "unless disable_denylist=1" },
};

const char *claim_refusal_to_string(enum claim_refusal r)
{
        return r >= 0 && r < _CLAIM_REFUSAL_MAX ? refusal_texts[r].word : "?";
}

const char *claim_refusal_explain(enum claim_refusal r)
{
        return r >= 0 && r < _CLAIM_REFUSAL_MAX ? refusal_texts[r].sentence : "unknown reason";
}
