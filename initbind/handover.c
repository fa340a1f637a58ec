/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "handover.h"

#include <stdio.h>

#include "macro.h"

#define VFIO_PCI_DRIVER "vfio-pci"

/* TEXT and VALUE after the N bytes in BUF; the new length. */
static size_t append(char *buf, size_t size, size_t n, const char *text, const char *value)
{
        if (n >= size)
                return n;
        int w = snprintf(buf + n, size - n, "%s%s", text, value);
        return w < 0 ? n : n + (size_t) w;
}

const char *handover_note(const struct plan_entry *e, char *buf, size_t size)
{
        size_t n = 0;
        buf[0] = '\0';
        if (e->action != PLAN_CLAIM && e->action != PLAN_ALREADY_CLAIMED)
                return buf;
        if (!streq(e->driver, VFIO_PCI_DRIVER))
                n = append(buf, size, n, "; vfio-pci variant ", e->driver);
        else if (e->declined_variant[0])
                n = append(buf, size, n, "; plain vfio-pci (variant=none), not the variant ", e->declined_variant);
        if (e->owner.user[0])
                n = append(buf, size, n, "; its group's /dev/vfio node for user ", e->owner.user);
        if (e->owner.group[0])
                (void) append(buf, size, n, e->owner.user[0] ? ", group " : "; its group's /dev/vfio node for group ",
                              e->owner.group);
        return buf;
}

void handover_json(struct json_writer *w, const struct plan_entry *e)
{
        json_kv_string(w, "driver", e->driver[0] ? e->driver : NULL);
        json_kv_string(w, "variant_declined", e->declined_variant[0] ? e->declined_variant : NULL);
        json_kv_string(w, "user", e->owner.user[0] ? e->owner.user : NULL);
        json_kv_string(w, "group", e->owner.group[0] ? e->owner.group : NULL);
}
