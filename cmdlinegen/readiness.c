/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "readiness.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "guest.h"
#include "kernel_config.h"
#include "preflight.h"

void readiness_addv(struct readiness *r, const char *name, enum check_state state, const char *format, va_list ap)
{
        if (r->n == READINESS_CHECKS_MAX)
                return;
        struct readiness_check *c = &r->checks[r->n++];
        c->name = name;
        c->state = state;
        vsnprintf(c->detail, sizeof(c->detail), format, ap);
}

static void add(struct readiness *r, const char *name, enum check_state state, const char *format, ...) _printf_(4, 5);
static void add(struct readiness *r, const char *name, enum check_state state, const char *format, ...)
{
        va_list ap;
        va_start(ap, format);
        readiness_addv(r, name, state, format, ap);
        va_end(ap);
}

static void check_cpu(const struct machine *m, struct readiness *r)
{
        const struct cpu_topology *t = &m->cpus;
        if (t->has_vmx || t->has_svm)
                add(r, "virtualization", CHECK_OK, "the CPU has %s", t->has_vmx ? "vmx (Intel VT-x)" : "svm (AMD-V)");
        else if (t->has_hypervisor)
                add(r, "virtualization", CHECK_FAIL,
                    "no vmx/svm flag: this is itself a virtual machine without nested virtualisation");
        else
                add(r, "virtualization", CHECK_FAIL,
                    "no vmx/svm flag in /proc/cpuinfo: turn on %s in the firmware setup",
                    t->vendor == CPU_VENDOR_AMD ? "SVM" : "VT-x");
        if (m->has_kvm_device)
                add(r, "/dev/kvm", CHECK_OK, "present");
        else
                add(r, "/dev/kvm", CHECK_FAIL, "missing: load kvm_intel or kvm_amd (it needs the CPU flag above)");
}

static void check_iommu(const struct machine *m, bool intel_on_proposed, struct readiness *r)
{
        const struct pci_host *h = m->pci;
        if (h->has_dmar || h->has_ivrs)
                add(r, "IOMMU tables", CHECK_OK, "the firmware has %s",
                    h->has_dmar ? "a DMAR table (Intel VT-d)" : "an IVRS table (AMD-Vi)");
        else
                add(r, "IOMMU tables", CHECK_FAIL,
                    "no DMAR or IVRS ACPI table: VT-d/AMD-Vi is off in the firmware setup");

        if (h->iommu_active)
                add(r, "IOMMU", CHECK_OK, "active: %zu IOMMU groups", h->n_groups);
        else if (h->has_dmar || h->has_ivrs)
                add(r, "IOMMU", intel_on_proposed ? CHECK_WARN : CHECK_FAIL, "not active on the running kernel%s",
                    intel_on_proposed ? ": intel_iommu=on is proposed" : "");
        else
                add(r, "IOMMU", CHECK_FAIL, "not active: no IOMMU groups");

        switch (m->interrupt_remapping) {
        case TRISTATE_YES:
                add(r, "interrupt remapping", CHECK_OK, "on (IR- interrupt chips in /proc/interrupts)");
                break;
        case TRISTATE_NO:
                add(r, "interrupt remapping", CHECK_WARN,
                    "off: vfio refuses devices unless vfio_iommu_type1.allow_unsafe_interrupts=1 (see "
                    "unsafe-interrupts in initbind.conf(5))");
                break;
        default:
                add(r, "interrupt remapping", CHECK_WARN, "unknown: /proc/interrupts could not be read");
                break;
        }
}

static void check_kernel_option(const struct machine *m, struct readiness *r, const char *symbol, const char *why,
                                bool fail)
{
        if (!m->kernel_config)
                return;
        const char *v = kernel_config_get(m->kernel_config, symbol);
        if (v && (streq(v, "y") || streq(v, "m")))
                add(r, why, CHECK_OK, "CONFIG_%s=%s", symbol, v);
        else
                add(r, why, fail ? CHECK_FAIL : CHECK_WARN, "kernel %s has no CONFIG_%s", m->target_release, symbol);
}

static void check_kernel(const struct propose_context *ctx, struct readiness *r)
{
        const struct machine *m = ctx->machine;
        if (!m->kernel_config) {
                add(r, "kernel config", CHECK_WARN,
                    "not found for kernel %s (/boot/config-%s)%s: options cannot be checked", m->target_release,
                    m->target_release, m->target_is_running ? " nor /proc/config.gz" : "");
                return;
        }
        add(r, "kernel config", CHECK_OK, "%s", kernel_config_source(m->kernel_config));
        check_kernel_option(m, r, "VFIO_PCI", "vfio-pci", true);
        check_kernel_option(m, r, "VFIO_IOMMU_TYPE1", "vfio_iommu_type1", true);
        if (proposal_find(ctx->proposal, "isolcpus"))
                check_kernel_option(m, r, "CPU_ISOLATION", "isolcpus", true);
        if (proposal_find(ctx->proposal, "hugepages"))
                check_kernel_option(m, r, "HUGETLBFS", "hugepages", true);
}

static void check_boot_chain(const struct machine *m, struct readiness *r)
{
        const struct boot_chain *b = &m->boot;
        if (b->generator == GENERATOR_UNKNOWN)
                add(r, "initramfs", CHECK_WARN, "no initramfs-tools, dracut or mkinitcpio configuration found");
        else if (b->hook_installed)
                add(r, "initramfs", CHECK_OK,
                    "%s, with initbind's hook (%s); rebuild with '%s %s' after changing the config",
                    initramfs_generator_to_string(b->generator), b->hook_path,
                    initramfs_generator_rebuild_argv(b->generator)[0],
                    initramfs_generator_rebuild_argv(b->generator)[1]);
        else
                add(r, "initramfs", CHECK_FAIL,
                    "%s, without initbind's hook (%s missing): the claims cannot happen before the GPU driver loads",
                    initramfs_generator_to_string(b->generator), b->hook_path);
        if (b->bootloader == LOADER_UNKNOWN)
                add(r, "boot loader", CHECK_WARN,
                    "neither GRUB (/etc/default/grub) nor systemd-boot (loader/loader.conf) found: apply the "
                    "parameters by hand");
        else
                add(r, "boot loader", CHECK_OK, "%s (%s)", loader_kind_to_string(b->bootloader),
                    b->bootloader_evidence);
}

/* The pre-flight of what the plan claims, summed up: initbind plan shows each finding. */
static void check_preflight(const struct propose_context *ctx, struct readiness *r)
{
        if (!ctx->plan || !ctx->boot_view)
                return;
        _cleanup_preflight_ struct preflight *p = NULL;
        if (preflight_build_for_plan(ctx->machine->root, ctx->boot_view, ctx->plan, NULL, &p) < 0) {
                add(r, "pre-flight", CHECK_WARN, "could not be checked: out of memory");
                return;
        }
        if (p->n_functions == 0)
                return;
        char where[200] = "";
        for (size_t i = 0; i < p->n_functions; i++)
                for (size_t k = 0; k < p->functions[i].n_findings; k++) {
                        const struct preflight_finding *x = &p->functions[i].findings[k];
                        size_t len = strlen(where);
                        if (x->severity == PREFLIGHT_WARNING && len < sizeof(where) - 1)
                                snprintf(where + len, sizeof(where) - len, "%s%s %s", len ? ", " : "",
                                         ctx->boot_view->functions[p->functions[i].function].name, x->kind);
                }
        size_t warnings = preflight_count(p, PREFLIGHT_WARNING);
        if (warnings)
                add(r, "pre-flight", CHECK_WARN,
                    "%zu warning%s for the claimed devices (%s): 'initbind plan' gives each fix", warnings,
                    warnings == 1 ? "" : "s", where);
        else
                add(r, "pre-flight", CHECK_OK,
                    "%zu claimed function%s: reset, BARs and framebuffer checked, no warnings", p->n_functions,
                    p->n_functions == 1 ? "" : "s");
}

void readiness_check(const struct propose_context *ctx, struct readiness *ret)
{
        *ret = (struct readiness){};
        check_cpu(ctx->machine, ret);
        check_iommu(ctx->machine, proposal_find(ctx->proposal, "intel_iommu") != NULL, ret);
        check_kernel(ctx, ret);
        check_boot_chain(ctx->machine, ret);
        check_preflight(ctx, ret);
        guest_host_readiness(ctx, ret);
}

size_t readiness_count(const struct readiness *r, enum check_state state)
{
        size_t n = 0;
        for (size_t i = 0; i < r->n; i++)
                n += r->checks[i].state == state;
        return n;
}

const char *check_state_to_string(enum check_state s)
{
        switch (s) {
        case CHECK_OK:
                return "ok";
        case CHECK_WARN:
                return "warn";
        case CHECK_FAIL:
                return "FAIL";
        }
        return "?";
}
