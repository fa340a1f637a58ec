/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The option ROM pre-flight, only for the functions asked for (initbind rom, rom-check lines):
 * reading a ROM switches it on through sysfs, which is a write, and maps the ROM BAR. What it
 * answers: which images the ROM holds, and for a display device whether one is a UEFI image,
 * without which OVMF shows nothing on the GPU until the guest's own driver loads.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "group_viability.h"
#include "log.h"
#include "macro.h"
#include "pci_class.h"
#include "pci_rom_read.h"
#include "preflight.h"
#include "vfio_group.h"

#define ROM_FIX                                                                                                        \
        "give the guest a ROM file with a UEFI image (from the card's vendor, or read from a card of the same "        \
        "model that has one): <rom file='/path/card.rom'/> in the <hostdev> of the libvirt domain, or "                \
        "romfile=/path/card.rom on QEMU's -device vfio-pci; a SeaBIOS (legacy BIOS) guest needs none"

const char *preflight_rom_image_describe(const struct pci_rom_image *img, char *buf, size_t size)
{
        char s[PREFLIGHT_SIZE_MAX];
        const char *machine = pci_rom_efi_machine_to_string(img->efi_machine);
        const char *subsystem = pci_rom_efi_subsystem_to_string(img->efi_subsystem);
        if (img->code_type != PCI_ROM_CODE_EFI)
                snprintf(buf, size, "%s, %s", pci_rom_code_type_to_string(img->code_type),
                         preflight_format_size(img->length, s));
        else
                snprintf(buf, size, "UEFI (%s%s%s), %s", machine ? machine : "machine type ?", subsystem ? ", " : "",
                         subsystem ? subsystem : "", preflight_format_size(img->length, s));
        return buf;
}

bool preflight_rom_has_efi(const struct preflight_rom *rom)
{
        for (size_t i = 0; rom->state == PREFLIGHT_ROM_READ && i < rom->n_images; i++)
                if (rom->images[i].code_type == PCI_ROM_CODE_EFI)
                        return true;
        return false;
}

/* Why it is not safe to read F's ROM now into WHY, or false when it is. */
static bool unsafe_now(const struct rootdir *root, const struct pci_function *f, char *why, size_t size)
{
        if (!f->driver[0])
                return false;
        if (!driver_is_vfio_pci(f->driver)) {
                snprintf(why, size,
                         "not read: %s is bound, a host driver that owns its BARs (the ROM is read only while no "
                         "driver or vfio-pci is bound)",
                         f->driver);
                return true;
        }
        struct vfio_verdict v = { .state = VFIO_VERDICT_NOT_CHECKED };
        if (f->iommu_group >= 0)
                vfio_group_check(root, f->iommu_group, &v);
        if (v.state == VFIO_VERDICT_VIABLE || v.state == VFIO_VERDICT_NOT_VIABLE)
                return false;
        snprintf(why, size,
                 "not read: on %s, and VFIO cannot tell that no guest holds IOMMU group %d (%s); a running "
                 "guest may be using a BAR that shares the ROM's address decoder",
                 f->driver, f->iommu_group, vfio_group_state_explain(v.state));
        return true;
}

static const char *read_error_text(int r)
{
        switch (r) {
        case -EIO:
                return "the kernel found no ROM behind its ROM BAR (no 55 aa signature) or could not map it";
        case -EINVAL:
                return "the kernel did not enable it for reading";
        case -EACCES:
        case -EPERM:
                return "only root can read it";
        default:
                return strerror(-r);
        }
}

int preflight_rom_read(const struct rootdir *root, const struct pci_function *f, struct preflight_rom *ret)
{
        *ret = (struct preflight_rom){ .state = PREFLIGHT_ROM_NOT_READ };
        /* The driver bound now, from sysfs: the host model may be a view of the next boot (plan
         * --next-boot takes a module's driver as unbound), never a reason to read under it. */
        struct pci_function now = *f;
        int r = pci_function_refresh_binding(root, &now);
        if (r < 0) {
                snprintf(ret->why, sizeof(ret->why), "not read: its driver cannot be read: %s", strerror(-r));
                return 0;
        }
        if (unsafe_now(root, &now, ret->why, sizeof(ret->why)))
                return 0;

        struct pci_rom_bytes bytes;
        r = pci_rom_read(root, f, &bytes);
        _cleanup_free_ uint8_t *data = bytes.data;
        if (r == -ENOMEM)
                return r;
        ret->switched = bytes.switched;
        if (r < 0) {
                ret->state = PREFLIGHT_ROM_FAILED;
                snprintf(ret->why, sizeof(ret->why), "cannot read rom: %s", read_error_text(r));
                return 0;
        }
        if (!bytes.present) {
                ret->state = PREFLIGHT_ROM_ABSENT;
                return 0;
        }
        ret->size = bytes.size;
        if (bytes.size == 0) {
                ret->state = PREFLIGHT_ROM_FAILED;
                snprintf(ret->why, sizeof(ret->why), "its rom reads empty");
                return 0;
        }
        ret->state = PREFLIGHT_ROM_READ;
        ret->parse_result = pci_rom_parse(data, bytes.size, ret->images, &ret->n_images, &ret->error);
        return 0;
}

/* "ROM of 64 KB: x86 BIOS, 32 KB; UEFI (x64, boot service driver), 32 KB" and where it stopped. */
static void describe_rom(const struct preflight_rom *rom, char *buf, size_t size)
{
        char s[PREFLIGHT_SIZE_MAX];
        size_t len = (size_t) snprintf(buf, size, "ROM of %s%s", preflight_format_size(rom->size, s),
                                       rom->n_images ? ": " : "");
        for (size_t i = 0; i < rom->n_images && len < size; i++) {
                char image[96];
                len += (size_t) snprintf(buf + len, size - len, "%s%s", i ? "; " : "",
                                         preflight_rom_image_describe(&rom->images[i], image, sizeof(image)));
        }
        if (rom->parse_result < 0 && len < size)
                snprintf(buf + len, size - len, "%sunreadable from byte %zu on (expected %s)",
                         rom->n_images ? "; " : ": ", rom->error.offset,
                         rom->error.expected ? rom->error.expected : "an image");
}

int preflight_check_rom(const struct preflight_check_input *in, struct preflight_function *out)
{
        const struct preflight_rom *rom = in->rom;
        if (!rom)
                return 0;
        bool display = pci_class_base(in->f->ids.class_code) == PCI_BASE_CLASS_DISPLAY;
        enum preflight_severity severity = display ? PREFLIGHT_WARNING : PREFLIGHT_INFO;
        char fix[PREFLIGHT_TEXT_MAX];
        switch (rom->state) {
        case PREFLIGHT_ROM_NOT_READ:
                snprintf(fix, sizeof(fix), "run 'initbind rom %s' while it is unbound or on vfio-pci and no guest runs",
                         in->f->name);
                return preflight_add(out, "rom", PREFLIGHT_INFO, fix, "%s", rom->why);
        case PREFLIGHT_ROM_FAILED:
                return preflight_add(out, "rom", severity, display ? ROM_FIX : NULL, "%s%s", rom->why,
                                     display ? ": whether OVMF can show anything on it is unknown" : "");
        case PREFLIGHT_ROM_ABSENT:
                return preflight_add(out, "rom", severity, display ? ROM_FIX : NULL,
                                     "no option ROM (no sysfs rom attribute)%s",
                                     display ? ": OVMF finds no UEFI driver for it and shows nothing on it until "
                                               "the guest's own driver loads"
                                             : "");
        case PREFLIGHT_ROM_READ:
                break;
        }
        char text[PREFLIGHT_TEXT_MAX];
        describe_rom(rom, text, sizeof(text));
        bool efi = preflight_rom_has_efi(rom);
        if (!display || efi)
                return preflight_add(out, "rom", rom->parse_result < 0 ? severity : PREFLIGHT_INFO, NULL, "%s", text);
        return preflight_add(out, "rom", PREFLIGHT_WARNING, ROM_FIX,
                             "%s: no UEFI image, so OVMF shows nothing on it until the guest's own driver loads "
                             "(a black screen at boot)",
                             text);
}
