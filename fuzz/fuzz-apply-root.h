/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the apply fuzz targets share: a scratch root made once per process, files written into it
 * for each input, and the property every edit must have: applying twice is applying once, and
 * --remove, applied twice, is applied once too.
 */
#pragma once

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

#include "apply.h"
#include "fuzz.h"

static char fuzz_root[64];

/* mkdir -p ROOT/PATH's directory and write it; CONTENTS NULL removes it. */
static inline void root_put(const char *path, const char *contents)
{
        char full[512];

        snprintf(full, sizeof(full), "%s/%s", fuzz_root, path);
        if (!contents) {
                unlink(full);
                return;
        }
        for (char *s = strchr(full + strlen(fuzz_root) + 1, '/'); s; s = strchr(s + 1, '/')) {
                *s = '\0';
                mkdir(full, 0755);
                *s = '/';
        }
        int fd = open(full, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        CHECK(fd >= 0, "cannot write %s", full);
        CHECK(write(fd, contents, strlen(contents)) == (ssize_t) strlen(contents), "short write");
        close(fd);
}

/*
 * Remove every backup (NAME.STAMP.bak, NAME.STAMP.N.bak) in DIR below the root: backups are never
 * overwritten, so an input's backups would otherwise pile up over the run and change the next.
 */
static inline void root_remove_backups(const char *dir)
{
        char full[512];
        DIR *d;

        snprintf(full, sizeof(full), "%s/%s", fuzz_root, dir);
        d = opendir(full);
        if (!d)
                return;
        for (struct dirent *e; (e = readdir(d));) {
                size_t len = strlen(e->d_name);
                if (len > 4 && strcmp(e->d_name + len - 4, ".bak") == 0)
                        CHECK(unlinkat(dirfd(d), e->d_name, 0) == 0, "cannot remove %s/%s", full, e->d_name);
        }
        closedir(d);
}

static inline void root_init(void)
{
        const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";

        snprintf(fuzz_root, sizeof(fuzz_root), "%s/initbind-fuzz-apply-XXXXXX", base);
        CHECK(mkdtemp(fuzz_root), "mkdtemp");
}

static inline struct apply_plan *plan_or_null(enum bootloader b, const char *const *add, size_t n, bool remove)
{
        struct apply_request req = {
                .root = fuzz_root, .bootloader = b, .add = add, .n_add = n, .remove_ours = remove, .stamp = "F"
        };
        struct apply_plan *p = NULL;
        char *error = NULL;
        int r = apply_plan(&req, &p, &error);

        if (r < 0) {
                CHECK(r != -ENOMEM, "out of memory");
                CHECK(error && *error, "plan failed (%d) without a message", r);
                if (getenv("FUZZ_DEBUG")) /* why a plan is refused, when replaying one input by hand */
                        fprintf(stderr, "plan: %s\n", error);
                free(error);
                return NULL;
        }
        return p;
}

/* Apply, apply again (nothing to do), remove, remove again (nothing to do). */
static inline void check_idempotent(enum bootloader b, const char *const *add, size_t n)
{
        struct apply_plan *p = plan_or_null(b, add, n, false);
        char *error = NULL;

        if (!p)
                return;
        CHECK(apply_execute(p, false, NULL, &error) == 0, "execute: %s", error ? error : "?");
        apply_plan_free(p);

        p = plan_or_null(b, add, n, false);
        CHECK(p, "the second plan failed where the first succeeded");
        CHECK(p->n_files == 0, "applying twice differs from once: %s", p->n_files ? p->files[0].diff : "");
        apply_plan_free(p);

        p = plan_or_null(b, NULL, 0, true);
        CHECK(p, "--remove cannot be planned after an apply");
        CHECK(apply_execute(p, false, NULL, &error) == 0, "remove: %s", error ? error : "?");
        apply_plan_free(p);
        p = plan_or_null(b, NULL, 0, true);
        CHECK(p && p->n_files == 0, "removing twice differs from once");
        apply_plan_free(p);
}
