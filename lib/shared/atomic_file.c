/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Atomic replacement of a file with a backup; see atomic_file.h. */
#include "atomic_file.h"

#include <fcntl.h>
#include <stdint.h>
#include <time.h>

#include "fileio.h"
#include "macro.h"

static int real_openat(int dirfd, const char *name, int flags, mode_t mode) { return openat(dirfd, name, flags, mode); }

const struct atomic_file_syscalls atomic_file_real_syscalls = {
        .openat = real_openat,
        .write = write,
        .fsync = fsync,
        .renameat = renameat,
};

const struct atomic_file_syscalls *atomic_file_syscalls = &atomic_file_real_syscalls;

static int write_all(int fd, const char *buf, size_t size)
{
        while (size > 0) {
                ssize_t n = atomic_file_syscalls->write(fd, buf, size);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (n == 0)
                        return -EIO;
                buf += n;
                size -= (size_t) n;
        }
        return 0;
}

/* A name no other writer picks: the final name hidden behind a dot, with pid and a counter. */
static int temp_name(const char *name, char **ret)
{
        static unsigned counter;
        const char *base = strrchr(name, '/');
        size_t dir_len = base ? (size_t) (base - name + 1) : 0;

        base = base ? base + 1 : name;
        if (asprintf(ret, "%.*s.%s.tmp-%ld-%u", (int) dir_len, name, base, (long) getpid(), counter++) < 0)
                return -ENOMEM;
        return 0;
}

/* fsync of the directory holding NAME: what makes a rename or an unlink survive a power cut. */
static int fsync_parent(int dirfd, const char *name)
{
        const char *slash = strrchr(name, '/');
        _cleanup_free_ char *dir = slash ? strndup(name, (size_t) (slash - name) + 1) : NULL;
        _cleanup_close_ int fd = -1;

        if (slash && !dir)
                return -ENOMEM;
        fd = openat(dirfd, dir ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        if (atomic_file_syscalls->fsync(fd) < 0)
                return -errno;
        return 0;
}

int atomic_file_write_at(int dirfd, const char *name, const char *contents, size_t size, mode_t mode)
{
        _cleanup_free_ char *tmp = NULL;
        _cleanup_close_ int fd = -1;
        struct stat st;
        bool exists;
        int r;

        exists = fstatat(dirfd, name, &st, 0) == 0;
        if (!exists && errno != ENOENT)
                return -errno;
        if (exists && !S_ISREG(st.st_mode))
                return -EISDIR; /* never replace a symlink target's directory or a device */

        r = temp_name(name, &tmp);
        if (r < 0)
                return r;
        fd = atomic_file_syscalls->openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                                          exists ? (st.st_mode & 07777) : mode);
        if (fd < 0)
                return -errno;

        if (exists) {
                /* the umask applied to openat(); the owner matters for files like grub.cfg */
                if (fchmod(fd, st.st_mode & 07777) < 0 || (fchown(fd, st.st_uid, st.st_gid) < 0 && errno != EPERM)) {
                        r = -errno;
                        goto fail;
                }
        }
        r = write_all(fd, contents, size);
        if (r < 0)
                goto fail;
        if (atomic_file_syscalls->fsync(fd) < 0) {
                r = -errno;
                goto fail;
        }
        if (atomic_file_syscalls->renameat(dirfd, tmp, dirfd, name) < 0) {
                r = -errno;
                goto fail;
        }
        /* The new file is in place; a failing directory fsync only means it may not last. */
        return fsync_parent(dirfd, name);

fail:
        (void) unlinkat(dirfd, tmp, 0);
        return r;
}

int atomic_file_backup_at(int dirfd, const char *name, const char *stamp, char **ret_backup_name)
{
        _cleanup_free_ char *contents = NULL, *backup = NULL;
        _cleanup_close_ int fd = -1;
        struct stat st;
        size_t size;
        int r;

        fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0)
                return -errno;
        r = read_full_fd(fd, &contents, &size);
        if (r < 0)
                return r;
        if (asprintf(&backup, "%s.%s.bak", name, stamp) < 0)
                return -ENOMEM;
        r = atomic_file_write_at(dirfd, backup, contents, size, st.st_mode & 07777);
        if (r < 0)
                return r;
        *ret_backup_name = TAKE_PTR(backup);
        return 0;
}

void atomic_file_stamp(char buf[static 16])
{
        time_t now = time(NULL);
        struct tm tm;

        if (!localtime_r(&now, &tm) || strftime(buf, 16, "%Y%m%d-%H%M%S", &tm) == 0)
                snprintf(buf, 16, "%jd", (intmax_t) now);
}

int atomic_file_remove_at(int dirfd, const char *name)
{
        if (unlinkat(dirfd, name, 0) < 0)
                return errno == ENOENT ? 0 : -errno;
        return fsync_parent(dirfd, name);
}
