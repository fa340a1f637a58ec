/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Whether VFIO can open an IOMMU group as its members' drivers stand, and who blocks it. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "group_viability.h"
#include "rootdir.h"
#include "test-tree.h"

#define MAX_MEMBERS 8

/* One group holding every function of a small host, in address order. */
struct group_fixture {
        struct pci_function functions[MAX_MEMBERS];
        size_t members[MAX_MEMBERS];
        struct pci_host host;
        struct iommu_group group;
};

/* DRIVERS[i] is member i's driver ("" unbound); the address is 0000:01:00.i. */
static void build(struct group_fixture *g, const char *const *drivers, size_t n)
{
        assert_true(n <= MAX_MEMBERS);
        *g = (struct group_fixture){};
        for (size_t i = 0; i < n; i++) {
                struct pci_function *f = &g->functions[i];
                *f = (struct pci_function){
                        .address = { .bus = 1, .function = (uint8_t) i },
                        .iommu_group = 13,
                        .parent = -1,
                };
                pci_address_format(&f->address, f->name);
                snprintf(f->driver, sizeof(f->driver), "%s", drivers[i]);
                g->members[i] = i;
        }
        g->host = (struct pci_host){ .functions = g->functions, .n_functions = n, .iommu_active = true };
        g->group = (struct iommu_group){ .number = 13, .n_members = n, .members = g->members };
}

static void expect_viable(const char *const *drivers, size_t n)
{
        struct group_fixture g;
        build(&g, drivers, n);
        const struct pci_function *blocker = (const struct pci_function *) &g; /* must stay untouched */
        assert_true(group_is_viable(&g.host, &g.group, &blocker));
        assert_ptr_equal(blocker, &g);
        assert_true(group_is_viable(&g.host, &g.group, NULL));
}

static void expect_blocked(const char *const *drivers, size_t n, size_t want_blocker)
{
        struct group_fixture g;
        build(&g, drivers, n);
        const struct pci_function *blocker = NULL;
        assert_false(group_is_viable(&g.host, &g.group, &blocker));
        assert_ptr_equal(blocker, &g.functions[want_blocker]);
        assert_false(group_is_viable(&g.host, &g.group, NULL));
}

static void test_manages_dma(void **state)
{
        /* The drivers that set driver_managed_dma: vfio-pci, its variants, pci-stub, pcieport. */
        static const char *const yes[] = {
                "vfio-pci",        "mlx5_vfio_pci", "hisi_acc_vfio_pci",
                "virtio_vfio_pci", "pds_vfio_pci",  "nvgrace_gpu_vfio_pci",
                "qat_vfio_pci",    "pci-stub",      "pcieport",
        };
        static const char *const no[] = {
                "snd_hda_intel", "nvidia", "nouveau", "amdgpu",        "xhci_hcd",  "nvme",
                "ahci",          "e1000e", "vfio",    "pci_stub_like", "pcieportx", "",
        };
        for (size_t i = 0; i < ELEMENTSOF(yes); i++)
                if (!driver_manages_dma(yes[i]))
                        fail_msg("%s should manage DMA", yes[i]);
        for (size_t i = 0; i < ELEMENTSOF(no); i++)
                if (driver_manages_dma(no[i]))
                        fail_msg("%s should not manage DMA", no[i]);
}

static void test_viable(void **state)
{
        static const char *const unbound[] = { "", "" };
        expect_viable(unbound, 2);
        static const char *const vfio[] = { "vfio-pci", "vfio-pci" };
        expect_viable(vfio, 2);
        static const char *const mixed[] = { "vfio-pci", "" };
        expect_viable(mixed, 2);
        static const char *const variant[] = { "mlx5_vfio_pci", "pci-stub" };
        expect_viable(variant, 2);
        /* A group with its root port (conventional bridges share their group). */
        static const char *const with_bridge[] = { "pcieport", "vfio-pci", "vfio-pci", "" };
        expect_viable(with_bridge, 4);
        static const char *const single[] = { "vfio-pci" };
        expect_viable(single, 1);
        expect_viable(NULL, 0); /* no members: nothing blocks */
}

static void test_blocked(void **state)
{
        /* The GPU is on vfio-pci, its HDMI audio still on snd_hda_intel: EPERM at open. */
        static const char *const audio[] = { "vfio-pci", "snd_hda_intel" };
        expect_blocked(audio, 2, 1);
        static const char *const first[] = { "nvidia", "vfio-pci" };
        expect_blocked(first, 2, 0);
        /* Several blockers: the first in address order is named. */
        static const char *const several[] = { "pcieport", "", "xhci_hcd", "snd_hda_intel" };
        expect_blocked(several, 4, 2);
}

static void test_scanned_group(void **state)
{
        /* From a tree: a GPU on vfio-pci, its audio on snd_hda_intel, and a second group that
         * is fine. */
        const char *tree = *state;
        tree_add_pci_function(tree, &(struct tree_pci_function){ .address = "0000:00:1c.0",
                                                                 .vendor = 0x8086,
                                                                 .device = 0xa110,
                                                                 .class_code = 0x060400,
                                                                 .header_type = 0x81,
                                                                 .driver = "pcieport",
                                                                 .group = "13" });
        tree_add_pci_function(tree, &(struct tree_pci_function){ .address = "0000:01:00.0",
                                                                 .parents = "pci0000:00/0000:00:1c.0",
                                                                 .vendor = 0x10de,
                                                                 .device = 0x1b80,
                                                                 .class_code = 0x030000,
                                                                 .boot_vga = "0",
                                                                 .driver = "vfio-pci",
                                                                 .driver_override = "vfio-pci",
                                                                 .group = "13" });
        tree_add_pci_function(tree, &(struct tree_pci_function){ .address = "0000:01:00.1",
                                                                 .parents = "pci0000:00/0000:00:1c.0",
                                                                 .vendor = 0x10de,
                                                                 .device = 0x10f0,
                                                                 .class_code = 0x040300,
                                                                 .driver = "snd_hda_intel",
                                                                 .group = "13" });
        tree_add_pci_function(tree, &(struct tree_pci_function){ .address = "0000:00:14.0",
                                                                 .vendor = 0x8086,
                                                                 .device = 0xa36d,
                                                                 .class_code = 0x0c0330,
                                                                 .group = "7" });
        _cleanup_rootdir_ struct rootdir *root = tree_rootdir(tree);
        _cleanup_pci_host_ struct pci_host *host = NULL;
        assert_int_equal(pci_host_scan(root, 0, &host), 0);

        const struct iommu_group *g13 = pci_host_group(host, 13);
        assert_non_null(g13);
        assert_int_equal(g13->n_members, 3);
        const struct pci_function *blocker = NULL;
        assert_false(group_is_viable(host, g13, &blocker));
        assert_non_null(blocker);
        assert_string_equal(blocker->name, "0000:01:00.1");
        assert_string_equal(blocker->driver, "snd_hda_intel");

        const struct iommu_group *g7 = pci_host_group(host, 7);
        assert_non_null(g7);
        assert_true(group_is_viable(host, g7, NULL));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_manages_dma),
                cmocka_unit_test(test_viable),
                cmocka_unit_test(test_blocked),
                cmocka_unit_test_setup_teardown(test_scanned_group, tree_setup, tree_teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
