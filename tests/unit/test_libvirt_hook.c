/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The libvirt hook's whole cycle on a machine tree, with a stand-in for the kernel's binding (as
 * tests/unit/test_claim_exec.c has it): an unbind written to a host driver drops the driver link,
 * and when "vfio-pci loads" every unbound function whose override says vfio-pci is bound to it.
 * What is recorded at prepare begin, what a second domain may not take, and what release gives
 * back; the messages themselves are in the transcripts of tests/libvirt/cases/.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <errno.h>
#include <unistd.h>

#include "domain_record.h"
#include "fileio.h"
#include "hook.h"
#include "log.h"
#include "rootdir.h"
#include "test-tree.h"

static const struct tree_pci_function machine[] = {
        { .address = "0000:00:01.0",
          .vendor = 0x1234,
          .device = 0x1111,
          .class_code = 0x030000,
          .header_type = 0x80,
          .group = "1",
          .boot_vga = "1",
          .driver = "bochs-drm" },
        { .address = "0000:00:02.0",
          .vendor = 0x1234,
          .device = 0x1111,
          .class_code = 0x030000,
          .header_type = 0x80,
          .group = "2",
          .boot_vga = "0",
          .driver = "bochs-drm" },
        { .address = "0000:00:02.1",
          .vendor = 0x8086,
          .device = 0x2668,
          .class_code = 0x040300,
          .group = "2",
          .driver = "snd_hda_intel" },
};

struct fake_kernel {
        const char *root;
        const char *refuses; /* an address vfio-pci will not bind, or NULL */
};

static bool file_holds(const char *root, const char *path, const char *text)
{
        _cleanup_free_ char *content = tree_read(root, path);
        return content && strstr(content, text);
}

/* The driver link and the uevent's DRIVER= line, as the kernel changes both. */
static void set_driver(const char *root, size_t i, const char *driver)
{
        struct tree_pci_function f = machine[i];
        f.driver = driver;
        _cleanup_free_ char *dir = tree_pci_function_dir(&f);
        char path[256], target[128], uevent[1024];
        snprintf(path, sizeof(path), "%s/driver", dir);
        _cleanup_free_ char *full = tree_path(root, path);
        if (unlink(full) < 0)
                assert_int_equal(errno, ENOENT);
        if (driver) {
                snprintf(target, sizeof(target), "../../../bus/pci/drivers/%s", driver);
                tree_symlink(root, path, target);
        }
        snprintf(path, sizeof(path), "%s/uevent", dir);
        tree_pci_uevent(&f, uevent, sizeof(uevent));
        tree_write(root, path, uevent);
}

/* The kernel's side of a claim: unbinds take effect, then vfio-pci binds the overridden devices. */
static int fake_load_vfio(void *userdata)
{
        struct fake_kernel *k = userdata;
        for (size_t i = 0; i < ELEMENTSOF(machine); i++) {
                const struct tree_pci_function *f = &machine[i];
                _cleanup_free_ char *dir = tree_pci_function_dir(f);
                char link[256], unbind[256], override[256];
                snprintf(link, sizeof(link), "%s/driver", dir);
                snprintf(unbind, sizeof(unbind), "sys/bus/pci/drivers/%s/unbind", f->driver);
                snprintf(override, sizeof(override), "%s/driver_override", dir);
                _cleanup_free_ char *target = NULL;
                _cleanup_free_ char *full = tree_path(k->root, link);
                if (readlink_at(AT_FDCWD, full, &target) >= 0 && !strstr(target, "vfio-pci") &&
                    file_holds(k->root, unbind, f->address))
                        set_driver(k->root, i, NULL);
                struct stat st;
                if (lstat(full, &st) < 0 && file_holds(k->root, override, "vfio-pci") &&
                    !streq_ptr(k->refuses, f->address))
                        set_driver(k->root, i, "vfio-pci");
        }
        return 1;
}

/* What libvirt's reattach or the kernel's reprobe leave: F on DRIVER, its override cleared. */
static void back_on(const char *root, size_t i, const char *driver)
{
        set_driver(root, i, driver);
        _cleanup_free_ char *dir = tree_pci_function_dir(&machine[i]);
        char path[256];
        snprintf(path, sizeof(path), "%s/driver_override", dir);
        tree_write(root, path, "(null)\n");
}

static int setup(void **state)
{
        tree_setup(state);
        const char *root = *state;
        for (size_t i = 0; i < ELEMENTSOF(machine); i++)
                tree_add_pci_function(root, &machine[i]);
        tree_mkdir(root, "sys/class/iommu/dmar0");
        tree_write(root, "proc/cmdline", "root=/dev/vda1 intel_iommu=on\n");
        tree_write(root, "sys/bus/pci/drivers/vfio-pci/bind", "");
        tree_write(root, "sys/bus/pci/drivers/vfio-pci/unbind", "");
        tree_write(root, "sys/bus/pci/drivers/bochs-drm/unbind", "");
        tree_write(root, "sys/bus/pci/drivers/snd_hda_intel/unbind", "");
        tree_write(root, "sys/bus/pci/drivers_probe", "");
        return 0;
}

struct run {
        struct rootdir *rd;
        struct initbind_options opts;
        struct fake_kernel kernel;
        struct claim_ops ops;
};

static void run_init(struct run *r, const char *root)
{
        r->rd = tree_rootdir(root);
        r->opts = (struct initbind_options){ .root = r->rd };
        r->kernel = (struct fake_kernel){ .root = root };
        r->ops = (struct claim_ops){ .load_vfio = fake_load_vfio, .userdata = &r->kernel };
}

static int prepare(struct run *r, const char *domain, const struct domain_hostdev *devs, size_t n)
{
        struct domain_hostdevs xml = { .items = (struct domain_hostdev *) devs, .n_items = n };
        struct hook_context ctx = { .opts = &r->opts, .domain = domain, .ops = &r->ops };
        return hook_prepare(&ctx, &xml);
}

static int release(struct run *r, const char *domain, bool final)
{
        struct hook_context ctx = { .opts = &r->opts, .domain = domain, .ops = &r->ops };
        return hook_release(&ctx, final);
}

#define GPU                                                                                                            \
        {                                                                                                              \
                .address = {.slot = 2 }                                                                                \
        }
#define AUDIO                                                                                                          \
        {                                                                                                              \
                .address = {.slot = 2, .function = 1 }                                                                 \
        }
#define RECORDS DOMAIN_RECORD_DIR "/"
#define DEV "sys/devices/pci0000:00/"

static void assert_record(const char *root, const char *domain, const char *lines)
{
        char path[256];
        snprintf(path, sizeof(path), RECORDS "%s.record", domain);
        _cleanup_free_ char *text = tree_read(root, path);
        if (!lines) {
                assert_null(text);
                return;
        }
        assert_non_null(text);
        const char *body = strchr(text, '\n'); /* after the header comment */
        assert_non_null(body);
        assert_string_equal(body + 1, lines);
}

static void test_claim_record_release(void **state)
{
        const char *root = *state;
        struct run r;
        run_init(&r, root);
        static const struct domain_hostdev both[] = { GPU, AUDIO };
        assert_int_equal(prepare(&r, "win10", both, 2), 0);
        assert_true(file_holds(root, DEV "0000:00:02.1/driver_override", "vfio-pci"));
        assert_record(root, "win10", "claimed 0000:00:02.0\nclaimed 0000:00:02.1\n");

        /* A second guest naming the audio function: refused, nothing written, no record. */
        tree_write(root, "sys/bus/pci/drivers/vfio-pci/unbind", "");
        static const struct domain_hostdev audio[] = { AUDIO };
        assert_int_equal(prepare(&r, "other", audio, 1), 1);
        assert_record(root, "other", NULL);
        assert_int_equal(release(&r, "other", true), 0); /* libvirt's release end after the failed start */
        _cleanup_free_ char *unbind = tree_read(root, "sys/bus/pci/drivers/vfio-pci/unbind");
        assert_string_equal(unbind, "");
        assert_record(root, "win10", "claimed 0000:00:02.0\nclaimed 0000:00:02.1\n");

        /* release end of the first: both given back, the record gone. */
        assert_int_equal(release(&r, "win10", true), 0);
        assert_true(file_holds(root, DEV "0000:00:02.0/driver_override", "\n"));
        assert_false(file_holds(root, DEV "0000:00:02.0/driver_override", "vfio-pci"));
        assert_false(file_holds(root, DEV "0000:00:02.1/driver_override", "vfio-pci"));
        assert_true(file_holds(root, "sys/bus/pci/drivers/vfio-pci/unbind", "0000:00:02.1"));
        assert_record(root, "win10", NULL);
        rootdir_free(r.rd);
}

static void test_managed_companion_given_back(void **state)
{
        const char *root = *state;
        tree_write(root, "etc/initbind.conf", "unbind-for-guests 0000:00:02.1\n");
        struct run r;
        run_init(&r, root);
        static const struct domain_hostdev gpu[] = { { .address = { .slot = 2 }, .managed = true } };
        assert_int_equal(prepare(&r, "win10", gpu, 1), 0);
        assert_record(root, "win10", "claimed 0000:00:02.0 managed\nclaimed 0000:00:02.1\n");

        /* stopped end: libvirt reattaches the GPU after it, so only the companion goes back now. */
        assert_int_equal(release(&r, "win10", false), 0);
        assert_true(file_holds(root, DEV "0000:00:02.0/driver_override", "vfio-pci"));
        assert_false(file_holds(root, DEV "0000:00:02.1/driver_override", "vfio-pci"));
        _cleanup_free_ char *unbind = tree_read(root, "sys/bus/pci/drivers/vfio-pci/unbind");
        assert_string_equal(unbind, "0000:00:02.1\n");
        assert_record(root, "win10", "claimed 0000:00:02.0 managed\nclaimed 0000:00:02.1\n");

        /* libvirt reattached the GPU, the kernel reprobed the audio function: release end moves nothing. */
        back_on(root, 1, "bochs-drm");
        back_on(root, 2, "snd_hda_intel");
        tree_write(root, "sys/bus/pci/drivers/vfio-pci/unbind", "");
        assert_int_equal(release(&r, "win10", true), 0);
        _cleanup_free_ char *after = tree_read(root, "sys/bus/pci/drivers/vfio-pci/unbind");
        assert_string_equal(after, "");
        assert_record(root, "win10", NULL);
        rootdir_free(r.rd);
}

static void test_failed_bind_gives_all_back(void **state)
{
        const char *root = *state;
        struct run r;
        run_init(&r, root);
        r.kernel.refuses = "0000:00:02.1";
        static const struct domain_hostdev both[] = { GPU, AUDIO };
        assert_int_equal(prepare(&r, "win10", both, 2), 1);
        assert_record(root, "win10", NULL);
        assert_false(file_holds(root, DEV "0000:00:02.0/driver_override", "vfio-pci"));
        assert_false(file_holds(root, DEV "0000:00:02.1/driver_override", "vfio-pci"));
        assert_true(file_holds(root, "sys/bus/pci/drivers/vfio-pci/unbind", "0000:00:02.0"));
        rootdir_free(r.rd);
}

static void test_companion_on_host_driver_refused(void **state)
{
        const char *root = *state;
        struct run r;
        run_init(&r, root);
        static const struct domain_hostdev gpu[] = { GPU };
        assert_int_equal(prepare(&r, "win10", gpu, 1), 1);
        assert_record(root, "win10", NULL);
        _cleanup_free_ char *o = tree_read(root, DEV "0000:00:02.0/driver_override");
        assert_string_equal(o, "(null)\n");
        _cleanup_free_ char *u = tree_read(root, "sys/bus/pci/drivers/bochs-drm/unbind");
        assert_string_equal(u, "");
        rootdir_free(r.rd);
}

static void test_record_file_names(void **state)
{
        const char *root = *state;
        _cleanup_rootdir_ struct rootdir *rd = tree_rootdir(root);
        _cleanup_close_ int dirfd = domain_records_lock(rd);
        assert_true(dirfd >= 0);
        struct domain_record rec = {};
        struct pci_address a = { .slot = 2 };
        assert_int_equal(domain_record_add(&rec, &a, RECORD_HELD, false), 0);
        assert_int_equal(domain_record_add(&rec, &a, RECORD_CLAIMED, false), 0); /* upgraded, not added */
        assert_int_equal(rec.n_entries, 1);
        /* libvirt's names may hold what a file name may not start with, or hold: escaped, and read back. */
        assert_int_equal(domain_record_write(dirfd, ".. a/b%", &rec), 0);
        struct stat st;
        _cleanup_free_ char *file = tree_path(root, RECORDS "%2E.%20a%2Fb%25.record");
        assert_int_equal(stat(file, &st), 0);
        _cleanup_(domain_records_done) struct domain_records all = {};
        assert_int_equal(domain_records_read_others(dirfd, "win10", &all), 0);
        assert_int_equal(all.n, 1);
        assert_string_equal(all.domains[0], ".. a/b%");
        assert_string_equal(domain_records_holder(&all, &a), ".. a/b%");
        _cleanup_(domain_records_done) struct domain_records none = {};
        assert_int_equal(domain_records_read_others(dirfd, ".. a/b%", &none), 0);
        assert_int_equal(none.n, 0);
        assert_int_equal(domain_record_remove(dirfd, ".. a/b%"), 0);
        assert_int_equal(stat(file, &st), -1);
        domain_record_done(&rec);
}

int main(void)
{
        log_setup("test_libvirt_hook", LOG_LEVEL_ERR);
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_claim_record_release, setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_managed_companion_given_back, setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_failed_bind_gives_all_back, setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_companion_on_host_driver_refused, setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_record_file_names, setup, tree_teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
