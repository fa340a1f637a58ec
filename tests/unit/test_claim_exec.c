/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The executor on machine trees, with a stand-in for the kernel's binding: when "vfio-pci loads",
 * every unbound function whose driver_override says vfio-pci gets a driver link, as the real
 * kernel does at driver registration. What the kernel refuses is configurable per test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "claim_exec.h"
#include "fileio.h"
#include "pci_host.h"
#include "rootdir.h"
#include "sysfs-faults.h"
#include "test-tree.h"

/*
 * Attributes that fail as the kernel's do (EBUSY, ENODEV, EINVAL, EACCES, EROFS): the rules of
 * tests/faults/sysfs-faults.c, linked into this program; a test that sets them ends with this.
 */
static int stop_failing(void **state)
{
        sysfs_faults_set(NULL);
        return tree_teardown(state);
}

struct fake_kernel {
        const char *root;
        const struct tree_pci_function *functions;
        size_t n;
        int load_result;     /* what load_vfio returns */
        const char *refuses; /* an address vfio-pci will not bind, or NULL */
        int loads;
        const char *variant; /* run(): the VFIO driver the plan gives 0000:00:03.0, NULL: vfio-pci */
        int variant_result;  /* what load_module returns */
        char loaded[64];     /* the module load_module was asked for */
};

static char *read_back(const char *root, const char *path)
{
        char *text = tree_read(root, path);
        assert_non_null(text);
        return text;
}

/* As a PCI driver's registration: every unbound function overridden to DRIVER gets it. */
static void fake_register(struct fake_kernel *k, const char *driver)
{
        char want[80], target[128];
        snprintf(want, sizeof(want), "%s\n", driver);
        snprintf(target, sizeof(target), "../../../bus/pci/drivers/%s", driver);
        for (size_t i = 0; i < k->n; i++) {
                const struct tree_pci_function *f = &k->functions[i];
                _cleanup_free_ char *dir = tree_pci_function_dir(f);
                char path[256];
                snprintf(path, sizeof(path), "%s/driver_override", dir);
                _cleanup_free_ char *full = tree_path(k->root, path);
                _cleanup_free_ char *override = NULL;
                _cleanup_close_ int fd = open(full, O_RDONLY | O_CLOEXEC);
                if (fd < 0 || read_full_fd(fd, &override, NULL) < 0)
                        continue; /* an attribute the kernel could not read is not an override */
                snprintf(path, sizeof(path), "%s/driver", dir);
                _cleanup_free_ char *link = tree_path(k->root, path);
                struct stat st;
                bool bound = lstat(link, &st) == 0;
                if (!bound && streq(override, want) && !streq_ptr(k->refuses, f->address))
                        tree_symlink(k->root, path, target);
        }
}

static int fake_load_vfio(void *userdata)
{
        struct fake_kernel *k = userdata;
        k->loads++;
        if (k->load_result >= 0)
                fake_register(k, "vfio-pci");
        return k->load_result;
}

static int fake_load_module(void *userdata, const char *module)
{
        struct fake_kernel *k = userdata;
        snprintf(k->loaded, sizeof(k->loaded), "%s", module);
        if (k->variant_result >= 0)
                fake_register(k, module);
        return k->variant_result;
}

static int fake_host_driver(void *userdata, const struct pci_function *f, char *buf, size_t size)
{
        snprintf(buf, size, "bochs-drm");
        return 0;
}

static const struct tree_pci_function gpus[] = {
        { .address = "0000:00:01.0",
          .vendor = 0x1234,
          .device = 0x1111,
          .class_code = 0x030000,
          .header_type = 0x80,
          .group = "1",
          .boot_vga = "1" },
        { .address = "0000:00:01.1", .vendor = 0x8086, .device = 0x2668, .class_code = 0x040300, .group = "1" },
        { .address = "0000:00:02.0",
          .vendor = 0x1234,
          .device = 0x1111,
          .class_code = 0x030000,
          .header_type = 0x80,
          .group = "2",
          .boot_vga = "0" },
        { .address = "0000:00:02.1", .vendor = 0x8086, .device = 0x2668, .class_code = 0x040300, .group = "2" },
        { .address = "0000:00:03.0", .vendor = 0x1234, .device = 0x1111, .class_code = 0x038000, .group = "3" },
};

static void build_machine(const char *root)
{
        for (size_t i = 0; i < ELEMENTSOF(gpus); i++)
                tree_add_pci_function(root, &gpus[i]);
        tree_mkdir(root, "sys/class/iommu/dmar0");
        tree_write(root, "sys/bus/pci/drivers/vfio-pci/bind", "");
        tree_write(root, "sys/bus/pci/drivers/vfio-pci/unbind", "");
        tree_write(root, "sys/bus/pci/drivers_probe", "");
}

/* Plan "vfio-pci.ids=1234:1111" on the machine and execute it against the fake kernel. */
static int run(const char *root, struct fake_kernel *k, struct claim_report *report)
{
        k->root = root;
        k->functions = gpus;
        k->n = ELEMENTSOF(gpus);
        _cleanup_rootdir_ struct rootdir *rd = tree_rootdir(root);
        _cleanup_pci_host_ struct pci_host *host = NULL;
        assert_int_equal(pci_host_scan(rd, 0, &host), 0);

        struct claim_request req = { .kind = CLAIM_REQUEST_VFIO_IDS, .claim = { .selector = CONFIG_SELECT_ID } };
        assert_int_equal(vfio_id_parse("1234:1111", &req.claim.id, NULL), 0);
        struct claim_input input = { .requests = &req, .n_requests = 1 };
        _cleanup_claim_plan_ struct claim_plan *plan = NULL;
        assert_int_equal(claim_plan_build(host, &input, &plan), 0);
        for (size_t i = 0; k->variant && i < plan->n_entries; i++)
                if (streq(host->functions[plan->entries[i].function].name, "0000:00:03.0"))
                        snprintf(plan->entries[i].driver, sizeof(plan->entries[i].driver), "%s", k->variant);

        struct claim_ops ops = { .load_vfio = fake_load_vfio,
                                 .load_module = fake_load_module,
                                 .host_driver = fake_host_driver,
                                 .userdata = k };
        return claim_plan_execute(rd, host, plan, &ops, report);
}

static void assert_file(const char *root, const char *path, const char *expected)
{
        _cleanup_free_ char *text = read_back(root, path);
        assert_string_equal(text, expected);
}

#define DEV "sys/bus/pci/devices/"

static void test_success_binds_targets_and_pins_console(void **state)
{
        const char *root = *state;
        build_machine(root);
        struct fake_kernel k = { .load_result = 1 };
        struct claim_report report = {};
        assert_int_equal(run(root, &k, &report), 0);
        assert_int_equal(k.loads, 1);
        assert_int_equal(report.n_bound, 3);
        assert_int_equal(report.n_failed, 0);
        assert_int_equal(report.n_protected, 1);
        assert_int_equal(report.n_groups_usable, 2);
        assert_file(root, DEV "0000:00:02.0/driver_override", "vfio-pci\n");
        assert_file(root, DEV "0000:00:02.1/driver_override", "vfio-pci\n");
        assert_file(root, DEV "0000:00:03.0/driver_override", "vfio-pci\n");
        /* The console GPU is pinned to its host driver, its audio function is not touched. */
        assert_file(root, DEV "0000:00:01.0/driver_override", "bochs-drm\n");
        assert_file(root, DEV "0000:00:01.1/driver_override", "(null)\n");
        /* vfio-pci registered now: nothing had to be bound one by one. */
        assert_file(root, "sys/bus/pci/drivers/vfio-pci/bind", "");
        claim_report_done(&report);
}

static void test_variant_driver_gets_override_and_module(void **state)
{
        const char *root = *state;
        build_machine(root);
        struct fake_kernel k = { .load_result = 1, .variant = "mlx5_vfio_pci", .variant_result = 1 };
        struct claim_report report = {};
        assert_int_equal(run(root, &k, &report), 0);
        assert_int_equal(report.n_bound, 3);
        assert_string_equal(k.loaded, "mlx5_vfio_pci");
        assert_file(root, DEV "0000:00:03.0/driver_override", "mlx5_vfio_pci\n");
        assert_file(root, DEV "0000:00:02.0/driver_override", "vfio-pci\n");
        _cleanup_free_ char *link = tree_path(root, DEV "0000:00:03.0/driver");
        char target[128] = "";
        assert_true(readlink(link, target, sizeof(target) - 1) > 0);
        assert_string_equal(target, "../../../bus/pci/drivers/mlx5_vfio_pci");
        claim_report_done(&report);
}

static void test_variant_that_cannot_load_falls_back_to_vfio_pci(void **state)
{
        const char *root = *state;
        build_machine(root);
        struct fake_kernel k = { .load_result = 0, .variant = "mlx5_vfio_pci", .variant_result = -ENOENT };
        struct claim_report report = {};
        (void) run(root, &k, &report);
        assert_string_equal(k.loaded, "mlx5_vfio_pci");
        /* Its override went back to vfio-pci, which was offered the device with bind. */
        assert_file(root, "sys/bus/pci/drivers/vfio-pci/bind", "0000:00:03.0\n");
        claim_report_done(&report);
}

static void test_module_load_failure_leaves_nothing_half_claimed(void **state)
{
        const char *root = *state;
        build_machine(root);
        struct fake_kernel k = { .load_result = -ENOENT };
        struct claim_report report = {};
        assert_int_equal(run(root, &k, &report), -EIO);
        assert_int_equal(report.n_bound, 0);
        assert_int_equal(report.n_failed, 3);
        /* Every override written is cleared again with "\n", the write the kernel needs. */
        assert_file(root, DEV "0000:00:02.0/driver_override", "\n");
        assert_file(root, DEV "0000:00:02.1/driver_override", "\n");
        assert_file(root, DEV "0000:00:03.0/driver_override", "\n");
        claim_report_done(&report);
}

static void test_one_refused_device_others_go_on(void **state)
{
        const char *root = *state;
        build_machine(root);
        struct fake_kernel k = { .load_result = 0, .refuses = "0000:00:03.0" };
        struct claim_report report = {};
        assert_int_equal(run(root, &k, &report), -EIO);
        assert_int_equal(report.n_bound, 2);
        assert_int_equal(report.n_failed, 1);
        assert_file(root, DEV "0000:00:03.0/driver_override", "\n");
        assert_file(root, DEV "0000:00:02.0/driver_override", "vfio-pci\n");
        /* vfio-pci was there already: the refused device was offered to it with bind, for the error. */
        assert_file(root, "sys/bus/pci/drivers/vfio-pci/bind", "0000:00:03.0\n");
        claim_report_done(&report);
}

static void test_override_write_failure_is_contained(void **state)
{
        const char *root = *state;
        build_machine(root);
        /* Opening the attribute for writing fails (sysfs mounted read-only), even for root. */
        sysfs_faults_set("open-write 0000:00:02.1/driver_override EROFS");
        struct fake_kernel k = { .load_result = 1 };
        struct claim_report report = {};
        assert_int_equal(run(root, &k, &report), -EIO);
        /* 02.1 failed, so 02.0 of the same group is given back before vfio-pci loads: it never
         * binds, nothing is unbound; group 3 stands. */
        assert_int_equal(report.n_failed, 2);
        assert_int_equal(report.n_bound, 1);
        assert_file(root, DEV "0000:00:02.0/driver_override", "\n");
        assert_file(root, "sys/bus/pci/drivers/vfio-pci/unbind", "");
        assert_file(root, DEV "0000:00:03.0/driver_override", "vfio-pci\n");
        claim_report_done(&report);
}

static void test_release_clears_unbinds_and_reprobes(void **state)
{
        const char *root = *state;
        struct tree_pci_function f = gpus[4];
        f.driver = "vfio-pci";
        f.driver_override = "vfio-pci";
        tree_add_pci_function(root, &f);
        tree_write(root, "sys/bus/pci/drivers/vfio-pci/unbind", "");
        tree_write(root, "sys/bus/pci/drivers_probe", "");
        _cleanup_rootdir_ struct rootdir *rd = tree_rootdir(root);
        _cleanup_pci_host_ struct pci_host *host = NULL;
        assert_int_equal(pci_host_scan(rd, 0, &host), 0);
        assert_string_equal(host->functions[0].driver, "vfio-pci");

        assert_int_equal(claim_release_function(rd, &host->functions[0]), 0);
        assert_file(root, DEV "0000:00:03.0/driver_override", "\n");
        assert_file(root, "sys/bus/pci/drivers/vfio-pci/unbind", "0000:00:03.0\n");
        assert_file(root, "sys/bus/pci/drivers_probe", "0000:00:03.0\n");
}

static void test_override_write_eacces(void **state)
{
        const char *root = *state;
        build_machine(root);
        sysfs_faults_set("write 0000:00:02.0/driver_override EACCES");
        struct fake_kernel k = { .load_result = 1 };
        struct claim_report report = {};
        assert_int_equal(run(root, &k, &report), -EIO);
        sysfs_faults_set(NULL);
        /* 02.0 could not be reserved, so its audio function is given back; 03.0 is claimed. */
        assert_int_equal(report.n_bound, 1);
        assert_int_equal(report.n_failed, 2);
        assert_file(root, DEV "0000:00:02.1/driver_override", "\n");
        assert_file(root, DEV "0000:00:03.0/driver_override", "vfio-pci\n");
        claim_report_done(&report);
}

static void test_bind_ebusy_is_rolled_back(void **state)
{
        const char *root = *state;
        build_machine(root);
        /* vfio-pci was loaded already and refuses 03.0 (an SR-IOV PF with VFs says EBUSY). */
        sysfs_faults_set("write drivers/vfio-pci/bind EBUSY");
        struct fake_kernel k = { .load_result = 0, .refuses = "0000:00:03.0" };
        struct claim_report report = {};
        assert_int_equal(run(root, &k, &report), -EIO);
        sysfs_faults_set(NULL);
        assert_int_equal(report.n_bound, 2);
        assert_int_equal(report.n_failed, 1);
        assert_file(root, DEV "0000:00:03.0/driver_override", "\n");
        claim_report_done(&report);
}

/* The plan orders entries by address: 00:03.0 is the last of identical_gpus' four entries. */
enum { plan_index_of_last_entry = 3 };

static void test_clear_enodev_still_reported(void **state)
{
        const char *root = *state;
        build_machine(root);
        /* The device vanished: even the rollback write fails. It is reported failed, not bound,
         * and the other devices are handled as usual. */
        sysfs_faults_set("write 0000:00:03.0/driver_override ENODEV");
        struct fake_kernel k = { .load_result = 1 };
        struct claim_report report = {};
        assert_int_equal(run(root, &k, &report), -EIO);
        sysfs_faults_set(NULL);
        assert_int_equal(report.n_failed, 1);
        assert_int_equal(report.n_bound, 2);
        assert_int_equal(report.outcomes[plan_index_of_last_entry], CLAIM_OUTCOME_FAILED);
        claim_report_done(&report);
}

static void test_unbind_einval_leaves_device_alone(void **state)
{
        const char *root = *state;
        struct tree_pci_function nic = { .address = "0000:00:04.0",
                                         .vendor = 0x8086,
                                         .device = 0x100e,
                                         .class_code = 0x020000,
                                         .group = "4",
                                         .driver = "e1000" };
        tree_add_pci_function(root, &nic);
        tree_write(root, "sys/bus/pci/drivers/e1000/unbind", "");
        tree_mkdir(root, "sys/class/iommu/dmar0");
        _cleanup_rootdir_ struct rootdir *rd = tree_rootdir(root);
        _cleanup_pci_host_ struct pci_host *host = NULL;
        assert_int_equal(pci_host_scan(rd, 0, &host), 0);
        struct claim_request req = { .kind = CLAIM_REQUEST_RUNTIME,
                                     .claim = { .selector = CONFIG_SELECT_ADDRESS, .allow = CONFIG_ALLOW_UNBIND } };
        assert_int_equal(pci_address_parse("00:04.0", &req.claim.address, NULL), 0);
        struct claim_input input = { .requests = &req, .n_requests = 1 };
        _cleanup_claim_plan_ struct claim_plan *plan = NULL;
        assert_int_equal(claim_plan_build(host, &input, &plan), 0);
        assert_true(plan->entries[0].unbind_first);

        sysfs_faults_set("write drivers/e1000/unbind EINVAL");
        struct fake_kernel k = { .load_result = 0, .root = root, .functions = &nic, .n = 1 };
        struct claim_ops ops = { .load_vfio = fake_load_vfio, .userdata = &k };
        struct claim_report report = {};
        assert_int_equal(claim_plan_execute(rd, host, plan, &ops, &report), -EIO);
        sysfs_faults_set(NULL);
        assert_int_equal(report.n_failed, 1);
        /* Its override is cleared again and it stays on e1000. */
        assert_file(root, DEV "0000:00:04.0/driver_override", "\n");
        assert_string_equal(host->functions[0].driver, "e1000");
        claim_report_done(&report);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_success_binds_targets_and_pins_console, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_module_load_failure_leaves_nothing_half_claimed, tree_setup,
                                                tree_teardown),
                cmocka_unit_test_setup_teardown(test_one_refused_device_others_go_on, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_variant_driver_gets_override_and_module, tree_setup,
                                                tree_teardown),
                cmocka_unit_test_setup_teardown(test_variant_that_cannot_load_falls_back_to_vfio_pci, tree_setup,
                                                tree_teardown),
                cmocka_unit_test_setup_teardown(test_override_write_failure_is_contained, tree_setup, stop_failing),
                cmocka_unit_test_setup_teardown(test_release_clears_unbinds_and_reprobes, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_override_write_eacces, tree_setup, stop_failing),
                cmocka_unit_test_setup_teardown(test_bind_ebusy_is_rolled_back, tree_setup, stop_failing),
                cmocka_unit_test_setup_teardown(test_clear_enodev_still_reported, tree_setup, stop_failing),
                cmocka_unit_test_setup_teardown(test_unbind_einval_leaves_device_alone, tree_setup, stop_failing),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
