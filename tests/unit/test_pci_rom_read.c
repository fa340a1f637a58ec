/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The ROM attribute's sequence: enable, read, disable, the disable also after a failed read (not
 * after a failed enable, which changed nothing), and a failed disable reported. The switch here records what it is asked in order, as the
 * kernel would see the writes; a fixture's regular file is read without any switch.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "macro.h"
#include "pci_rom_read.h"
#include "rom-image.h"
#include "test-tree.h"

struct recorder {
        char calls[64]; /* "on off": what the switch was asked, in order */
        int fail_on, fail_off;
};

static int record(int dirfd, bool on, void *userdata)
{
        (void) dirfd;
        struct recorder *r = userdata;
        size_t len = strlen(r->calls);
        snprintf(r->calls + len, sizeof(r->calls) - len, "%s%s", len ? " " : "", on ? "on" : "off");
        return on ? r->fail_on : r->fail_off;
}

static int open_dir(const char *root)
{
        int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_true(fd >= 0);
        return fd;
}

static void test_enable_read_disable(void **state)
{
        const char *root = *state;
        uint8_t rom[4096];
        rom_image_add(rom, 0, 8, 3, true, 0x8664);
        tree_write_bytes(root, "rom", rom, sizeof(rom));
        _cleanup_close_ int dirfd = open_dir(root);
        struct recorder rec = {};
        struct pci_rom_switch sw = { .set = record, .userdata = &rec };
        _cleanup_free_ uint8_t *data = NULL;
        size_t size = 0;
        assert_int_equal(pci_rom_read_switched(dirfd, &sw, &data, &size), 0);
        assert_string_equal(rec.calls, "on off");
        assert_int_equal(size, sizeof(rom));
        assert_memory_equal(data, rom, sizeof(rom));
}

static void test_disabled_after_failed_read(void **state)
{
        const char *root = *state;
        tree_mkdir(root, "rom"); /* reading a directory fails: EISDIR, as a read error */
        _cleanup_close_ int dirfd = open_dir(root);
        struct recorder rec = {};
        struct pci_rom_switch sw = { .set = record, .userdata = &rec };
        _cleanup_free_ uint8_t *data = NULL;
        size_t size = 0;
        assert_int_equal(pci_rom_read_switched(dirfd, &sw, &data, &size), -EISDIR);
        assert_string_equal(rec.calls, "on off");
        assert_null(data);
}

static void test_nothing_after_failed_enable(void **state)
{
        const char *root = *state;
        tree_write(root, "rom", "x");
        _cleanup_close_ int dirfd = open_dir(root);
        struct recorder rec = { .fail_on = -EACCES };
        struct pci_rom_switch sw = { .set = record, .userdata = &rec };
        _cleanup_free_ uint8_t *data = NULL;
        size_t size = 0;
        assert_int_equal(pci_rom_read_switched(dirfd, &sw, &data, &size), -EACCES);
        assert_string_equal(rec.calls, "on"); /* no read, and nothing to disable: it never went on */
        assert_null(data);
}

static void test_failed_disable_is_an_error(void **state)
{
        const char *root = *state;
        tree_write(root, "rom", "bytes");
        _cleanup_close_ int dirfd = open_dir(root);
        struct recorder rec = { .fail_off = -EIO };
        struct pci_rom_switch sw = { .set = record, .userdata = &rec };
        _cleanup_free_ uint8_t *data = NULL;
        size_t size = 0;
        assert_int_equal(pci_rom_read_switched(dirfd, &sw, &data, &size), -EIO);
        assert_string_equal(rec.calls, "on off");
        assert_null(data);
        assert_int_equal(size, 0);
}

static void test_no_switch_reads_as_is(void **state)
{
        const char *root = *state;
        tree_write(root, "rom", "image");
        _cleanup_close_ int dirfd = open_dir(root);
        _cleanup_free_ uint8_t *data = NULL;
        size_t size = 0;
        assert_int_equal(pci_rom_read_switched(dirfd, NULL, &data, &size), 0);
        assert_int_equal(size, 5);
        assert_memory_equal(data, "image", 5);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_enable_read_disable, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_disabled_after_failed_read, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_nothing_after_failed_enable, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_failed_disable_is_an_error, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_no_switch_reads_as_is, tree_setup, tree_teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
