/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "session.h"

#include "access.h"

#include <stdio.h>

#include "boot_view.h"
#include "claim_exec.h"
#include "claim_settings.h"
#include "kernel_info.h"
#include "log.h"
#include "rootdir.h"

int session_open(struct session *s, const struct initbind_options *opts) { return session_open_scan(s, opts, 0); }

int session_open_scan(struct session *s, const struct initbind_options *opts, unsigned scan_flags)
{
        *s = (struct session){ .opts = opts };

        int r = module_loader_new(opts->root, opts->kernel, &s->loader);
        if (r < 0) {
                log_warning_errno(
                        r, "cannot set up libkmod (%m): modprobe.d options are not read and modules cannot be loaded");
                s->loader = NULL;
        }

        r = claim_sources_read(opts->root, opts->config_path, s->loader, &s->sources);
        if (r < 0) {
                /* Without the line there is no telling whether initbind=off is on it. */
                log_error_errno(r, "cannot read %s: %m; nothing is claimed", KERNEL_CMDLINE_PATH);
                return r;
        }
        if (s->sources.disabled)
                return 0;

        r = pci_host_scan(opts->root, scan_flags | PCI_SCAN_SRIOV_ON_DEMAND, &s->host);
        if (r < 0)
                return log_error_errno(r, "cannot read PCI devices: %m");
        pci_host_log_problems(s->host);
        if (opts->next_boot && s->loader) {
                size_t n = pci_host_forget_module_drivers(s->loader, s->host);
                log_debug("planning for the next boot: %zu function%s bound to a loadable module taken as unbound", n,
                          n == 1 ? "" : "s");
        }
        return 0;
}

size_t session_log_diagnostics(const struct session *s)
{
        for (size_t i = 0; i < s->sources.n_diagnostics; i++)
                log_error("%s", s->sources.diagnostics[i]);
        return s->sources.n_diagnostics;
}

/*
 * The scan left the SR-IOV counts unread: read them for the functions PLAN would claim. True when
 * one of them is a physical function with VFs enabled, which claim_check() refuses, so the plan
 * has to be made again with that known.
 */
static bool sriov_changes_plan(struct session *s, const struct claim_plan *plan)
{
        bool changed = false;
        for (size_t i = 0; i < plan->n_entries; i++) {
                struct pci_function *f = &s->host->functions[plan->entries[i].function];
                if (plan->entries[i].action != PLAN_CLAIM || !f->sriov_unread)
                        continue;
                if (pci_function_read_sriov(s->opts->root, s->host, f) < 0)
                        f->sriov_unread = false; /* gone: the claim fails and says so */
                changed |= f->sriov_numvfs > 0;
        }
        return changed;
}

/*
 * A claimed function whose vendor ships a VFIO variant driver in this kernel's modules gets that
 * driver, unless its claim says variant=none. The planner cannot know (it reads no modules).
 */
static void choose_variants(struct session *s)
{
        for (size_t i = 0; s->loader && i < s->plan->n_entries; i++) {
                struct plan_entry *e = &s->plan->entries[i];
                if (e->action != PLAN_CLAIM)
                        continue;
                char variant[PCI_DRIVER_NAME_MAX];
                if (module_loader_vfio_variant(s->loader, s->host->functions[e->function].modalias, variant,
                                               sizeof(variant)) < 0)
                        continue;
                if (e->plain_vfio)
                        snprintf(e->declined_variant, sizeof(e->declined_variant), "%s", variant);
                else
                        snprintf(e->driver, sizeof(e->driver), "%s", variant);
        }
}

int session_plan(struct session *s)
{
        struct claim_input input = claim_sources_input(&s->sources);
        input.context = s->context;
        int r;
        /* Each round reads at least one more function, so this ends. */
        do {
                s->plan = claim_plan_free(s->plan);
                r = claim_plan_build(s->host, &input, &s->plan);
        } while (r >= 0 && sriov_changes_plan(s, s->plan));
        if (r < 0)
                return log_error_errno(r, "cannot build the claim plan: %m");
        choose_variants(s);
        return r;
}

void session_log_plan(const struct session *s)
{
        if (s->sources.n_requests > 0 && !s->host->iommu_active)
                log_error("no IOMMU is active: nothing can be claimed (%s)",
                          s->host->has_dmar   ? "the firmware has a DMAR table: add intel_iommu=on"
                          : s->host->has_ivrs ? "the firmware has an IVRS table but AMD-Vi is off"
                                              : "enable VT-d or AMD-Vi in the firmware setup");
        for (size_t i = 0; i < s->plan->n_refusals; i++) {
                const struct plan_refusal *ref = &s->plan->refusals[i];
                log_full(ref->is_error ? LOG_LEVEL_ERR : LOG_LEVEL_NOTICE, "%s (%s)", ref->message, ref->origin);
        }
}

static int ops_load_vfio(void *userdata)
{
        struct session *s = userdata;
        if (!rootdir_is_host(s->opts->root)) {
                log_notice("not loading vfio-pci: --root %s is not the running system", rootdir_path(s->opts->root));
                return -EOPNOTSUPP;
        }
        if (!s->loader)
                return -ENOPKG; /* session_open() said why: modules cannot be loaded */
        int r = module_loader_load_vfio(s->loader);
        if (r < 0)
                return log_error_errno(r, "cannot load vfio-pci: %m");
        return r;
}

static int ops_load_module(void *userdata, const char *module)
{
        struct session *s = userdata;
        if (!rootdir_is_host(s->opts->root) || !s->loader)
                return -EOPNOTSUPP; /* ops_load_vfio() said why, and nothing got this far */
        int r = module_loader_load(s->loader, module);
        if (r < 0)
                return log_error_errno(r, "cannot load %s: %m", module);
        return r;
}

static size_t ops_unbound(void *userdata, struct pci_function *f) { return claim_settings_unbound(userdata, f); }

static int ops_host_driver(void *userdata, const struct pci_function *f, char *buf, size_t size)
{
        struct session *s = userdata;
        return s->loader ? module_loader_host_driver(s->loader, s->opts->root, f, buf, size) : -ENOENT;
}

int session_execute(struct session *s, struct claim_report *report)
{
        struct claim_ops ops = { .load_vfio = ops_load_vfio,
                                 .load_module = ops_load_module,
                                 .host_driver = ops_host_driver,
                                 .unbound = ops_unbound,
                                 .userdata = s };
        int r = claim_plan_execute(s->opts->root, s->host, s->plan, &ops, report);
        if (r == -ENOMEM) {
                log_error("out of memory");
                return r;
        }
        (void) access_apply(s->opts->root, s->host, s->plan, -1);
        return (int) (report->n_failed + report->n_settings_failed + claim_settings_apply(s));
}

void session_close(struct session *s)
{
        claim_plan_free(s->plan);
        pci_host_free(s->host);
        claim_sources_done(&s->sources);
        module_loader_free(s->loader);
        *s = (struct session){};
}
