/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * `initbind boot`, run by the initramfs hooks before udev and before any GPU driver. It never
 * stops the boot: every failure is logged to the kernel log and it exits 0 (unless --strict).
 */
#include "claim_exec.h"
#include "commands.h"
#include "log.h"
#include "rootdir.h"
#include "session.h"
#include "sriov_guard.h"

int command_boot(const struct initbind_options *opts)
{
        int r = log_open_kmsg(opts->root);
        if (r < 0)
                log_warning_errno(r, "cannot open /dev/kmsg: %m; logging to stderr only");

        _cleanup_(session_close) struct session s = {};
        if (session_open(&s, opts) < 0)
                return opts->strict ? 1 : 0;
        if (s.sources.disabled) {
                log_notice("initbind=off on the kernel command line: nothing is claimed");
                return 0;
        }

        size_t problems = session_log_diagnostics(&s);
        if (s.sources.n_requests == 0) {
                log_info("nothing to claim (%s)",
                         s.sources.config_missing ? "no /etc/initbind.conf, no initbind.claim=, no vfio-pci.ids="
                                                  : "no claim lines");
                return opts->strict && problems ? 1 : 0;
        }
        if (session_plan(&s) < 0)
                return opts->strict ? 1 : 0;
        session_log_plan(&s);
        (void) sriov_guard_apply(&s, NULL);
        for (size_t i = 0; i < s.plan->n_refusals; i++)
                problems += s.plan->refusals[i].is_error;

        struct claim_report report = {};
        r = session_execute(&s, &report);
        if (r >= 0)
                log_notice("done: %zu claimed, %zu failed, %zu kept for the host; IOMMU groups: %zu usable, %zu not",
                           report.n_bound, report.n_failed, report.n_protected, report.n_groups_usable,
                           report.n_groups_unusable);
        bool failed = r != 0 || problems > 0 || report.n_groups_unusable > 0;
        claim_report_done(&report);
        return opts->strict && failed ? 1 : 0;
}
