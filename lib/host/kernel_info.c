/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "kernel_info.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "fileio.h"
#include "macro.h"
#include "rootdir.h"

static int read_one_line(const struct rootdir *root, const char *path, char **ret)
{
        char *text = NULL;
        int r = rootdir_read_file(root, path, &text, NULL);
        if (r < 0)
                return r;
        text[strcspn(text, "\n")] = '\0';
        *ret = text;
        return 0;
}

int kernel_release(const struct rootdir *root, char **ret)
{
        return read_one_line(root, "/proc/sys/kernel/osrelease", ret);
}

/* Not sscanf: in the static binary it would bring scanf's float parser along (a few KB). */
int kernel_release_version(const char *release, unsigned *major, unsigned *minor)
{
        char *dot, *end = NULL;
        unsigned long a = strtoul(release, &dot, 10), b = 0;
        if (dot != release && *dot == '.')
                b = strtoul(dot + 1, &end, 10);
        if (dot == release || *dot != '.' || end == dot + 1 || a > UINT_MAX || b > UINT_MAX) {
                *major = *minor = 0;
                return -EINVAL;
        }
        *major = (unsigned) a;
        *minor = (unsigned) b;
        return 0;
}

int kernel_cmdline(const struct rootdir *root, char **ret) { return read_one_line(root, KERNEL_CMDLINE_PATH, ret); }

/* Does a symbol table (System.map or kallsyms: "address type name [module]") name SYMBOL? */
static enum tristate symbol_file_has(const struct rootdir *root, const char *path, const char *symbol)
{
        _cleanup_free_ char *text = NULL;
        if (rootdir_read_file(root, path, &text, NULL) < 0)
                return TRISTATE_UNKNOWN;
        /* Debian's kernel packages install a one-line stand-in for System.map
         * ("ffffffffffffffff B The real System.map is in the linux-image-VER-dbg package"):
         * it names no symbols, so it cannot say a symbol is absent. */
        if (strstr(text, "The real System.map is in"))
                return TRISTATE_UNKNOWN;
        size_t len = strlen(symbol);
        for (const char *p = text; (p = strstr(p, symbol)); p += len)
                if (p > text && p[-1] == ' ' && (p[len] == '\n' || p[len] == '\0' || p[len] == '\t' || p[len] == ' '))
                        return TRISTATE_YES;
        return TRISTATE_NO;
}

enum tristate kernel_has_acs_override(const struct rootdir *root, const char *release, bool is_running)
{
        char path[300];
        snprintf(path, sizeof(path), "/boot/System.map-%s", release);
        enum tristate t = symbol_file_has(root, path, "pcie_acs_overrides");
        if (t == TRISTATE_UNKNOWN && is_running)
                t = symbol_file_has(root, "/proc/kallsyms", "pcie_acs_overrides");
        return t;
}

bool kernel_module_name_equal(const char *a, const char *b)
{
        for (; *a && *b; a++, b++) {
                char x = *a == '-' ? '_' : *a, y = *b == '-' ? '_' : *b;
                if (x != y)
                        return false;
        }
        return *a == *b;
}
