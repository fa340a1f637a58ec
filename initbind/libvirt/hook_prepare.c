/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * prepare begin: every PCI hostdev of the domain and the rest of its IOMMU group is checked before
 * any is touched (all or nothing), then claimed with the executor of `initbind claim`, then what
 * was claimed is recorded for release end. libvirt runs this before its own "in use by another
 * domain" check, so the records are where another running guest's devices are seen.
 */
#include "hook.h"

#include <stdarg.h>
#include <stdio.h>

#include "block_guard.h"
#include "config.h"
#include "domain_record.h"
#include "log.h"
#include "rootdir.h"
#include "session.h"

struct prepare {
        const struct hook_context *ctx;
        const struct domain_hostdevs *xml;
        struct session s;
        struct domain_records others;
        size_t problems;
};

static void prepare_done(struct prepare *p)
{
        session_close(&p->s);
        domain_records_done(&p->others);
}

static void refuse(struct prepare *p, const char *format, ...) _printf_(2, 3);
static void refuse(struct prepare *p, const char *format, ...)
{
        char message[640];
        va_list ap;
        va_start(ap, format);
        vsnprintf(message, sizeof(message), format, ap);
        va_end(ap);
        log_error(HOOK_LOG_PREFIX "%s", p->ctx->domain, message);
        p->problems++;
}

static const struct domain_hostdev *named(const struct domain_hostdevs *xml, const struct pci_address *a)
{
        for (size_t i = 0; i < xml->n_items; i++)
                if (pci_address_equal(&xml->items[i].address, a))
                        return &xml->items[i];
        return NULL;
}

static const char *config_path(const struct prepare *p)
{
        return p->ctx->opts->config_path ? p->ctx->opts->config_path : INITBIND_CONFIG_PATH;
}

/*
 * Each hostdev is a request by address; naming it in the XML is the consent to unbind it. The
 * console GPU only when the config lends it (unbind-for-guests): the single-GPU host's choice.
 */
static int add_requests(struct prepare *p)
{
        char origin[CLAIM_ORIGIN_MAX];
        snprintf(origin, sizeof(origin), "a <hostdev> of domain '%s'", p->ctx->domain);
        p->s.sources.n_requests = 0; /* the boot's claims are not this guest's */
        for (size_t i = 0; i < p->xml->n_items; i++) {
                const struct pci_address *a = &p->xml->items[i].address;
                unsigned allow = CONFIG_ALLOW_UNBIND;
                if (config_find_lend(p->s.sources.config, a))
                        allow |= CONFIG_ALLOW_CONSOLE;
                int r = claim_sources_add_address(&p->s.sources, CLAIM_REQUEST_RUNTIME, a, allow, origin);
                if (r < 0)
                        return log_error_errno(r, "out of memory");
        }
        return session_plan(&p->s);
}

/* A companion the XML does not name, taken from its host driver: only what the config lends. */
static void check_companion(struct prepare *p, const struct plan_entry *e, const struct pci_function *f)
{
        if (e->action != PLAN_CLAIM || !e->unbind_first || named(p->xml, &f->address) ||
            config_find_lend(p->s.sources.config, &f->address))
                return;
        refuse(p,
               "%s is bound to the host driver %s and the domain does not name it (it %s): give it a <hostdev> "
               "of its own in the domain, or let guests take it with 'unbind-for-guests %s' in %s",
               f->name, f->driver, e->why, f->name, config_path(p));
}

static void check_plan(struct prepare *p)
{
        const struct claim_plan *plan = p->s.plan;
        /* Their origin is always "a <hostdev> of domain ...", which the prefix says already. */
        for (size_t i = 0; i < plan->n_refusals; i++)
                refuse(p, "%s", plan->refusals[i].message);
        for (size_t i = 0; i < plan->n_entries; i++) {
                const struct plan_entry *e = &plan->entries[i];
                const struct pci_function *f = &p->s.host->functions[e->function];
                const char *holder = domain_records_holder(&p->others, &f->address);
                if (holder)
                        refuse(p,
                               "%s is held by domain '%s', which is running (recorded in %s): shut that guest down "
                               "first, or remove the device from this domain",
                               f->name, holder, DOMAIN_RECORD_DIR);
                else
                        check_companion(p, e, f);
        }
        int r = block_guard_refusals(p->ctx->opts->root, p->s.host, plan);
        if (r != 0)
                p->problems += r > 0 ? (size_t) r : 1; /* block_guard said which and why */
}

/* The claims of an earlier start that never reached release end (libvirtd died) stay ours. */
static int carry_over(int dirfd, const char *domain, struct domain_record *rec)
{
        _cleanup_(domain_record_done) struct domain_record old = {};
        int r = domain_record_read(dirfd, domain, &old);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        log_notice(HOOK_LOG_PREFIX "a record of an earlier start is still in %s: its claims stay recorded", domain,
                   DOMAIN_RECORD_DIR);
        for (size_t i = 0; i < old.n_entries && r >= 0; i++)
                r = domain_record_add(rec, &old.entries[i].address, old.entries[i].kind, old.entries[i].managed);
        return r;
}

static int build_record(const struct prepare *p, const struct claim_report *report, struct domain_record *ret)
{
        _cleanup_(domain_record_done) struct domain_record rec = {};
        const struct claim_plan *plan = p->s.plan;
        for (size_t i = 0; i < plan->n_entries; i++) {
                const struct plan_entry *e = &plan->entries[i];
                const struct pci_function *f = &p->s.host->functions[e->function];
                const struct domain_hostdev *h = named(p->xml, &f->address);
                bool claimed = e->action == PLAN_CLAIM && report->outcomes[i] == CLAIM_OUTCOME_BOUND;
                int r = domain_record_add(&rec, &f->address, claimed ? RECORD_CLAIMED : RECORD_HELD, h && h->managed);
                if (r < 0)
                        return r;
        }
        *ret = rec;
        rec = (struct domain_record){};
        return 0;
}

/* Undo this run's claims: the guest does not start, so nothing of it may stay on vfio-pci. */
static void give_back_claims(struct prepare *p, const struct claim_report *report)
{
        const struct claim_plan *plan = p->s.plan;
        for (size_t i = 0; i < plan->n_entries; i++) {
                struct pci_function *f = &p->s.host->functions[plan->entries[i].function];
                if (plan->entries[i].action != PLAN_CLAIM || report->outcomes[i] != CLAIM_OUTCOME_BOUND)
                        continue;
                int r = claim_release_function(p->ctx->opts->root, f);
                log_full(r < 0 ? LOG_LEVEL_ERR : LOG_LEVEL_NOTICE, HOOK_LOG_PREFIX "%s given back%s", p->ctx->domain,
                         f->name, r < 0 ? " only in part: see above" : "");
        }
}

static int execute(struct prepare *p, int dirfd)
{
        struct claim_report report = {};
        int r = p->ctx->ops ? claim_plan_execute(p->ctx->opts->root, p->s.host, p->s.plan, p->ctx->ops, &report)
                            : session_execute(&p->s, &report);
        if (r == -ENOMEM || !report.outcomes)
                return log_error_errno(-ENOMEM, "out of memory");
        bool ok = r == 0 && report.n_failed == 0 && report.n_groups_unusable == 0;
        _cleanup_(domain_record_done) struct domain_record rec = {};
        if (ok)
                r = build_record(p, &report, &rec);
        if (ok && r >= 0)
                r = carry_over(dirfd, p->ctx->domain, &rec);
        if (ok && r >= 0)
                r = domain_record_write(dirfd, p->ctx->domain, &rec);
        if (!ok || r < 0) {
                give_back_claims(p, &report);
                claim_report_done(&report);
                log_error(HOOK_LOG_PREFIX "not started: %s; what was claimed is given back", p->ctx->domain,
                          ok ? "what the hook claimed could not be recorded for release end"
                             : "its PCI devices did not all end on vfio-pci (see above)");
                return -EIO;
        }
        log_notice(HOOK_LOG_PREFIX "%zu PCI function%s claimed for the guest, %zu on vfio-pci already; recorded in %s",
                   p->ctx->domain, report.n_bound - claim_plan_count(p->s.plan, PLAN_ALREADY_CLAIMED),
                   report.n_bound - claim_plan_count(p->s.plan, PLAN_ALREADY_CLAIMED) == 1 ? "" : "s",
                   claim_plan_count(p->s.plan, PLAN_ALREADY_CLAIMED), DOMAIN_RECORD_DIR);
        claim_report_done(&report);
        return 0;
}

int hook_prepare(const struct hook_context *ctx, const struct domain_hostdevs *xml)
{
        if (xml->n_items == 0)
                return 0;
        _cleanup_(prepare_done) struct prepare p = { .ctx = ctx, .xml = xml };
        _cleanup_close_ int dirfd = domain_records_lock(ctx->opts->root);
        if (dirfd < 0 || domain_records_read_others(dirfd, ctx->domain, &p.others) < 0 ||
            session_open(&p.s, ctx->opts) < 0) {
                log_error(HOOK_LOG_PREFIX "not started: the checks above could not be made", ctx->domain);
                return 1;
        }
        if (p.s.sources.disabled) {
                log_notice(HOOK_LOG_PREFIX "initbind=off is on the kernel command line: nothing is claimed",
                           ctx->domain);
                return 0;
        }
        session_log_diagnostics(&p.s);
        if (add_requests(&p) < 0) {
                log_error(HOOK_LOG_PREFIX "not started: no claim plan", ctx->domain);
                return 1;
        }
        check_plan(&p);
        if (p.problems > 0) {
                log_error(HOOK_LOG_PREFIX "not started: %zu problem%s above; no device was touched", ctx->domain,
                          p.problems, p.problems == 1 ? "" : "s");
                return 1;
        }
        return execute(&p, dirfd) < 0 ? 1 : 0;
}
