/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A machine tree for the targets that feed hostile file contents to readers behind a root
 * prefix: one per process under $TMPDIR, made once, rewritten for every input, removed at exit.
 */
#pragma once

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "rootdir.h"

static char *fuzz_tree;
static struct rootdir *fuzz_root;

static inline char *fuzz_tree_path(const char *path)
{
        static char buf[PATH_MAX];
        snprintf(buf, sizeof(buf), "%s/%s", fuzz_tree, path);
        return buf;
}

static inline void fuzz_tree_mkdir_p(const char *path)
{
        char buf[PATH_MAX];
        snprintf(buf, sizeof(buf), "%s", fuzz_tree_path(path));
        for (char *p = buf + strlen(fuzz_tree) + 1; *p; p++)
                if (*p == '/') {
                        *p = '\0';
                        CHECK(mkdir(buf, 0755) == 0 || errno == EEXIST, "mkdir %s: %s", buf, strerror(errno));
                        *p = '/';
                }
        CHECK(mkdir(buf, 0755) == 0 || errno == EEXIST, "mkdir %s: %s", buf, strerror(errno));
}

/* A new file each time: ext4 flushes a file truncated and rewritten on close (auto_da_alloc),
 * which would make every run wait for the disk. */
static inline void fuzz_tree_write(const char *path, const void *data, size_t size)
{
        if (unlink(fuzz_tree_path(path)) < 0)
                CHECK(errno == ENOENT, "unlink %s: %s", path, strerror(errno));
        int fd = open(fuzz_tree_path(path), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        CHECK(fd >= 0, "create %s: %s", path, strerror(errno));
        CHECK(size == 0 || write(fd, data, size) == (ssize_t) size, "write %s: %s", path, strerror(errno));
        close(fd);
}

static inline void fuzz_tree_write_string(const char *path, const char *s) { fuzz_tree_write(path, s, strlen(s)); }

/* Replace the symlink; false when the target cannot be a link's (empty, too long). */
static inline bool fuzz_tree_link(const char *path, const char *target)
{
        if (unlink(fuzz_tree_path(path)) < 0)
                CHECK(errno == ENOENT, "unlink %s: %s", path, strerror(errno));
        return symlink(target, fuzz_tree_path(path)) == 0;
}

static inline int fuzz_tree_remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
        (void) remove(path);
        return 0;
}

static inline void fuzz_tree_remove(void)
{
        rootdir_free(fuzz_root);
        if (fuzz_tree)
                (void) nftw(fuzz_tree, fuzz_tree_remove_entry, 16, FTW_DEPTH | FTW_PHYS);
        free(fuzz_tree);
}

/* Make the empty tree (NAME in its directory's name) and fuzz_root on it. */
static inline void fuzz_tree_new(const char *name)
{
        const char *tmp = getenv("TMPDIR");
        CHECK(asprintf(&fuzz_tree, "%s/initbind-fuzz-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", name) > 0,
              "out of memory");
        CHECK(mkdtemp(fuzz_tree), "mkdtemp %s: %s", fuzz_tree, strerror(errno));
        atexit(fuzz_tree_remove);
}

/* Open fuzz_root once the tree holds what it should. */
static inline void fuzz_tree_open(void) { CHECK(rootdir_new(fuzz_tree, &fuzz_root) == 0, "rootdir_new %s", fuzz_tree); }
