/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reading and writing the small files of sysfs and procfs: one read for a whole attribute, one
 * write() of the value with its newline, checked (as systemd's fileio.c does).
 */
#pragma once

#include <dirent.h>
#include <stddef.h>

/* Files larger than this are refused with -EFBIG: nothing we read is legitimately bigger. */
#define READ_FULL_MAX (64u * 1024u * 1024u)

/* A sysfs attribute is at most a page: read_attr_at() with a buffer one byte larger reads any. */
#define SYSFS_ATTR_MAX 4096

/* Read a whole file from an open fd; the result is NUL-terminated (size excludes the NUL). */
int read_full_fd(int fd, char **ret_contents, size_t *ret_size);
/* Read a whole file NAME in directory DIRFD. */
int read_full_at(int dirfd, const char *name, char **ret_contents, size_t *ret_size);

/*
 * One read() of NAME into BUF, NUL-terminated, the bytes kept as they are (NUL bytes included,
 * for a caller that reports where one is). Returns the length or -errno; -EFBIG if it did not fit.
 */
int read_attr_bytes_at(int dirfd, const char *name, char *buf, size_t size);

/*
 * Read a sysfs attribute into BUF with a single read() (attributes are at most a page), strip
 * one trailing newline, NUL-terminate. Returns the length or -errno; -EFBIG if it did not fit.
 */
int read_attr_at(int dirfd, const char *name, char *buf, size_t size);

/* Parse an attribute holding one decimal integer (possibly negative), e.g. numa_node. */
int read_attr_int_at(int dirfd, const char *name, long *ret);

/* readlinkat() into a malloc'd string; -EINVAL if NAME is not a symlink. */
int readlink_at(int dirfd, const char *name, char **ret);
/* Last component of the symlink target (the driver's name for "driver", the group number...). */
int readlink_basename_at(int dirfd, const char *name, char **ret);

/*
 * Write VALUE (the caller includes the newline sysfs expects) with one write() to an existing
 * file, never creating it and never following a symlink (-ELOOP). A short write is -EIO. The
 * one writer of sysfs attributes.
 */
int write_attr_at(int dirfd, const char *name, const char *value);

/*
 * A DIR stream over the directory open at DIRFD, which stays open and usable for *_at() calls
 * on the entries (the stream reads through its own duplicate). NULL with errno set on failure.
 */
DIR *opendir_at(int dirfd);
