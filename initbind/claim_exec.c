/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "claim_exec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "config.h"
#include "fileio.h"
#include "group_verdict.h"
#include "group_viability.h"
#include "log.h"
#include "macro.h"
#include "preflight.h"
#include "rootdir.h"

#define VFIO_PCI_DRIVER "vfio-pci"
#define VFIO_PCI_SYSFS "/sys/bus/pci/drivers/" VFIO_PCI_DRIVER

/*
 * Every sysfs write of the executor, logged here so the order of writes can be read back from the
 * log. DIR is resolved below the root; the attribute itself is written by write_attr_at().
 */
static int sysfs_write(const struct rootdir *root, const char *dir, const char *attr, const char *value)
{
        size_t len = strlen(value);
        if (streq(value, "\n"))
                log_debug("write %s/%s: \\n (clears it)", dir, attr);
        else
                log_debug("write %s/%s: %.*s", dir, attr, (int) (len && value[len - 1] == '\n' ? len - 1 : len), value);

        _cleanup_close_ int dirfd = rootdir_open_dir(root, dir);
        if (dirfd < 0)
                return dirfd;
        return write_attr_at(dirfd, attr, value);
}

static int write_device_attr(const struct rootdir *root, const struct pci_function *f, const char *attr,
                             const char *value)
{
        char dir[64];
        snprintf(dir, sizeof(dir), "/sys/bus/pci/devices/%s", f->name);
        return sysfs_write(root, dir, attr, value);
}

int claim_set_reset_method(const struct rootdir *root, const struct pci_function *f, const char *methods)
{
        char value[CONFIG_RESET_METHODS_MAX + 2];
        snprintf(value, sizeof(value), "%s\n", methods);
        int r = write_device_attr(root, f, "reset_method", value);
        if (r == -ENOENT)
                return log_warning_errno(r,
                                         "%s: cannot set reset_method to '%s': the kernel has no reset_method for "
                                         "it (before 5.15, or no reset method at all)",
                                         f->name, methods);
        if (r < 0)
                return log_warning_errno(r,
                                         "%s: cannot set reset_method to '%s': %m (a method the device lacks, "
                                         "or vendor-reset not loaded for device_specific)",
                                         f->name, methods);
        log_info("%s: reset_method set to '%s'", f->name, methods);
        return 0;
}

static int write_override(const struct rootdir *root, const struct pci_function *f, const char *driver)
{
        /* Clearing takes "\n": an empty write leaves the override as it was. */
        char value[PCI_DRIVER_NAME_MAX + 2];
        snprintf(value, sizeof(value), "%s\n", driver ? driver : "");
        return write_device_attr(root, f, "driver_override", value);
}

/* Write F's address to DIR/ATTR: bind, unbind, drivers_probe. */
static int write_address_to(const struct rootdir *root, const char *dir, const char *attr, const struct pci_function *f)
{
        char value[PCI_ADDRESS_STRING_MAX + 1];
        snprintf(value, sizeof(value), "%s\n", f->name);
        return sysfs_write(root, dir, attr, value);
}

/* vfio-pci or the variant driver the plan chose: either serves the guest. */
static bool on_vfio(const struct pci_function *f) { return driver_is_vfio_pci(f->driver); }

static void refresh(const struct rootdir *root, struct pci_function *f)
{
        int r = pci_function_refresh_binding(root, f);
        if (r < 0)
                log_warning_errno(r, "%s: cannot read its driver back: %m", f->name);
}

int claim_bar_size_check(const struct rootdir *root, const struct pci_function *f, unsigned bar, uint64_t bytes,
                         char *why, size_t size)
{
        char dir[64], attr[32], text[32], s[PREFLIGHT_SIZE_MAX];
        snprintf(dir, sizeof(dir), "/sys/bus/pci/devices/%s", f->name);
        snprintf(attr, sizeof(attr), "resource%u_resize", bar);
        _cleanup_close_ int dirfd = rootdir_open_dir(root, dir);
        int r = dirfd < 0 ? dirfd : read_attr_at(dirfd, attr, text, sizeof(text));
        if (r == -ENOENT) {
                snprintf(why, size, "the kernel has no %s (before 6.1, or BAR %u is not resizable)", attr, bar);
                return r;
        }
        if (r < 0) {
                snprintf(why, size, "cannot read %s: %s", attr, strerror(-r));
                return r;
        }
        char *end;
        errno = 0;
        unsigned long long mask = strtoull(text, &end, 16);
        if (errno || end == text || *end) {
                snprintf(why, size, "%s holds '%s', not a hexadecimal bitmask", attr, text);
                return -EBADMSG;
        }
        unsigned exponent = (unsigned) __builtin_ctzll(bytes) - 20;
        if (exponent < 64 && (mask >> exponent) & 1)
                return 0;
        size_t len = (size_t) snprintf(why, size, "BAR %u supports only ", bar);
        bool any = false;
        for (unsigned i = 0; i < 64 && len < size; i++)
                if ((mask >> i) & 1 && i + 20 < 64) {
                        len += (size_t) snprintf(why + len, size - len, "%s%s", any ? ", " : "",
                                                 preflight_format_size(1ull << (i + 20), s));
                        any = true;
                }
        if (len < size)
                snprintf(why + len, size - len, "%s (%s %s)", any ? "" : "no size", attr, text);
        return -EOPNOTSUPP;
}

int claim_resize_bar(const struct rootdir *root, struct pci_function *f, unsigned bar, uint64_t bytes,
                     const char *origin)
{
        char why[256], s[PREFLIGHT_SIZE_MAX];
        preflight_format_size(bytes, s);
        refresh(root, f); /* the kernel's word on "no driver", not the plan's */
        if (f->driver[0])
                return log_error_errno(-EBUSY,
                                       "%s: %s: BAR %u not resized to %s: %s is bound (the kernel resizes "
                                       "only while no driver is)",
                                       origin, f->name, bar, s, f->driver);
        int r = claim_bar_size_check(root, f, bar, bytes, why, sizeof(why));
        if (r < 0)
                return log_error_errno(r, "%s: %s: BAR %u cannot be resized to %s: %s", origin, f->name, bar, s, why);
        char attr[32], value[16];
        snprintf(attr, sizeof(attr), "resource%u_resize", bar);
        /* The kernel takes the size as the capability encodes it: log2 of the size in MB. */
        snprintf(value, sizeof(value), "%u\n", (unsigned) __builtin_ctzll(bytes) - 20);
        r = write_device_attr(root, f, attr, value);
        if (r < 0)
                return log_error_errno(r, "%s: %s: BAR %u not resized to %s: %m (writing %s)", origin, f->name, bar, s,
                                       attr);
        log_notice("%s: BAR %u resized to %s (%s)", f->name, bar, s, origin);
        return 0;
}

/*
 * Take back an override that did not lead to vfio-pci, and let the host driver have the device.
 * Only what is there is taken back: a failed write changed nothing, and a function that is gone
 * has nothing left to restore; an override that cannot be read is cleared, to be sure.
 */
static void roll_back(const struct rootdir *root, struct pci_function *f, bool was_unbound)
{
        int r = pci_function_refresh_binding(root, f);
        if (r == -ENOENT) {
                log_warning("%s is gone (removed from the system): nothing to take back", f->name);
                return;
        }
        if (r < 0 || driver_is_vfio_pci(f->driver_override))
                r = write_override(root, f, NULL);
        if (r < 0)
                log_error_errno(
                        r, "%s: cannot clear driver_override again: %m; it stays reserved for vfio-pci until reboot",
                        f->name);
        if (was_unbound) /* we took it off its driver: offer it back (DPDK's devbind does the same) */
                (void) write_address_to(root, "/sys/bus/pci", "drivers_probe", f);
        refresh(root, f);
}

int claim_release_function(const struct rootdir *root, struct pci_function *f)
{
        int r = write_override(root, f, NULL);
        if (r < 0)
                return r;
        if (on_vfio(f)) {
                char dir[64];
                snprintf(dir, sizeof(dir), "/sys/bus/pci/devices/%s/driver", f->name);
                r = write_address_to(root, dir, "unbind", f);
                if (r < 0)
                        return r;
        }
        (void) write_address_to(root, "/sys/bus/pci", "drivers_probe", f);
        return pci_function_refresh_binding(root, f);
}

static void claim_overrides(const struct rootdir *root, struct pci_host *host, const struct claim_plan *plan,
                            struct claim_report *report)
{
        for (size_t i = 0; i < plan->n_entries; i++) {
                const struct plan_entry *e = &plan->entries[i];
                struct pci_function *f = &host->functions[e->function];
                if (e->action == PLAN_ALREADY_CLAIMED) {
                        report->outcomes[i] = CLAIM_OUTCOME_BOUND;
                        log_info("%s is on vfio-pci already (%s)", f->name, e->why);
                        continue;
                }
                if (e->action != PLAN_CLAIM)
                        continue;
                int r = write_override(root, f, e->driver);
                if (r < 0) {
                        log_error_errno(r, "%s: cannot write driver_override: %m; not claimed", f->name);
                        report->outcomes[i] = CLAIM_OUTCOME_FAILED;
                        /* A failed write may still have changed it (a short write): make sure. */
                        roll_back(root, f, false);
                        continue;
                }
                if (streq(e->driver, VFIO_PCI_DRIVER))
                        log_info("%s reserved for vfio-pci (%s)", f->name, e->why);
                else
                        log_info("%s reserved for vfio-pci variant %s (%s)", f->name, e->driver, e->why);
        }
}

static void protect_host_devices(const struct rootdir *root, struct pci_host *host, const struct claim_plan *plan,
                                 const struct claim_ops *ops, struct claim_report *report)
{
        for (size_t i = 0; i < plan->n_entries; i++) {
                const struct plan_entry *e = &plan->entries[i];
                struct pci_function *f = &host->functions[e->function];
                if (e->action != PLAN_PROTECT && e->action != PLAN_RETURN_TO_HOST)
                        continue;
                report->outcomes[i] = CLAIM_OUTCOME_PROTECTED;

                char driver[PCI_DRIVER_NAME_MAX];
                bool pinned = ops->host_driver && ops->host_driver(ops->userdata, f, driver, sizeof(driver)) >= 0 &&
                              write_override(root, f, driver) >= 0;
                if (pinned)
                        log_notice("%s kept for the host: %s; driver_override pinned to %s", f->name, e->why, driver);
                else
                        log_notice("%s kept for the host: %s; vfio-pci is loaded without its ids, so it cannot take it",
                                   f->name, e->why);

                if (e->action == PLAN_RETURN_TO_HOST) {
                        int r = write_address_to(root, VFIO_PCI_SYSFS, "unbind", f);
                        if (r < 0)
                                log_error_errno(r, "%s: cannot unbind it from vfio-pci: %m", f->name);
                        if (!pinned)
                                (void) write_override(root, f, NULL);
                        (void) write_address_to(root, "/sys/bus/pci", "drivers_probe", f);
                        refresh(root, f);
                }
        }
}

/* The function of plan entry I when it is a claim still under way, else NULL. */
static struct pci_function *pending_claim(struct pci_host *host, const struct claim_plan *plan,
                                          const struct claim_report *report, size_t i)
{
        const struct plan_entry *e = &plan->entries[i];
        if (e->action != PLAN_CLAIM || report->outcomes[i] != CLAIM_OUTCOME_PENDING)
                return NULL;
        return &host->functions[e->function];
}

/* What allowed taking a device from its driver, in the words of whoever asked. */
static const char *unbind_consent(const struct claim_plan *plan)
{
        switch (plan->context) {
        case CLAIM_CONTEXT_COMMAND:
                return "--allow unbind";
        case CLAIM_CONTEXT_HOTPLUG:
                return "the config claims it: a claim by address, or allow=unbind";
        default:
                return "allow=unbind";
        }
}

static void unbind_allowed(const struct rootdir *root, struct pci_host *host, const struct claim_plan *plan,
                           struct claim_report *report)
{
        for (size_t i = 0; i < plan->n_entries; i++) {
                struct pci_function *f = pending_claim(host, plan, report, i);
                if (!f || !plan->entries[i].unbind_first)
                        continue;
                char driver[PCI_DRIVER_NAME_MAX];
                snprintf(driver, sizeof(driver), "%s", f->driver);
                char dir[64];
                snprintf(dir, sizeof(dir), "/sys/bus/pci/devices/%s/driver", f->name);
                int r = write_address_to(root, dir, "unbind", f);
                if (r < 0 && r != -ENOENT) {
                        log_error_errno(r, "%s: cannot unbind it from %s: %m; not claimed", f->name, driver);
                        report->outcomes[i] = CLAIM_OUTCOME_FAILED;
                        roll_back(root, f, false);
                        continue;
                }
                log_notice("%s unbound from %s (%s)", f->name, driver, unbind_consent(plan));
        }
}

/* vfio-pci binds overridden devices as it registers; one already there needs each one bound. */
static void bind_remaining(const struct rootdir *root, struct pci_host *host, const struct claim_plan *plan,
                           struct claim_report *report)
{
        for (size_t i = 0; i < plan->n_entries; i++) {
                struct pci_function *f = pending_claim(host, plan, report, i);
                if (!f)
                        continue;
                refresh(root, f);
                if (on_vfio(f) || f->driver[0])
                        continue;
                /* bind, unlike drivers_probe, returns the probe's error: EINVAL, EBUSY, ENODEV. */
                const char *driver = f->driver_override[0] ? f->driver_override : VFIO_PCI_DRIVER;
                char dir[PCI_DRIVER_NAME_MAX + 32];
                snprintf(dir, sizeof(dir), "/sys/bus/pci/drivers/%s", driver);
                int r = write_address_to(root, dir, "bind", f);
                if (r < 0)
                        log_error_errno(r, "%s: %s refused it: %m", f->name, driver);
        }
}

/*
 * Each variant driver's module, once, after vfio-pci (whose core they use): it binds the devices
 * overridden to it as it registers. Where it cannot load, its devices get plain vfio-pci.
 */
static void load_variants(const struct rootdir *root, struct pci_host *host, const struct claim_plan *plan,
                          const struct claim_ops *ops, struct claim_report *report)
{
        for (size_t i = 0; i < plan->n_entries; i++) {
                struct pci_function *f = pending_claim(host, plan, report, i);
                const char *variant = plan->entries[i].driver;
                if (!f || streq(variant, VFIO_PCI_DRIVER))
                        continue;
                bool first = true;
                for (size_t j = 0; j < i && first; j++)
                        first = !pending_claim(host, plan, report, j) || !streq(plan->entries[j].driver, variant);
                if (!first)
                        continue;
                int r = ops->load_module ? ops->load_module(ops->userdata, variant) : -EOPNOTSUPP;
                if (r >= 0)
                        continue;
                for (size_t j = i; j < plan->n_entries; j++) {
                        struct pci_function *g = pending_claim(host, plan, report, j);
                        if (!g || !streq(plan->entries[j].driver, variant))
                                continue;
                        log_warning("%s: %s cannot be loaded; claimed with plain vfio-pci instead", g->name, variant);
                        (void) write_override(root, g, VFIO_PCI_DRIVER);
                }
        }
}

static void verify(const struct rootdir *root, struct pci_host *host, const struct claim_plan *plan,
                   struct claim_report *report)
{
        for (size_t i = 0; i < plan->n_entries; i++) {
                struct pci_function *f = pending_claim(host, plan, report, i);
                if (!f)
                        continue;
                refresh(root, f);
                if (on_vfio(f)) {
                        report->outcomes[i] = CLAIM_OUTCOME_BOUND;
                        log_notice("%s claimed: bound to %s", f->name, f->driver);
                        continue;
                }
                report->outcomes[i] = CLAIM_OUTCOME_FAILED;
                log_error("%s did not bind to %s (driver now: %s); its driver_override is cleared again", f->name,
                          f->driver_override[0] ? f->driver_override : plan->entries[i].driver,
                          f->driver[0] ? f->driver : "none");
                roll_back(root, f, plan->entries[i].unbind_first);
        }
}

/*
 * A group where one claim failed cannot be used as planned: give back the rest of it too, as the
 * planner leaves alone a group it cannot complete, unless allow=partial-group said otherwise.
 * Run before vfio-pci loads (an override that could not be written: the rest of the group is
 * taken back before it ever binds) and after the binding is verified (then bound ones are
 * released).
 */
static void release_incomplete_groups(const struct rootdir *root, struct pci_host *host, const struct claim_plan *plan,
                                      struct claim_report *report)
{
        for (size_t i = 0; i < plan->n_entries; i++) {
                const struct plan_entry *failed = &plan->entries[i];
                if (report->outcomes[i] != CLAIM_OUTCOME_FAILED || (failed->allow & CONFIG_ALLOW_PARTIAL_GROUP))
                        continue;
                int group = host->functions[failed->function].iommu_group;
                for (size_t j = 0; j < plan->n_entries; j++) {
                        const struct plan_entry *e = &plan->entries[j];
                        struct pci_function *f = &host->functions[e->function];
                        if (f->iommu_group != group || e->action != PLAN_CLAIM ||
                            (report->outcomes[j] != CLAIM_OUTCOME_BOUND &&
                             report->outcomes[j] != CLAIM_OUTCOME_PENDING))
                                continue;
                        log_error("%s given back: %s in its IOMMU group %d was not claimed", f->name,
                                  host->functions[failed->function].name, group);
                        if (report->outcomes[j] == CLAIM_OUTCOME_BOUND)
                                (void) claim_release_function(root, f);
                        else
                                roll_back(root, f, e->unbind_first);
                        report->outcomes[j] = CLAIM_OUTCOME_FAILED;
                }
        }
}

static void report_groups(const struct rootdir *root, const struct pci_host *host, const struct claim_plan *plan,
                          struct claim_report *report)
{
        for (size_t i = 0; i < plan->n_groups; i++) {
                const struct iommu_group *g = pci_host_group(host, plan->groups[i].number);
                if (!g)
                        continue;
                bool claimed = false;
                for (size_t e = 0; e < plan->n_entries; e++)
                        claimed |= host->functions[plan->entries[e].function].iommu_group == g->number &&
                                   report->outcomes[e] == CLAIM_OUTCOME_BOUND;
                if (!claimed) {
                        log_warning("IOMMU group %d: nothing in it was claimed", g->number);
                        report->n_groups_unusable++;
                        continue;
                }
                /* The kernel's word: the group file is opened and closed again, nothing is held. */
                struct group_verdict v;
                char vfio[160], reason[160];
                group_verdict_read(root, host, g, &v);
                group_verdict_vfio_text(&v, vfio, sizeof(vfio));
                if (v.usable) {
                        report->n_groups_usable++;
                        log_notice("IOMMU group %d is usable by VFIO (%s)", g->number, vfio);
                } else {
                        report->n_groups_unusable++;
                        log_warning("IOMMU group %d is not usable by VFIO: %s (%s)", g->number,
                                    group_verdict_reason(&v, reason, sizeof(reason)), vfio);
                }
        }
}

int claim_plan_execute(const struct rootdir *root, struct pci_host *host, const struct claim_plan *plan,
                       const struct claim_ops *ops, struct claim_report *ret)
{
        struct claim_report report = { .outcomes = calloc(plan->n_entries ? plan->n_entries : 1,
                                                          sizeof(enum claim_outcome)) };
        if (!report.outcomes)
                return -ENOMEM;

        claim_overrides(root, host, plan, &report);
        protect_host_devices(root, host, plan, ops, &report);
        unbind_allowed(root, host, plan, &report);
        release_incomplete_groups(root, host, plan, &report);
        for (size_t i = 0; ops->unbound && i < plan->n_entries; i++) {
                struct pci_function *f = pending_claim(host, plan, &report, i);
                if (!f)
                        continue;
                report.n_settings_failed += ops->unbound(ops->userdata, f);
        }

        if (plan->needs_vfio) {
                /* load_vfio logged why it failed: it knows (not the running system, no libkmod). */
                int r = ops->load_vfio ? ops->load_vfio(ops->userdata) : -EOPNOTSUPP;
                if (r >= 0) {
                        load_variants(root, host, plan, ops, &report);
                        bind_remaining(root, host, plan, &report);
                } else if (!ops->load_vfio)
                        log_error("cannot load vfio-pci: no module loader");
        }
        verify(root, host, plan, &report);
        release_incomplete_groups(root, host, plan, &report);
        report_groups(root, host, plan, &report);

        for (size_t i = 0; i < plan->n_entries; i++) {
                report.n_bound += report.outcomes[i] == CLAIM_OUTCOME_BOUND;
                report.n_failed += report.outcomes[i] == CLAIM_OUTCOME_FAILED;
                report.n_protected += report.outcomes[i] == CLAIM_OUTCOME_PROTECTED;
        }
        *ret = report;
        return report.n_failed ? -EIO : 0;
}

void claim_report_done(struct claim_report *report)
{
        free(report->outcomes);
        *report = (struct claim_report){};
}
