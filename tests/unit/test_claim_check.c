/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Whether one PCI function may go to vfio-pci: every refusal, their order, the permissions. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "claim_check.h"
#include "rootdir.h"
#include "test-tree.h"

#define ALL_PERMISSIONS (CLAIM_PERMIT_CONSOLE | CLAIM_PERMIT_STORAGE)

static const struct pci_host host_iommu = { .iommu_active = true };
static const struct pci_host host_no_iommu = { .iommu_active = false };

/* A plain endpoint in group 5 with nothing special about it, as pci_host_scan() fills one. */
static struct pci_function endpoint(uint16_t vendor, uint16_t device, uint32_t class_code)
{
        return (struct pci_function){
                .ids = { .vendor = vendor, .device = device, .class_code = class_code },
                .revision = -1,
                .header = PCI_HEADER_UNKNOWN,
                .boot_vga = TRISTATE_UNKNOWN,
                .iommu_group = 5,
                .numa_node = -1,
                .sriov_totalvfs = -1,
                .sriov_numvfs = -1,
                .parent = -1,
        };
}

static void expect(const struct pci_host *host, const struct pci_function *f, unsigned permissions,
                   enum claim_refusal want)
{
        enum claim_refusal got = claim_check(host, f, permissions);
        if (got != want)
                fail_msg("%04x:%04x class %06x: %s, want %s", f->ids.vendor, f->ids.device, f->ids.class_code,
                         claim_refusal_to_string(got), claim_refusal_to_string(want));
}

static void test_allowed(void **state)
{
        struct pci_function nic = endpoint(0x8086, 0x1533, 0x020000);
        expect(&host_iommu, &nic, 0, CLAIM_ALLOWED);

        /* A second GPU that is not the boot VGA, and its audio function. */
        struct pci_function gpu = endpoint(0x10de, 0x1b80, 0x030000);
        gpu.boot_vga = TRISTATE_NO;
        expect(&host_iommu, &gpu, 0, CLAIM_ALLOWED);
        struct pci_function audio = endpoint(0x10de, 0x10f0, 0x040300);
        expect(&host_iommu, &audio, 0, CLAIM_ALLOWED);

        /* A 3D controller has no boot_vga file: unknown is not "console". */
        struct pci_function compute = endpoint(0x10de, 0x20b0, 0x030200);
        expect(&host_iommu, &compute, 0, CLAIM_ALLOWED);

        /* An SR-IOV PF with its VFs off, and a VF (not a PF at all). */
        struct pci_function pf = endpoint(0x8086, 0x1572, 0x020000);
        pf.sriov_totalvfs = 64;
        pf.sriov_numvfs = 0;
        expect(&host_iommu, &pf, 0, CLAIM_ALLOWED);
        struct pci_function vf = endpoint(0x8086, 0x154c, 0x020000);
        expect(&host_iommu, &vf, 0, CLAIM_ALLOWED);

        /* Group 0 is a group like any other. */
        nic.iommu_group = 0;
        expect(&host_iommu, &nic, 0, CLAIM_ALLOWED);
}

static void test_bridge(void **state)
{
        /* By class, before the header type is read (the boot path never reads config). */
        struct pci_function port = endpoint(0x8086, 0xa110, 0x060400);
        expect(&host_iommu, &port, ALL_PERMISSIONS, CLAIM_REFUSED_BRIDGE);
        struct pci_function host_bridge = endpoint(0x8086, 0x29c0, 0x060000);
        expect(&host_iommu, &host_bridge, 0, CLAIM_REFUSED_BRIDGE);
        struct pci_function isa = endpoint(0x8086, 0x2918, 0x060100);
        expect(&host_iommu, &isa, 0, CLAIM_REFUSED_BRIDGE);

        /* By header type, whatever the class claims. */
        struct pci_function odd = endpoint(0x1b21, 0x1184, 0x0c0330);
        odd.header = PCI_HEADER_BRIDGE;
        expect(&host_iommu, &odd, 0, CLAIM_REFUSED_BRIDGE);
        odd.header = PCI_HEADER_CARDBUS;
        expect(&host_iommu, &odd, 0, CLAIM_REFUSED_BRIDGE);
        odd.header = PCI_HEADER_ENDPOINT;
        expect(&host_iommu, &odd, 0, CLAIM_ALLOWED);

        /* A bridge is a bridge first: no IOMMU and no group do not hide that. */
        port.iommu_group = -1;
        expect(&host_no_iommu, &port, 0, CLAIM_REFUSED_BRIDGE);
}

static void test_no_iommu_no_group(void **state)
{
        struct pci_function nic = endpoint(0x8086, 0x1533, 0x020000);
        expect(&host_no_iommu, &nic, ALL_PERMISSIONS, CLAIM_REFUSED_NO_IOMMU);
        nic.iommu_group = -1;
        expect(&host_no_iommu, &nic, ALL_PERMISSIONS, CLAIM_REFUSED_NO_IOMMU);
        expect(&host_iommu, &nic, ALL_PERMISSIONS, CLAIM_REFUSED_NO_GROUP);

        /* A device without a group is refused before what it is matters. */
        struct pci_function qat = endpoint(0x8086, 0x37c8, 0x0b4000);
        qat.iommu_group = -1;
        expect(&host_iommu, &qat, 0, CLAIM_REFUSED_NO_GROUP);
}

static void test_denylist(void **state)
{
        static const uint16_t denied[] = { 0x19e2, 0x19e3, 0x37c8, 0x37c9, 0x0435, 0x0443 };
        for (size_t i = 0; i < ELEMENTSOF(denied); i++) {
                struct pci_function f = endpoint(0x8086, denied[i], 0x0b4000);
                expect(&host_iommu, &f, ALL_PERMISSIONS, CLAIM_REFUSED_DENYLISTED);
        }
        /* Same device IDs from another vendor, other Intel QAT generations: not on the list. */
        struct pci_function other_vendor = endpoint(0x10de, 0x37c8, 0x0b4000);
        expect(&host_iommu, &other_vendor, 0, CLAIM_ALLOWED);
        struct pci_function qat_4xxx = endpoint(0x8086, 0x4940, 0x0b4000);
        expect(&host_iommu, &qat_4xxx, 0, CLAIM_ALLOWED);

        struct pci_function qat = endpoint(0x8086, 0x37c8, 0x0b4000);
        expect(&host_iommu, &qat, ALL_PERMISSIONS, CLAIM_REFUSED_DENYLISTED);
        struct pci_function qat_vf = endpoint(0x8086, 0x37c9, 0x0b4000);
        expect(&host_iommu, &qat_vf, 0, CLAIM_REFUSED_DENYLISTED);
}

static void test_sriov(void **state)
{
        struct pci_function pf = endpoint(0x15b3, 0x101d, 0x020000);
        pf.sriov_totalvfs = 8;
        pf.sriov_numvfs = 4;
        expect(&host_iommu, &pf, ALL_PERMISSIONS, CLAIM_REFUSED_SRIOV_ENABLED);
        pf.sriov_numvfs = 1;
        expect(&host_iommu, &pf, 0, CLAIM_REFUSED_SRIOV_ENABLED);
        pf.sriov_numvfs = 0;
        expect(&host_iommu, &pf, 0, CLAIM_ALLOWED);
}

static void test_console_gpu(void **state)
{
        struct pci_function vga = endpoint(0x1002, 0x73bf, 0x030000);
        vga.boot_vga = TRISTATE_YES;
        expect(&host_iommu, &vga, 0, CLAIM_REFUSED_CONSOLE_GPU);
        expect(&host_iommu, &vga, CLAIM_PERMIT_STORAGE, CLAIM_REFUSED_CONSOLE_GPU);
        expect(&host_iommu, &vga, CLAIM_PERMIT_CONSOLE, CLAIM_ALLOWED);

        /* No boot_vga (class 0x0380), but the firmware framebuffer lies in its BAR. */
        struct pci_function display = endpoint(0x10de, 0x2236, 0x038000);
        display.owns_framebuffer = true;
        expect(&host_iommu, &display, 0, CLAIM_REFUSED_CONSOLE_GPU);
        expect(&host_iommu, &display, CLAIM_PERMIT_CONSOLE, CLAIM_ALLOWED);

        /* boot_vga says no, the framebuffer says yes: the framebuffer wins (boot_vga's fallback
         * changed meaning; /proc/iomem does not lie about where the console is). */
        struct pci_function both = endpoint(0x8086, 0x56a0, 0x030000);
        both.boot_vga = TRISTATE_NO;
        both.owns_framebuffer = true;
        expect(&host_iommu, &both, 0, CLAIM_REFUSED_CONSOLE_GPU);

        /* The console permission does not lift the kernel's own refusals. */
        vga.sriov_totalvfs = 4;
        vga.sriov_numvfs = 4;
        expect(&host_iommu, &vga, CLAIM_PERMIT_CONSOLE, CLAIM_REFUSED_SRIOV_ENABLED);
}

static void test_storage(void **state)
{
        static const uint32_t classes[] = { 0x010802 /* NVMe */, 0x010601 /* AHCI */, 0x010700 /* SAS */,
                                            0x010400 /* RAID */, 0x010000 /* SCSI */ };
        for (size_t i = 0; i < ELEMENTSOF(classes); i++) {
                struct pci_function disk = endpoint(0x144d, 0xa808, classes[i]);
                expect(&host_iommu, &disk, 0, CLAIM_REFUSED_STORAGE);
                expect(&host_iommu, &disk, CLAIM_PERMIT_CONSOLE, CLAIM_REFUSED_STORAGE);
                expect(&host_iommu, &disk, CLAIM_PERMIT_STORAGE, CLAIM_ALLOWED);
                expect(&host_iommu, &disk, ALL_PERMISSIONS, CLAIM_ALLOWED);
        }
        /* Storage without a group is still refused for the group. */
        struct pci_function nvme = endpoint(0x144d, 0xa808, 0x010802);
        nvme.iommu_group = -1;
        expect(&host_iommu, &nvme, CLAIM_PERMIT_STORAGE, CLAIM_REFUSED_NO_GROUP);
}

static void test_refusal_strings(void **state)
{
        static const struct {
                enum claim_refusal r;
                const char *word;
                const char *in_sentence;
        } table[] = {
                { CLAIM_ALLOWED, "yes", "claimed" },
                { CLAIM_REFUSED_NO_IOMMU, "no IOMMU", "intel_iommu=on" },
                { CLAIM_REFUSED_NO_GROUP, "no group", "IOMMU group" },
                { CLAIM_REFUSED_BRIDGE, "bridge", "bridge" },
                { CLAIM_REFUSED_CONSOLE_GPU, "console GPU", "allow=console" },
                { CLAIM_REFUSED_STORAGE, "storage", "allow=storage" },
                { CLAIM_REFUSED_SRIOV_ENABLED, "SR-IOV on", "sriov_numvfs" },
                { CLAIM_REFUSED_DENYLISTED, "denylisted", "disable_denylist=1" },
        };
        assert_int_equal(ELEMENTSOF(table), _CLAIM_REFUSAL_MAX);
        for (size_t i = 0; i < ELEMENTSOF(table); i++) {
                assert_string_equal(claim_refusal_to_string(table[i].r), table[i].word);
                const char *sentence = claim_refusal_explain(table[i].r);
                assert_non_null(sentence);
                if (!strstr(sentence, table[i].in_sentence))
                        fail_msg("\"%s\" does not mention %s", sentence, table[i].in_sentence);
                /* Words are distinct: a listing must tell the reasons apart. */
                for (size_t j = 0; j < i; j++)
                        assert_string_not_equal(claim_refusal_to_string(table[i].r),
                                                claim_refusal_to_string(table[j].r));
        }
        assert_string_equal(claim_refusal_to_string(_CLAIM_REFUSAL_MAX), "?");
        assert_string_equal(claim_refusal_to_string((enum claim_refusal) - 1), "?");
        assert_string_equal(claim_refusal_explain(_CLAIM_REFUSAL_MAX), "unknown reason");
}

static const struct pci_function *find(const struct pci_host *host, const char *address)
{
        struct pci_address a;
        assert_int_equal(pci_address_parse(address, &a, NULL), 0);
        const struct pci_function *f = pci_host_find(host, &a);
        if (!f)
                fail_msg("%s not scanned", address);
        return f;
}

static void test_scanned_machine(void **state)
{
        /* The same rules on what pci_host_scan() reads from a tree: a 3D controller behind a root
         * port carries BOOTFB, a VGA card beside it is not the boot VGA, an NVMe drive, a port. */
        const char *tree = *state;
        tree_add_pci_function(tree, &(struct tree_pci_function){ .address = "0000:00:1c.0",
                                                                 .vendor = 0x8086,
                                                                 .device = 0xa110,
                                                                 .class_code = 0x060400,
                                                                 .header_type = 0x81,
                                                                 .driver = "pcieport",
                                                                 .group = "2" });
        tree_add_pci_function(tree, &(struct tree_pci_function){ .address = "0000:01:00.0",
                                                                 .parents = "pci0000:00/0000:00:1c.0",
                                                                 .vendor = 0x10de,
                                                                 .device = 0x20b0,
                                                                 .subvendor = 0x10de,
                                                                 .subdevice = 0x134f,
                                                                 .class_code = 0x030200,
                                                                 .driver = "nouveau",
                                                                 .group = "13" });
        tree_add_pci_function(tree, &(struct tree_pci_function){ .address = "0000:00:02.0",
                                                                 .vendor = 0x1002,
                                                                 .device = 0x73bf,
                                                                 .class_code = 0x030000,
                                                                 .boot_vga = "0",
                                                                 .group = "3" });
        tree_add_pci_function(tree, &(struct tree_pci_function){ .address = "0000:00:03.0",
                                                                 .vendor = 0x144d,
                                                                 .device = 0xa808,
                                                                 .class_code = 0x010802,
                                                                 .driver = "nvme",
                                                                 .group = "4" });
        tree_write(tree, "proc/iomem",
                   "80000000-fdffffff : PCI Bus 0000:00\n"
                   "  80000000-8fffffff : PCI Bus 0000:01\n"
                   "    80000000-8fffffff : 0000:01:00.0\n"
                   "      80000000-807fffff : BOOTFB\n"
                   "  90000000-9fffffff : 0000:00:02.0\n");
        _cleanup_rootdir_ struct rootdir *root = tree_rootdir(tree);
        _cleanup_pci_host_ struct pci_host *host = NULL;
        assert_int_equal(pci_host_scan(root, 0, &host), 0);

        expect(host, find(host, "0000:00:1c.0"), ALL_PERMISSIONS, CLAIM_REFUSED_BRIDGE);
        expect(host, find(host, "0000:01:00.0"), 0, CLAIM_REFUSED_CONSOLE_GPU);
        expect(host, find(host, "0000:01:00.0"), CLAIM_PERMIT_CONSOLE, CLAIM_ALLOWED);
        expect(host, find(host, "0000:00:02.0"), 0, CLAIM_ALLOWED);
        expect(host, find(host, "0000:00:03.0"), 0, CLAIM_REFUSED_STORAGE);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_allowed),
                cmocka_unit_test(test_bridge),
                cmocka_unit_test(test_no_iommu_no_group),
                cmocka_unit_test(test_denylist),
                cmocka_unit_test(test_sriov),
                cmocka_unit_test(test_console_gpu),
                cmocka_unit_test(test_storage),
                cmocka_unit_test(test_refusal_strings),
                cmocka_unit_test_setup_teardown(test_scanned_machine, tree_setup, tree_teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
