/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "block_uses.h"

#include <blkid.h>
#include <fcntl.h>
#include <stdio.h>

#include "array.h"
#include "fileio.h"
#include "pci_address.h"

/* Stacking is shallow in practice (dm on md on a partition); the bound stops a cycle in a fixture. */
#define STACK_DEPTH_MAX 8

struct block_use {
        char device[64]; /* "8:2" or a name ("sda2") */
        char what[128];  /* "/ is mounted from it", "it is active swap", "root=UUID=..." */
};

struct block_uses {
        struct block_use *items;
        size_t n;
};

static void add_use(struct block_uses *u, const char *device, const char *what)
{
        if (ARRAY_GROW(u->items, u->n) < 0)
                return; /* an unchecked use can only make the guard weaker, never wrong: warned below */
        snprintf(u->items[u->n].device, sizeof(u->items[u->n].device), "%s", device);
        snprintf(u->items[u->n].what, sizeof(u->items[u->n].what), "%s", what);
        u->n++;
}

/*
 * The next whitespace-separated field of the line at *P into BUF, cut to SIZE - 1 bytes (the
 * rest of a longer field is skipped, not taken as the next one); *P moves past it. False when
 * the line has no more fields. (Not sscanf: it would pull scanf's float parser into the static
 * binary, a few KB of its size budget.)
 */
static bool next_field(const char **p, char *buf, size_t size)
{
        const char *s = *p + strspn(*p, " \t");
        size_t len = strcspn(s, " \t\n");
        if (len == 0)
                return false;
        if (buf) {
                size_t n = len < size ? len : size - 1;
                memcpy(buf, s, n);
                buf[n] = '\0';
        }
        *p = s + len;
        return true;
}

/* mountinfo: "ID PARENT MAJ:MIN ROOT MOUNTPOINT ..." */
static void read_mounts(const struct rootdir *root, struct block_uses *u)
{
        _cleanup_free_ char *text = NULL;
        if (rootdir_read_file(root, "/proc/self/mountinfo", &text, NULL) < 0)
                return;
        char *save = NULL;
        for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char devno[32], mountpoint[96], what[128];
                const char *p = line;
                if (!next_field(&p, NULL, 0) || !next_field(&p, NULL, 0) || !next_field(&p, devno, sizeof(devno)) ||
                    !next_field(&p, NULL, 0) || !next_field(&p, mountpoint, sizeof(mountpoint)) ||
                    startswith(devno, "0:"))
                        continue; /* major 0: virtual filesystems */
                snprintf(what, sizeof(what), "%s is mounted from it", mountpoint);
                add_use(u, devno, what);
        }
}

/* /proc/swaps: a header line, then "FILENAME TYPE ..." per active swap area. */
static void read_swaps(const struct rootdir *root, struct block_uses *u)
{
        _cleanup_free_ char *text = NULL;
        if (rootdir_read_file(root, "/proc/swaps", &text, NULL) < 0)
                return;
        char *save = NULL;
        strtok_r(text, "\n", &save);
        for (char *line = strtok_r(NULL, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char path[128], type[16];
                const char *p = line;
                if (!next_field(&p, path, sizeof(path)) || !next_field(&p, type, sizeof(type)) ||
                    !streq(type, "partition"))
                        continue;
                const char *name = strrchr(path, '/');
                add_use(u, name ? name + 1 : path, "it holds active swap");
        }
}

/*
 * root=: a device path or a tag. On the running system libblkid resolves tags as mount does;
 * below another root (an image, a fixture) its /dev/disk/by-* links do.
 */
static void read_root_device(const struct rootdir *root, const struct kcmdline *cmdline, struct block_uses *u)
{
        const char *value = NULL;
        if (!cmdline || kcmdline_get(cmdline, "root", &value) < 0 || !value)
                return;
        char what[128];
        snprintf(what, sizeof(what), "root=%s (the root filesystem) is on it", value);

        _cleanup_free_ char *devname = NULL;
        if (startswith(value, "/dev/"))
                devname = strdup(value);
        else if (rootdir_is_host(root)) {
                blkid_cache cache = NULL;
                devname = blkid_evaluate_tag(value, NULL, &cache);
                blkid_put_cache(cache);
        } else {
                static const struct {
                        const char *tag, *dir;
                } links[] = { { "UUID=", "/dev/disk/by-uuid" },
                              { "PARTUUID=", "/dev/disk/by-partuuid" },
                              { "LABEL=", "/dev/disk/by-label" } };
                for (size_t i = 0; i < ELEMENTSOF(links) && !devname; i++) {
                        if (!startswith(value, links[i].tag))
                                continue;
                        _cleanup_close_ int dir = rootdir_open_dir(root, links[i].dir);
                        if (dir >= 0)
                                (void) readlink_at(dir, value + strlen(links[i].tag), &devname);
                }
        }
        if (!devname)
                return;
        const char *name = strrchr(devname, '/');
        add_use(u, name ? name + 1 : devname, what);
}

/*
 * Does the block device (DIR, a sysfs block directory fd) hang off FUNCTION, itself or through
 * the devices it is stacked on (slaves/)?
 */
static bool device_on_function(int dir, const char *function, unsigned depth)
{
        /* The directory's resolved path names every parent device:
         * ".../sys/devices/pci0000:00/0000:00:05.0/virtio1/block/vda". */
        char self[64];
        snprintf(self, sizeof(self), "/proc/self/fd/%d", dir);
        _cleanup_free_ char *path = NULL;
        if (readlink_at(AT_FDCWD, self, &path) == 0) {
                char needle[PCI_ADDRESS_STRING_MAX + 2];
                snprintf(needle, sizeof(needle), "/%s/", function);
                if (strstr(path, needle))
                        return true;
        }
        if (depth >= STACK_DEPTH_MAX)
                return false;
        _cleanup_close_ int slaves = openat(dir, "slaves", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (slaves < 0)
                return false;
        DIR *d = opendir_at(slaves);
        if (!d)
                return false;
        bool found = false;
        for (struct dirent *de; !found && (de = readdir(d));) {
                if (de->d_name[0] == '.')
                        continue;
                _cleanup_close_ int sub = openat(slaves, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                found = sub >= 0 && device_on_function(sub, function, depth + 1);
        }
        closedir(d);
        return found;
}

static int open_block_device(const struct rootdir *root, const char *device)
{
        char path[128];
        if (strchr(device, ':'))
                snprintf(path, sizeof(path), "/sys/dev/block/%s", device);
        else
                snprintf(path, sizeof(path), "/sys/class/block/%s", device);
        return rootdir_open_dir(root, path);
}

int block_uses_read(const struct rootdir *root, const struct kcmdline *cmdline, struct block_uses **ret)
{
        struct block_uses *u = calloc(1, sizeof(*u));
        if (!u)
                return -ENOMEM;
        read_mounts(root, u);
        read_swaps(root, u);
        read_root_device(root, cmdline, u);
        *ret = u;
        return 0;
}

struct block_uses *block_uses_free(struct block_uses *u)
{
        if (u)
                free(u->items);
        free(u);
        return NULL;
}

bool block_uses_on_function(const struct block_uses *uses, const struct rootdir *root, const char *function,
                            const char **ret_device, const char **ret_what)
{
        for (size_t j = 0; uses && j < uses->n; j++) {
                _cleanup_close_ int dir = open_block_device(root, uses->items[j].device);
                if (dir < 0 || !device_on_function(dir, function, 0))
                        continue;
                *ret_device = uses->items[j].device;
                *ret_what = uses->items[j].what;
                return true;
        }
        return false;
}
