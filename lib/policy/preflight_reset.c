/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The reset pre-flight: how the kernel can reset the function between guest runs. From the
 * kernel's reset_method (5.15+; a missing file there means no method at all), or before that
 * from config space. The sysfs "reset" file says only that some method exists, a bus reset
 * included: it is never read as "FLR".
 */
#include <stdio.h>
#include <string.h>

#include "macro.h"
#include "pci_class.h"
#include "preflight.h"

/* The devices gnif/vendor-reset supports (its src/device-db.h): AMD Polaris 10/11/12, Vega 10/20,
 * Navi 10/12/14 and Arcturus, all vendor 0x1002. */
static const uint16_t vendor_reset_devices[] = {
        0x67c0, 0x67c1, 0x67c2, 0x67c4, 0x67c7, 0x67d0, 0x67df, 0x67c8, 0x67c9, 0x67ca, 0x67cc, 0x67cf, 0x6fdf, 0x67e0,
        0x67e3, 0x67e8, 0x67eb, 0x67ef, 0x67ff, 0x67e1, 0x67e7, 0x67e9, 0x6980, 0x6981, 0x6985, 0x6986, 0x6987, 0x6995,
        0x6997, 0x699f, 0x6860, 0x6861, 0x6862, 0x6863, 0x6864, 0x6867, 0x6868, 0x6869, 0x686a, 0x686b, 0x686c, 0x686d,
        0x686e, 0x686f, 0x687f, 0x66a0, 0x66a1, 0x66a2, 0x66a3, 0x66a4, 0x66a7, 0x66af, 0x7310, 0x7312, 0x7318, 0x7319,
        0x731a, 0x731b, 0x731e, 0x731f, 0x1681, 0x7340, 0x7341, 0x7347, 0x734f, 0x7360, 0x7362, 0x738c,
};

bool vendor_reset_supports(const struct pci_ids *ids)
{
        if (ids->vendor != 0x1002)
                return false;
        for (size_t i = 0; i < ELEMENTSOF(vendor_reset_devices); i++)
                if (vendor_reset_devices[i] == ids->device)
                        return true;
        return false;
}

struct reset_view {
        char methods[PCI_RESET_METHOD_MAX + 64]; /* what the fact line says it can do */
        bool known;
        bool function_reset;  /* a reset of this function alone */
        bool group_bus_reset; /* a secondary bus reset that touches nothing outside the group */
};

static bool has_word(const char *list, const char *word)
{
        size_t n = strlen(word);
        for (const char *p = list; (p = strstr(p, word)); p += n)
                if ((p == list || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
                        return true;
        return false;
}

/* Any method of the kernel's but the bus ones resets this function alone. */
static bool has_function_method(const char *list)
{
        static const char *const function_methods[] = { "device_specific", "acpi", "flr", "af_flr", "pm" };
        for (size_t i = 0; i < ELEMENTSOF(function_methods); i++)
                if (has_word(list, function_methods[i]))
                        return true;
        return false;
}

static void append(char *buf, size_t size, const char *word)
{
        size_t len = strlen(buf);
        snprintf(buf + len, size - len, "%s%s", len ? " " : "", word);
}

static void view_from_config(const struct pci_preflight *p, struct reset_view *v)
{
        const struct pci_reset_caps *c = &p->reset_caps;
        v->known = c->known;
        if (c->flr)
                append(v->methods, sizeof(v->methods), "flr");
        if (c->af_flr)
                append(v->methods, sizeof(v->methods), "af_flr");
        if (c->pm)
                append(v->methods, sizeof(v->methods), "pm");
        v->function_reset = c->flr || c->af_flr || c->pm;
}

static void reset_view(const struct preflight_check_input *in, struct reset_view *v, const char **ret_source)
{
        const struct pci_preflight *p = in->facts;
        *v = (struct reset_view){ .known = true };
        if (p->reset_method_present) {
                snprintf(v->methods, sizeof(v->methods), "%s", p->reset_method);
                v->function_reset = has_function_method(p->reset_method);
                *ret_source = "the kernel's reset_method";
        } else if (in->machine->has_reset_method_abi == TRISTATE_YES) {
                *ret_source = "the kernel has no reset_method attribute for it";
        } else {
                view_from_config(p, v);
                *ret_source = "config space; the kernel predates reset_method";
        }
        /* VFIO resets a bus for the whole group (hot reset) when nothing else sits on it. */
        v->group_bus_reset = !p->on_root_bus && !p->bus_neighbour[0];
}

static int check_vendor_reset(const struct preflight_check_input *in, struct preflight_function *out)
{
        const struct pci_function *f = in->f;
        if (!vendor_reset_supports(&f->ids))
                return 0;
        const char *methods = in->facts->reset_method;
        if (!in->machine->vendor_reset_loaded)
                return preflight_add(
                        out, "reset", PREFLIGHT_WARNING,
                        "install vendor-reset (github.com/gnif/vendor-reset, DKMS) and load it at boot; then "
                        "a reset-method line in /etc/initbind.conf sets its device_specific method",
                        "%04x:%04x is an AMD GPU that needs vendor-reset's device_specific method to "
                        "reset between guest runs, and the vendor_reset module is not loaded",
                        f->ids.vendor, f->ids.device);
        if (strncmp(methods, "device_specific", strlen("device_specific")) == 0)
                return preflight_add(out, "reset", PREFLIGHT_INFO, NULL,
                                     "vendor-reset is loaded and the kernel tries its device_specific method first");
        char fix[160];
        snprintf(fix, sizeof(fix), "add 'reset-method %s device_specific' to /etc/initbind.conf", f->name);
        return preflight_add(out, "reset", PREFLIGHT_WARNING, fix,
                             "vendor-reset is loaded but the kernel tries %s first, not its device_specific method",
                             methods[0] ? methods : "no method");
}

int preflight_check_reset(const struct preflight_check_input *in, struct preflight_function *out)
{
        const struct pci_function *f = in->f;
        if (pci_function_is_bridge(f))
                return 0;
        struct reset_view v;
        const char *source;
        reset_view(in, &v, &source);
        if (!v.known)
                return preflight_add(out, "reset", PREFLIGHT_INFO, "run as root to read all of config space",
                                     "unknown: config space could not be read to the end of its capability list");

        int r = check_vendor_reset(in, out);
        if (r < 0)
                return r;
        bool gpu = pci_class_base(f->ids.class_code) == PCI_BASE_CLASS_DISPLAY;
        enum preflight_severity severity = gpu ? PREFLIGHT_WARNING : PREFLIGHT_INFO;
        if (v.function_reset || (v.group_bus_reset && has_word(v.methods, "bus")))
                return preflight_add(out, "reset", PREFLIGHT_INFO, NULL, "resets by %s (%s)", v.methods, source);
        if (v.group_bus_reset)
                return preflight_add(out, "reset", PREFLIGHT_INFO, NULL,
                                     "no reset of its own (%s), but a bus reset hits nothing outside IOMMU group %d: "
                                     "VFIO resets the group's bus",
                                     source, f->iommu_group);
        if (in->facts->on_root_bus)
                return preflight_add(out, "reset", severity,
                                     gpu ? "a second guest start may find the GPU in the last guest's state: restart "
                                           "the host between guest runs, or move the card behind a PCIe port of its own"
                                         : NULL,
                                     "no reset method (%s), and on the root bus, so no bus reset either", source);
        return preflight_add(out, "reset", severity,
                             gpu ? "move the card to a slot whose bus it has alone, or pass the other device's group "
                                   "to the same guest"
                                 : NULL,
                             "no reset of its own (%s), and a bus reset would also reset %s, outside IOMMU group %d",
                             source, in->facts->bus_neighbour, f->iommu_group);
}
