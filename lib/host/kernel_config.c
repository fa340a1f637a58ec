/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "kernel_config.h"

#include <fcntl.h>
#include <stdio.h>
#include <zlib.h>

#include "array.h"
#include "fileio.h"
#include "macro.h"
#include "rootdir.h"

struct kernel_config {
        char *text;   /* the file, with each option line cut into NUL-separated name and value */
        char **names; /* pointers into text, sorted */
        char **values;
        size_t n;
        char source[320];
};

static int gunzip_fd(int fd, char **ret, size_t *ret_size)
{
        int dupfd = dup(fd);
        if (dupfd < 0)
                return -errno;
        gzFile gz = gzdopen(dupfd, "rb");
        if (!gz) {
                close(dupfd);
                return -ENOMEM;
        }
        size_t size = 0, allocated = 1 << 16;
        _cleanup_free_ char *buf = malloc(allocated);
        int r = 0;
        for (;;) {
                if (!buf) {
                        r = -ENOMEM;
                        break;
                }
                if (allocated - size < 2) {
                        char *grown = allocated < READ_FULL_MAX ? realloc(buf, allocated * 2) : NULL;
                        if (!grown) {
                                r = allocated < READ_FULL_MAX ? -ENOMEM : -EFBIG;
                                break;
                        }
                        buf = grown;
                        allocated *= 2;
                }
                int n = gzread(gz, buf + size, (unsigned) (allocated - size - 1));
                if (n < 0) {
                        r = -EBADMSG;
                        break;
                }
                if (n == 0)
                        break;
                size += (size_t) n;
        }
        gzclose(gz);
        if (r < 0)
                return r;
        buf[size] = '\0';
        *ret = TAKE_PTR(buf);
        *ret_size = size;
        return 0;
}

static int compare_names(const void *a, const void *b) { return strcmp(*(char *const *) a, *(char *const *) b); }

static int index_config(struct kernel_config *c)
{
        /* "CONFIG_NAME=value" lines; "# CONFIG_NAME is not set" means unset, same as absent. */
        for (char *line = c->text; line && *line;) {
                char *eol = strchr(line, '\n');
                if (eol)
                        *eol = '\0';
                if (startswith(line, "CONFIG_")) {
                        char *eq = strchr(line, '=');
                        if (eq) {
                                if (ARRAY_GROW(c->names, c->n) < 0 || ARRAY_GROW(c->values, c->n) < 0)
                                        return -ENOMEM;
                                *eq = '\0';
                                c->names[c->n] = line + strlen("CONFIG_");
                                c->values[c->n] = eq + 1;
                                c->n++;
                        }
                }
                line = eol ? eol + 1 : NULL;
        }
        /* Sort names and keep values beside them: sort an index of pairs. */
        char **pairs = malloc(c->n * 2 * sizeof(char *) + 1);
        if (!pairs)
                return -ENOMEM;
        for (size_t i = 0; i < c->n; i++) {
                pairs[2 * i] = c->names[i];
                pairs[2 * i + 1] = c->values[i];
        }
        qsort(pairs, c->n, 2 * sizeof(char *), compare_names);
        for (size_t i = 0; i < c->n; i++) {
                c->names[i] = pairs[2 * i];
                c->values[i] = pairs[2 * i + 1];
        }
        free(pairs);
        return 0;
}

int kernel_config_load(const struct rootdir *root, const char *release, bool is_running, struct kernel_config **ret)
{
        struct kernel_config *c = calloc(1, sizeof(*c));
        if (!c)
                return -ENOMEM;

        char path[300];
        snprintf(path, sizeof(path), "/boot/config-%s", release);
        size_t size;
        int r = rootdir_read_file(root, path, &c->text, &size);
        if (r >= 0)
                snprintf(c->source, sizeof(c->source), "%s", path);
        else if (r == -ENOENT && is_running) {
                int fd = rootdir_open(root, "/proc/config.gz", O_RDONLY, 0);
                r = fd;
                if (fd >= 0) {
                        r = gunzip_fd(fd, &c->text, &size);
                        close(fd);
                        snprintf(c->source, sizeof(c->source), "/proc/config.gz");
                }
        }
        if (r >= 0)
                r = index_config(c);
        if (r < 0) {
                kernel_config_free(c);
                return r;
        }
        *ret = c;
        return 0;
}

void kernel_config_free(struct kernel_config *c)
{
        if (!c)
                return;
        free(c->text);
        free(c->names);
        free(c->values);
        free(c);
}

const char *kernel_config_get(const struct kernel_config *c, const char *name)
{
        size_t lo = 0, hi = c->n;
        while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                int cmp = strcmp(name, c->names[mid]);
                if (cmp == 0)
                        return c->values[mid];
                if (cmp < 0)
                        hi = mid;
                else
                        lo = mid + 1;
        }
        return NULL;
}

const char *kernel_config_source(const struct kernel_config *c) { return c->source; }

bool kernel_config_enabled(const struct kernel_config *c, const char *name)
{
        const char *v = kernel_config_get(c, name);
        return v && streq(v, "y");
}
