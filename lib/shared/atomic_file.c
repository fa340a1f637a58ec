/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Atomic replacement of a file with a backup; see atomic_file.h. */
#include "atomic_file.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/xattr.h>
#include <time.h>

#include "fileio.h"
#include "log.h"
#include "macro.h"
#include "rootdir.h"

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

/* The value of extended attribute X of FD, malloc'd; -ENODATA when it went away meanwhile. */
static int get_xattr(int fd, const char *x, char **ret, size_t *ret_size)
{
        for (;;) {
                ssize_t n = fgetxattr(fd, x, NULL, 0);
                if (n < 0)
                        return -errno;
                _cleanup_free_ char *v = malloc((size_t) n + 1);
                if (!v)
                        return -ENOMEM;
                ssize_t m = fgetxattr(fd, x, v, (size_t) n);
                if (m < 0 && errno == ERANGE)
                        continue; /* it grew between the two calls */
                if (m < 0)
                        return -errno;
                *ret = TAKE_PTR(v);
                *ret_size = (size_t) m;
                return 0;
        }
}

/*
 * The old file's extended attributes onto the new one before it takes the name: the SELinux
 * label (security.selinux), ACLs (system.posix_acl_*), user.*. A filesystem without them is
 * fine. A non-root user may not set security.* or trusted.* ones: as with the owner, the file
 * is still written, and the attribute that could not be kept is logged; every other failure
 * stops the write, so root never silently loses a label.
 */
static int copy_xattrs(int from, int to, const char *name)
{
        _cleanup_free_ char *names = NULL;
        ssize_t n = flistxattr(from, NULL, 0);

        if (n < 0)
                return errno == ENOTSUP ? 0 : -errno;
        if (n == 0)
                return 0;
        names = malloc((size_t) n);
        if (!names)
                return -ENOMEM;
        n = flistxattr(from, names, (size_t) n);
        if (n < 0)
                return -errno;
        for (const char *x = names; x < names + n; x += strlen(x) + 1) {
                _cleanup_free_ char *v = NULL;
                size_t size = 0;
                int r = get_xattr(from, x, &v, &size);
                if (r == -ENODATA)
                        continue;
                if (r < 0)
                        return r;
                if (fsetxattr(to, x, v, size, 0) == 0)
                        continue;
                if (errno == ENOTSUP || (errno == EPERM && !startswith(x, "user.") && geteuid() != 0)) {
                        log_warning("%s: extended attribute %s not kept: %m", name, x);
                        continue;
                }
                return -errno;
        }
        return 0;
}

/* Mode, owner and extended attributes of the file being replaced (OLD_FD, stat ST) onto FD. */
static int keep_metadata(int old_fd, const struct stat *st, int fd, const char *name)
{
        /* the umask applied to openat(); the owner matters for files like grub.cfg */
        if (fchmod(fd, st->st_mode & 07777) < 0 || (fchown(fd, st->st_uid, st->st_gid) < 0 && errno != EPERM))
                return -errno;
        /* after fchown, which may drop security.capability */
        return copy_xattrs(old_fd, fd, name);
}

int atomic_file_write_at(int dirfd, const char *name, const char *contents, size_t size, mode_t mode)
{
        _cleanup_close_ int old_fd = -1;
        _cleanup_free_ char *tmp = NULL;
        _cleanup_close_ int fd = -1;
        struct stat st;
        bool exists;
        int r;

        /* O_NOFOLLOW: a symlink here would be resolved from the host's "/", and renaming over it
         * would replace the link by a file; the caller follows links below its root first */
        old_fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        exists = old_fd >= 0;
        if (!exists && errno != ENOENT)
                return -errno;
        if (exists && fstat(old_fd, &st) < 0)
                return -errno;
        if (exists && !S_ISREG(st.st_mode))
                return -EISDIR; /* never replace a directory or a device */

        r = temp_name(name, &tmp);
        if (r < 0)
                return r;
        fd = atomic_file_syscalls->openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                                          exists ? (st.st_mode & 07777) : mode);
        if (fd < 0)
                return -errno;

        if (exists) {
                r = keep_metadata(old_fd, &st, fd, name);
                if (r < 0)
                        goto fail;
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

/* Backups of one file within one second: NAME.STAMP.bak, then NAME.STAMP.1.bak and so on. */
#define ATOMIC_FILE_MAX_BACKUPS 1000

/* CONTENTS into a new file NAME of DIRFD; -EEXIST, never replacing one. Nothing left on failure. */
static int write_new_file(int dirfd, const char *name, const char *contents, size_t size, mode_t mode)
{
        _cleanup_close_ int fd =
                atomic_file_syscalls->openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
        int r;

        if (fd < 0)
                return -errno;
        r = fchmod(fd, mode) < 0 ? -errno : 0;
        if (r >= 0)
                r = write_all(fd, contents, size);
        if (r >= 0 && atomic_file_syscalls->fsync(fd) < 0)
                r = -errno;
        if (r < 0) {
                (void) unlinkat(dirfd, name, 0);
                return r;
        }
        return fsync_parent(dirfd, name);
}

int atomic_file_backup_at(int dirfd, const char *name, const char *stamp, char **ret_backup_name)
{
        _cleanup_free_ char *contents = NULL;
        _cleanup_close_ int fd = -1;
        struct stat st;
        size_t size;
        int r;

        fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return -EISDIR;
        r = read_full_fd(fd, &contents, &size);
        if (r < 0)
                return r;
        /* O_EXCL, never rename: an earlier backup (of the same second) may be the only original */
        for (unsigned k = 0; k < ATOMIC_FILE_MAX_BACKUPS; k++) {
                _cleanup_free_ char *backup = NULL;
                if ((k == 0 ? asprintf(&backup, "%s.%s.bak", name, stamp)
                            : asprintf(&backup, "%s.%s.%u.bak", name, stamp, k)) < 0)
                        return -ENOMEM;
                r = write_new_file(dirfd, backup, contents, size, st.st_mode & 07777);
                if (r == -EEXIST)
                        continue;
                if (r < 0)
                        return r;
                *ret_backup_name = TAKE_PTR(backup);
                return 0;
        }
        return -EEXIST;
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

/* Symlinks followed from one path, as many as the kernel follows (MAXSYMLINKS). */
#define ATOMIC_FILE_MAX_LINKS 40

/* Whether directory FD lies below the root: its ".." chain meets the root before the real "/". */
static int is_below_root(const struct rootdir *root, int fd)
{
        _cleanup_close_ int root_fd = rootdir_open_dir(root, "/"), cur = -1;
        struct stat root_st, st, up_st;

        if (root_fd < 0)
                return root_fd;
        if (fstat(root_fd, &root_st) < 0)
                return -errno;
        cur = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        if (cur < 0)
                return -errno;
        for (;;) {
                if (fstat(cur, &st) < 0)
                        return -errno;
                if (st.st_dev == root_st.st_dev && st.st_ino == root_st.st_ino)
                        return 1;
                int up = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (up < 0)
                        return -errno;
                closep(&cur);
                cur = up;
                if (fstat(cur, &up_st) < 0)
                        return -errno;
                if (up_st.st_dev == st.st_dev && up_st.st_ino == st.st_ino)
                        return 0; /* the real "/" */
        }
}

/* The link text of NAME in DIRFD: 1 with *ret, or 0 when NAME is no symlink (or missing). */
static int read_link_at(int dirfd, const char *name, char **ret)
{
        struct stat st;

        if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return errno == ENOENT ? 0 : -errno;
        if (!S_ISLNK(st.st_mode))
                return 0;
        for (size_t size = 256;; size *= 2) {
                _cleanup_free_ char *buf = malloc(size);
                if (!buf)
                        return -ENOMEM;
                ssize_t n = readlinkat(dirfd, name, buf, size);
                if (n < 0)
                        return -errno;
                if ((size_t) n < size) {
                        buf[n] = '\0';
                        *ret = TAKE_PTR(buf);
                        return 1;
                }
        }
}

static int refuse_link(char **ret_error, int r, const char *path, const char *target, const char *why)
{
        if (ret_error && asprintf(ret_error, "%s is a symlink to %s, %s; not written", path, target, why) < 0)
                return -ENOMEM;
        return r;
}

/* DIR (with the trailing '/') and the last component of PATH. */
static int split_path(const char *path, char **ret_dir, const char **ret_base)
{
        const char *slash = strrchr(path, '/');

        *ret_dir = slash ? strndup(path, (size_t) (slash - path) + 1) : strdup(".");
        if (!*ret_dir)
                return -ENOMEM;
        *ret_base = slash ? slash + 1 : path;
        return 0;
}

/* One step: CUR, the path reached so far through LINKS links, is final (0) or becomes its link's target (1). */
static int resolve_step(const struct rootdir *root, const char *path, unsigned links, char **cur, char **target,
                        char **ret_error)
{
        _cleanup_free_ char *dir = NULL, *next_target = NULL;
        _cleanup_close_ int dfd = -1;
        const char *base;
        int r = split_path(*cur, &dir, &base);

        if (r < 0)
                return r;
        dfd = rootdir_open_dir(root, dir);
        if (dfd < 0)
                /* PATH's own directory may be missing (the caller creates it); a link's may not */
                return links == 0 ? 0 : refuse_link(ret_error, dfd, path, *target, "whose directory does not exist");
        /* rootdir confines the directories with openat2(); this also holds on kernels without it */
        r = is_below_root(root, dfd);
        if (r < 0)
                return r;
        if (r == 0 && links == 0)
                return ret_error && asprintf(ret_error, "%s: its directory lies outside the root; not written", path) <
                                               0
                               ? -ENOMEM
                               : -EXDEV;
        if (r == 0)
                return refuse_link(ret_error, -EXDEV, path, *target, "which lies outside the root");
        if (links > 0 && (!*base || streq(base, ".") || streq(base, "..")))
                return refuse_link(ret_error, -EISDIR, path, *target, "which is a directory");
        r = read_link_at(dfd, base, &next_target);
        if (r <= 0)
                return r;
        if (links >= ATOMIC_FILE_MAX_LINKS)
                return refuse_link(ret_error, -ELOOP, path, next_target, "through too many links (a loop?)");
        char *next = NULL;
        if (next_target[0] == '/' ? !(next = strdup(next_target)) : asprintf(&next, "%s%s", dir, next_target) < 0)
                return -ENOMEM;
        free(*cur);
        *cur = next;
        free(*target);
        *target = TAKE_PTR(next_target);
        return 1;
}

int atomic_file_resolve(const struct rootdir *root, const char *path, char **ret_path, char **ret_error)
{
        _cleanup_free_ char *cur = strdup(path), *target = NULL;

        if (!cur)
                return -ENOMEM;
        for (unsigned links = 0;; links++) {
                int r = resolve_step(root, path, links, &cur, &target, ret_error);
                if (r < 0)
                        return r;
                if (r == 0)
                        break;
        }
        *ret_path = TAKE_PTR(cur);
        return 0;
}
