/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The sysfs and procfs readers behind pci_host_scan(), fed hostile file contents in a tiny
 * machine tree (one per process, made once and rewritten for every input):
 *  - 0000:00:01.0 has the input as its uevent, everything else as the kernel writes it;
 *  - 0000:00:02.0, a VGA function with a valid uevent, has the input as driver_override,
 *    boot_vga, numa_node, sriov_totalvfs, sriov_numvfs and config, and as the target of its
 *    iommu_group link; /proc/iomem is the input too.
 * The scan must succeed, keep the function with the valid uevent, and give each field what
 * the file says when it is well-formed and -1/"" when it is not (pci_host.h).
 */
#include "fuzz-tree.h"
#include "iomem.h"
#include "macro.h"
#include "pci_host.h"

#define DEV_A "sys/devices/pci0000:00/0000:00:01.0"
#define DEV_B "sys/devices/pci0000:00/0000:00:02.0"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
        fuzz_tree_new("pci_host");

        fuzz_tree_mkdir_p(DEV_A);
        fuzz_tree_mkdir_p(DEV_B);
        fuzz_tree_mkdir_p("sys/bus/pci/devices");
        fuzz_tree_mkdir_p("sys/kernel/iommu_groups/1/devices");
        fuzz_tree_mkdir_p("proc");
        fuzz_tree_link("sys/bus/pci/devices/0000:00:01.0", "../../../devices/pci0000:00/0000:00:01.0");
        fuzz_tree_link("sys/bus/pci/devices/0000:00:02.0", "../../../devices/pci0000:00/0000:00:02.0");
        fuzz_tree_link(DEV_A "/iommu_group", "../../../kernel/iommu_groups/1");
        fuzz_tree_link("sys/kernel/iommu_groups/1/devices/0000:00:01.0", "../../../../devices/pci0000:00/0000:00:01.0");

        fuzz_tree_write_string(DEV_A "/driver_override", "(null)\n");
        fuzz_tree_write_string(DEV_A "/numa_node", "-1\n");
        fuzz_tree_write_string(
                DEV_B "/uevent",
                "PCI_CLASS=30000\nPCI_ID=1234:1111\nPCI_SUBSYS_ID=1AF4:1100\nPCI_SLOT_NAME=0000:00:02.0\n"
                "MODALIAS=pci:v00001234d00001111sv00001AF4sd00001100bc03sc00i00\n");

        fuzz_tree_open();
        return 0;
}

/* What read_attr_at() promises for a file holding DATA: one read of at most SIZE - 1 bytes,
 * one trailing newline stripped, no NUL. */
static bool attr_value(const uint8_t *data, size_t size, size_t buf_size, char *ret)
{
        if (size >= buf_size)
                return false;
        if (size > 0 && data[size - 1] == '\n')
                size--;
        if (memchr(data, '\0', size))
                return false;
        memcpy(ret, data, size);
        ret[size] = '\0';
        return true;
}

/* read_attr_int_at(): one decimal integer, possibly negative. */
static bool attr_long(const uint8_t *data, size_t size, long *ret)
{
        char buf[32];
        if (!attr_value(data, size, sizeof(buf), buf))
                return false;
        char *end;
        errno = 0;
        long v = strtol(buf, &end, 10);
        if (errno != 0 || end == buf || *end != '\0')
                return false;
        *ret = v;
        return true;
}

static bool plain_decimal(const char *s, long *ret)
{
        size_t n = strspn(s, "0123456789");
        if (n == 0 || n > 10 || s[n] != '\0')
                return false;
        *ret = strtol(s, NULL, 10);
        return *ret <= INT32_MAX;
}

static bool owns_framebuffer(const struct framebuffer_range *fbs, size_t n, const struct pci_address *a)
{
        for (size_t i = 0; i < n; i++)
                if (fbs[i].has_owner && pci_address_equal(&fbs[i].owner, a))
                        return true;
        return false;
}

static void check_strings(const struct pci_function *f)
{
        CHECK(memchr(f->driver, '\0', sizeof(f->driver)) &&
                      memchr(f->driver_override, '\0', sizeof(f->driver_override)) &&
                      memchr(f->modalias, '\0', sizeof(f->modalias)) && memchr(f->name, '\0', sizeof(f->name)),
              "%s: a string field is not terminated", f->name);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *text = fuzz_string(data, size, NULL, NULL);
        if (!text)
                return 0;

        fuzz_tree_write(DEV_A "/uevent", data, size);
        static const char *const attrs[] = { "driver_override", "boot_vga",     "numa_node",
                                             "sriov_totalvfs",  "sriov_numvfs", "config" };
        for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
                char path[128];
                snprintf(path, sizeof(path), DEV_B "/%s", attrs[i]);
                fuzz_tree_write(path, data, size);
        }
        fuzz_tree_write("proc/iomem", data, size);
        bool has_group_link = fuzz_tree_link(DEV_B "/iommu_group", text);

        struct pci_host *host = NULL;
        int r = pci_host_scan(fuzz_root, PCI_SCAN_DETAILS | PCI_SCAN_OVERRIDES, &host);
        CHECK(r == 0 && host, "pci_host_scan failed: %d", r);

        struct pci_address a = { .slot = 1 }, b = { .slot = 2 };
        struct pci_function *fa = pci_host_find(host, &a), *fb = pci_host_find(host, &b);
        CHECK(fb, "the function with a valid uevent is missing");
        CHECK(host->n_functions == (fa ? 2u : 1u) && host->n_unreadable == (fa ? 0u : 1u),
              "%zu functions, %zu unreadable", host->n_functions, host->n_unreadable);

        struct framebuffer_range *fbs = NULL;
        size_t n_fbs = 0;
        CHECK(iomem_find_framebuffers(text, &fbs, &n_fbs) >= 0, "out of memory");

        if (fa) {
                check_strings(fa);
                CHECK(fa->ids.class_code <= 0xffffff, "class %x above 24 bits", fa->ids.class_code);
                CHECK(fa->iommu_group == 1 && fa->numa_node == -1 && !fa->driver_override[0],
                      "the untouched files of 00:01.0 read wrong");
                CHECK(fa->owns_framebuffer == owns_framebuffer(fbs, n_fbs, &a), "00:01.0 framebuffer ownership");
                CHECK(host->iommu_active, "a group exists but the IOMMU is not active");
        }

        check_strings(fb);
        CHECK(fb->ids.vendor == 0x1234 && fb->ids.device == 0x1111 && fb->ids.class_code == 0x030000,
              "00:02.0 read with wrong IDs");
        CHECK(!fb->driver[0], "00:02.0 has driver '%s' but no driver link", fb->driver);

        char expected[PCI_DRIVER_NAME_MAX];
        bool override_readable = attr_value(data, size, sizeof(expected), expected);
        if (!override_readable || streq(expected, "(null)"))
                expected[0] = '\0';
        CHECK(streq(fb->driver_override, expected), "driver_override '%s', expected '%s'", fb->driver_override,
              expected);

        /* The kernel prints numa_node as -1 or a node below MAX_NUMNODES (1024 on x86-64), the
         * SR-IOV counts as unsigned numbers: any other value is malformed. */
        long v;
        bool is_long = attr_long(data, size, &v);
        int node = is_long && v >= 0 && v < 1024 ? (int) v : -1;
        CHECK(fb->numa_node == node, "numa_node %d from '%s', expected %d", fb->numa_node, text, node);
        int totalvfs = is_long && v > 0 && v <= INT_MAX ? (int) v : -1;
        CHECK(fb->sriov_totalvfs == totalvfs && fb->sriov_numvfs == totalvfs,
              "sriov_totalvfs %d and sriov_numvfs %d from '%s', expected %d", fb->sriov_totalvfs, fb->sriov_numvfs,
              text, totalvfs);
        enum tristate boot_vga = !is_long || v < 0 || v > 1 ? TRISTATE_UNKNOWN : v ? TRISTATE_YES : TRISTATE_NO;
        CHECK(fb->boot_vga == boot_vga, "boot_vga %d from '%s', expected %d", fb->boot_vga, text, boot_vga);
        CHECK(fb->revision == (size >= 0x10 ? data[0x08] : -1), "revision %d", fb->revision);
        CHECK(fb->header == (size >= 0x10 ? (enum pci_header_kind)(data[0x0e] & 0x7f) : PCI_HEADER_UNKNOWN),
              "header type %d", fb->header);
        CHECK(fb->owns_framebuffer == owns_framebuffer(fbs, n_fbs, &b), "00:02.0 framebuffer ownership");
        /* 00:02.0 is VGA-class: a boot_vga that is not 0 or 1 makes it a console GPU, in doubt. */
        CHECK(pci_function_is_console_gpu(fb) ==
                      (fb->boot_vga == TRISTATE_YES || fb->owns_framebuffer || boot_vga == TRISTATE_UNKNOWN),
              "console GPU");

        /* A numa_node that is not a number is a problem reported, naming its file; every report
         * is one printable line (hostile bytes are escaped). */
        CHECK(is_long || host->n_problems > 0, "numa_node '%s' malformed but no problem reported", text);
        for (size_t i = 0; i < host->n_problems && i < PCI_HOST_PROBLEMS_MAX; i++) {
                const char *p = host->problems[i];
                CHECK(startswith(p, "/sys/bus/pci/devices/0000:00:0") || startswith(p, "/sys/kernel/iommu_groups/"),
                      "problem without its file: '%s'", p);
                for (; *p; p++)
                        CHECK(*p >= 0x20 && *p < 0x7f, "problem %zu is not printable: '%s'", i, host->problems[i]);
        }

        /* The group is the link's last component when that is a plain number. */
        const char *base = strrchr(text, '/');
        base = base ? base + 1 : text;
        long group;
        if (has_group_link && plain_decimal(base, &group))
                CHECK(fb->iommu_group == group, "iommu_group %d from link '%s'", fb->iommu_group, text);
        CHECK(fb->iommu_group >= -1, "iommu_group %d", fb->iommu_group);
        if (fb->iommu_group >= 0) {
                const struct iommu_group *g = pci_host_group(host, fb->iommu_group);
                bool member = false;
                for (size_t i = 0; g && i < g->n_members; i++)
                        member = member || g->members[i] == pci_host_index(host, fb);
                CHECK(member, "00:02.0 not a member of its group %d", fb->iommu_group);
        }
        for (size_t i = 0; i < host->n_groups; i++)
                for (size_t m = 0; m < host->groups[i].n_members; m++)
                        CHECK(host->groups[i].members[m] < host->n_functions, "group member out of range");

        /* Reading the binding again gives the same answer. */
        char override[PCI_DRIVER_NAME_MAX];
        memcpy(override, fb->driver_override, sizeof(override));
        /* ... or fails when driver_override cannot be read: "not set" is not a safe guess there. */
        int refreshed = pci_function_refresh_binding(fuzz_root, fb);
        CHECK((refreshed == 0) == override_readable, "refresh returned %d", refreshed);
        CHECK(streq(override, fb->driver_override) && !fb->driver[0], "refresh reads another binding");

        free(fbs);
        pci_host_free(host);
        free(text);
        return 0;
}
