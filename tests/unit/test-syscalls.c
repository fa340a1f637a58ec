/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "test-syscalls.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "atomic_file.h"

struct syscall_faults syscall_faults;

static bool hit(void)
{
        if (++syscall_faults.calls != syscall_faults.fail_at)
                return false;
        if (syscall_faults.kill)
                _exit(42);
        errno = syscall_faults.error ? syscall_faults.error : EIO;
        return true;
}

static int counted_openat(int dirfd, const char *name, int flags, mode_t mode)
{
        return hit() ? -1 : openat(dirfd, name, flags, mode);
}

static ssize_t counted_write(int fd, const void *buf, size_t count)
{
        if (hit())
                return -1;
        if (syscall_faults.short_writes && count > 1)
                count /= 2;
        return write(fd, buf, count);
}

static int counted_fsync(int fd) { return hit() ? -1 : fsync(fd); }

static int counted_renameat(int olddirfd, const char *oldname, int newdirfd, const char *newname)
{
        return hit() ? -1 : renameat(olddirfd, oldname, newdirfd, newname);
}

static const struct atomic_file_syscalls counted = { counted_openat, counted_write, counted_fsync, counted_renameat };

void syscall_faults_start(struct syscall_faults settings)
{
        syscall_faults = settings;
        syscall_faults.calls = 0;
        atomic_file_syscalls = &counted;
}

void syscall_faults_stop(void) { atomic_file_syscalls = &atomic_file_real_syscalls; }
