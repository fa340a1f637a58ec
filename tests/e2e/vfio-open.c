/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vfio-open GROUP ADDRESS: what QEMU does first with a device on vfio-pci, for the runtime
 * real-boot test (tests/e2e/runtime.sh): open the container and the group, check that the group
 * is viable, attach it and set the type-1 IOMMU, get the device fd, and read vendor and device ID
 * through the VFIO config region; they must equal sysfs's vendor and device files.
 * With --hold it then keeps everything open until standard input ends, so the test can look at
 * the group while it is in use (as it is while a VM runs). Prints one line; exit 0 on success.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/vfio.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static int fail(const char *what)
{
        fprintf(stderr, "vfio-open: %s: %s\n", what, strerror(errno));
        return 1;
}

static long sysfs_id(const char *address, const char *attr)
{
        char path[128], buf[16] = "";
        snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s", address, attr);
        FILE *f = fopen(path, "re");
        if (!f)
                return -1;
        long v = fgets(buf, sizeof(buf), f) ? strtol(buf, NULL, 16) : -1;
        fclose(f);
        return v;
}

/* The device fd's config region: vendor and device ID, as QEMU's vfio_populate_device() reads it. */
static int read_ids(int device, uint16_t ids[2])
{
        struct vfio_region_info reg = { .argsz = sizeof(reg), .index = VFIO_PCI_CONFIG_REGION_INDEX };
        if (ioctl(device, VFIO_DEVICE_GET_REGION_INFO, &reg) < 0)
                return fail("VFIO_DEVICE_GET_REGION_INFO(config)");
        if (pread(device, ids, 4, (off_t) reg.offset) != 4)
                return fail("pread of the config region");
        return 0;
}

int main(int argc, char **argv)
{
        int hold = argc > 3 && strcmp(argv[3], "--hold") == 0;
        if (argc < 3) {
                fprintf(stderr, "usage: vfio-open GROUP ADDRESS [--hold]\n");
                return 2;
        }
        int container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
        if (container < 0)
                return fail("open /dev/vfio/vfio");
        if (ioctl(container, VFIO_GET_API_VERSION) != VFIO_API_VERSION)
                return fail("VFIO_GET_API_VERSION");
        int type =
                ioctl(container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) > 0 ? VFIO_TYPE1v2_IOMMU : VFIO_TYPE1_IOMMU;

        char path[64];
        snprintf(path, sizeof(path), "/dev/vfio/%s", argv[1]);
        int group = open(path, O_RDWR | O_CLOEXEC);
        if (group < 0)
                return fail(path);
        struct vfio_group_status status = { .argsz = sizeof(status) };
        if (ioctl(group, VFIO_GROUP_GET_STATUS, &status) < 0)
                return fail("VFIO_GROUP_GET_STATUS");
        if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE)) {
                fprintf(stderr, "vfio-open: group %s is not viable\n", argv[1]);
                return 1;
        }
        if (ioctl(group, VFIO_GROUP_SET_CONTAINER, &container) < 0)
                return fail("VFIO_GROUP_SET_CONTAINER");
        if (ioctl(container, VFIO_SET_IOMMU, type) < 0)
                return fail("VFIO_SET_IOMMU");
        int device = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, argv[2]);
        if (device < 0)
                return fail("VFIO_GROUP_GET_DEVICE_FD");

        uint16_t ids[2];
        if (read_ids(device, ids) != 0)
                return 1;
        long vendor = sysfs_id(argv[2], "vendor"), dev = sysfs_id(argv[2], "device");
        printf("vfio-open: %s in group %s: %04x:%04x through the VFIO config region (%s), sysfs %04lx:%04lx: %s\n",
               argv[2], argv[1], ids[0], ids[1], type == VFIO_TYPE1v2_IOMMU ? "type1v2" : "type1", vendor, dev,
               ids[0] == vendor && ids[1] == dev ? "match" : "MISMATCH");
        fflush(stdout);
        if (ids[0] != vendor || ids[1] != dev)
                return 1;
        if (hold) {
                char c;
                while (read(STDIN_FILENO, &c, 1) > 0)
                        ;
        }
        close(device);
        close(group);
        close(container);
        return 0;
}
