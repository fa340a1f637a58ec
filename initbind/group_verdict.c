/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "group_verdict.h"

#include <stdio.h>
#include <string.h>

#include "group_viability.h"
#include "json_writer.h"

void group_verdict_read(const struct rootdir *root, const struct pci_host *host, const struct iommu_group *g,
                        struct group_verdict *ret)
{
        struct group_verdict v = {};
        bool sysfs_usable = group_is_viable(host, g, &v.blocker);
        if (sysfs_usable)
                v.blocker = NULL;
        vfio_group_check(root, g->number, &v.vfio);
        switch (v.vfio.state) {
        case VFIO_VERDICT_VIABLE:
        case VFIO_VERDICT_OPEN: /* a VM holds it: it was viable when it was opened */
                v.usable = true;
                break;
        case VFIO_VERDICT_NOT_VIABLE:
                v.usable = false;
                break;
        default:
                v.usable = sysfs_usable;
        }
        *ret = v;
}

const char *group_verdict_vfio_text(const struct group_verdict *v, char *buf, size_t size)
{
        const struct vfio_verdict *s = &v->vfio;
        if (s->state == VFIO_VERDICT_NOT_CHECKED)
                snprintf(buf, size, "VFIO: not checked (%s %s)", s->path,
                         s->error ? "does not exist" : "is not a device node");
        else if (s->state == VFIO_VERDICT_ERROR)
                snprintf(buf, size, "VFIO: cannot ask %s: %s", s->path, strerror(-s->error));
        else
                snprintf(buf, size, "VFIO: %s %s", s->path, vfio_group_state_explain(s->state));
        return buf;
}

const char *group_verdict_reason(const struct group_verdict *v, char *buf, size_t size)
{
        if (v->blocker)
                snprintf(buf, size, "%s is on %s", v->blocker->name, v->blocker->driver);
        else
                snprintf(buf, size, "VFIO says it is not viable, though no member is on a host driver");
        return buf;
}

/* A boolean KEY, or null when VFIO could not tell. */
static void kv_maybe_bool(struct json_writer *w, const char *key, bool known, bool value)
{
        if (known) {
                json_kv_bool(w, key, value);
                return;
        }
        json_key(w, key);
        json_null(w);
}

void group_verdict_json(struct json_writer *w, const struct group_verdict *v)
{
        enum vfio_verdict_state st = v->vfio.state;
        bool opened = st == VFIO_VERDICT_VIABLE || st == VFIO_VERDICT_NOT_VIABLE;
        json_kv_string(w, "vfio", vfio_group_state_to_string(st));
        kv_maybe_bool(w, "viable", opened, st == VFIO_VERDICT_VIABLE);
        kv_maybe_bool(w, "open", opened || st == VFIO_VERDICT_OPEN, st == VFIO_VERDICT_OPEN);
}
