/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "kernel_info.h"

#include <stdio.h>

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

static bool module_name_equal_n(const char *a, size_t a_len, const char *b)
{
        size_t b_len = strlen(b);
        if (a_len != b_len)
                return false;
        for (size_t i = 0; i < a_len; i++) {
                char x = a[i] == '-' ? '_' : a[i], y = b[i] == '-' ? '_' : b[i];
                if (x != y)
                        return false;
        }
        return true;
}

enum tristate kernel_module_builtin(const struct rootdir *root, const char *release, const char *module)
{
        char path[300];
        snprintf(path, sizeof(path), "/lib/modules/%s/modules.builtin", release);
        _cleanup_free_ char *text = NULL;
        if (rootdir_read_file(root, path, &text, NULL) < 0)
                return TRISTATE_UNKNOWN;

        /* Lines are paths like "kernel/drivers/vfio/pci/vfio-pci.ko". */
        for (char *line = text; line && *line;) {
                char *eol = strchr(line, '\n');
                size_t len = eol ? (size_t) (eol - line) : strlen(line);
                const char *base = memrchr(line, '/', len);
                base = base ? base + 1 : line;
                size_t base_len = len - (size_t) (base - line);
                if (base_len > 3 && memcmp(base + base_len - 3, ".ko", 3) == 0 &&
                    module_name_equal_n(base, base_len - 3, module))
                        return TRISTATE_YES;
                line = eol ? eol + 1 : NULL;
        }
        return TRISTATE_NO;
}

bool kernel_module_name_equal(const char *a, const char *b) { return module_name_equal_n(a, strlen(a), b); }
