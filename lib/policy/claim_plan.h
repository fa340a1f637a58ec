/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Plan, then act: from the host model and the claim requests (config lines, initbind.claim=,
 * vfio-pci.ids=, a runtime `initbind claim`), decide which functions get vfio-pci's override,
 * which identical host devices are protected, what is refused and why, and whether each touched
 * IOMMU group ends usable. Pure: it reads only the model, writes nothing, so tests assert on it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "pci_host.h"

#define CLAIM_ORIGIN_MAX 80
#define CLAIM_MESSAGE_MAX 320

enum claim_request_kind {
        CLAIM_REQUEST_CONFIG,   /* a claim line of /etc/initbind.conf */
        CLAIM_REQUEST_CMDLINE,  /* initbind.claim=ADDR on the kernel command line */
        CLAIM_REQUEST_VFIO_IDS, /* an entry of vfio-pci.ids=: vfio-pci itself would take these */
        CLAIM_REQUEST_RUNTIME,  /* `initbind claim ADDR` */
};

struct claim_request {
        enum claim_request_kind kind;
        struct config_claim claim;     /* selector, expect=, allow= */
        char origin[CLAIM_ORIGIN_MAX]; /* "/etc/initbind.conf:7", "initbind.claim=", ... */
};

/* Who asks: it decides the wording of refusals and whether a claim by address is consent to unbind. */
enum claim_context {
        CLAIM_CONTEXT_BOOT,    /* the initramfs: a bound driver is built in or was loaded early */
        CLAIM_CONTEXT_COMMAND, /* `initbind claim`: refusals name the command's options (--allow unbind) */
        CLAIM_CONTEXT_HOTPLUG, /* a function that appeared after boot: a host driver may have bound it
                                * inside the rescan, before udev ran initbind; a claim by address takes
                                * it back (the config's claim is the consent) */
};

struct claim_input {
        enum claim_context context;
        const struct claim_request *requests;
        size_t n_requests;
        const struct config_keep *keeps;
        size_t n_keeps;
};

enum plan_action {
        PLAN_CLAIM,           /* write vfio-pci into driver_override (and unbind first if allowed) */
        PLAN_ALREADY_CLAIMED, /* bound to vfio-pci already: nothing to write */
        PLAN_PROTECT,         /* a host device vfio-pci.ids would take: pin its override to its host driver */
        PLAN_RETURN_TO_HOST,  /* a protected device vfio-pci took before us (built-in vfio-pci): give it back */
};

struct plan_entry {
        size_t function; /* index into pci_host.functions */
        enum plan_action action;
        bool companion;    /* claimed to complete its IOMMU group, not named itself */
        bool unbind_first; /* bound to another driver, and allow=unbind says take it */
        unsigned allow;    /* CONFIG_ALLOW_* that applied */
        /* The VFIO driver for driver_override: vfio-pci, or a variant driver a caller with the
         * modules at hand chose (claim_plan_build() writes vfio-pci; ALREADY_CLAIMED: the bound one). */
        char driver[PCI_DRIVER_NAME_MAX];
        bool plain_vfio;                            /* variant=none: never a variant driver */
        char declined_variant[PCI_DRIVER_NAME_MAX]; /* the variant variant=none turned down, for the plan */
        struct config_owner owner; /* user=/group= for the group's /dev/vfio node; empty when not given */
        char origin[CLAIM_ORIGIN_MAX];
        char why[CLAIM_MESSAGE_MAX]; /* a sentence for the log and `initbind plan` */
};

struct plan_refusal {
        ssize_t function; /* -1 when the selector matched nothing */
        bool is_error;    /* false for what is by design (the console GPU an ID also matches) */
        char origin[CLAIM_ORIGIN_MAX];
        char message[CLAIM_MESSAGE_MAX];
};

struct plan_group {
        int number;
        bool usable;     /* after the plan is carried out */
        ssize_t blocker; /* the member that keeps it unusable, -1 if none */
        char message[CLAIM_MESSAGE_MAX];
};

struct claim_plan {
        struct plan_entry *entries; /* in address order; PROTECT entries too */
        size_t n_entries;
        struct plan_refusal *refusals;
        size_t n_refusals;
        struct plan_group *groups; /* every group a claim touched */
        size_t n_groups;
        bool needs_vfio; /* vfio-pci must be loaded (claims, or ids to neutralize) */
        enum claim_context context;
};

int claim_plan_build(const struct pci_host *host, const struct claim_input *input, struct claim_plan **ret);
struct claim_plan *claim_plan_free(struct claim_plan *plan);
static inline void claim_plan_freep(struct claim_plan **p) { claim_plan_free(*p); }
#define _cleanup_claim_plan_ _cleanup_(claim_plan_freep)

const struct plan_entry *claim_plan_find(const struct claim_plan *plan, size_t function);
size_t claim_plan_count(const struct claim_plan *plan, enum plan_action action);
const char *plan_action_to_string(enum plan_action a);
