/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "pci_rom_read.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "fileio.h"
#include "log.h"
#include "macro.h"
#include "pci_host.h"
#include "pci_host_scan.h"
#include "rootdir.h"

/* The kernel (pci_write_rom) disables only on exactly "0\n" at offset 0: a bare "0" enables it. */
static int sysfs_rom_set(int dirfd, bool on, void *userdata)
{
        const char *dir = userdata; /* for the log line, as the executor logs its writes */
        log_debug("write %s/rom: %s", dir, on ? "1" : "0");
        return write_attr_at(dirfd, "rom", on ? "1\n" : "0\n");
}

static int read_rom(int dirfd, uint8_t **ret, size_t *ret_size)
{
        _cleanup_close_ int fd = openat(dirfd, "rom", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return -errno;
        char *data = NULL;
        size_t size = 0;
        int r = read_full_fd(fd, &data, &size);
        if (r < 0)
                return r;
        if (size > PCI_ROM_READ_MAX) {
                free(data);
                return -EFBIG;
        }
        *ret = (uint8_t *) data;
        *ret_size = size;
        return 0;
}

int pci_rom_read_switched(int dirfd, const struct pci_rom_switch *sw, uint8_t **ret, size_t *ret_size)
{
        *ret = NULL;
        *ret_size = 0;
        int r = sw ? sw->set(dirfd, true, sw->userdata) : 0;
        /* A failed enable write never reached the kernel's store (pci_write_rom cannot fail once
         * called): the ROM is as it was, and a disable would fail the same way (not root). */
        if (r < 0)
                return r;
        r = read_rom(dirfd, ret, ret_size);
        if (!sw)
                return r;
        /* Off again whatever the read gave. */
        int off = sw->set(dirfd, false, sw->userdata);
        if (off < 0) {
                log_error_errno(off, "cannot disable the ROM again (write 0 to rom): %m; it stays enabled "
                                     "until the next boot or the next write of 0");
                if (r >= 0) {
                        free(TAKE_PTR(*ret));
                        *ret_size = 0;
                        r = -EIO;
                }
        }
        return r;
}

int pci_rom_read(const struct rootdir *root, const struct pci_function *f, struct pci_rom_bytes *ret)
{
        *ret = (struct pci_rom_bytes){};
        char path[sizeof(SYSFS_PCI_DEVICES) + PCI_ADDRESS_STRING_MAX + 1];
        snprintf(path, sizeof(path), SYSFS_PCI_DEVICES "/%s", f->name);
        _cleanup_close_ int dirfd = rootdir_open_dir(root, path);
        if (dirfd < 0)
                return dirfd;
        if (faccessat(dirfd, "rom", F_OK, AT_SYMLINK_NOFOLLOW) < 0)
                return errno == ENOENT ? 0 : -errno;
        ret->present = true;

        struct statfs fs;
        if (fstatfs(dirfd, &fs) < 0)
                return -errno;
        ret->switched = fs.f_type == SYSFS_MAGIC;
        if (!ret->switched)
                log_debug("%s: %s/rom is not on sysfs (a fixture machine): read as it is, without the enable "
                          "and disable writes, which would overwrite a regular file",
                          f->name, path);
        struct pci_rom_switch sw = { .set = sysfs_rom_set, .userdata = path };
        return pci_rom_read_switched(dirfd, ret->switched ? &sw : NULL, &ret->data, &ret->size);
}
