/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * VFIO's own verdict on an IOMMU group: open /dev/vfio/N, ask VFIO_GROUP_GET_STATUS, close it.
 * sysfs can only guess from the members' drivers; the kernel knows, and a second open of the
 * group file failing with EBUSY is the one sign that a running VM (a QEMU) holds the group.
 * Nothing is held: the file is closed before the call returns, so the window in which a QEMU
 * starting at the same moment would see EBUSY is one ioctl long.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rootdir;
struct pci_function;

enum vfio_verdict_state {
        VFIO_VERDICT_NOT_CHECKED, /* no /dev/vfio/N below the root (nothing on vfio-pci, a fixture) */
        VFIO_VERDICT_VIABLE,      /* VFIO_GROUP_FLAGS_VIABLE: every member is fit for VFIO */
        VFIO_VERDICT_NOT_VIABLE,  /* opened, but VFIO says some member is not fit */
        VFIO_VERDICT_OPEN,        /* EBUSY: another process (a running VM) has the group open */
        VFIO_VERDICT_ERROR,       /* open or ioctl failed otherwise: see error */
        _VFIO_VERDICT_MAX,
};

struct vfio_verdict {
        enum vfio_verdict_state state;
        int error;     /* -errno of the open or ioctl that decided the state; 0 when none failed */
        char path[32]; /* "/dev/vfio/N" */
};

/* The state that an open() result (fd or -errno), the GET_STATUS result (0 or -errno) and its
 * flags mean. IS_CHAR_DEVICE is whether the opened file is one: anything else is not VFIO's. */
enum vfio_verdict_state vfio_group_state_from(int open_result, bool is_char_device, int status_result, uint32_t flags);

/* Ask VFIO about group NUMBER below ROOT and fill *RET. Every outcome is a fact to show, so there
 * is no failure: a failed open or ioctl is VFIO_VERDICT_ERROR with its errno. */
void vfio_group_check(const struct rootdir *root, int number, struct vfio_verdict *ret);

/* "viable", "not-viable", "open", "not-checked", "error": the word of JSON output. */
const char *vfio_group_state_to_string(enum vfio_verdict_state state);
/* A short phrase for text output: "viable, not open", "open by another process (a running VM)". */
const char *vfio_group_state_explain(enum vfio_verdict_state state);

/*
 * The VFIO device cdev of F ("/dev/vfio/devices/vfio0") from its sysfs vfio-dev/ directory, when
 * that node exists below the root (kernels with CONFIG_VFIO_DEVICE_CDEV, 6.6+, while F is on a
 * VFIO driver; 6.1 has the vfio-dev directory but no node): 0, or -ENOENT when there is none, or
 * another -errno.
 */
int vfio_device_cdev(const struct rootdir *root, const struct pci_function *f, char *buf, size_t size);
