/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Replacing a file a user could lose (a boot loader configuration) so that after a crash, a full
 * disk or a power cut at any moment it is either the old file or the new one, never truncated or
 * mixed: write a temporary file in the same directory, fsync it, rename it over the old one,
 * fsync the directory (as systemd's write_string_file_atomic() does).
 *
 * The system calls go through a table that tests replace to make each step fail in turn.
 */
#pragma once

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

struct atomic_file_syscalls {
        int (*openat)(int dirfd, const char *name, int flags, mode_t mode);
        ssize_t (*write)(int fd, const void *buf, size_t count);
        int (*fsync)(int fd);
        int (*renameat)(int olddirfd, const char *oldname, int newdirfd, const char *newname);
};

/* The real system calls; tests point atomic_file_syscalls at their own table and back. */
extern const struct atomic_file_syscalls atomic_file_real_syscalls;
extern const struct atomic_file_syscalls *atomic_file_syscalls;

/*
 * Replace (or create) NAME in the directory DIRFD with CONTENTS. An existing file keeps its mode,
 * owner and extended attributes (SELinux label, ACLs, user.*; see copy_xattrs() for what a
 * non-root caller may lose); a new one gets MODE. A symlink NAME is refused with -ELOOP, never
 * replaced by a file: resolve it first (atomic_file_resolve()). Returns 0 or -errno; on failure
 * NAME is untouched and no temporary file is left behind.
 */
int atomic_file_write_at(int dirfd, const char *name, const char *contents, size_t size, mode_t mode);

/*
 * Keep a copy of NAME as "NAME.STAMP.bak" (STAMP e.g. "20260121-153000"), with NAME's mode. An
 * existing backup is never replaced: when that name is taken, "NAME.STAMP.1.bak", ".2.bak" and so
 * on. *ret_backup_name (malloc'd, relative to DIRFD) is the name used. -ENOENT when NAME does not
 * exist: there is nothing to keep; -ELOOP when it is a symlink (see atomic_file_resolve()).
 */
int atomic_file_backup_at(int dirfd, const char *name, const char *stamp, char **ret_backup_name);

/* STAMP for backups from the local time: "YYYYMMDD-HHMMSS". buf must hold 16 bytes. */
void atomic_file_stamp(char buf[static 16]);

struct rootdir;

/*
 * PATH below ROOT with the symlinks at its last component followed the way the system booted
 * from ROOT follows them: an absolute target starts at the root, a relative one at the link's
 * directory, ".." stops at the root (rootdir.h resolves the directories). *ret_path (malloc'd,
 * below the root) is PATH itself when that is no symlink or does not exist. A link is refused
 * with *ret_error (when not NULL) naming PATH and the link target: -ENOENT when the target's
 * directory is missing, -EXDEV when it lies outside the root, -ELOOP after 40 links, -EISDIR.
 */
int atomic_file_resolve(const struct rootdir *root, const char *path, char **ret_path, char **ret_error);

/* unlinkat() NAME (a symlink itself, not its target), then fsync the directory so the removal
 * lasts. 0 also when already gone. */
int atomic_file_remove_at(int dirfd, const char *name);
