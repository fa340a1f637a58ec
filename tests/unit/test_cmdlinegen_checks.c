/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cmdlinegen's checks on a captured machine (workstation-identical-gpus: CPUs 0-3, SMT pairs
 * 0-1 and 2-3): CPU lists for isolation and housekeeping, isolcpus= flags, and a proposal
 * applied to a command line (removals, then the merge).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "config.h"
#include "cpu_check.h"
#include "machine.h"
#include "proposal.h"
#include "rootdir.h"

struct fixture {
        struct rootdir *root;
        struct machine machine;
};

static int setup(void **state)
{
        struct fixture *f = calloc(1, sizeof(*f));
        assert_non_null(f);
        assert_int_equal(rootdir_new(FIXTURES_DIR "/workstation-identical-gpus", &f->root), 0);
        assert_int_equal(machine_detect(f->root, "/etc/no-such-config", NULL, &f->machine), 0);
        *state = f;
        return 0;
}

static int teardown(void **state)
{
        struct fixture *f = *state;
        machine_done(&f->machine);
        rootdir_free(f->root);
        free(f);
        return 0;
}

/* Check TEXT; return the number of problems, and the first fact in *fact (when non-NULL). */
static size_t check(struct fixture *f, const char *text, enum cpu_list_use use, char *fact, size_t size)
{
        struct findings findings = {};
        _cleanup_(cpu_set_done) struct cpu_set set = {};
        int r = cpu_check_list_for(&f->machine, "test", text, use, &findings, &set);
        size_t problems = findings_count(&findings, FINDING_PROBLEM);
        assert_true((r == 0) == (problems == 0));
        if (fact)
                snprintf(fact, size, "%s", findings.n ? findings.items[0].fact : "");
        findings_done(&findings);
        return problems;
}

static void test_isolation_lists(void **state)
{
        struct fixture *f = *state;
        char fact[512];
        assert_int_equal(check(f, "2-3", CPU_LIST_ISOLATED, NULL, 0), 0);
        assert_int_equal(check(f, "2,3", CPU_LIST_ISOLATED, NULL, 0), 0);

        assert_int_equal(check(f, "0-1", CPU_LIST_ISOLATED, fact, sizeof(fact)), 1);
        assert_non_null(strstr(fact, "CPU 0 is the boot CPU"));

        assert_int_equal(check(f, "3", CPU_LIST_ISOLATED, fact, sizeof(fact)), 1);
        assert_non_null(strstr(fact, "CPU 3 and CPU 2 are SMT siblings"));

        /* Past the last CPU: the parser's position and the machine's CPUs are named. */
        assert_int_equal(check(f, "2-4", CPU_LIST_ISOLATED, fact, sizeof(fact)), 1);
        assert_non_null(strstr(fact, "'2-4' at column 3"));
        assert_non_null(strstr(fact, "0-3"));

        assert_int_equal(check(f, "1-3", CPU_LIST_ISOLATED, fact, sizeof(fact)), 1); /* splits core 0-1 */
        assert_int_equal(check(f, "0,2-3", CPU_LIST_ISOLATED, fact, sizeof(fact)),
                         2); /* boot CPU, and splits core 0-1 */
        assert_int_equal(check(f, "", CPU_LIST_ISOLATED, fact, sizeof(fact)), 1);
        assert_non_null(strstr(fact, "names no CPU"));
        assert_int_equal(check(f, "x", CPU_LIST_ISOLATED, NULL, 0), 1);
}

static void test_housekeeping_lists(void **state)
{
        struct fixture *f = *state;
        /* irqaffinity= names what the host keeps: the boot CPU is fine, a split core too. */
        assert_int_equal(check(f, "0", CPU_LIST_HOUSEKEEPING, NULL, 0), 0);
        assert_int_equal(check(f, "0-1", CPU_LIST_HOUSEKEEPING, NULL, 0), 0);
        assert_int_equal(check(f, "7", CPU_LIST_HOUSEKEEPING, NULL, 0), 1);
}

static void test_isolcpus_flags(void **state)
{
        unsigned flags = 99;
        size_t offset = 99, error = 99;
        assert_int_equal(cpu_check_split_isolcpus("2-3", &flags, &offset, &error), 0);
        assert_int_equal(flags, 0);
        assert_int_equal(offset, 0);
        assert_int_equal(cpu_check_split_isolcpus("nohz,domain,managed_irq,2-3", &flags, &offset, &error), 0);
        assert_int_equal(flags, CONFIG_ISOLCPUS_NOHZ | CONFIG_ISOLCPUS_DOMAIN | CONFIG_ISOLCPUS_MANAGED_IRQ);
        assert_int_equal(offset, strlen("nohz,domain,managed_irq,"));
        assert_int_equal(cpu_check_split_isolcpus("domain,nohz_full,2", &flags, &offset, &error), -EINVAL);
        assert_int_equal(error, strlen("domain,"));
        assert_int_equal(cpu_check_split_isolcpus("domain", &flags, &offset, &error),
                         -EINVAL); /* a flag needs its comma */
        assert_int_equal(error, 0);

        char buf[CPU_CHECK_FLAGS_MAX];
        assert_string_equal(cpu_check_isolcpus_flags_format(CONFIG_ISOLCPUS_FLAGS_DEFAULT, buf), "domain,managed_irq");
        assert_string_equal(cpu_check_isolcpus_flags_format(0, buf), "");
        assert_string_equal(cpu_check_isolcpus_flags_format(
                                    CONFIG_ISOLCPUS_NOHZ | CONFIG_ISOLCPUS_DOMAIN | CONFIG_ISOLCPUS_MANAGED_IRQ, buf),
                            "nohz,domain,managed_irq");
}

static void test_proposal_applied(void **state)
{
        struct proposal p = {};
        proposal_remove(&p, "amd_iommu", "on", "no such option");
        proposal_add(&p, TOPIC_IOMMU, "iommu", "pt", "reason");
        proposal_add(&p, TOPIC_HUGEPAGES, "default_hugepagesz", "1G", "r");
        proposal_add(&p, TOPIC_HUGEPAGES, "hugepagesz", "1G", "r");
        proposal_add(&p, TOPIC_HUGEPAGES, "hugepages", "8", "r");
        proposal_add(&p, TOPIC_CPUS, "isolcpus", "domain,2-3", "r");
        assert_false(proposal_failed(&p));
        assert_null(proposal_find(&p, "intel_iommu"));
        assert_string_equal(proposal_find(&p, "isolcpus")->value, "domain,2-3");

        struct kcmdline *line = NULL, *result = NULL;
        assert_int_equal(kcmdline_parse("root=/dev/vda1 amd_iommu=on hugepages=4 isolcpus=1 amd_iommu=off quiet", 0,
                                        &line, NULL),
                         0);
        assert_int_equal(proposal_apply_to(&p, line, &result), 0);
        char *text = NULL;
        assert_int_equal(kcmdline_format(result, &text), 0);
        /* amd_iommu=off is not a no-op and stays; the hugepage block replaces hugepages=4 where it was. */
        assert_string_equal(text, "root=/dev/vda1 default_hugepagesz=1G hugepagesz=1G hugepages=8 isolcpus=domain,2-3 "
                                  "amd_iommu=off quiet iommu=pt");
        free(text);

        /* Applying to the result again changes nothing. */
        struct kcmdline *again = NULL;
        assert_int_equal(proposal_apply_to(&p, result, &again), 0);
        char *text2 = NULL;
        assert_int_equal(kcmdline_format(again, &text2), 0);
        assert_int_equal(kcmdline_format(result, &text), 0);
        assert_string_equal(text, text2);
        free(text);
        free(text2);
        kcmdline_free(again);
        kcmdline_free(result);
        kcmdline_free(line);
        proposal_done(&p);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_isolation_lists),
                cmocka_unit_test(test_housekeeping_lists),
                cmocka_unit_test(test_isolcpus_flags),
                cmocka_unit_test(test_proposal_applied),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
