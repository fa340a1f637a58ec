/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * `initbind modules`: the VFIO variant driver modules the next boot's claims need, one per line,
 * for the initramfs hooks (which add the vfio modules of cmake/VfioModules.cmake themselves).
 * A variant driver binds only through driver_override, so nothing but boot mode ever loads it,
 * and boot mode finds it only when its vfio_pci: alias is in the image's modules.alias.
 */
#include <stdio.h>

#include "commands.h"
#include "log.h"
#include "session.h"

int command_modules(const struct initbind_options *opts)
{
        _cleanup_(session_close) struct session s = {};
        if (session_open(&s, opts) < 0)
                return 1;
        if (s.sources.disabled || session_plan(&s) < 0)
                return s.sources.disabled ? 0 : 1;
        for (size_t i = 0; i < s.plan->n_entries; i++) {
                const struct plan_entry *e = &s.plan->entries[i];
                if (e->action != PLAN_CLAIM || streq(e->driver, "vfio-pci"))
                        continue;
                bool printed = false;
                for (size_t j = 0; j < i && !printed; j++)
                        printed = streq(s.plan->entries[j].driver, e->driver);
                if (!printed)
                        printf("%s\n", e->driver);
        }
        return 0;
}
