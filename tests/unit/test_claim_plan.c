/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The claim planner on host models built in memory: selectors, identical GPUs, completion, refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "claim_plan.h"
#include "macro.h"

/* A small host: functions added with fn(), groups built from their iommu_group fields. */
struct fake_host {
        struct pci_host host;
        struct pci_function functions[16];
        struct iommu_group groups[16];
        size_t members[16][16];
};

static struct pci_function *fn(struct fake_host *h, const char *addr, uint16_t vendor, uint16_t device,
                               uint32_t class_code, int group, const char *driver)
{
        struct pci_function *f = &h->functions[h->host.n_functions++];
        *f = (struct pci_function){
                .ids = { .vendor = vendor, .device = device, .class_code = class_code },
                .revision = -1,
                .header = PCI_HEADER_UNKNOWN,
                .boot_vga = TRISTATE_UNKNOWN,
                .iommu_group = group,
                .numa_node = -1,
                .sriov_totalvfs = -1,
                .sriov_numvfs = -1,
                .parent = -1,
        };
        assert_int_equal(pci_address_parse(addr, &f->address, NULL), 0);
        pci_address_format(&f->address, f->name);
        snprintf(f->driver, sizeof(f->driver), "%s", driver ? driver : "");
        return f;
}

/* Call after adding functions in address order. */
static void finish(struct fake_host *h, bool iommu)
{
        h->host.functions = h->functions;
        h->host.groups = h->groups;
        h->host.iommu_active = iommu;
        for (size_t i = 0; i < h->host.n_functions; i++) {
                int number = h->functions[i].iommu_group;
                if (number < 0)
                        continue;
                size_t g;
                for (g = 0; g < h->host.n_groups && h->groups[g].number != number; g++)
                        ;
                if (g == h->host.n_groups) {
                        h->groups[g] = (struct iommu_group){ .number = number, .members = h->members[g] };
                        h->host.n_groups++;
                }
                h->groups[g].members[h->groups[g].n_members++] = i;
        }
}

/* Two identical GPUs with HDMI audio (slot 1 is the boot VGA) and a bochs-display, as in QEMU. */
static void identical_gpus(struct fake_host *h)
{
        fn(h, "0000:00:01.0", 0x1234, 0x1111, 0x030000, 1, NULL)->boot_vga = TRISTATE_YES;
        fn(h, "0000:00:01.1", 0x8086, 0x2668, 0x040300, 1, NULL);
        fn(h, "0000:00:02.0", 0x1234, 0x1111, 0x030000, 2, NULL)->boot_vga = TRISTATE_NO;
        fn(h, "0000:00:02.1", 0x8086, 0x2668, 0x040300, 2, NULL);
        fn(h, "0000:00:03.0", 0x1234, 0x1111, 0x038000, 3, NULL);
        fn(h, "0000:00:1f.2", 0x8086, 0x2922, 0x010601, 4, "ahci");
        finish(h, true);
}

static struct claim_request address_request(const char *addr, unsigned allow)
{
        struct claim_request r = { .kind = CLAIM_REQUEST_CONFIG,
                                   .claim = { .selector = CONFIG_SELECT_ADDRESS, .allow = allow } };
        assert_int_equal(pci_address_parse(addr, &r.claim.address, NULL), 0);
        snprintf(r.origin, sizeof(r.origin), "test.conf:1");
        return r;
}

static struct claim_request id_request(enum claim_request_kind kind, const char *spec)
{
        struct claim_request r = { .kind = kind, .claim = { .selector = CONFIG_SELECT_ID } };
        assert_int_equal(vfio_id_parse(spec, &r.claim.id, NULL), 0);
        snprintf(r.origin, sizeof(r.origin), "vfio-pci.ids=");
        return r;
}

static struct claim_plan *plan_for(struct fake_host *h, const struct claim_request *reqs, size_t n,
                                   const struct config_keep *keeps, size_t n_keeps)
{
        struct claim_input input = { .requests = reqs, .n_requests = n, .keeps = keeps, .n_keeps = n_keeps };
        struct claim_plan *plan = NULL;
        assert_int_equal(claim_plan_build(&h->host, &input, &plan), 0);
        return plan;
}

static const struct plan_entry *entry_at(struct fake_host *h, const struct claim_plan *plan, const char *addr)
{
        struct pci_address a;
        assert_int_equal(pci_address_parse(addr, &a, NULL), 0);
        struct pci_function *f = pci_host_find(&h->host, &a);
        assert_non_null(f);
        return claim_plan_find(plan, pci_host_index(&h->host, f));
}

static const struct plan_group *group_in(const struct claim_plan *plan, int number)
{
        for (size_t i = 0; i < plan->n_groups; i++)
                if (plan->groups[i].number == number)
                        return &plan->groups[i];
        return NULL;
}

static bool refusal_mentions(const struct claim_plan *plan, const char *text, bool is_error)
{
        for (size_t i = 0; i < plan->n_refusals; i++)
                if (strstr(plan->refusals[i].message, text) && plan->refusals[i].is_error == is_error)
                        return true;
        return false;
}

static void test_vfio_ids_keep_console_gpu(void **state)
{
        struct fake_host h = {};
        identical_gpus(&h);
        struct claim_request req = id_request(CLAIM_REQUEST_VFIO_IDS, "1234:1111");
        _cleanup_claim_plan_ struct claim_plan *plan = plan_for(&h, &req, 1, NULL, 0);

        /* The boot VGA stays with the host and is protected from vfio-pci's own ids. */
        assert_int_equal(entry_at(&h, plan, "00:01.0")->action, PLAN_PROTECT);
        assert_null(entry_at(&h, plan, "00:01.1"));
        assert_true(refusal_mentions(plan, "0000:00:01.0 kept for the host", false));
        /* The identical secondary cards are claimed, the audio function of slot 2 completes its group. */
        assert_int_equal(entry_at(&h, plan, "00:02.0")->action, PLAN_CLAIM);
        const struct plan_entry *audio = entry_at(&h, plan, "00:02.1");
        assert_non_null(audio);
        assert_int_equal(audio->action, PLAN_CLAIM);
        assert_true(audio->companion);
        assert_non_null(strstr(audio->why, "completes IOMMU group 2"));
        assert_int_equal(entry_at(&h, plan, "00:03.0")->action, PLAN_CLAIM);
        assert_true(group_in(plan, 2)->usable);
        assert_true(group_in(plan, 3)->usable);
        assert_null(group_in(plan, 1));
        assert_true(plan->needs_vfio);
        assert_int_equal(claim_plan_count(plan, PLAN_CLAIM), 3);
}

static void test_console_gpu_by_address_needs_allow(void **state)
{
        struct fake_host h = {};
        identical_gpus(&h);
        struct claim_request req = address_request("00:01.0", 0);
        _cleanup_claim_plan_ struct claim_plan *plan = plan_for(&h, &req, 1, NULL, 0);
        assert_int_equal(plan->n_entries, 0);
        assert_true(refusal_mentions(plan, "console", true));

        struct claim_request allowed = address_request("00:01.0", CONFIG_ALLOW_CONSOLE);
        _cleanup_claim_plan_ struct claim_plan *plan2 = plan_for(&h, &allowed, 1, NULL, 0);
        assert_int_equal(entry_at(&h, plan2, "00:01.0")->action, PLAN_CLAIM);
        assert_int_equal(entry_at(&h, plan2, "00:01.1")->action, PLAN_CLAIM);
}

static void test_console_permission_does_not_spread_to_id_matches(void **state)
{
        struct fake_host h = {};
        identical_gpus(&h);
        struct claim_request req = id_request(CLAIM_REQUEST_CONFIG, "1234:1111");
        req.claim.allow = CONFIG_ALLOW_CONSOLE;
        _cleanup_claim_plan_ struct claim_plan *plan = plan_for(&h, &req, 1, NULL, 0);
        assert_null(entry_at(&h, plan, "00:01.0"));
        assert_int_equal(entry_at(&h, plan, "00:02.0")->action, PLAN_CLAIM);
}

static void test_expected_id_mismatch_refuses(void **state)
{
        struct fake_host h = {};
        identical_gpus(&h);
        struct claim_request req = address_request("00:02.0", 0);
        req.claim.has_expect = true;
        assert_int_equal(vfio_id_parse("10de:1b80", &req.claim.expect, NULL), 0);
        _cleanup_claim_plan_ struct claim_plan *plan = plan_for(&h, &req, 1, NULL, 0);
        assert_int_equal(plan->n_entries, 0);
        assert_true(refusal_mentions(plan, "hardware has moved", true));
        assert_false(plan->needs_vfio);

        assert_int_equal(vfio_id_parse("1234:1111", &req.claim.expect, NULL), 0);
        _cleanup_claim_plan_ struct claim_plan *plan2 = plan_for(&h, &req, 1, NULL, 0);
        assert_int_equal(entry_at(&h, plan2, "00:02.0")->action, PLAN_CLAIM);
}

static void test_missing_address_refused(void **state)
{
        struct fake_host h = {};
        identical_gpus(&h);
        struct claim_request req = address_request("0000:0b:00.0", 0);
        _cleanup_claim_plan_ struct claim_plan *plan = plan_for(&h, &req, 1, NULL, 0);
        assert_int_equal(plan->n_entries, 0);
        assert_true(refusal_mentions(plan, "no PCI function at 0000:0b:00.0", true));
        assert_int_equal(plan->refusals[0].function, -1);
}

/* A guest GPU sharing its group with a storage controller behind a bridge. */
static void shared_group(struct fake_host *h, const char *nic_driver)
{
        fn(h, "0000:00:1e.0", 0x8086, 0x244e, 0x060401, 5, NULL)->header = PCI_HEADER_BRIDGE;
        fn(h, "0000:01:01.0", 0x1234, 0x1111, 0x038000, 5, NULL);
        fn(h, "0000:01:02.0", 0x8086, 0x100e, 0x020000, 5, nic_driver);
        fn(h, "0000:01:03.0", 0x1000, 0x0012, 0x010700, 5, NULL);
        finish(h, true);
}

static void test_group_with_storage_left_alone(void **state)
{
        struct fake_host h = {};
        shared_group(&h, NULL);
        struct claim_request req = address_request("01:01.0", 0);
        _cleanup_claim_plan_ struct claim_plan *plan = plan_for(&h, &req, 1, NULL, 0);
        assert_int_equal(claim_plan_count(plan, PLAN_CLAIM), 0);
        const struct plan_group *g = group_in(plan, 5);
        assert_non_null(g);
        assert_false(g->usable);
        assert_string_equal(h.functions[g->blocker].name, "0000:01:03.0");
        assert_true(refusal_mentions(plan, "IOMMU group 5 cannot be made usable", true));
        /* The bridge is never a target. */
        assert_null(entry_at(&h, plan, "00:1e.0"));
}

static void test_partial_group_claims_anyway(void **state)
{
        struct fake_host h = {};
        shared_group(&h, NULL);
        struct claim_request req = address_request("01:01.0", CONFIG_ALLOW_PARTIAL_GROUP);
        _cleanup_claim_plan_ struct claim_plan *plan = plan_for(&h, &req, 1, NULL, 0);
        assert_int_equal(entry_at(&h, plan, "01:01.0")->action, PLAN_CLAIM);
        assert_int_equal(entry_at(&h, plan, "01:02.0")->action, PLAN_CLAIM); /* the NIC completes it */
        assert_null(entry_at(&h, plan, "01:03.0"));                          /* storage never joins */
        assert_null(entry_at(&h, plan, "00:1e.0"));
        assert_false(group_in(plan, 5)->usable);
}

static void test_storage_allowed_completes_group(void **state)
{
        struct fake_host h = {};
        shared_group(&h, NULL);
        struct claim_request reqs[] = { address_request("01:01.0", 0),
                                        address_request("01:03.0", CONFIG_ALLOW_STORAGE) };
        _cleanup_claim_plan_ struct claim_plan *plan = plan_for(&h, reqs, 2, NULL, 0);
        assert_int_equal(claim_plan_count(plan, PLAN_CLAIM), 3);
        assert_true(group_in(plan, 5)->usable);
}

static void test_bound_companion_blocks_without_unbind(void **state)
{
        struct fake_host h = {};
        fn(&h, "0000:00:05.0", 0x1234, 0x1111, 0x038000, 7, NULL);
        fn(&h, "0000:00:05.1", 0x8086, 0x2668, 0x040300, 7, "snd_hda_intel");
        finish(&h, true);
        struct claim_request req = address_request("00:05.0", 0);
        _cleanup_claim_plan_ struct claim_plan *plan = plan_for(&h, &req, 1, NULL, 0);
        assert_int_equal(plan->n_entries, 0);
        assert_true(refusal_mentions(plan, "bound to snd_hda_intel", true));

        struct claim_request unbind = address_request("00:05.0", CONFIG_ALLOW_UNBIND);
        _cleanup_claim_plan_ struct claim_plan *plan2 = plan_for(&h, &unbind, 1, NULL, 0);
        const struct plan_entry *audio = entry_at(&h, plan2, "00:05.1");
        assert_non_null(audio);
        assert_true(audio->unbind_first);
        assert_true(group_in(plan2, 7)->usable);
}

static void test_keep_excludes_and_conflicts(void **state)
{
        struct fake_host h = {};
        identical_gpus(&h);
        struct config_keep keep = { .line = 3 };
        assert_int_equal(pci_address_parse("00:03.0", &keep.address, NULL), 0);

        struct claim_request by_id = id_request(CLAIM_REQUEST_CONFIG, "1234:1111");
        _cleanup_claim_plan_ struct claim_plan *plan = plan_for(&h, &by_id, 1, &keep, 1);
        assert_null(entry_at(&h, plan, "00:03.0"));
        assert_true(refusal_mentions(plan, "keep at line 3", false));

        struct claim_request by_address = address_request("00:03.0", 0);
        _cleanup_claim_plan_ struct claim_plan *plan2 = plan_for(&h, &by_address, 1, &keep, 1);
        assert_int_equal(plan2->n_entries, 0);
        assert_true(refusal_mentions(plan2, "keep at line 3", true));
}

static void test_no_iommu_refuses_everything(void **state)
{
        struct fake_host h = {};
        fn(&h, "0000:00:02.0", 0x1234, 0x1111, 0x030000, -1, NULL);
        finish(&h, false);
        struct claim_request req = address_request("00:02.0", 0);
        _cleanup_claim_plan_ struct claim_plan *plan = plan_for(&h, &req, 1, NULL, 0);
        assert_int_equal(plan->n_entries, 0);
        assert_true(refusal_mentions(plan, "no IOMMU", true));
}

static void test_slot_and_group_selectors(void **state)
{
        struct fake_host h = {};
        identical_gpus(&h);
        struct claim_request slot = { .claim = { .selector = CONFIG_SELECT_SLOT } };
        assert_int_equal(pci_slot_parse("00:02", &slot.claim.address, NULL), 0);
        _cleanup_claim_plan_ struct claim_plan *plan = plan_for(&h, &slot, 1, NULL, 0);
        assert_int_equal(claim_plan_count(plan, PLAN_CLAIM), 2);
        assert_false(entry_at(&h, plan, "00:02.1")->companion);

        struct claim_request group = { .claim = { .selector = CONFIG_SELECT_GROUP, .group = 3 } };
        _cleanup_claim_plan_ struct claim_plan *plan2 = plan_for(&h, &group, 1, NULL, 0);
        assert_int_equal(claim_plan_count(plan2, PLAN_CLAIM), 1);
        assert_non_null(entry_at(&h, plan2, "00:03.0"));

        struct claim_request nogroup = { .claim = { .selector = CONFIG_SELECT_GROUP, .group = 42 } };
        _cleanup_claim_plan_ struct claim_plan *plan3 = plan_for(&h, &nogroup, 1, NULL, 0);
        assert_true(refusal_mentions(plan3, "no IOMMU group 42", true));
}

static void test_already_claimed_and_return_to_host(void **state)
{
        struct fake_host h = {};
        fn(&h, "0000:00:01.0", 0x1234, 0x1111, 0x030000, 1, "vfio-pci")->boot_vga = TRISTATE_YES;
        fn(&h, "0000:00:03.0", 0x1234, 0x1111, 0x038000, 3, "vfio-pci");
        finish(&h, true);
        struct claim_request req = id_request(CLAIM_REQUEST_VFIO_IDS, "1234:1111");
        _cleanup_claim_plan_ struct claim_plan *plan = plan_for(&h, &req, 1, NULL, 0);
        /* Built-in vfio-pci took the console GPU before initbind ran: it goes back to the host. */
        assert_int_equal(entry_at(&h, plan, "00:01.0")->action, PLAN_RETURN_TO_HOST);
        assert_int_equal(entry_at(&h, plan, "00:03.0")->action, PLAN_ALREADY_CLAIMED);
}

static void test_refusals_for_bridges_sriov_denylist(void **state)
{
        struct fake_host h = {};
        fn(&h, "0000:00:1c.0", 0x8086, 0xa110, 0x060400, 8, "pcieport")->header = PCI_HEADER_BRIDGE;
        struct pci_function *pf = fn(&h, "0000:02:00.0", 0x8086, 0x1572, 0x020000, 9, NULL);
        pf->sriov_totalvfs = 8;
        pf->sriov_numvfs = 4;
        fn(&h, "0000:03:00.0", 0x8086, 0x37c8, 0x0b4000, 10, NULL);
        finish(&h, true);
        struct claim_request reqs[] = { address_request("00:1c.0", 0), address_request("02:00.0", 0),
                                        address_request("03:00.0", 0) };
        _cleanup_claim_plan_ struct claim_plan *plan = plan_for(&h, reqs, 3, NULL, 0);
        assert_int_equal(plan->n_entries, 0);
        assert_true(refusal_mentions(plan, "bridge", true));
        assert_true(refusal_mentions(plan, "SR-IOV", true));
        assert_true(refusal_mentions(plan, "denylist", true));
}

static void test_unmatched_id_in_config_is_reported(void **state)
{
        struct fake_host h = {};
        identical_gpus(&h);
        struct claim_request req = id_request(CLAIM_REQUEST_CONFIG, "10de:1b80");
        _cleanup_claim_plan_ struct claim_plan *plan = plan_for(&h, &req, 1, NULL, 0);
        assert_true(refusal_mentions(plan, "no PCI function matches 10de:1b80", true));
        /* vfio-pci.ids that match nothing are not an error: the kernel just binds nothing. */
        struct claim_request ids = id_request(CLAIM_REQUEST_VFIO_IDS, "10de:1b80");
        _cleanup_claim_plan_ struct claim_plan *plan2 = plan_for(&h, &ids, 1, NULL, 0);
        assert_int_equal(plan2->n_refusals, 0);
        assert_true(plan2->needs_vfio); /* loaded anyway, with its ids emptied */
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_vfio_ids_keep_console_gpu),
                cmocka_unit_test(test_console_gpu_by_address_needs_allow),
                cmocka_unit_test(test_console_permission_does_not_spread_to_id_matches),
                cmocka_unit_test(test_expected_id_mismatch_refuses),
                cmocka_unit_test(test_missing_address_refused),
                cmocka_unit_test(test_group_with_storage_left_alone),
                cmocka_unit_test(test_partial_group_claims_anyway),
                cmocka_unit_test(test_storage_allowed_completes_group),
                cmocka_unit_test(test_bound_companion_blocks_without_unbind),
                cmocka_unit_test(test_keep_excludes_and_conflicts),
                cmocka_unit_test(test_no_iommu_refuses_everything),
                cmocka_unit_test(test_slot_and_group_selectors),
                cmocka_unit_test(test_already_claimed_and_return_to_host),
                cmocka_unit_test(test_refusals_for_bridges_sriov_denylist),
                cmocka_unit_test(test_unmatched_id_in_config_is_reported),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
