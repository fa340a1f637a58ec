/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "rootdir.h"

#include <fcntl.h>
#include <stdint.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "fileio.h"
#include "macro.h"

/* Retries of an openat2() that lost a race with a rename elsewhere; each retry is a few µs. */
#define ROOTDIR_OPENAT2_TRIES 64

struct rootdir {
        int fd;
        char *path;
        bool is_host;
};

int rootdir_new(const char *path, struct rootdir **ret)
{
        _cleanup_close_ int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;

        struct rootdir *root = calloc(1, sizeof(*root));
        if (!root)
                return -ENOMEM;
        root->path = strdup(path);
        if (!root->path) {
                free(root);
                return -ENOMEM;
        }

        /* Compare with the real "/" by inode, so "--root /" and "--root /./" both mean the host. */
        struct stat st_root, st_slash;
        root->is_host = fstat(fd, &st_root) == 0 && stat("/", &st_slash) == 0 && st_root.st_dev == st_slash.st_dev &&
                        st_root.st_ino == st_slash.st_ino;
        root->fd = TAKE_FD(fd);
        *ret = root;
        return 0;
}

struct rootdir *rootdir_free(struct rootdir *root)
{
        if (!root)
                return NULL;
        closep(&root->fd);
        free(root->path);
        free(root);
        return NULL;
}

bool rootdir_is_host(const struct rootdir *root) { return root->is_host; }
const char *rootdir_path(const struct rootdir *root) { return root->path; }

static const char *skip_leading_slashes(const char *path)
{
        while (*path == '/')
                path++;
        return *path ? path : ".";
}

int rootdir_open(const struct rootdir *root, const char *path, int flags, mode_t mode)
{
        const char *relative = skip_leading_slashes(path);
        int fd;

        if (root->is_host) {
                /* The host's "/" needs no confinement; plain openat is one syscall cheaper. */
                fd = openat(root->fd, relative, flags | O_CLOEXEC, mode);
                return fd < 0 ? -errno : fd;
        }

        struct open_how how = {
                .flags = (uint64_t) (flags | O_CLOEXEC),
                .mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
                .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
        };
        /* With RESOLVE_IN_ROOT the kernel answers EAGAIN when a rename or mount anywhere on the
         * system raced with a ".." lookup (openat2(2)): asking again is the documented remedy. */
        unsigned tries = 0;
        do
                fd = (int) syscall(SYS_openat2, root->fd, relative, &how, sizeof(how));
        while (fd < 0 && (errno == EAGAIN || errno == EINTR) && ++tries < ROOTDIR_OPENAT2_TRIES);
        if (fd < 0 && errno == ENOSYS) /* kernels before 5.6: no confinement, same results for sane trees */
                fd = openat(root->fd, relative, flags | O_CLOEXEC, mode);
        return fd < 0 ? -errno : fd;
}

int rootdir_open_dir(const struct rootdir *root, const char *path)
{
        return rootdir_open(root, path, O_RDONLY | O_DIRECTORY, 0);
}

char *rootdir_join(const struct rootdir *root, const char *path)
{
        const char *relative = skip_leading_slashes(path);
        char *joined;

        if (root->is_host)
                return asprintf(&joined, "/%s", streq(relative, ".") ? "" : relative) < 0 ? NULL : joined;
        return asprintf(&joined, "%s/%s", root->path, relative) < 0 ? NULL : joined;
}

int rootdir_open_regular(const struct rootdir *root, const char *path)
{
        /* O_NONBLOCK: a FIFO in the fixture or at a config path must not block open() or read(). */
        _cleanup_close_ int fd = rootdir_open(root, path, O_RDONLY | O_NONBLOCK | O_CLOEXEC, 0);
        if (fd < 0)
                return fd;
        struct stat st;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return S_ISDIR(st.st_mode) ? -EISDIR : -EBADFD;
        return TAKE_FD(fd);
}

const char *rootdir_strerror(int r) { return r == -EBADFD ? "not a regular file" : strerror(-r); }

int rootdir_read_file(const struct rootdir *root, const char *path, char **ret_contents, size_t *ret_size)
{
        _cleanup_close_ int fd = rootdir_open_regular(root, path);
        if (fd < 0)
                return fd;
        return read_full_fd(fd, ret_contents, ret_size);
}

int rootdir_exists(const struct rootdir *root, const char *path)
{
        _cleanup_close_ int fd = rootdir_open(root, path, O_PATH, 0);
        if (fd < 0)
                return fd == -ENOENT || fd == -ENOTDIR ? 0 : fd;
        return 1;
}
