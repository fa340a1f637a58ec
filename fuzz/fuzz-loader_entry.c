/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The systemd-boot editor (cmdlinegen/apply): INPUT is a loader entry of an installed kernel,
 * optionally a NUL and /etc/kernel/cmdline (else the file is created from the entry). Applying
 * twice equals applying once, and --remove is idempotent too.
 */
#include "fuzz-apply-root.h"

static const char *const params[] = { "intel_iommu=on", "iommu=pt",     "default_hugepagesz=1G",
                                      "hugepagesz=1G",  "hugepages=16", "rd.driver.pre=vfio-pci" };

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
        root_init();
        root_put("usr/lib/modules/6.1.0-18-amd64/modules.dep", "");
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static const char *const leftovers[] = {
                "etc/kernel/cmdline",
                "var/lib/initbind/cmdline-added",
        };
        const char *rest = NULL;
        size_t rest_size = 0;
        char *entry = fuzz_string(data, size, &rest, &rest_size);
        char *cmdline = rest ? strndup(rest, rest_size) : NULL;

        if (!entry)
                return 0;
        for (size_t i = 0; i < sizeof(leftovers) / sizeof(leftovers[0]); i++)
                root_put(leftovers[i], NULL);
        root_remove_backups("efi/loader/entries");
        root_remove_backups("etc/kernel");
        root_remove_backups("var/lib/initbind");
        root_put("efi/loader/entries/debian-6.1.0-18-amd64.conf", entry);
        if (cmdline && !memchr(rest, 0, rest_size))
                root_put("etc/kernel/cmdline", cmdline);

        check_idempotent(BOOTLOADER_SYSTEMD_BOOT, params, sizeof(params) / sizeof(params[0]));
        free(entry);
        free(cmdline);
        return 0;
}
