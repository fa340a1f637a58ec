/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vfio parameters for what the config claims: vfio-pci.ids= for device IDs no host device
 * shares, initbind.claim= by address for the rest (an ID shared with a host GPU would take that
 * too), rd.driver.pre= on dracut systems, the framebuffer release when the console GPU goes, and
 * vfio-pci's own module parameters (disable_vga when the host keeps a VGA device, the others when
 * vfio-pci-options asks), only those the target kernel's vfio-pci takes.
 */
#include "propose.h"

#include <stdio.h>

#include "kernel_config.h"
#include "block_uses.h"
#include "pci_class.h"

/* vfio-pci's ids parameter is a string of at most 1024 bytes with its NUL (module_param_string). */
#define VFIO_PCI_IDS_MAX 1023

static bool is_claimed(const struct plan_entry *e)
{
        return e->action == PLAN_CLAIM || e->action == PLAN_ALREADY_CLAIMED;
}

static bool same_device_id(const struct pci_function *a, const struct pci_function *b)
{
        return a->ids.vendor == b->ids.vendor && a->ids.device == b->ids.device;
}

/* The first function with F's ID that the plan leaves to the host, or NULL. */
static const struct pci_function *host_function_with_id(const struct propose_context *ctx, const struct pci_function *f)
{
        const struct pci_host *h = ctx->boot_view;
        for (size_t i = 0; i < h->n_functions; i++) {
                const struct plan_entry *e = claim_plan_find(ctx->plan, i);
                if (same_device_id(&h->functions[i], f) && !(e && is_claimed(e)))
                        return &h->functions[i];
        }
        return NULL;
}

/* The planner's refusals and companions; a refusal the ACS override solves is only a note. */
static void report_plan(struct propose_context *ctx, const struct acs_override_result *acs)
{
        const struct claim_plan *plan = ctx->plan;
        const struct pci_host *h = ctx->boot_view;
        for (size_t i = 0; i < plan->n_refusals; i++) {
                const struct plan_refusal *r = &plan->refusals[i];
                char subject[CLAIM_ORIGIN_MAX + 32];
                snprintf(subject, sizeof(subject), "claim (%s)", r->origin);
                bool solved = r->function >= 0 && acs->split_group >= 0 &&
                              h->functions[r->function].iommu_group == acs->split_group;
                findings_add(&ctx->proposal->findings, r->is_error && !solved ? FINDING_PROBLEM : FINDING_NOTE, subject,
                             NULL, "%s%s", r->message,
                             solved ? "; with the proposed pcie_acs_override= the group splits at the next boot" : "");
        }
        for (size_t i = 0; i < plan->n_entries; i++) {
                const struct plan_entry *e = &plan->entries[i];
                if (!e->companion || !is_claimed(e))
                        continue;
                char subject[CLAIM_ORIGIN_MAX + 32];
                snprintf(subject, sizeof(subject), "claim (%s)", e->origin);
                findings_add(&ctx->proposal->findings, FINDING_NOTE, subject, NULL, "%s also goes to vfio-pci: %s",
                             h->functions[e->function].name, e->why);
        }
}

static int append(char *buf, size_t size, size_t *len, const char *item)
{
        int n = snprintf(buf + *len, size - *len, "%s%s", *len ? "," : "", item);
        if (n < 0 || (size_t) n >= size - *len)
                return -E2BIG;
        *len += (size_t) n;
        return 0;
}

/*
 * The last line of defence for the host's own disks: true, with a problem about the claim, when
 * F carries a mounted filesystem, active swap or the root= device.
 */
static bool claim_hits_block_use(struct propose_context *ctx, const struct block_uses *uses,
                                 const struct pci_function *f, const char *origin)
{
        const char *device, *what;
        if (!block_uses_on_function(uses, ctx->machine->root, f->name, &device, &what))
                return false;
        char subject[CLAIM_ORIGIN_MAX + 32];
        snprintf(subject, sizeof(subject), "claim %s (%s)", f->name, origin);
        findings_add(&ctx->proposal->findings, FINDING_PROBLEM, subject, "remove this claim: the host needs the device",
                     "block device %s hangs off %s and %s", device, f->name, what);
        return true;
}

static void propose_ids_and_addresses(struct propose_context *ctx)
{
        const struct claim_plan *plan = ctx->plan;
        const struct pci_host *h = ctx->boot_view;
        char ids[VFIO_PCI_IDS_MAX + 1] = "", addresses[2048] = "", shared_with[256] = "";
        size_t ids_len = 0, addresses_len = 0;
        bool too_long = false;
        _cleanup_block_uses_ struct block_uses *uses = NULL;
        if (block_uses_read(ctx->machine->root, ctx->machine->cmdline, &uses) < 0)
                ctx->proposal->out_of_memory = true;

        for (size_t i = 0; i < plan->n_entries; i++) {
                const struct plan_entry *e = &plan->entries[i];
                const struct pci_function *f = &h->functions[e->function];
                if (!is_claimed(e) || claim_hits_block_use(ctx, uses, f, e->origin))
                        continue;
                const struct pci_function *host = host_function_with_id(ctx, f);
                if (host) {
                        if (!shared_with[0])
                                snprintf(shared_with, sizeof(shared_with),
                                         "%04x:%04x is also %s, which stays on the host", f->ids.vendor, f->ids.device,
                                         host->name);
                        too_long |= append(addresses, sizeof(addresses), &addresses_len, f->name) < 0;
                        continue;
                }
                /* Every function with this ID is claimed: an ID entry, once. */
                bool listed = false;
                for (size_t j = 0; j < i; j++)
                        listed |= is_claimed(&plan->entries[j]) &&
                                  same_device_id(&h->functions[plan->entries[j].function], f);
                if (listed)
                        continue;
                char id[16];
                snprintf(id, sizeof(id), "%04x:%04x", f->ids.vendor, f->ids.device);
                if (append(ids, sizeof(ids), &ids_len, id) < 0)
                        too_long |= append(addresses, sizeof(addresses), &addresses_len, f->name) < 0;
        }
        if (too_long)
                findings_add(
                        &ctx->proposal->findings, FINDING_PROBLEM, "vfio-pci.ids",
                        "claim fewer devices on the command line; initbind.conf claims them all the same",
                        "the claimed devices do not fit in vfio-pci.ids (at most %d characters) and initbind.claim=",
                        VFIO_PCI_IDS_MAX);
        if (ids_len)
                proposal_add(ctx->proposal, TOPIC_VFIO, "vfio-pci.ids", ids,
                             "no device left to the host has these IDs, so vfio-pci may take them by ID, even from an "
                             "initramfs without initbind");
        if (addresses_len)
                proposal_add(ctx->proposal, TOPIC_VFIO, "initbind.claim", addresses,
                             "by address: %s, and vfio-pci.ids would take it too", shared_with);
}

/*
 * The parameter that releases the firmware framebuffer on the console GPU, for this kernel:
 * a BOOTFB range in /proc/iomem (or CONFIG_SYSFB_SIMPLEFB) means sysfb made a simple-framebuffer
 * device, which simpledrm or simplefb drive: only keeping sysfb_init from running helps. efifb
 * and vesafb register their own ranges and honour video=NAME:off.
 */
static void propose_framebuffer(struct propose_context *ctx, const struct pci_function *console)
{
        const struct machine *m = ctx->machine;
        const char *name = NULL, *value = NULL, *evidence = NULL;
        for (size_t i = 0; i < m->n_framebuffers; i++) {
                const struct framebuffer_range *r = &m->framebuffers[i];
                if (r->has_owner && pci_address_compare(&r->owner, &console->address) == 0) {
                        evidence = r->name;
                        break;
                }
        }
        if (evidence ? streq(evidence, "BOOTFB") : machine_kernel_has(m, "SYSFB_SIMPLEFB") == TRISTATE_YES) {
                name = "initcall_blacklist";
                value = "sysfb_init";
        } else if (evidence ? streq(evidence, "vesafb") : false) {
                name = "video";
                value = "vesafb:off";
        } else {
                name = "video";
                value = "efifb:off";
        }
        proposal_add(ctx->proposal, TOPIC_VFIO, name, value, "the console GPU %s is claimed: %s", console->name,
                     evidence ? (streq(evidence, "BOOTFB")
                                         ? "the firmware framebuffer is a simple-framebuffer (BOOTFB in /proc/iomem)"
                                         : "the firmware framebuffer driver must let go of it")
                     : streq(name, "initcall_blacklist")
                             ? "the kernel's config has CONFIG_SYSFB_SIMPLEFB: simpledrm/simplefb hold the framebuffer"
                             : "efifb holds the firmware framebuffer on this kernel (no CONFIG_SYSFB_SIMPLEFB)");
}

/* What each vfio-pci option does, for the explanation (config_vfio_pci_option_words' order). */
static const char *const vfio_pci_option_effects[_CONFIG_VFIO_PCI_OPTIONS_N] = {
        "vfio-pci gives up legacy VGA (QEMU's x-vga, which OVMF guests do not use), so the VGA arbiter leaves it with "
        "the host's GPU",
        "vfio-pci leaves idle devices in D0: for a device that does not come back from D3",
        "vfio-pci masks INTx at the interrupt controller (an exclusive line) instead of in the device: for a device "
        "whose INTx masking is broken",
};

/*
 * Whether the target's vfio-pci takes option BIT: UNKNOWN, or NO with the reason in WHY. Without
 * CONFIG_VFIO_PCI_VGA vfio-pci has no disable_vga (it never offers VGA access then).
 */
static enum tristate kernel_has_option(const struct machine *m, unsigned bit, char *why, size_t size)
{
        const char *name = config_vfio_pci_option_words[bit];
        if (1u << bit == CONFIG_VFIO_PCI_DISABLE_VGA && machine_kernel_has(m, "VFIO_PCI_VGA") == TRISTATE_NO) {
                snprintf(why, size,
                         "kernel %s is built without CONFIG_VFIO_PCI_VGA: its vfio-pci gives no legacy VGA access and "
                         "has no disable_vga",
                         m->target_release);
                return TRISTATE_NO;
        }
        enum tristate has = machine_vfio_pci_has(m, name);
        snprintf(why, size, "the vfio-pci of kernel %s %s %s (%s)", m->target_release,
                 has == TRISTATE_NO ? "has no parameter" : "cannot be shown to have", name,
                 machine_vfio_pci_params_source(m));
        return has;
}

/* The options vfio-pci-options asks for: proposed as NAME=1 when the kernel has them, refused when not. */
static void propose_requested_options(struct propose_context *ctx)
{
        const struct initbind_config *c = ctx->intent;
        for (unsigned bit = 0; bit < _CONFIG_VFIO_PCI_OPTIONS_N; bit++) {
                if (!(c->vfio_pci_options & 1u << bit))
                        continue;
                const char *name = config_vfio_pci_option_words[bit];
                char origin[CLAIM_ORIGIN_MAX], subject[CLAIM_ORIGIN_MAX + 64], param[64], why[256];
                config_intent_origin(c, CONFIG_DIRECTIVE_VFIO_PCI_OPTIONS, origin, sizeof(origin));
                if (c->directive_line[CONFIG_DIRECTIVE_VFIO_PCI_OPTIONS])
                        snprintf(origin + strlen(origin), sizeof(origin) - strlen(origin), ":%u",
                                 c->vfio_pci_option_columns[bit]);
                snprintf(subject, sizeof(subject), "vfio-pci-options %s (%s)", name, origin);
                snprintf(param, sizeof(param), "vfio-pci.%s", name);
                enum tristate has = kernel_has_option(ctx->machine, bit, why, sizeof(why));
                if (has == TRISTATE_NO) {
                        findings_add(&ctx->proposal->findings, FINDING_PROBLEM, subject,
                                     "remove it from vfio-pci-options, or boot a kernel whose vfio-pci has it",
                                     "%s: the kernel would ignore %s=1", why, param);
                        continue;
                }
                if (has == TRISTATE_UNKNOWN)
                        findings_add(&ctx->proposal->findings, FINDING_WARNING, subject, NULL, "proposed unchecked: %s",
                                     why);
                proposal_add(ctx->proposal, TOPIC_VFIO, param, "1", "asked for in %s: %s", origin,
                             vfio_pci_option_effects[bit]);
        }
}

/*
 * disable_vga, when the plan claims a VGA-class function and the host keeps another VGA device:
 * the arbiter would otherwise hand the legacy VGA ranges to the guest's GPU whenever QEMU
 * touches them, taking them from the host's console. Never disable_idle_d3 or nointxmask: each
 * is a workaround for particular broken devices, which only the user can name.
 */
static void propose_disable_vga(struct propose_context *ctx)
{
        const struct pci_host *h = ctx->boot_view;
        const struct pci_function *guest = NULL, *host = NULL;
        for (size_t i = 0; i < h->n_functions; i++) {
                const struct plan_entry *e = claim_plan_find(ctx->plan, i);
                const struct pci_function *f = &h->functions[i];
                if (!pci_class_is_vga(f->ids.class_code))
                        continue;
                if (e && is_claimed(e))
                        guest = guest ? guest : f;
                else
                        host = host ? host : f;
        }
        if (!guest || !host || ctx->intent->vfio_pci_options & CONFIG_VFIO_PCI_DISABLE_VGA)
                return;
        char why[256];
        _Static_assert(CONFIG_VFIO_PCI_DISABLE_VGA == 1 << 0, "disable_vga is word 0 of the option words");
        enum tristate has = kernel_has_option(ctx->machine, 0, why, sizeof(why));
        if (has != TRISTATE_YES) {
                findings_add(&ctx->proposal->findings, FINDING_NOTE, "vfio-pci.disable_vga=", NULL,
                             "not proposed for the guest's VGA device %s beside the host's %s: %s", guest->name,
                             host->name, why);
                return;
        }
        proposal_add(ctx->proposal, TOPIC_VFIO, "vfio-pci.disable_vga", "1",
                     "the guest's VGA device %s and the host's %s both decode legacy VGA: %s", guest->name, host->name,
                     vfio_pci_option_effects[0]);
}

void propose_vfio(struct propose_context *ctx, const struct acs_override_result *acs)
{
        if (ctx->plan) {
                report_plan(ctx, acs);
                propose_ids_and_addresses(ctx);
        }
        propose_requested_options(ctx); /* asked for: also without claims (a device bound by hand) */
        if (!ctx->plan)
                return;
        const struct machine *m = ctx->machine;

        if (claim_plan_count(ctx->plan, PLAN_CLAIM) + claim_plan_count(ctx->plan, PLAN_ALREADY_CLAIMED) == 0)
                return;
        propose_disable_vga(ctx);
        if (m->boot.generator == GENERATOR_DRACUT)
                proposal_add(
                        ctx->proposal, TOPIC_VFIO, "rd.driver.pre", "vfio-pci",
                        "this system's initramfs is built by dracut, which loads rd.driver.pre modules before udev");

        for (size_t i = 0; i < ctx->plan->n_entries; i++) {
                const struct plan_entry *e = &ctx->plan->entries[i];
                const struct pci_function *f = &ctx->boot_view->functions[e->function];
                if (e->action == PLAN_CLAIM && pci_function_is_console_gpu(f)) {
                        if (ctx->intent->framebuffer != CONFIG_FRAMEBUFFER_KEEP)
                                propose_framebuffer(ctx, f);
                        break;
                }
        }
}
