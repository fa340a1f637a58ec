/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "installed_kernels.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "macro.h"
#include "rootdir.h"

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/* dpkg's weight of a character in a non-digit run: '~' sorts before everything, even the end of
 * the string; then the end (and a digit, which ends the run); letters; then everything else. */
static int weight(char c)
{
        if (c == '~')
                return -1;
        if (c == '\0' || is_digit(c))
                return 0;
        if (is_alpha(c))
                return (unsigned char) c;
        return (unsigned char) c + 256;
}

int kernel_version_compare(const char *a, const char *b)
{
        while (*a || *b) {
                /* A non-digit run, character by character. */
                while ((*a && !is_digit(*a)) || (*b && !is_digit(*b))) {
                        int wa = weight(*a), wb = weight(*b);
                        if (wa != wb)
                                return wa - wb;
                        a++;
                        b++;
                }
                /* A digit run, as a number of any length: the longer one (zeros aside) is
                 * larger, else the first differing digit decides. */
                while (*a == '0')
                        a++;
                while (*b == '0')
                        b++;
                int first_diff = 0;
                for (; is_digit(*a) && is_digit(*b); a++, b++)
                        if (!first_diff)
                                first_diff = *a - *b;
                if (is_digit(*a))
                        return 1;
                if (is_digit(*b))
                        return -1;
                if (first_diff)
                        return first_diff;
        }
        return 0;
}

static bool has_image(const struct rootdir *root, const char *release)
{
        char path[PATH_MAX];
        snprintf(path, sizeof(path), "/boot/vmlinuz-%s", release);
        if (rootdir_exists(root, path) > 0)
                return true;
        snprintf(path, sizeof(path), "/lib/modules/%s/vmlinuz", release);
        return rootdir_exists(root, path) > 0;
}

int kernel_newest_installed(const struct rootdir *root, char **ret)
{
        int fd = rootdir_open_dir(root, "/lib/modules");
        if (fd < 0)
                return fd == -ENOTDIR ? -ENOENT : fd;
        DIR *d = fdopendir(fd);
        if (!d) {
                int r = -errno;
                close(fd);
                return r;
        }
        _cleanup_free_ char *best = NULL;
        struct dirent *e;
        while ((e = readdir(d))) {
                if (e->d_name[0] == '.' || !has_image(root, e->d_name))
                        continue;
                if (best && kernel_version_compare(e->d_name, best) <= 0)
                        continue;
                free(best);
                best = strdup(e->d_name);
                if (!best) {
                        closedir(d);
                        return -ENOMEM;
                }
        }
        closedir(d);
        if (!best)
                return -ENOENT;
        *ret = TAKE_PTR(best);
        return 0;
}
