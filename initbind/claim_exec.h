/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Carry out a claim plan on sysfs: driver_override first, then the vfio modules, then verify every
 * driver link and take back what did not end on vfio-pci. Every write goes through one function
 * that logs it (at debug level), so the order of writes can be read back from the log.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "claim_plan.h"

struct rootdir;

/* What needs the kernel's module loader: injected so tests can stand in for the kernel. */
struct claim_ops {
        /*
         * Load vfio-pci (without its ids: initbind applies them itself) and vfio_iommu_type1.
         * Returns 1 when vfio-pci registered now (so it bound every overridden device), 0 when it
         * was there already (built in or loaded: devices must be bound one by one), or -errno,
         * having logged why.
         */
        int (*load_vfio)(void *userdata);
        /* Load the module of a variant driver (mlx5_vfio_pci, ...): >= 0, or -errno having logged why. */
        int (*load_module)(void *userdata, const char *module);
        /* Called for each claim once no driver is bound to it and before vfio-pci can bind it
         * (F is refreshed by what needs it): the settings that need a driverless device (bar-size). Returns how many
         * of them failed, each logged. */
        size_t (*unbound)(void *userdata, struct pci_function *f);
        /* The driver name to pin a protected host device to (its host driver), or -ENOENT. */
        int (*host_driver)(void *userdata, const struct pci_function *f, char *buf, size_t size);
        void *userdata;
};

enum claim_outcome {
        CLAIM_OUTCOME_PENDING,
        CLAIM_OUTCOME_BOUND,     /* on vfio-pci */
        CLAIM_OUTCOME_PROTECTED, /* a protected host device: not on vfio-pci */
        CLAIM_OUTCOME_FAILED,    /* did not end on vfio-pci; its override was cleared again */
};

struct claim_report {
        enum claim_outcome *outcomes; /* one per plan entry */
        size_t n_bound, n_failed, n_protected;
        size_t n_settings_failed; /* what ops->unbound reported */
        size_t n_groups_usable, n_groups_unusable;
};

/*
 * Execute PLAN. HOST is refreshed (driver, override) as the kernel changes it. Never stops
 * half-way: a failure on one device is logged and the others go on. Returns 0 when every claim
 * ended on vfio-pci, -EIO when some did not (their overrides are cleared), -ENOMEM.
 */
int claim_plan_execute(const struct rootdir *root, struct pci_host *host, const struct claim_plan *plan,
                       const struct claim_ops *ops, struct claim_report *ret);
void claim_report_done(struct claim_report *report);

/*
 * Give one function back to the host: clear its override, unbind it from vfio-pci and let the
 * kernel probe it again, so its host driver takes it without a reboot. F is refreshed.
 */
int claim_release_function(const struct rootdir *root, struct pci_function *f);

/*
 * Whether BAR of F can be resized to BYTES now: its resourceN_resize (6.1+) lists the sizes the
 * device supports (bit n: 2^n MB). 0, or -ENOENT (no such attribute: an older kernel, or a BAR
 * without the capability), -EOPNOTSUPP (a size it does not support; WHY lists those it does),
 * another -errno; WHY says it in words for every error.
 */
int claim_bar_size_check(const struct rootdir *root, const struct pci_function *f, unsigned bar, uint64_t bytes,
                         char *why, size_t size);
/* Resize BAR of F to BYTES (writes log2 of the size in MB to resourceN_resize, which the kernel
 * takes only while no driver is bound: F's driver is read again first); ORIGIN ("/etc/initbind.conf:3") names the line in every
 * message. 0 or -errno, logged. */
int claim_resize_bar(const struct rootdir *root, struct pci_function *f, unsigned bar, uint64_t bytes,
                     const char *origin);

/* Write METHODS (space-separated kernel names) into F's reset_method, as a reset-method line of the
 * configuration asks; logged here. 0 or -errno (-ENOENT: a kernel before 5.15, or no method). */
int claim_set_reset_method(const struct rootdir *root, const struct pci_function *f, const char *methods);
