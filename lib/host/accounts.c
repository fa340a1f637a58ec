/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "accounts.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "rootdir.h"

/* Decimal digits only, below (id_t) -1 (which chown(2) takes as "leave it"). */
static int parse_id(const char *s, size_t len, uint32_t *ret)
{
        uint64_t v = 0;
        if (len == 0 || len > 10)
                return -EINVAL;
        for (size_t i = 0; i < len; i++) {
                if (s[i] < '0' || s[i] > '9')
                        return -EINVAL;
                v = v * 10 + (uint64_t) (s[i] - '0');
        }
        if (v >= UINT32_MAX)
                return -ERANGE;
        *ret = (uint32_t) v;
        return 0;
}

/*
 * The third field (the id) of the first line of the colon-separated TEXT whose first field is
 * NAME, as passwd(5) and group(5) lay them out. Lines starting with '+' or '-' (NIS compat) and
 * malformed lines are skipped.
 */
static int lookup_line(const char *text, size_t size, const char *name, uint32_t *ret)
{
        size_t name_len = strlen(name);
        for (const char *line = text, *end = text + size; line < end;) {
                const char *eol = memchr(line, '\n', (size_t) (end - line));
                if (!eol)
                        eol = end;
                const char *f1 = memchr(line, ':', (size_t) (eol - line));
                const char *f2 = f1 ? memchr(f1 + 1, ':', (size_t) (eol - f1 - 1)) : NULL;
                const char *f3 = f2 ? memchr(f2 + 1, ':', (size_t) (eol - f2 - 1)) : NULL;
                if (!f3)
                        f3 = eol;
                if (f2 && (size_t) (f1 - line) == name_len && memcmp(line, name, name_len) == 0 &&
                    parse_id(f2 + 1, (size_t) (f3 - f2 - 1), ret) >= 0)
                        return 0;
                line = eol + 1;
        }
        return -ENOENT;
}

static int lookup(const struct rootdir *root, const char *path, const char *name, uint32_t *ret)
{
        uint32_t id;
        if (parse_id(name, strlen(name), &id) >= 0) {
                *ret = id;
                return 0;
        }
        _cleanup_free_ char *text = NULL;
        size_t size = 0;
        int r = rootdir_read_file(root, path, &text, &size);
        if (r < 0)
                return r;
        r = lookup_line(text, size, name, &id);
        if (r < 0)
                return r;
        *ret = id;
        return 0;
}

int accounts_user_id(const struct rootdir *root, const char *name, uid_t *ret)
{
        uint32_t id;
        int r = lookup(root, "/etc/passwd", name, &id);
        if (r >= 0)
                *ret = (uid_t) id;
        return r;
}

int accounts_group_id(const struct rootdir *root, const char *name, gid_t *ret)
{
        uint32_t id;
        int r = lookup(root, "/etc/group", name, &id);
        if (r >= 0)
                *ret = (gid_t) id;
        return r;
}
