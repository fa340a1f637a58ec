/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "fileio.h"

#include <fcntl.h>
#include <limits.h>

#include "macro.h"

int read_full_fd(int fd, char **ret_contents, size_t *ret_size)
{
        size_t allocated = 4096, size = 0;
        _cleanup_free_ char *buf = malloc(allocated);
        if (!buf)
                return -ENOMEM;

        for (;;) {
                if (allocated - size < 2) {
                        if (allocated >= READ_FULL_MAX)
                                return -EFBIG;
                        allocated *= 2;
                        char *grown = realloc(buf, allocated);
                        if (!grown)
                                return -ENOMEM;
                        buf = grown;
                }
                ssize_t n = read(fd, buf + size, allocated - size - 1);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (n == 0)
                        break;
                size += (size_t) n;
        }
        buf[size] = '\0';
        if (ret_size)
                *ret_size = size;
        *ret_contents = TAKE_PTR(buf);
        return 0;
}

int read_full_at(int dirfd, const char *name, char **ret_contents, size_t *ret_size)
{
        _cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        return read_full_fd(fd, ret_contents, ret_size);
}

int read_attr_bytes_at(int dirfd, const char *name, char *buf, size_t size)
{
        _cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;

        ssize_t n;
        do
                n = read(fd, buf, size);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return -errno;
        if ((size_t) n >= size)
                return -EFBIG; /* no room for the NUL: the attribute is not what we expect */
        buf[n] = '\0';
        return (int) n;
}

int read_attr_at(int dirfd, const char *name, char *buf, size_t size)
{
        int n = read_attr_bytes_at(dirfd, name, buf, size);
        if (n < 0)
                return n;
        if (n > 0 && buf[n - 1] == '\n')
                buf[--n] = '\0';
        if (memchr(buf, '\0', (size_t) n))
                return -EBADMSG;
        return n;
}

int read_attr_int_at(int dirfd, const char *name, long *ret)
{
        char buf[32];
        int r = read_attr_at(dirfd, name, buf, sizeof(buf));
        if (r < 0)
                return r;

        char *end;
        errno = 0;
        long value = strtol(buf, &end, 10);
        if (errno != 0 || end == buf || *end != '\0')
                return -EBADMSG;
        *ret = value;
        return 0;
}

int readlink_at(int dirfd, const char *name, char **ret)
{
        char buf[PATH_MAX];
        ssize_t n = readlinkat(dirfd, name, buf, sizeof(buf));
        if (n < 0)
                return -errno;
        if ((size_t) n >= sizeof(buf))
                return -ENAMETOOLONG;
        char *target = strndup(buf, (size_t) n);
        if (!target)
                return -ENOMEM;
        *ret = target;
        return 0;
}

int readlink_basename_at(int dirfd, const char *name, char **ret)
{
        _cleanup_free_ char *target = NULL;
        int r = readlink_at(dirfd, name, &target);
        if (r < 0)
                return r;

        const char *base = strrchr(target, '/');
        base = base ? base + 1 : target;
        if (!*base)
                return -EBADMSG;
        char *copy = strdup(base);
        if (!copy)
                return -ENOMEM;
        *ret = copy;
        return 0;
}

int write_attr_at(int dirfd, const char *name, const char *value)
{
        /* O_TRUNC: harmless on sysfs, and keeps regular files in fixture trees exact. O_NOFOLLOW:
         * a sysfs attribute is never a symlink, and one in a fixture tree or an image could point
         * out of the root that DIRFD was opened under. */
        _cleanup_close_ int fd = openat(dirfd, name, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
        if (fd < 0)
                return -errno;

        size_t len = strlen(value);
        ssize_t n;
        do
                n = write(fd, value, len);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return -errno;
        if ((size_t) n != len)
                return -EIO;
        return 0;
}

DIR *opendir_at(int dirfd)
{
        int fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 3);
        if (fd < 0)
                return NULL;
        DIR *d = fdopendir(fd);
        if (!d)
                closep(&fd);
        return d;
}
