/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * `initbind rom ADDRESS`: the images of a function's option ROM, read through sysfs only when no
 * host driver is bound (lib/policy/preflight_rom.c decides), and the ROM finding plan shows for a
 * rom-check line: for a GPU, whether OVMF will find a UEFI driver on it.
 */
#include <stdio.h>

#include "commands.h"
#include "json_writer.h"
#include "log.h"
#include "pci_host.h"
#include "preflight_show.h"

static const char *state_word(enum preflight_rom_state s)
{
        switch (s) {
        case PREFLIGHT_ROM_READ:
                return "read";
        case PREFLIGHT_ROM_ABSENT:
                return "absent";
        case PREFLIGHT_ROM_NOT_READ:
                return "not-read";
        default:
                return "failed";
        }
}

static const char *how_read(const struct preflight_rom *rom)
{
        return rom->switched ? "read through sysfs rom (enabled, read, disabled again)"
                             : "read as the file it is (not sysfs: a fixture machine, no enable or disable write)";
}

static void print_text(const struct pci_host *host, const struct pci_function *f, const struct preflight_rom *rom,
                       const struct preflight *p)
{
        printf("%-16s %s  %04x:%04x  driver: %s\n", "function", f->name, f->ids.vendor, f->ids.device,
               f->driver[0] ? f->driver : "none");
        if (rom->state == PREFLIGHT_ROM_READ) {
                printf("%-16s %zu bytes, %s\n", "ROM", rom->size, how_read(rom));
                for (size_t i = 0; i < rom->n_images; i++) {
                        const struct pci_rom_image *img = &rom->images[i];
                        char image[96], label[24];
                        snprintf(label, sizeof(label), "image %zu", i + 1);
                        printf("%-16s offset 0x%06zx  %04x:%04x  %s%s\n", label, img->offset, img->vendor, img->device,
                               preflight_rom_image_describe(img, image, sizeof(image)),
                               img->last ? "  (last image)" : "");
                }
        }
        preflight_print_text(host, p);
}

static void print_json(const struct pci_host *host, const struct pci_function *f, const struct preflight_rom *rom,
                       const struct preflight *p)
{
        struct json_writer w;
        char hex[8];
        json_init(&w, stdout);
        json_object_begin(&w);
        json_kv_string(&w, "address", f->name);
        json_kv_string(&w, "driver", f->driver[0] ? f->driver : NULL);
        json_key(&w, "rom");
        json_object_begin(&w);
        json_kv_string(&w, "state", state_word(rom->state));
        json_kv_string(&w, "why", rom->why[0] ? rom->why : NULL);
        json_kv_int(&w, "size", (int64_t) rom->size);
        json_kv_bool(&w, "through_sysfs", rom->switched);
        json_key(&w, "images");
        json_array_begin(&w);
        for (size_t i = 0; i < rom->n_images; i++) {
                const struct pci_rom_image *img = &rom->images[i];
                json_object_begin(&w);
                json_kv_int(&w, "offset", (int64_t) img->offset);
                json_kv_int(&w, "length", (int64_t) img->length);
                snprintf(hex, sizeof(hex), "%04x", img->vendor);
                json_kv_string(&w, "vendor", hex);
                snprintf(hex, sizeof(hex), "%04x", img->device);
                json_kv_string(&w, "device", hex);
                json_kv_int(&w, "code_type", img->code_type);
                json_kv_string(&w, "code", pci_rom_code_type_to_string(img->code_type));
                bool efi = img->code_type == PCI_ROM_CODE_EFI;
                json_kv_string(&w, "efi_machine", efi ? pci_rom_efi_machine_to_string(img->efi_machine) : NULL);
                json_kv_string(&w, "efi_subsystem", efi ? pci_rom_efi_subsystem_to_string(img->efi_subsystem) : NULL);
                json_kv_bool(&w, "last", img->last);
                json_object_end(&w);
        }
        json_array_end(&w);
        json_key(&w, "error");
        if (rom->state == PREFLIGHT_ROM_READ && rom->parse_result < 0) {
                json_object_begin(&w);
                json_kv_int(&w, "offset", (int64_t) rom->error.offset);
                json_kv_string(&w, "expected", rom->error.expected);
                json_object_end(&w);
        } else {
                json_null(&w);
        }
        json_object_end(&w);
        preflight_print_json(&w, host, p);
        json_object_end(&w);
        json_finish(&w);
}

int command_rom(const struct initbind_options *opts, const struct pci_address *address)
{
        _cleanup_pci_host_ struct pci_host *host = NULL;
        if (list_scan(opts, &host) < 0)
                return 1;
        char name[PCI_ADDRESS_STRING_MAX];
        const struct pci_function *f = pci_host_find(host, address);
        if (!f) {
                log_error("%s: no such PCI function", pci_address_format(address, name));
                return 1;
        }
        size_t index = pci_host_index(host, f);
        struct preflight_options po = { .rom_functions = address, .n_rom_functions = 1, .only_rom = true };
        _cleanup_preflight_ struct preflight *p = NULL;
        int r = preflight_build(opts->root, host, &index, 1, &po, &p);
        if (r < 0) {
                log_error_errno(r, "cannot read the ROM of %s: %m", f->name);
                return 1;
        }
        const struct preflight_function *ff = preflight_find(p, index);
        const struct preflight_rom *rom = ff ? ff->rom : NULL;
        if (!rom) {
                log_error("%s: its sysfs directory cannot be read", f->name);
                return 1;
        }
        if (opts->json)
                print_json(host, f, rom, p);
        else
                print_text(host, f, rom, p);
        return rom->state == PREFLIGHT_ROM_READ || rom->state == PREFLIGHT_ROM_ABSENT ? 0 : 1;
}
