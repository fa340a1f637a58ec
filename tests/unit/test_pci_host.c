/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The PCI host model read from small sysfs trees: functions, parents, groups, IOMMU, console. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "pci_host.h"
#include "rootdir.h"
#include "test-tree.h"

/* A q35-like machine: host bridge, boot VGA, a NIC with SR-IOV on, a root port with a GPU and
 * its audio behind it, a SATA controller. Group numbers out of address order on purpose. */
static const struct tree_pci_function host_bridge = {
        .address = "0000:00:00.0",
        .vendor = 0x8086,
        .device = 0x29c0,
        .subvendor = 0x1af4,
        .subdevice = 0x1100,
        .class_code = 0x060000,
        .group = "0",
};
static const struct tree_pci_function boot_vga = {
        .address = "0000:00:01.0",
        .vendor = 0x1234,
        .device = 0x1111,
        .subvendor = 0x1af4,
        .subdevice = 0x1100,
        .class_code = 0x030000,
        .revision = 0x02,
        .boot_vga = "1",
        .driver = "bochs-drm",
        .group = "1",
};
static const struct tree_pci_function nic_pf = {
        .address = "0000:00:02.0",
        .vendor = 0x8086,
        .device = 0x1572,
        .subvendor = 0x8086,
        .subdevice = 0x0001,
        .class_code = 0x020000,
        .revision = 0x01,
        .driver = "i40e",
        .group = "14",
        .sriov_totalvfs = "64",
        .sriov_numvfs = "2",
        .numa_node = "1",
};
static const struct tree_pci_function root_port = {
        .address = "0000:00:1c.0",
        .vendor = 0x8086,
        .device = 0xa110,
        .class_code = 0x060400,
        .header_type = 0x81,
        .revision = 0xf0,
        .driver = "pcieport",
        .group = "2",
};
static const struct tree_pci_function gpu = {
        .address = "0000:01:00.0",
        .parents = "pci0000:00/0000:00:1c.0",
        .vendor = 0x10de,
        .device = 0x1b80,
        .subvendor = 0x1458,
        .subdevice = 0x3702,
        .class_code = 0x030000,
        .header_type = 0x80,
        .revision = 0xa1,
        .boot_vga = "0",
        .driver = "vfio-pci",
        .driver_override = "vfio-pci",
        .group = "13",
        .numa_node = "0",
};
static const struct tree_pci_function gpu_audio = {
        .address = "0000:01:00.1",
        .parents = "pci0000:00/0000:00:1c.0",
        .vendor = 0x10de,
        .device = 0x10f0,
        .subvendor = 0x1458,
        .subdevice = 0x3702,
        .class_code = 0x040300,
        .header_type = 0x80,
        .revision = 0xa1,
        .group = "13",
};
static const struct tree_pci_function sata = {
        .address = "0000:00:1f.2",
        .vendor = 0x8086,
        .device = 0x2922,
        .subvendor = 0x1af4,
        .subdevice = 0x1100,
        .class_code = 0x010601,
        .revision = 0x02,
        .driver = "ahci",
        .group = "3",
};

static void add_machine(const char *tree)
{
        /* Written in an order unlike address order. */
        tree_add_pci_function(tree, &gpu_audio);
        tree_add_pci_function(tree, &sata);
        tree_add_pci_function(tree, &gpu);
        tree_add_pci_function(tree, &host_bridge);
        tree_add_pci_function(tree, &root_port);
        tree_add_pci_function(tree, &nic_pf);
        tree_add_pci_function(tree, &boot_vga);
}

static struct pci_host *scan(const char *tree, unsigned flags)
{
        _cleanup_rootdir_ struct rootdir *root = tree_rootdir(tree);
        struct pci_host *host = NULL;
        int r = pci_host_scan(root, flags, &host);
        if (r < 0)
                fail_msg("pci_host_scan: %s", strerror(-r));
        assert_non_null(host);
        return host;
}

static struct pci_function *find(const struct pci_host *host, const char *address)
{
        struct pci_address a;
        assert_int_equal(pci_address_parse(address, &a, NULL), 0);
        struct pci_function *f = pci_host_find(host, &a);
        if (!f)
                fail_msg("%s not scanned", address);
        return f;
}

static void test_functions(void **state)
{
        const char *tree = *state;
        add_machine(tree);
        _cleanup_pci_host_ struct pci_host *host = scan(tree, 0);

        static const char *const order[] = { "0000:00:00.0", "0000:00:01.0", "0000:00:02.0", "0000:00:1c.0",
                                             "0000:00:1f.2", "0000:01:00.0", "0000:01:00.1" };
        assert_int_equal(host->n_functions, ELEMENTSOF(order));
        for (size_t i = 0; i < ELEMENTSOF(order); i++)
                assert_string_equal(host->functions[i].name, order[i]);

        const struct pci_function *g = find(host, "0000:01:00.0");
        assert_int_equal(g->ids.vendor, 0x10de);
        assert_int_equal(g->ids.device, 0x1b80);
        assert_int_equal(g->ids.subvendor, 0x1458);
        assert_int_equal(g->ids.subdevice, 0x3702);
        assert_int_equal(g->ids.class_code, 0x030000);
        assert_string_equal(g->modalias, "pci:v000010DEd00001B80sv00001458sd00003702bc03sc00i00");
        assert_string_equal(g->driver, "vfio-pci");
        assert_int_equal(g->iommu_group, 13);
        assert_int_equal(g->boot_vga, TRISTATE_NO);
        assert_false(g->owns_framebuffer);
        /* Not read without PCI_SCAN_DETAILS: the boot path never touches config space. */
        assert_int_equal(g->revision, -1);
        assert_int_equal(g->header, PCI_HEADER_UNKNOWN);
        assert_int_equal(g->numa_node, -1);
        assert_null(g->sysfs_path);
        assert_int_equal(g->parent, -1);
        /* Nor without PCI_SCAN_OVERRIDES: the boot path's plan does not depend on it. */
        assert_string_equal(g->driver_override, "");

        const struct pci_function *audio = find(host, "0000:01:00.1");
        assert_string_equal(audio->driver, "");
        assert_int_equal(audio->boot_vga, TRISTATE_UNKNOWN);
        assert_int_equal(audio->sriov_totalvfs, -1);
        assert_int_equal(audio->sriov_numvfs, -1);

        const struct pci_function *vga = find(host, "0000:00:01.0");
        assert_int_equal(vga->boot_vga, TRISTATE_YES);
        assert_true(pci_function_is_console_gpu(vga));
        assert_false(pci_function_is_console_gpu(g));
        assert_string_equal(vga->driver, "bochs-drm");

        const struct pci_function *nic = find(host, "0000:00:02.0");
        assert_int_equal(nic->sriov_totalvfs, 64);
        assert_int_equal(nic->sriov_numvfs, 2);

        assert_true(pci_function_is_bridge(find(host, "0000:00:1c.0")));
        assert_true(pci_function_is_bridge(find(host, "0000:00:00.0")));
        assert_false(pci_function_is_bridge(g));

        struct pci_address absent = { .bus = 9 };
        assert_null(pci_host_find(host, &absent));
}

static void test_details(void **state)
{
        const char *tree = *state;
        add_machine(tree);
        _cleanup_pci_host_ struct pci_host *host = scan(tree, PCI_SCAN_DETAILS | PCI_SCAN_OVERRIDES);

        const struct pci_function *port = find(host, "0000:00:1c.0");
        assert_int_equal(port->revision, 0xf0);
        assert_int_equal(port->header, PCI_HEADER_BRIDGE); /* 0x81: the multi-function bit is not the type */
        const struct pci_function *g = find(host, "0000:01:00.0");
        assert_int_equal(g->revision, 0xa1);
        assert_int_equal(g->header, PCI_HEADER_ENDPOINT);
        assert_int_equal(g->numa_node, 0);
        assert_int_equal(find(host, "0000:00:02.0")->numa_node, 1);
        assert_int_equal(find(host, "0000:00:1f.2")->numa_node, -1);
        assert_string_equal(g->sysfs_path, "devices/pci0000:00/0000:00:1c.0/0000:01:00.0");
        assert_string_equal(find(host, "0000:00:01.0")->sysfs_path, "devices/pci0000:00/0000:00:01.0");
        assert_string_equal(g->driver_override, "vfio-pci");
        assert_string_equal(find(host, "0000:01:00.1")->driver_override, ""); /* "(null)" in sysfs */
}

/* Found by fuzz-pci_host: a numa_node of -5 was taken as node -5. Only -1 means "none". */
static void test_numa_node_out_of_range(void **state)
{
        const char *tree = *state;
        add_machine(tree);
        tree_write(tree, "sys/devices/pci0000:00/0000:00:02.0/numa_node", "-5\n");
        tree_write(tree, "sys/devices/pci0000:00/0000:00:1f.2/numa_node", "99999\n");
        _cleanup_pci_host_ struct pci_host *host = scan(tree, PCI_SCAN_DETAILS);
        assert_int_equal(find(host, "0000:00:02.0")->numa_node, -1);
        assert_int_equal(find(host, "0000:00:1f.2")->numa_node, -1);
}

static void test_parents(void **state)
{
        const char *tree = *state;
        add_machine(tree);
        /* A switch behind the root port: upstream port 02:00.0, downstream 03:01.0, NVMe 04:00.0. */
        tree_add_pci_function(tree, &(struct tree_pci_function){ .address = "0000:02:00.0",
                                                                 .parents = "pci0000:00/0000:00:1c.0",
                                                                 .vendor = 0x10b5,
                                                                 .device = 0x8747,
                                                                 .class_code = 0x060400,
                                                                 .header_type = 0x01,
                                                                 .driver = "pcieport",
                                                                 .group = "20" });
        tree_add_pci_function(tree, &(struct tree_pci_function){ .address = "0000:03:01.0",
                                                                 .parents = "pci0000:00/0000:00:1c.0/0000:02:00.0",
                                                                 .vendor = 0x10b5,
                                                                 .device = 0x8747,
                                                                 .class_code = 0x060400,
                                                                 .header_type = 0x01,
                                                                 .driver = "pcieport",
                                                                 .group = "21" });
        tree_add_pci_function(
                tree, &(struct tree_pci_function){ .address = "0000:04:00.0",
                                                   .parents = "pci0000:00/0000:00:1c.0/0000:02:00.0/0000:03:01.0",
                                                   .vendor = 0x144d,
                                                   .device = 0xa808,
                                                   .class_code = 0x010802,
                                                   .driver = "nvme",
                                                   .group = "22" });
        /* A VMD domain: 5-digit domain numbers, its own root bus. */
        tree_add_pci_function(tree, &(struct tree_pci_function){ .address = "10000:e0:06.0",
                                                                 .parents = "pci0000:00/0000:00:0e.0/pci10000:e0",
                                                                 .vendor = 0x8086,
                                                                 .device = 0x464d,
                                                                 .class_code = 0x060400,
                                                                 .header_type = 0x01,
                                                                 .driver = "pcieport" });
        tree_add_pci_function(
                tree, &(struct tree_pci_function){ .address = "10000:e1:00.0",
                                                   .parents = "pci0000:00/0000:00:0e.0/pci10000:e0/10000:e0:06.0",
                                                   .vendor = 0x144d,
                                                   .device = 0xa80a,
                                                   .class_code = 0x010802,
                                                   .driver = "nvme" });
        _cleanup_pci_host_ struct pci_host *host = scan(tree, PCI_SCAN_DETAILS);

        size_t port = pci_host_index(host, find(host, "0000:00:1c.0"));
        size_t up = pci_host_index(host, find(host, "0000:02:00.0"));
        size_t down = pci_host_index(host, find(host, "0000:03:01.0"));
        size_t vmd_port = pci_host_index(host, find(host, "10000:e0:06.0"));
        assert_int_equal(find(host, "0000:00:1c.0")->parent, -1);
        assert_int_equal(find(host, "0000:00:01.0")->parent, -1);
        assert_int_equal(find(host, "0000:01:00.0")->parent, (int) port);
        assert_int_equal(find(host, "0000:01:00.1")->parent, (int) port);
        assert_int_equal(find(host, "0000:02:00.0")->parent, (int) port);
        assert_int_equal(find(host, "0000:03:01.0")->parent, (int) up);
        assert_int_equal(find(host, "0000:04:00.0")->parent, (int) down);
        /* The VMD controller itself (0000:00:0e.0) is not in this tree: no parent for its root bus. */
        assert_int_equal(find(host, "10000:e0:06.0")->parent, -1);
        assert_int_equal(find(host, "10000:e1:00.0")->parent, (int) vmd_port);
        /* Domain 0x10000 sorts after every domain-0 function. */
        assert_string_equal(host->functions[host->n_functions - 1].name, "10000:e1:00.0");
        assert_int_equal(find(host, "10000:e1:00.0")->iommu_group, -1);
}

static void test_groups(void **state)
{
        const char *tree = *state;
        add_machine(tree);
        _cleanup_pci_host_ struct pci_host *host = scan(tree, 0);

        static const int numbers[] = { 0, 1, 2, 3, 13, 14 };
        assert_int_equal(host->n_groups, ELEMENTSOF(numbers));
        for (size_t i = 0; i < ELEMENTSOF(numbers); i++)
                assert_int_equal(host->groups[i].number, numbers[i]);

        const struct iommu_group *g13 = pci_host_group(host, 13);
        assert_non_null(g13);
        assert_int_equal(g13->number, 13);
        assert_int_equal(g13->n_members, 2);
        assert_string_equal(host->functions[g13->members[0]].name, "0000:01:00.0");
        assert_string_equal(host->functions[g13->members[1]].name, "0000:01:00.1");
        const struct iommu_group *g0 = pci_host_group(host, 0);
        assert_non_null(g0);
        assert_int_equal(g0->n_members, 1);
        assert_string_equal(host->functions[g0->members[0]].name, "0000:00:00.0");
        assert_null(pci_host_group(host, 4));
        assert_null(pci_host_group(host, -1));

        /* Groups exist, so the IOMMU is on, even without /sys/class/iommu. */
        assert_true(host->iommu_active);
        assert_false(host->has_dmar);
        assert_false(host->has_ivrs);
}

static void test_missing_and_malformed(void **state)
{
        const char *tree = *state;
        add_machine(tree);

        /* A function whose uevent is gone vanished mid-scan: skipped. */
        struct tree_pci_function gone = {
                .address = "0000:00:05.0", .vendor = 0x8086, .device = 0x10d3, .class_code = 0x020000, .group = "5"
        };
        tree_add_pci_function(tree, &gone);
        tree_unlink(tree, "sys/devices/pci0000:00/0000:00:05.0/uevent");
        /* A dangling bus/pci/devices link: skipped. */
        tree_symlink(tree, "sys/bus/pci/devices/0000:00:06.0", "../../../devices/pci0000:00/0000:00:06.0");
        /* A uevent without usable IDs tells nothing to act on: skipped. */
        tree_write(tree, "sys/devices/pci0000:00/0000:00:07.0/uevent",
                   "PCI_CLASS=20000\nPCI_ID=zzzz:10d3\nPCI_SUBSYS_ID=8086:0000\nPCI_SLOT_NAME=0000:00:07.0\n");
        tree_symlink(tree, "sys/bus/pci/devices/0000:00:07.0", "../../../devices/pci0000:00/0000:00:07.0");
        tree_write(tree, "sys/devices/pci0000:00/0000:00:08.0/uevent",
                   "PCI_ID=8086:10d3\nPCI_SLOT_NAME=0000:00:08.0\n");
        tree_symlink(tree, "sys/bus/pci/devices/0000:00:08.0", "../../../devices/pci0000:00/0000:00:08.0");
        /* A bad subsystem ID, no modalias, no iommu_group, no driver_override: listed with the rest. */
        tree_write(tree, "sys/devices/pci0000:00/0000:00:09.0/uevent",
                   "DRIVER=e1000e\nPCI_CLASS=20000\nPCI_ID=8086:10D3\nPCI_SUBSYS_ID=80861:0000\n"
                   "PCI_SLOT_NAME=0000:00:09.0\ngarbage line\n\n");
        tree_symlink(tree, "sys/bus/pci/devices/0000:00:09.0", "../../../devices/pci0000:00/0000:00:09.0");
        /* An iommu_group link that names no number. */
        struct tree_pci_function odd_group = {
                .address = "0000:00:0a.0", .vendor = 0x8086, .device = 0x10d3, .class_code = 0x020000
        };
        tree_add_pci_function(tree, &odd_group);
        tree_symlink(tree, "sys/devices/pci0000:00/0000:00:0a.0/iommu_group", "../../../kernel/iommu_groups/x1");
        /* A driver_override too long for the field is not kept half. */
        struct tree_pci_function long_override = {
                .address = "0000:00:0b.0",
                .vendor = 0x8086,
                .device = 0x10d3,
                .class_code = 0x020000,
                .group = "11",
                .driver_override = "a-driver-name-that-is-far-too-long-for-any-real-driver-0123456789"
        };
        tree_add_pci_function(tree, &long_override);
        /* Entries that are not PCI addresses are not functions. */
        tree_write(tree, "sys/bus/pci/devices/README", "x\n");
        tree_mkdir(tree, "sys/bus/pci/devices/0000:00:1f");
        _cleanup_pci_host_ struct pci_host *host = scan(tree, PCI_SCAN_DETAILS);

        struct pci_address a;
        for (const char *const *skipped =
                     (const char *const[]){ "0000:00:05.0", "0000:00:06.0", "0000:00:07.0", "0000:00:08.0", NULL };
             *skipped; skipped++) {
                assert_int_equal(pci_address_parse(*skipped, &a, NULL), 0);
                if (pci_host_find(host, &a))
                        fail_msg("%s should have been skipped", *skipped);
        }
        assert_int_equal(host->n_functions, 7 + 3);
        /* The group the vanished function was in is not made up from its link alone. */
        assert_null(pci_host_group(host, 5));

        const struct pci_function *partial = find(host, "0000:00:09.0");
        assert_int_equal(partial->ids.vendor, 0x8086);
        assert_int_equal(partial->ids.device, 0x10d3);
        assert_int_equal(partial->ids.class_code, 0x020000);
        assert_int_equal(partial->ids.subvendor, 0);
        assert_int_equal(partial->ids.subdevice, 0);
        assert_string_equal(partial->driver, "e1000e");
        assert_string_equal(partial->driver_override, "");
        assert_string_equal(partial->modalias, "");
        assert_int_equal(partial->iommu_group, -1);
        assert_int_equal(partial->revision, -1); /* no config file */
        assert_int_equal(partial->header, PCI_HEADER_UNKNOWN);
        assert_int_equal(partial->numa_node, -1);

        assert_int_equal(find(host, "0000:00:0a.0")->iommu_group, -1);
        assert_string_equal(find(host, "0000:00:0b.0")->driver_override, "");
        assert_int_equal(find(host, "0000:00:0b.0")->iommu_group, 11);
}

static void test_short_config(void **state)
{
        const char *tree = *state;
        tree_add_pci_function(tree, &gpu_audio);
        /* Unprivileged readers get the first 64 bytes; fewer than 16 is not a header. */
        tree_write_bytes(tree, "sys/devices/pci0000:00/0000:00:1c.0/0000:01:00.1/config", "\xde\x10\xf0\x10", 4);
        _cleanup_pci_host_ struct pci_host *host = scan(tree, PCI_SCAN_DETAILS);
        assert_int_equal(host->n_functions, 1);
        assert_int_equal(host->functions[0].revision, -1);
        assert_int_equal(host->functions[0].header, PCI_HEADER_UNKNOWN);
}

/* The next boot's view is planned on a copy: it must own everything it holds. */
static void test_dup_is_deep(void **state)
{
        const char *tree = *state;
        add_machine(tree);
        /* A problem found in the original (a short config), and one found later in the copy only. */
        tree_write_bytes(tree, "sys/devices/pci0000:00/0000:00:1c.0/0000:01:00.1/config", "\xde\x10", 2);
        struct pci_host *host = scan(tree, PCI_SCAN_PARENTS);
        tree_write_bytes(tree, "sys/devices/pci0000:00/0000:00:1c.0/0000:01:00.0/config", "\xde", 1);
        assert_int_equal(host->n_problems, 0);
        _cleanup_rootdir_ struct rootdir *root = tree_rootdir(tree);
        assert_int_equal(pci_function_read_details(root, host, find(host, "0000:01:00.1")), 0);
        assert_int_equal(host->n_problems, 1);

        _cleanup_pci_host_ struct pci_host *copy = NULL;
        assert_int_equal(pci_host_dup(host, &copy), 0);
        assert_ptr_not_equal(copy->functions, host->functions);
        assert_ptr_not_equal(copy->groups, host->groups);
        assert_ptr_not_equal(copy->problems, host->problems);
        char path[256];
        snprintf(path, sizeof(path), "%s", find(host, "0000:01:00.0")->sysfs_path);
        pci_host_free(host); /* the copy lives on alone; a shallow one reads freed memory here */

        assert_int_equal(copy->n_functions, 7);
        assert_int_equal(copy->n_problems, 1);
        assert_non_null(strstr(copy->problems[0], "0000:01:00.1/config: 2 bytes long"));
        const struct pci_function *g = find(copy, "0000:01:00.0");
        assert_string_equal(g->sysfs_path, path);
        assert_string_equal(copy->functions[g->parent].name, "0000:00:1c.0");
        const struct iommu_group *group = pci_host_group(copy, 13);
        assert_non_null(group);
        assert_int_equal(group->n_members, 2);
        assert_ptr_equal(&copy->functions[group->members[0]], g);

        /* A problem the copy finds is the copy's own, and kept. */
        assert_int_equal(pci_function_read_details(root, copy, find(copy, "0000:01:00.0")), 0);
        assert_int_equal(copy->n_problems, 2);
        assert_non_null(strstr(copy->problems[1], "0000:01:00.0/config: 1 bytes long"));
}

static void test_dup_empty(void **state)
{
        const char *tree = *state;
        tree_mkdir(tree, "sys/bus/pci/devices");
        _cleanup_pci_host_ struct pci_host *host = scan(tree, 0);
        _cleanup_pci_host_ struct pci_host *copy = NULL;
        assert_int_equal(pci_host_dup(host, &copy), 0);
        assert_int_equal(copy->n_functions, 0);
        assert_int_equal(copy->n_groups, 0);
        assert_null(copy->problems);
}

static void test_boot_vga_only_for_vga(void **state)
{
        const char *tree = *state;
        /* A display controller (0x0380) with a stray boot_vga file: the kernel never creates one
         * for it, so it is not read. */
        tree_add_pci_function(tree, &(struct tree_pci_function){ .address = "0000:00:02.0",
                                                                 .vendor = 0x8086,
                                                                 .device = 0x56a0,
                                                                 .class_code = 0x038000,
                                                                 .boot_vga = "1",
                                                                 .group = "1" });
        tree_add_pci_function(tree, &(struct tree_pci_function){ .address = "0000:00:03.0",
                                                                 .vendor = 0x1234,
                                                                 .device = 0x1111,
                                                                 .class_code = 0x030000,
                                                                 .boot_vga = "garbage",
                                                                 .group = "2" });
        _cleanup_pci_host_ struct pci_host *host = scan(tree, 0);
        assert_int_equal(find(host, "0000:00:02.0")->boot_vga, TRISTATE_UNKNOWN);
        assert_int_equal(find(host, "0000:00:03.0")->boot_vga, TRISTATE_UNKNOWN);
}

static void test_iommu_detection(void **state)
{
        const char *tree = *state;
        struct tree_pci_function nic = {
                .address = "0000:00:02.0", .vendor = 0x8086, .device = 0x10d3, .class_code = 0x020000
        };
        tree_add_pci_function(tree, &nic);

        /* No groups, no /sys/class/iommu: off. */
        struct pci_host *host = scan(tree, 0);
        assert_false(host->iommu_active);
        assert_int_equal(host->n_groups, 0);
        pci_host_free(host);

        /* An empty /sys/class/iommu is still off. */
        tree_mkdir(tree, "sys/class/iommu");
        host = scan(tree, 0);
        assert_false(host->iommu_active);
        pci_host_free(host);

        /* An IOMMU unit registered (before any group exists, e.g. early in boot): on. */
        tree_symlink(tree, "sys/class/iommu/dmar0", "../../devices/virtual/iommu/dmar0");
        tree_write(tree, "sys/firmware/acpi/tables/DMAR", "DMAR");
        host = scan(tree, 0);
        assert_true(host->iommu_active);
        assert_true(host->has_dmar);
        assert_false(host->has_ivrs);
        pci_host_free(host);

        tree_unlink(tree, "sys/firmware/acpi/tables/DMAR");
        tree_write(tree, "sys/firmware/acpi/tables/IVRS", "IVRS");
        tree_unlink(tree, "sys/class/iommu/dmar0");
        tree_symlink(tree, "sys/class/iommu/ivhd0", "../../devices/pci0000:00/0000:00:00.2/iommu/ivhd0");
        host = scan(tree, 0);
        assert_true(host->iommu_active);
        assert_false(host->has_dmar);
        assert_true(host->has_ivrs);
        pci_host_free(host);
}

static void test_framebuffer_owner(void **state)
{
        const char *tree = *state;
        add_machine(tree);
        /* The console is on the GPU behind the root port, a card with boot_vga 0. */
        tree_write(tree, "proc/iomem",
                   "00000000-00000fff : Reserved\n"
                   "c0000000-febfffff : PCI Bus 0000:00\n"
                   "  c0000000-c0ffffff : 0000:00:01.0\n"
                   "  c1000000-d1ffffff : PCI Bus 0000:01\n"
                   "    c1000000-c1ffffff : 0000:01:00.0\n"
                   "      c1000000-c12fffff : BOOTFB\n"
                   "        c1000000-c12fffff : efifb\n"
                   "    d0000000-d0003fff : 0000:01:00.1\n"
                   "e0000000-e07fffff : BOOTFB\n"); /* a stray one with no owner */
        _cleanup_pci_host_ struct pci_host *host = scan(tree, 0);

        const struct pci_function *g = find(host, "0000:01:00.0");
        assert_true(g->owns_framebuffer);
        assert_true(pci_function_is_console_gpu(g));
        for (size_t i = 0; i < host->n_functions; i++)
                if (&host->functions[i] != g)
                        assert_false(host->functions[i].owns_framebuffer);
}

static void test_refresh_binding(void **state)
{
        const char *tree = *state;
        add_machine(tree);
        _cleanup_rootdir_ struct rootdir *root = tree_rootdir(tree);
        _cleanup_pci_host_ struct pci_host *host = NULL;
        assert_int_equal(pci_host_scan(root, 0, &host), 0);
        struct pci_function *audio = find(host, "0000:01:00.1");
        assert_string_equal(audio->driver, "");

        /* The binder wrote the override and vfio-pci bound: the driver link is what counts. */
        const char *dir = "sys/devices/pci0000:00/0000:00:1c.0/0000:01:00.1";
        char path[256];
        snprintf(path, sizeof(path), "%s/driver", dir);
        tree_symlink(tree, path, "../../../../bus/pci/drivers/vfio-pci");
        snprintf(path, sizeof(path), "%s/driver_override", dir);
        tree_write(tree, path, "vfio-pci\n");
        assert_int_equal(pci_function_refresh_binding(root, audio), 0);
        assert_string_equal(audio->driver, "vfio-pci");
        assert_string_equal(audio->driver_override, "vfio-pci");

        /* Unbound and override cleared. */
        snprintf(path, sizeof(path), "%s/driver", dir);
        tree_unlink(tree, path);
        snprintf(path, sizeof(path), "%s/driver_override", dir);
        tree_write(tree, path, "(null)\n");
        assert_int_equal(pci_function_refresh_binding(root, audio), 0);
        assert_string_equal(audio->driver, "");
        assert_string_equal(audio->driver_override, "");

        /* A function removed meanwhile. */
        tree_unlink(tree, "sys/bus/pci/devices/0000:01:00.1");
        struct pci_function copy = *audio;
        assert_int_equal(pci_function_refresh_binding(root, &copy), -ENOENT);
}

static void test_empty_and_missing(void **state)
{
        const char *tree = *state;
        _cleanup_rootdir_ struct rootdir *root = tree_rootdir(tree);
        struct pci_host *host = NULL;

        /* No /sys/bus/pci/devices at all: the one failure. */
        assert_int_equal(pci_host_scan(root, 0, &host), -ENOENT);
        assert_null(host);

        tree_mkdir(tree, "sys/bus/pci/devices");
        assert_int_equal(pci_host_scan(root, 0, &host), 0);
        assert_non_null(host);
        assert_int_equal(host->n_functions, 0);
        assert_int_equal(host->n_groups, 0);
        assert_false(host->iommu_active);
        struct pci_address a = { 0 };
        assert_null(pci_host_find(host, &a));
        assert_null(pci_host_group(host, 0));
        assert_null(pci_host_free(host));
        assert_null(pci_host_free(NULL));
}

static void test_many_functions(void **state)
{
        /* More functions than the first allocation, in reverse order. */
        const char *tree = *state;
        for (int bus = 0x50; bus > 0x10; bus--)
                for (int fn = 7; fn >= 0; fn -= 3) {
                        char address[16], group[8];
                        snprintf(address, sizeof(address), "0000:%02x:00.%d", bus, fn);
                        snprintf(group, sizeof(group), "%d", bus);
                        tree_add_pci_function(tree, &(struct tree_pci_function){ .address = address,
                                                                                 .vendor = 0x15b3,
                                                                                 .device = 0x101e,
                                                                                 .class_code = 0x020000,
                                                                                 .group = group });
                }
        _cleanup_pci_host_ struct pci_host *host = scan(tree, 0);
        assert_int_equal(host->n_functions, 64 * 3);
        assert_int_equal(host->n_groups, 64);
        for (size_t i = 1; i < host->n_functions; i++)
                assert_true(pci_address_compare(&host->functions[i - 1].address, &host->functions[i].address) < 0);
        for (size_t i = 0; i < host->n_groups; i++) {
                assert_int_equal(host->groups[i].number, 0x11 + (int) i);
                assert_int_equal(host->groups[i].n_members, 3);
                for (size_t m = 0; m < 3; m++)
                        assert_int_equal(host->functions[host->groups[i].members[m]].iommu_group,
                                         host->groups[i].number);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_functions, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_details, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_numa_node_out_of_range, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_parents, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_groups, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_missing_and_malformed, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_short_config, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_dup_is_deep, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_dup_empty, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_boot_vga_only_for_vga, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_iommu_detection, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_framebuffer_owner, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_refresh_binding, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_empty_and_missing, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_many_functions, tree_setup, tree_teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
