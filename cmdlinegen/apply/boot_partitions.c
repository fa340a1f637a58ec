/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ESP and XBOOTLDR discovery with libblkid; see boot_partitions.h. */
#include "boot_partitions.h"

#include <blkid.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>

#include "apply_error.h"
#include "macro.h"

#define ESP_GPT_TYPE "c12a7328-f81f-11d2-ba4b-00a0c93ec93b"
#define ESP_MBR_TYPE "0xef"
#define XBOOTLDR_GPT_TYPE "bc13c2ff-59e6-4262-a352-b275fd6f7172"

void boot_partitions_done(struct boot_partitions *b)
{
        free(b->esp);
        free(b->xbootldr);
        *b = (struct boot_partitions){};
}

static bool relaxed(const struct rootdir *root)
{
        const char *e = getenv("SYSTEMD_RELAX_ESP_CHECKS");

        return !rootdir_is_host(root) || (e && (streq(e, "1") || streq(e, "yes") || streq(e, "true")));
}

/* The partition type of the block device holding DEV, via libblkid. */
static int partition_type(dev_t dev, char **ret)
{
        char node[64];
        const char *v = NULL;
        int r = -ENOENT;

        snprintf(node, sizeof(node), "/dev/block/%u:%u", major(dev), minor(dev));
        blkid_probe pr = blkid_new_probe_from_filename(node);
        if (!pr)
                return errno > 0 ? -errno : -EIO;
        blkid_probe_enable_superblocks(pr, 0);
        blkid_probe_enable_partitions(pr, 1);
        blkid_probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS);
        if (blkid_do_safeprobe(pr) == 0 && blkid_probe_lookup_value(pr, "PART_ENTRY_TYPE", &v, NULL) == 0) {
                *ret = strdup(v);
                r = *ret ? 0 : -ENOMEM;
        }
        blkid_free_probe(pr);
        return r;
}

/* Why PATH is not a partition of one of the types, or NULL when it is. Static strings. */
static const char *check(const struct rootdir *root, const char *path, const char *gpt, const char *mbr)
{
        _cleanup_close_ int fd = rootdir_open_dir(root, path), pfd = -1;
        _cleanup_free_ char *type = NULL, *parent = NULL;
        struct stat st, pst;
        struct statfs sfs;

        if (fd < 0)
                return "not a directory";
        if (relaxed(root)) {
                _cleanup_close_ int l = openat(fd, "loader", O_PATH | O_DIRECTORY | O_CLOEXEC);
                _cleanup_close_ int e = openat(fd, "EFI", O_PATH | O_DIRECTORY | O_CLOEXEC);
                return l >= 0 || e >= 0 ? NULL : "has neither loader/ nor EFI/";
        }
        if (fstat(fd, &st) < 0 || fstatfs(fd, &sfs) < 0)
                return "cannot be examined";
        if (asprintf(&parent, "%s/..", path) < 0)
                return "out of memory";
        pfd = rootdir_open_dir(root, parent);
        if (pfd < 0 || fstat(pfd, &pst) < 0)
                return "cannot be examined";
        if (st.st_dev == pst.st_dev)
                return "is not a mount point";
        if (gpt == NULL || streq(gpt, ESP_GPT_TYPE)) {
                if (sfs.f_type != MSDOS_SUPER_MAGIC)
                        return "is not a vfat file system";
        }
        if (partition_type(st.st_dev, &type) < 0)
                return "its partition type cannot be read (libblkid)";
        if (!streq(type, gpt) && !(mbr && streq(type, mbr)))
                return gpt && streq(gpt, ESP_GPT_TYPE) ? "is not an EFI system partition"
                                                       : "is not an XBOOTLDR partition";
        return NULL;
}

static int append(char **msg, const char *format, ...) _printf_(2, 3);
static int append(char **msg, const char *format, ...)
{
        _cleanup_free_ char *add = NULL;
        char *n = NULL;
        va_list ap;
        int r;

        va_start(ap, format);
        r = vasprintf(&add, format, ap);
        va_end(ap);
        if (r < 0 || asprintf(&n, "%s%s", *msg ? *msg : "", add) < 0)
                return -ENOMEM;
        free(*msg);
        *msg = n;
        return 0;
}

int boot_partitions_find(const struct rootdir *root, struct boot_partitions *ret, char **ret_error)
{
        static const char *const candidates[] = { "/efi", "/boot", "/boot/efi" };
        const char *env = getenv("SYSTEMD_ESP_PATH");
        const char *xenv = getenv("SYSTEMD_XBOOTLDR_PATH");
        _cleanup_free_ char *why = NULL;
        struct boot_partitions b = {};

        for (size_t i = 0; i < (env ? 1 : ELEMENTSOF(candidates)); i++) {
                const char *path = env ? env : candidates[i];
                const char *no = check(root, path, ESP_GPT_TYPE, ESP_MBR_TYPE);
                if (!no) {
                        b.esp = strdup(path);
                        if (!b.esp)
                                return -ENOMEM;
                        break;
                }
                if (append(&why, "%s%s %s", why ? "; " : "", path, no) < 0)
                        return -ENOMEM;
        }
        if (!b.esp)
                return apply_error(ret_error, -ENOENT, "no EFI system partition found (%s)", why);

        const char *xpath = xenv ? xenv : "/boot";
        if (!streq(xpath, b.esp) && !check(root, xpath, XBOOTLDR_GPT_TYPE, NULL)) {
                /* relaxed, /boot holding loader/ next to a separate ESP is the XBOOTLDR layout */
                b.xbootldr = strdup(xpath);
                if (!b.xbootldr) {
                        boot_partitions_done(&b);
                        return -ENOMEM;
                }
        }
        *ret = b;
        return 0;
}
