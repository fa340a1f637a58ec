/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A config with 65,536 claim lines is parsed and planned in about linear time (ctest's TIMEOUT is the bound). */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "claim_plan.h"
#include "claim_sources.h"
#include "config.h"
#include "pci_host.h"
#include "macro.h"

/*
 * 65,536 claim lines (every function of domain 0) and as many keep lines parse in about linear
 * time: duplicates are found through an index, not by comparing every pair of lines. ctest's
 * TIMEOUT is the bound. The last two lines repeat an earlier claim and an earlier keep.
 */
static void test_many_claims_and_keeps(void **state)
{
        const size_t n = 65536, line_len = sizeof("claim 0000:00:00.0\n") - 1;
        _cleanup_free_ char *text = malloc(2 * n * line_len + 64);
        size_t len = 0;

        assert_non_null(text);
        for (size_t i = 0; i < n; i++)
                len += (size_t) sprintf(text + len, "claim 0000:%02zx:%02zx.%zu\n", i >> 8, (i >> 3) & 31, i & 7);
        /* keeps of domain 1: no conflict with a claim, but as many lines to check for duplicates */
        for (size_t i = 0; i < n; i++)
                len += (size_t) sprintf(text + len, "keep 0001:%02zx:%02zx.%zu\n", i >> 8, (i >> 3) & 31, i & 7);
        len += (size_t) sprintf(text + len, "claim 0000:12:03.4\nkeep 0001:ff:1f.7\n");

        _cleanup_config_ struct initbind_config *c = NULL;
        assert_int_equal(config_parse(text, len, "test.conf", &c), 0);
        assert_int_equal(c->n_claims, n);
        assert_int_equal(c->n_keeps, n);
        assert_int_equal(c->n_diagnostics, 2);
        assert_int_equal(c->diagnostics[0].line, 2 * n + 1);
        assert_string_equal(c->diagnostics[0].message, "duplicate claim: line 4637 already claims 0000:12:03.4");
        assert_int_equal(c->diagnostics[1].line, 2 * n + 2);
        assert_string_equal(c->diagnostics[1].message, "duplicate keep: line 131072 already keeps 0001:ff:1f.7");
}

/*
 * The same 65,536 claims planned on a host without those functions: one refusal each, in file
 * order, and the plan grows its arrays by doubling rather than one element at a time.
 */
static void test_many_claims_planned(void **state)
{
        const size_t n = 65536;
        _cleanup_free_ char *text = malloc(n * sizeof("claim 0000:00:00.0\n"));
        _cleanup_config_ struct initbind_config *c = NULL;
        struct claim_sources sources = {};
        struct claim_plan *plan = NULL;
        struct pci_host host = {};
        size_t len = 0;

        assert_non_null(text);
        for (size_t i = 0; i < n; i++)
                len += (size_t) sprintf(text + len, "claim 0000:%02zx:%02zx.%zu\n", i >> 8, (i >> 3) & 31, i & 7);
        assert_int_equal(config_parse(text, len, "test.conf", &c), 0);
        assert_int_equal(c->n_diagnostics, 0);

        assert_int_equal(claim_requests_from_config(&sources, c, "test.conf"), 0);
        assert_int_equal(sources.n_requests, n);
        struct claim_input input = { .requests = sources.requests, .n_requests = sources.n_requests };
        assert_int_equal(claim_plan_build(&host, &input, &plan), 0);
        assert_int_equal(plan->n_refusals, n);
        assert_int_equal(plan->n_entries, 0);
        assert_string_equal(plan->refusals[n - 1].origin, "test.conf:65536");
        assert_string_equal(plan->refusals[n - 1].message, "no PCI function at 0000:ff:1f.7: not claimed");
        claim_plan_free(plan);
        claim_sources_done(&sources);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_many_claims_and_keeps),
                cmocka_unit_test(test_many_claims_planned),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
