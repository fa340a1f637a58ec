/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The pre-flight: what will go wrong with a function once a guest has it, as data. Each finding
 * has a kind (what it is about: "reset", "bar", ...), a severity, the fact and the fix; a check
 * is a function adding findings for one function, and the checks are one table in preflight.c,
 * so a new kind is a new check file and one line there. initbind's plan, status and list and
 * cmdlinegen's readiness section show the same findings.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "claim_plan.h"
#include "macro.h"
#include "pci_host.h"
#include "pci_preflight.h"
#include "pci_rom.h"

struct rootdir;

enum preflight_severity {
        PREFLIGHT_INFO,    /* a fact worth knowing: how it resets, its BAR sizes */
        PREFLIGHT_WARNING, /* what will go wrong, with the fix */
};

#define PREFLIGHT_TEXT_MAX 400

struct preflight_finding {
        const char *kind; /* a static string: "reset", "bar", "framebuffer", ... */
        enum preflight_severity severity;
        char fact[PREFLIGHT_TEXT_MAX];
        char fix[PREFLIGHT_TEXT_MAX]; /* "" when there is nothing to do */
};

struct preflight_rom;

struct preflight_function {
        size_t function; /* index into pci_host.functions */
        struct preflight_finding *findings;
        size_t n_findings;
        struct preflight_rom *rom; /* what its ROM holds, when it was asked for; else NULL */
};

struct preflight {
        struct preflight_function *functions; /* in the order asked for */
        size_t n_functions;
};

/* The option ROM of one function, when it was asked for (preflight_rom.c). */
enum preflight_rom_state {
        PREFLIGHT_ROM_READ,     /* read and parsed (images, and the parse error if any) */
        PREFLIGHT_ROM_ABSENT,   /* no "rom" attribute: no expansion ROM the kernel knows of */
        PREFLIGHT_ROM_NOT_READ, /* not safe to read now: why */
        PREFLIGHT_ROM_FAILED,   /* the kernel or the file refused: why */
};

struct preflight_rom {
        enum preflight_rom_state state;
        char why[200];
        size_t size;   /* bytes read */
        bool switched; /* through sysfs (enable, read, disable); false: a fixture's file as it is */
        struct pci_rom_image images[PCI_ROM_IMAGES_MAX];
        size_t n_images;
        int parse_result;         /* pci_rom_parse(): the number of images, or -EBADMSG */
        struct parse_error error; /* of a -EBADMSG */
};

/*
 * Read F's ROM when that is safe: no driver bound, or vfio-pci (or a variant) bound while VFIO
 * says nobody holds the group (a running guest might be using a BAR that shares the ROM's address
 * decoder). Never with a host driver bound: it owns the device's BARs. Fills RET with the images
 * or why it was not read; returns 0, or -ENOMEM.
 */
int preflight_rom_read(const struct rootdir *root, const struct pci_function *f, struct preflight_rom *ret);

/* "UEFI (x64, boot service driver), 32 KB": one image as the ROM finding and initbind rom name it. */
const char *preflight_rom_image_describe(const struct pci_rom_image *img, char *buf, size_t size);
/* The ROM holds a UEFI image. */
bool preflight_rom_has_efi(const struct preflight_rom *rom);

/* What a check sees of one function. */
struct preflight_check_input {
        const struct pci_host *host;
        const struct pci_function *f;
        const struct pci_preflight *facts;
        const struct preflight_host *machine;
        const struct preflight_rom *rom; /* NULL: its ROM was not asked for */
};

/* What a pre-flight reads beyond the read-only facts. NULL options: nothing more. */
struct preflight_options {
        /* Read the option ROM of these functions (rom-check lines, initbind rom): the only writes a
         * pre-flight makes, to the "rom" attribute, which is switched off again. */
        const struct pci_address *rom_functions;
        size_t n_rom_functions;
        bool only_rom; /* the ROM check alone (initbind rom) */
};

/* "256 MB", "16 GB", "4 KB" (sizes of BARs and ROMs are powers of two; others in the largest
 * unit that divides them). */
#define PREFLIGHT_SIZE_MAX 24
const char *preflight_format_size(uint64_t bytes, char buf[PREFLIGHT_SIZE_MAX]);

/* Add a finding; FIX may be NULL. 0 or -ENOMEM. */
int preflight_add(struct preflight_function *ff, const char *kind, enum preflight_severity severity, const char *fix,
                  const char *fact_format, ...) _printf_(5, 6);

/* Run every check on the N functions (indices into HOST) of FUNCTIONS. A function whose facts
 * cannot be read (it is gone) gets no findings. 0 or -ENOMEM. */
int preflight_build(const struct rootdir *root, const struct pci_host *host, const size_t *functions, size_t n,
                    const struct preflight_options *opts, struct preflight **ret);
/* The same for every function PLAN claims or finds claimed already. */
int preflight_build_for_plan(const struct rootdir *root, const struct pci_host *host, const struct claim_plan *plan,
                             const struct preflight_options *opts, struct preflight **ret);
struct preflight *preflight_free(struct preflight *p);
static inline void preflight_freep(struct preflight **p)
{
        if (*p)
                preflight_free(*p);
}
#define _cleanup_preflight_ __attribute__((cleanup(preflight_freep)))

/* The findings of one function, NULL when it was not checked. */
const struct preflight_function *preflight_find(const struct preflight *p, size_t function);
size_t preflight_count(const struct preflight *p, enum preflight_severity severity);
const char *preflight_severity_to_string(enum preflight_severity s);

/* A device gnif/vendor-reset supports (its device list, as a fact table). */
bool vendor_reset_supports(const struct pci_ids *ids);

/* The checks (one file each). */
int preflight_check_reset(const struct preflight_check_input *in, struct preflight_function *out);
int preflight_check_bars(const struct preflight_check_input *in, struct preflight_function *out);
int preflight_check_rom(const struct preflight_check_input *in, struct preflight_function *out);
