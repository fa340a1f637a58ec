/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "vfio_group.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "macro.h"
#include "pci_host.h"
#include "rootdir.h"

enum vfio_verdict_state vfio_group_state_from(int open_result, bool is_char_device, int status_result, uint32_t flags)
{
        if (open_result == -ENOENT || open_result == -ENOTDIR)
                return VFIO_VERDICT_NOT_CHECKED;
        /* vfio_group_fops_open(): a group file has one opener at a time, the running QEMU. */
        if (open_result == -EBUSY)
                return VFIO_VERDICT_OPEN;
        if (open_result < 0)
                return VFIO_VERDICT_ERROR;
        if (!is_char_device)
                return VFIO_VERDICT_NOT_CHECKED; /* a fixture's placeholder, not a VFIO group */
        if (status_result < 0)
                return VFIO_VERDICT_ERROR;
        return flags & VFIO_GROUP_FLAGS_VIABLE ? VFIO_VERDICT_VIABLE : VFIO_VERDICT_NOT_VIABLE;
}

void vfio_group_check(const struct rootdir *root, int number, struct vfio_verdict *ret)
{
        struct vfio_verdict st = {};
        snprintf(st.path, sizeof(st.path), "/dev/vfio/%d", number);

        /* O_NONBLOCK: a FIFO planted where the node belongs must not hang the boot. */
        _cleanup_close_ int fd = rootdir_open(root, st.path, O_RDWR | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0);
        struct stat sb = {};
        bool is_char = fd >= 0 && fstat(fd, &sb) == 0 && S_ISCHR(sb.st_mode);
        int status_result = 0;
        struct vfio_group_status arg = { .argsz = sizeof(arg) };
        if (is_char && ioctl(fd, VFIO_GROUP_GET_STATUS, &arg) < 0)
                status_result = -errno;

        st.state = vfio_group_state_from(fd, is_char, status_result, arg.flags);
        st.error = fd < 0 ? fd : status_result;
        *ret = st;
}

static const struct {
        const char *word;
        const char *phrase;
} state_texts[_VFIO_VERDICT_MAX] = {
        [VFIO_VERDICT_NOT_CHECKED] = { "not-checked", "not checked" },
        [VFIO_VERDICT_VIABLE] = { "viable", "viable, not open" },
        [VFIO_VERDICT_NOT_VIABLE] = { "not-viable", "NOT viable" },
        [VFIO_VERDICT_OPEN] = { "open", "open by another process (a running VM holds it)" },
        [VFIO_VERDICT_ERROR] = { "error", "cannot be asked" },
};

const char *vfio_group_state_to_string(enum vfio_verdict_state state)
{
        return state < _VFIO_VERDICT_MAX ? state_texts[state].word : "?";
}

const char *vfio_group_state_explain(enum vfio_verdict_state state)
{
        return state < _VFIO_VERDICT_MAX ? state_texts[state].phrase : "?";
}

int vfio_device_cdev(const struct rootdir *root, const struct pci_function *f, char *buf, size_t size)
{
        char path[96];
        snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vfio-dev", f->name);
        _cleanup_close_ int dirfd = rootdir_open_dir(root, path);
        if (dirfd < 0)
                return dirfd;
        DIR *d = opendir_at(dirfd);
        if (!d)
                return -errno;
        int r = -ENOENT;
        for (struct dirent *de; (de = readdir(d));) {
                /* drivers/vfio/device_cdev.c names the device "vfio%d", under /dev/vfio/devices/. */
                if (strncmp(de->d_name, "vfio", 4) != 0 || !de->d_name[4])
                        continue;
                /* 6.1 to 6.5 have the vfio-dev class device but no cdev: only a node that exists counts. */
                snprintf(buf, size, "/dev/vfio/devices/%s", de->d_name);
                r = rootdir_exists(root, buf) > 0 ? 0 : -ENOENT;
                break;
        }
        closedir(d);
        return r;
}
