/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Temp machine trees for unit tests: files, relative symlinks and PCI functions as sysfs has them. */
#include "test-tree.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "fileio.h"
#include "rootdir.h"

char *tree_new(void)
{
        const char *tmp = getenv("TMPDIR");
        char *path;
        if (asprintf(&path, "%s/initbind-unit-XXXXXX", tmp && *tmp ? tmp : "/tmp") < 0)
                fail_msg("out of memory");
        if (!mkdtemp(path))
                fail_msg("mkdtemp %s: %s", path, strerror(errno));
        return path;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
        (void) remove(path);
        return 0;
}

void tree_free(char *root)
{
        if (!root)
                return;
        (void) nftw(root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
        free(root);
}

int tree_setup(void **state)
{
        *state = tree_new();
        return 0;
}

int tree_teardown(void **state)
{
        tree_free(*state);
        *state = NULL;
        return 0;
}

char *tree_path(const char *root, const char *path)
{
        while (*path == '/')
                path++;
        /* Not asprintf(&joined, ...): at -O3 gcc 12 inlines this into its callers, takes the
         * address handed to asprintf for one the result may point into, and warns of a dangling
         * pointer wherever the result is searched (-Wdangling-pointer). */
        size_t root_len = strlen(root), path_len = strlen(path);
        char *joined = malloc(root_len + 1 + path_len + 1);
        if (!joined)
                fail_msg("out of memory");
        assert_non_null(joined);
        memcpy(joined, root, root_len);
        joined[root_len] = '/';
        memcpy(joined + root_len + 1, path, path_len + 1);
        return joined;
}

char *tree_read(const char *root, const char *path)
{
        _cleanup_free_ char *full = tree_path(root, path);
        _cleanup_close_ int fd = open(full, O_RDONLY | O_CLOEXEC);
        if (fd < 0 && errno == ENOENT)
                return NULL;
        if (fd < 0)
                fail_msg("cannot open %s: %s", full, strerror(errno));
        char *text = NULL;
        if (read_full_fd(fd, &text, NULL) < 0)
                fail_msg("cannot read %s", full);
        return text;
}

static void mkdir_p(char *path)
{
        /* Walk the components; each mkdir may find the directory already there. */
        for (char *p = path + 1; *p; p++) {
                if (*p != '/')
                        continue;
                *p = '\0';
                if (mkdir(path, 0755) < 0 && errno != EEXIST)
                        fail_msg("mkdir %s: %s", path, strerror(errno));
                *p = '/';
        }
        if (mkdir(path, 0755) < 0 && errno != EEXIST)
                fail_msg("mkdir %s: %s", path, strerror(errno));
}

void tree_mkdir(const char *root, const char *path)
{
        _cleanup_free_ char *full = tree_path(root, path);
        mkdir_p(full);
}

static void mkdir_parent(const char *full)
{
        /* A copy, not a cut in place: gcc 12 at -O2 takes the restored '/' for a dangling pointer. */
        const char *slash = strrchr(full, '/');
        if (!slash || slash == full)
                return;
        _cleanup_free_ char *parent = strndup(full, (size_t) (slash - full));
        if (!parent)
                fail_msg("out of memory");
        mkdir_p(parent);
}

void tree_write_bytes(const char *root, const char *path, const void *data, size_t size)
{
        _cleanup_free_ char *full = tree_path(root, path);
        mkdir_parent(full);
        _cleanup_close_ int fd = open(full, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0)
                fail_msg("create %s: %s", full, strerror(errno));
        const char *p = data;
        while (size > 0) {
                ssize_t n = write(fd, p, size);
                if (n <= 0)
                        fail_msg("write %s: %s", full, strerror(errno));
                p += n;
                size -= (size_t) n;
        }
}

void tree_write(const char *root, const char *path, const char *contents)
{
        tree_write_bytes(root, path, contents, strlen(contents));
}

void tree_writef(const char *root, const char *path, const char *format, ...)
{
        _cleanup_free_ char *contents = NULL;
        va_list ap;
        va_start(ap, format);
        int r = vasprintf(&contents, format, ap);
        va_end(ap);
        if (r < 0)
                fail_msg("out of memory");
        tree_write(root, path, contents);
}

void tree_symlink(const char *root, const char *path, const char *target)
{
        _cleanup_free_ char *full = tree_path(root, path);
        mkdir_parent(full);
        if (unlink(full) < 0 && errno != ENOENT)
                fail_msg("unlink %s: %s", full, strerror(errno));
        if (symlink(target, full) < 0)
                fail_msg("symlink %s -> %s: %s", full, target, strerror(errno));
}

void tree_unlink(const char *root, const char *path)
{
        _cleanup_free_ char *full = tree_path(root, path);
        if (unlink(full) < 0)
                fail_msg("unlink %s: %s", full, strerror(errno));
}

struct rootdir *tree_rootdir(const char *root)
{
        struct rootdir *r = NULL;
        int e = rootdir_new(root, &r);
        if (e < 0)
                fail_msg("rootdir_new %s: %s", root, strerror(-e));
        return r;
}

void tree_pci_uevent(const struct tree_pci_function *f, char *buf, size_t size)
{
        /* dev_uevent() adds DRIVER= before the bus's own variables; pci_uevent() prints the class
         * with "%04X" (so 0x030000 is "30000") and the modalias' prog-if with "%02x". */
        char driver_line[128] = "";
        if (f->driver)
                snprintf(driver_line, sizeof(driver_line), "DRIVER=%s\n", f->driver);
        snprintf(buf, size,
                 "%sPCI_CLASS=%04X\nPCI_ID=%04X:%04X\nPCI_SUBSYS_ID=%04X:%04X\nPCI_SLOT_NAME=%s\n"
                 "MODALIAS=pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02x\n",
                 driver_line, f->class_code, f->vendor, f->device, f->subvendor, f->subdevice, f->address, f->vendor,
                 f->device, f->subvendor, f->subdevice, (f->class_code >> 16) & 0xff, (f->class_code >> 8) & 0xff,
                 f->class_code & 0xff);
}

char *tree_pci_function_dir(const struct tree_pci_function *f)
{
        char *dir;
        if (asprintf(&dir, "sys/devices/%s/%s", f->parents ? f->parents : "pci0000:00", f->address) < 0)
                fail_msg("out of memory");
        return dir;
}

/* "../" repeated as often as DIR (relative to the tree root) has components below "sys". */
static char *up_to_sys(const char *dir)
{
        const char *below_sys = dir + strlen("sys/");
        size_t depth = 1;
        for (const char *p = below_sys; *p; p++)
                depth += *p == '/';
        char *ups = calloc(depth * 3 + 1, 1);
        if (!ups)
                fail_msg("out of memory");
        for (size_t i = 0; i < depth; i++)
                strcat(ups, "../");
        return ups;
}

void tree_add_pci_function(const char *root, const struct tree_pci_function *f)
{
        _cleanup_free_ char *dir = tree_pci_function_dir(f);
        _cleanup_free_ char *ups = up_to_sys(dir);
        const char *below_sys = dir + strlen("sys/");
        char path[PATH_MAX], target[PATH_MAX];

        char uevent[512];
        tree_pci_uevent(f, uevent, sizeof(uevent));
        snprintf(path, sizeof(path), "%s/uevent", dir);
        tree_write(root, path, uevent);

        /* The standard header: IDs, revision, class, header type. */
        uint8_t config[64] = { 0 };
        config[0x00] = (uint8_t) f->vendor;
        config[0x01] = (uint8_t) (f->vendor >> 8);
        config[0x02] = (uint8_t) f->device;
        config[0x03] = (uint8_t) (f->device >> 8);
        config[0x08] = f->revision;
        config[0x09] = (uint8_t) f->class_code;
        config[0x0a] = (uint8_t) (f->class_code >> 8);
        config[0x0b] = (uint8_t) (f->class_code >> 16);
        config[0x0e] = f->header_type;
        snprintf(path, sizeof(path), "%s/config", dir);
        tree_write_bytes(root, path, config, sizeof(config));

        snprintf(path, sizeof(path), "%s/driver_override", dir);
        tree_writef(root, path, "%s\n", f->driver_override ? f->driver_override : "(null)");
        snprintf(path, sizeof(path), "%s/numa_node", dir);
        tree_writef(root, path, "%s\n", f->numa_node ? f->numa_node : "-1");
        if (f->boot_vga) {
                snprintf(path, sizeof(path), "%s/boot_vga", dir);
                tree_writef(root, path, "%s\n", f->boot_vga);
        }
        if (f->sriov_totalvfs) {
                snprintf(path, sizeof(path), "%s/sriov_totalvfs", dir);
                tree_writef(root, path, "%s\n", f->sriov_totalvfs);
        }
        if (f->sriov_numvfs) {
                snprintf(path, sizeof(path), "%s/sriov_numvfs", dir);
                tree_writef(root, path, "%s\n", f->sriov_numvfs);
        }

        /* sys/bus/pci/devices/ADDR -> ../../../devices/... */
        snprintf(path, sizeof(path), "sys/bus/pci/devices/%s", f->address);
        snprintf(target, sizeof(target), "../../../%s", below_sys);
        tree_symlink(root, path, target);

        if (f->driver) {
                snprintf(path, sizeof(path), "%s/driver", dir);
                snprintf(target, sizeof(target), "%sbus/pci/drivers/%s", ups, f->driver);
                tree_symlink(root, path, target);
                snprintf(path, sizeof(path), "sys/bus/pci/drivers/%s/%s", f->driver, f->address);
                snprintf(target, sizeof(target), "../../../../%s", below_sys);
                tree_symlink(root, path, target);
        }

        if (f->group) {
                snprintf(path, sizeof(path), "%s/iommu_group", dir);
                snprintf(target, sizeof(target), "%skernel/iommu_groups/%s", ups, f->group);
                tree_symlink(root, path, target);
                snprintf(path, sizeof(path), "sys/kernel/iommu_groups/%s/devices/%s", f->group, f->address);
                snprintf(target, sizeof(target), "../../../../%s", below_sys);
                tree_symlink(root, path, target);
                snprintf(path, sizeof(path), "sys/kernel/iommu_groups/%s/type", f->group);
                tree_write(root, path, "DMA-FQ\n");
        }
}
