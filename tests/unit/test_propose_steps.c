/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The proposal steps as data: their order, what one hands to another, and the ACS override's
 * hand-over to the vfio step on a captured machine (workstation-identical-gpus: IOMMU group 2
 * holds 0000:00:02.0 and 0000:00:02.1).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "generate.h"
#include "rootdir.h"

static ssize_t step_index(const char *name)
{
        for (size_t i = 0; i < propose_steps_count; i++)
                if (streq(propose_steps[i].name, name))
                        return (ssize_t) i;
        return -1;
}

static void test_table(void **state)
{
        for (size_t i = 0; i < propose_steps_count; i++) {
                const struct propose_step *s = &propose_steps[i];
                assert_int_equal(step_index(s->name), (ssize_t) i); /* named once */
                assert_true(!s->alone != !s->handing_over);
                if (s->needs) {
                        /* What a step reads was written before it runs. */
                        ssize_t needed = step_index(s->needs);
                        assert_true(needed >= 0 && (size_t) needed < i);
                        assert_non_null(s->handing_over);
                        assert_non_null(propose_steps[needed].handing_over);
                }
        }
        assert_string_equal(propose_steps[step_index("vfio")].needs, "acs-override");
}

/* The claim findings of propose_vfio() alone, with ACS as given. */
static size_t vfio_problems(const struct generation *g, int split_group, char *fact, size_t size)
{
        struct proposal proposal = {};
        struct propose_context ctx = g->ctx;
        ctx.proposal = &proposal;
        propose_vfio(&ctx, &(struct acs_override_result){ .split_group = split_group });
        assert_false(proposal_failed(&proposal));
        size_t problems = findings_count(&proposal.findings, FINDING_PROBLEM);
        snprintf(fact, size, "%s", proposal.findings.n ? proposal.findings.items[0].fact : "");
        proposal_done(&proposal);
        return problems;
}

static void test_acs_hand_over(void **state)
{
        _cleanup_rootdir_ struct rootdir *root = NULL;
        assert_int_equal(rootdir_new(FIXTURES_DIR "/workstation-identical-gpus", &root), 0);
        struct machine m;
        assert_int_equal(machine_detect(root, "/etc/no-such-config", NULL, &m), 0);
        static const char text[] = "claim 0000:00:02.0\nkeep 0000:00:02.1\nacs-override if-needed\n";
        struct initbind_config *config = NULL;
        assert_int_equal(config_parse(text, strlen(text), "/etc/initbind.conf", &config), 0);
        config_free(m.config);
        m.config = config;

        struct generation g;
        assert_int_equal(generation_run(&m, m.config, &g), 0);
        /* No ACS patch on this kernel: the override step proposes nothing, and says so. */
        struct proposal proposal = {};
        struct propose_context ctx = g.ctx;
        ctx.proposal = &proposal;
        struct acs_override_result acs = { .split_group = 99 };
        propose_acs_override(&ctx, &acs);
        assert_int_equal(acs.split_group, -1);
        assert_int_equal(findings_count(&proposal.findings, FINDING_PROBLEM), 1);
        proposal_done(&proposal);

        /* vfio reads only what it is handed: the refusal of group 2 is a problem, unless the
         * override splits group 2. */
        char fact[512];
        assert_int_equal(vfio_problems(&g, -1, fact, sizeof(fact)), 1);
        assert_non_null(strstr(fact, "0000:00:02.0 not claimed"));
        assert_int_equal(vfio_problems(&g, 5, fact, sizeof(fact)), 1);
        assert_int_equal(vfio_problems(&g, 2, fact, sizeof(fact)), 0);
        assert_non_null(strstr(fact, "with the proposed pcie_acs_override= the group splits"));

        generation_done(&g);
        machine_done(&m);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_table),
                cmocka_unit_test(test_acs_hand_over),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
