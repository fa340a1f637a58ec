/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * VFIO's verdict on a group: what each open() and VFIO_GROUP_GET_STATUS outcome means, and that a
 * machine without the node (a fixture, nothing on vfio-pci) is "not checked", never a guess. The
 * real ioctl on a real group is tested by tests/e2e/runtime.sh in a booted guest.
 */
#include <errno.h>
#include <linux/vfio.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pci_host.h"
#include "rootdir.h"
#include "test-tree.h"
#include "vfio_group.h"

static void test_state_mapping(void **state)
{
        (void) state;
        /* No node: the group is not VFIO's (yet), or the machine is a fixture. */
        assert_int_equal(vfio_group_state_from(-ENOENT, false, 0, 0), VFIO_VERDICT_NOT_CHECKED);
        assert_int_equal(vfio_group_state_from(-ENOTDIR, false, 0, 0), VFIO_VERDICT_NOT_CHECKED);
        /* vfio_group_fops_open(): EBUSY while another process (QEMU) has the group open. */
        assert_int_equal(vfio_group_state_from(-EBUSY, false, 0, 0), VFIO_VERDICT_OPEN);
        assert_int_equal(vfio_group_state_from(-EACCES, false, 0, 0), VFIO_VERDICT_ERROR);
        assert_int_equal(vfio_group_state_from(-EPERM, false, 0, 0), VFIO_VERDICT_ERROR);
        /* Opened, but a regular file: a placeholder, not VFIO's answer. */
        assert_int_equal(vfio_group_state_from(3, false, 0, VFIO_GROUP_FLAGS_VIABLE), VFIO_VERDICT_NOT_CHECKED);
        assert_int_equal(vfio_group_state_from(3, true, -ENOTTY, 0), VFIO_VERDICT_ERROR);
        assert_int_equal(vfio_group_state_from(3, true, 0, VFIO_GROUP_FLAGS_VIABLE), VFIO_VERDICT_VIABLE);
        assert_int_equal(vfio_group_state_from(3, true, 0, VFIO_GROUP_FLAGS_VIABLE | VFIO_GROUP_FLAGS_CONTAINER_SET),
                         VFIO_VERDICT_VIABLE);
        assert_int_equal(vfio_group_state_from(3, true, 0, 0), VFIO_VERDICT_NOT_VIABLE);
        assert_int_equal(vfio_group_state_from(3, true, 0, VFIO_GROUP_FLAGS_CONTAINER_SET), VFIO_VERDICT_NOT_VIABLE);

        assert_string_equal(vfio_group_state_to_string(VFIO_VERDICT_OPEN), "open");
        assert_string_equal(vfio_group_state_to_string(VFIO_VERDICT_NOT_CHECKED), "not-checked");
        assert_string_equal(vfio_group_state_to_string(_VFIO_VERDICT_MAX), "?");
}

static void test_check_on_tree(void **state)
{
        const char *tree = *state;
        _cleanup_rootdir_ struct rootdir *root = tree_rootdir(tree);
        struct vfio_verdict v;

        vfio_group_check(root, 7, &v);
        assert_int_equal(v.state, VFIO_VERDICT_NOT_CHECKED);
        assert_int_equal(v.error, -ENOENT);
        assert_string_equal(v.path, "/dev/vfio/7");

        tree_write(tree, "dev/vfio/7", "");
        vfio_group_check(root, 7, &v);
        assert_int_equal(v.state, VFIO_VERDICT_NOT_CHECKED);
        assert_int_equal(v.error, 0);
}

static void test_device_cdev(void **state)
{
        const char *tree = *state;
        _cleanup_rootdir_ struct rootdir *root = tree_rootdir(tree);
        struct pci_function f = { .name = "0000:00:03.0" };
        char buf[64];

        tree_mkdir(tree, "sys/bus/pci/devices/0000:00:03.0");
        assert_int_equal(vfio_device_cdev(root, &f, buf, sizeof(buf)), -ENOENT);
        tree_mkdir(tree, "sys/bus/pci/devices/0000:00:03.0/vfio-dev");
        assert_int_equal(vfio_device_cdev(root, &f, buf, sizeof(buf)), -ENOENT);
        tree_mkdir(tree, "sys/bus/pci/devices/0000:00:03.0/vfio-dev/vfio12");
        /* Linux 6.1 to 6.5: the class device, but no cdev in /dev. */
        assert_int_equal(vfio_device_cdev(root, &f, buf, sizeof(buf)), -ENOENT);
        tree_write(tree, "dev/vfio/devices/vfio12", "");
        assert_int_equal(vfio_device_cdev(root, &f, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "/dev/vfio/devices/vfio12");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_state_mapping),
                cmocka_unit_test_setup_teardown(test_check_on_tree, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_device_cdev, tree_setup, tree_teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
