/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The root prefix: every path under /sys, /proc, /etc, /boot, /dev and /lib/modules is opened
 * relative to one root directory, so a fixture machine or a mounted image is just a folder
 * (like lscpu --sysroot or bootctl --root). Paths are resolved with openat2(RESOLVE_IN_ROOT):
 * absolute symlinks and ".." inside the tree cannot escape it.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

struct rootdir;

/* Open the root directory PATH ("/" for the running system). */
int rootdir_new(const char *path, struct rootdir **ret);
struct rootdir *rootdir_free(struct rootdir *root);
static inline void rootdir_freep(struct rootdir **r)
{
        if (*r)
                rootdir_free(*r);
}
#define _cleanup_rootdir_ __attribute__((cleanup(rootdir_freep)))

/* True when this root is the running system's "/": only then may modules be loaded. */
bool rootdir_is_host(const struct rootdir *root);
const char *rootdir_path(const struct rootdir *root);

/* open() of PATH (absolute or relative, both taken below the root). Returns an fd or -errno. */
int rootdir_open(const struct rootdir *root, const char *path, int flags, mode_t mode);
/* An O_DIRECTORY fd of PATH, for reading many files of one directory with *_at() calls. */
int rootdir_open_dir(const struct rootdir *root, const char *path);

/* PATH below the root as a plain string, for libraries that take paths (libkmod). malloc'd. */
char *rootdir_join(const struct rootdir *root, const char *path);

/*
 * An O_RDONLY fd of PATH when it is a regular file: -EISDIR for a directory, -EBADFD for anything
 * else (a FIFO, a device), which rootdir_strerror() says in words. Opened non-blocking, so a FIFO
 * put where a config file belongs cannot hang the boot.
 */
int rootdir_open_regular(const struct rootdir *root, const char *path);
/* strerror(-R), but "not a regular file" for rootdir_open_regular()'s -EBADFD. */
const char *rootdir_strerror(int r);

/* Convenience wrappers over fileio.h for one-off files. */
int rootdir_read_file(const struct rootdir *root, const char *path, char **ret_contents, size_t *ret_size);
int rootdir_exists(const struct rootdir *root, const char *path);
