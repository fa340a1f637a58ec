/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The GRUB editor (cmdlinegen/apply): INPUT is /etc/default/grub, optionally a NUL and a drop-in
 * (/etc/default/grub.d/50-input.cfg, which makes grub.d read). A plan either fails with a message
 * or, carried out, reads back as asked (the planner checks that itself); applying twice equals
 * applying once, and --remove is idempotent too.
 */
#include "fuzz-apply-root.h"

static const char *const params[] = { "intel_iommu=on",
                                      "iommu=pt",
                                      "isolcpus=managed_irq,2-7",
                                      "vfio-pci.ids=10de:1b80",
                                      "default_hugepagesz=1G",
                                      "hugepagesz=1G",
                                      "hugepages=16",
                                      "quiet" };

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
        root_init();
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static const char *const leftovers[] = {
                "etc/default/grub.d/50-input.cfg",
                "etc/default/grub.d/zz-initbind.cfg",
                "var/lib/initbind/cmdline-added",
        };
        const char *rest = NULL;
        size_t rest_size = 0;
        char *grub = fuzz_string(data, size, &rest, &rest_size);
        char *dropin = rest ? strndup(rest, rest_size) : NULL;
        char dir[128];

        if (!grub)
                return 0;
        for (size_t i = 0; i < sizeof(leftovers) / sizeof(leftovers[0]); i++)
                root_put(leftovers[i], NULL);
        root_remove_backups("etc/default");
        root_remove_backups("etc/default/grub.d");
        root_remove_backups("var/lib/initbind");
        snprintf(dir, sizeof(dir), "%s/etc/default/grub.d", fuzz_root);
        rmdir(dir);
        root_put("etc/default/grub", grub);
        if (dropin && !memchr(rest, 0, rest_size))
                root_put("etc/default/grub.d/50-input.cfg", dropin);

        check_idempotent(BOOTLOADER_GRUB, params, sizeof(params) / sizeof(params[0]));
        check_idempotent(BOOTLOADER_GRUB, params + 3, 1);
        free(grub);
        free(dropin);
        return 0;
}
