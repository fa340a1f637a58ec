/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reading one PCI function's sysfs directory into a struct pci_function: uevent, the iommu_group
 * link and the few attributes the boot path needs, and the details only listings need. What is
 * missing or malformed becomes a problem of the host, named by file.
 */
#include "pci_host.h"

#include <fcntl.h>
#include <stdio.h>

#include "fileio.h"
#include "hexdigit.h"
#include "log.h"
#include "macro.h"
#include "pci_class.h"
#include "pci_host_scan.h"
#include "rootdir.h"
#include "shown_text.h"

#define attr_problem(host, name, attr, format, ...)                                                                    \
        pci_host_add_problem(host, SYSFS_PCI_DEVICES "/%s/%s: " format, name, attr, __VA_ARGS__)

static int parse_hex_u16(const char *s, const char *stop, uint16_t *ret)
{
        /* Exactly four hex digits, as the kernel prints IDs in uevent. */
        unsigned value = 0;
        if (stop - s != 4)
                return -EBADMSG;
        for (; s < stop; s++) {
                int digit = hex_digit_value(*s);
                if (digit < 0)
                        return -EBADMSG;
                value = value * 16 + (unsigned) digit;
        }
        *ret = (uint16_t) value;
        return 0;
}

static int parse_id_pair(const char *value, uint16_t *ret_a, uint16_t *ret_b)
{
        const char *colon = strchr(value, ':');
        if (!colon)
                return -EBADMSG;
        int r = parse_hex_u16(value, colon, ret_a);
        if (r < 0)
                return r;
        return parse_hex_u16(colon + 1, colon + 1 + strlen(colon + 1), ret_b);
}

/* Why a read failed, as the rest of a sentence "cannot read it: ...". */
static const char *read_error(int r)
{
        switch (r) {
        case -EFBIG:
                return "longer than the kernel ever makes it";
        case -EBADMSG:
                return "a NUL byte in it";
        default:
                return strerror(-r);
        }
}

/*
 * Where a function's attributes are opened: its own directory (FD, PREFIX "") under a --root,
 * where every path must be resolved inside the tree, or on the running system the directory
 * /sys/bus/pci/devices itself (FD, PREFIX "NAME/"), which saves opening and closing a directory
 * per function on the boot path; the host's sysfs needs no confinement.
 */
struct function_dir {
        int fd;
        bool owned; /* fd is the function's own directory, closed by function_dir_done() */
        char prefix[PCI_ADDRESS_STRING_MAX + 2];
};

static void function_dir_done(struct function_dir *d)
{
        if (d->owned)
                close(d->fd);
}

#define ATTR_PATH_MAX (PCI_ADDRESS_STRING_MAX + 2 + 32)

static const char *attr_path(const struct function_dir *d, const char *attr, char buf[static ATTR_PATH_MAX])
{
        snprintf(buf, ATTR_PATH_MAX, "%s%s", d->prefix, attr);
        return buf;
}

/* uevent carries driver, IDs, class and modalias in one read: "KEY=VALUE" lines. */
static int parse_uevent(struct pci_host *host, char *text, size_t size, struct pci_function *f)
{
        bool have_id = false, have_class = false;
        char shown[SHOWN_TEXT_SIZE];

        if (strlen(text) != size) {
                attr_problem(host, f->name, "uevent", "a NUL byte at byte %zu; left alone", strlen(text) + 1);
                return -EBADMSG;
        }
        unsigned number = 0;
        for (char *line = text, *next; line; line = next) {
                number++;
                next = strchr(line, '\n');
                if (next)
                        *next++ = '\0';
                char *eq = strchr(line, '=');
                if (!eq)
                        continue;
                *eq = '\0';
                const char *key = line, *value = eq + 1;

                if (streq(key, "DRIVER"))
                        snprintf(f->driver, sizeof(f->driver), "%s", value);
                else if (streq(key, "PCI_ID")) {
                        have_id = parse_id_pair(value, &f->ids.vendor, &f->ids.device) == 0;
                        if (!have_id)
                                attr_problem(host, f->name, "uevent",
                                             "line %u: expected PCI_ID=vvvv:dddd (4 hex digits each), got %s", number,
                                             shown_text(shown, value, strlen(value)));
                } else if (streq(key, "PCI_SUBSYS_ID")) {
                        if (parse_id_pair(value, &f->ids.subvendor, &f->ids.subdevice) < 0)
                                attr_problem(host, f->name, "uevent",
                                             "line %u: expected PCI_SUBSYS_ID=vvvv:dddd (4 hex digits each), got %s",
                                             number, shown_text(shown, value, strlen(value)));
                } else if (streq(key, "PCI_CLASS")) {
                        char *end;
                        errno = 0;
                        unsigned long c = strtoul(value, &end, 16);
                        have_class = errno == 0 && end != value && *end == '\0' && c <= 0xffffff;
                        if (have_class)
                                f->ids.class_code = (uint32_t) c;
                        else
                                attr_problem(host, f->name, "uevent",
                                             "line %u: expected PCI_CLASS=cccccc (up to 6 hex digits), got %s", number,
                                             shown_text(shown, value, strlen(value)));
                } else if (streq(key, "MODALIAS"))
                        snprintf(f->modalias, sizeof(f->modalias), "%s", value);
        }
        if (!have_id || !have_class) {
                attr_problem(host, f->name, "uevent",
                             "no valid %s line: nothing to identify the function by; left alone",
                             !have_id ? "PCI_ID" : "PCI_CLASS");
                return -EBADMSG;
        }
        return 0;
}

/* 0, or -errno with the override taken as not set (the problem noted when HOST is non-NULL). */
static int read_driver_override(struct pci_host *host, const struct function_dir *d, struct pci_function *f)
{
        char buf[PCI_DRIVER_NAME_MAX], path[ATTR_PATH_MAX];
        int r = read_attr_at(d->fd, attr_path(d, "driver_override", path), buf, sizeof(buf));
        if (r < 0 && r != -ENOENT && host)
                attr_problem(host, f->name, "driver_override", "cannot read it: %s; taken as not set", read_error(r));
        if (r < 0 || streq(buf, "(null)"))
                buf[0] = '\0';
        memcpy(f->driver_override, buf, sizeof(buf));
        return r < 0 ? r : 0;
}

/*
 * An attribute holding one decimal number from MIN to MAX, as the kernel prints it. 1 and the
 * value in *ret when it does, 0 when the file does not exist, -1 (a problem noted) otherwise.
 */
static int read_number_attr(struct pci_host *host, const struct function_dir *d, const char *name, const char *attr,
                            long min, long max, long *ret)
{
        char buf[32], shown[SHOWN_TEXT_SIZE], path[ATTR_PATH_MAX];
        int r = read_attr_at(d->fd, attr_path(d, attr, path), buf, sizeof(buf));
        if (r == -ENOENT)
                return 0;
        if (r < 0) {
                attr_problem(host, name, attr, "cannot read it: %s", read_error(r));
                return -1;
        }
        char *end;
        errno = 0;
        long value = strtol(buf, &end, 10);
        if (errno != 0 || end == buf || *end != '\0' || value < min || value > max) {
                attr_problem(host, name, attr, "expected a number from %ld to %ld, got %s", min, max,
                             shown_text(shown, buf, (size_t) r));
                return -1;
        }
        *ret = value;
        return 1;
}

int pci_function_refresh_binding(const struct rootdir *root, struct pci_function *f)
{
        char path[sizeof(SYSFS_PCI_DEVICES) + PCI_ADDRESS_STRING_MAX + 1];
        snprintf(path, sizeof(path), SYSFS_PCI_DEVICES "/%s", f->name);
        _cleanup_close_ int dirfd = rootdir_open_dir(root, path);
        if (dirfd < 0)
                return dirfd;

        _cleanup_free_ char *driver = NULL;
        int r = readlink_basename_at(dirfd, "driver", &driver);
        if (r < 0 && r != -ENOENT)
                return r;
        snprintf(f->driver, sizeof(f->driver), "%s", driver ? driver : "");
        /* A function without the file has no override to read; an unreadable one is not "unset". */
        r = read_driver_override(NULL, &(struct function_dir){ .fd = dirfd }, f);
        return r == -ENOENT ? 0 : r;
}

static void read_config_header(struct pci_host *host, const struct function_dir *d, struct pci_function *f)
{
        char path[ATTR_PATH_MAX];
        /* The standard header and the capability area after it (256 bytes as root, 64 otherwise);
         * reading config of a runtime-suspended GPU wakes it, so this is never done on the boot path. */
        _cleanup_close_ int fd = openat(d->fd, attr_path(d, "config", path), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
                if (errno != ENOENT)
                        attr_problem(host, f->name, "config", "cannot read it: %s", strerror(errno));
                return;
        }
        uint8_t header[256];
        ssize_t n = pread(fd, header, sizeof(header), 0);
        if (n < 0x10) {
                if (n < 0)
                        attr_problem(host, f->name, "config", "cannot read it: %s", strerror(errno));
                else
                        attr_problem(host, f->name, "config", "%zd bytes long, expected at least 16 (a PCI header)", n);
                return;
        }
        f->revision = header[0x08];
        f->header = (enum pci_header_kind)(header[0x0e] & 0x7f);
        f->pcie_type = pci_config_pcie_type(header, (size_t) n);
}

static void read_iommu_group(struct pci_host *host, const struct function_dir *d, struct pci_function *f)
{
        _cleanup_free_ char *group = NULL;
        char path[ATTR_PATH_MAX];
        int r = readlink_basename_at(d->fd, attr_path(d, "iommu_group", path), &group);
        if (r == -ENOENT)
                return; /* no IOMMU, or a device it does not translate */
        if (r < 0) {
                attr_problem(host, f->name, "iommu_group", "cannot read the link: %s; taken as no group",
                             read_error(r));
                return;
        }
        char *end, shown[SHOWN_TEXT_SIZE];
        errno = 0;
        long number = strtol(group, &end, 10);
        if (errno == 0 && *end == '\0' && end != group && number >= 0 && number <= INT32_MAX)
                f->iommu_group = (int) number;
        else
                attr_problem(host, f->name, "iommu_group",
                             "the link ends in %s, not in a group number; taken as no group",
                             shown_text(shown, group, strlen(group)));
}

static void read_details(struct pci_host *host, const struct function_dir *d, struct pci_function *f)
{
        long value;
        read_config_header(host, d, f);
        /* NUMA_NO_NODE is -1; a node is below MAX_NUMNODES (1024 on x86-64). */
        if (read_number_attr(host, d, f->name, "numa_node", -1, 1023, &value) > 0 && value >= 0)
                f->numa_node = (int) value;
}

static void read_sriov(struct pci_host *host, const struct function_dir *d, struct pci_function *f)
{
        long value;
        /* Counts the kernel prints as unsigned: a value that does not fit an int is malformed. */
        if (read_number_attr(host, d, f->name, "sriov_totalvfs", 0, INT32_MAX, &value) > 0 && value > 0) {
                f->sriov_totalvfs = (int) value;
                if (read_number_attr(host, d, f->name, "sriov_numvfs", 0, INT32_MAX, &value) > 0)
                        f->sriov_numvfs = (int) value;
        }
        f->sriov_unread = false;
}

/* The function's own directory under a --root; on the host, DEVICES_FD with "NAME/" in front. */
static int function_dir_open(const struct rootdir *root, int devices_fd, const char *name, struct function_dir *ret)
{
        if (rootdir_is_host(root) && devices_fd >= 0) {
                *ret = (struct function_dir){ .fd = devices_fd };
                snprintf(ret->prefix, sizeof(ret->prefix), "%s/", name);
                return 0;
        }
        char path[sizeof(SYSFS_PCI_DEVICES) + PCI_ADDRESS_STRING_MAX + 1];
        snprintf(path, sizeof(path), SYSFS_PCI_DEVICES "/%s", name);
        int fd = rootdir_open_dir(root, path);
        if (fd < 0)
                return fd;
        *ret = (struct function_dir){ .fd = fd, .owned = true };
        return 1;
}

static int read_uevent(struct pci_host *host, const struct function_dir *d, struct pci_function *f)
{
        /* One read into a page: sysfs serves an attribute of at most a page in one go. */
        char text[SYSFS_ATTR_MAX + 1], path[ATTR_PATH_MAX];
        int r = read_attr_bytes_at(d->fd, attr_path(d, "uevent", path), text, sizeof(text));
        if (r < 0) {
                attr_problem(host, f->name, "uevent", "cannot read it: %s; left alone", read_error(r));
                return r;
        }
        return parse_uevent(host, text, (size_t) r, f);
}

/*
 * The boot path reads, per function, uevent and the iommu_group link (on the host without a
 * directory descriptor of its own); everything else is read only for the callers that ask for it
 * (bench/run.sh counts the system calls, bench/scan-floor.c compares them with the least a scan
 * can do).
 */
int pci_function_read(const struct rootdir *root, struct pci_host *host, int devices_fd, const char *name,
                      unsigned flags, struct pci_function *f)
{
        _cleanup_(function_dir_done) struct function_dir d = { .fd = -EBADF };
        int r = function_dir_open(root, devices_fd, name, &d);
        if (r < 0) {
                pci_host_add_problem(
                        host, SYSFS_PCI_DEVICES "/%s: cannot open it: %s (removed while it was read?); left alone",
                        name, strerror(-r));
                return r;
        }

        r = read_uevent(host, &d, f);
        if (r < 0)
                return r;

        read_iommu_group(host, &d, f);
        if (flags & PCI_SCAN_OVERRIDES)
                (void) read_driver_override(host, &d, f);

        long value;
        if (pci_class_is_vga(f->ids.class_code)) {
                r = read_number_attr(host, &d, name, "boot_vga", 0, 1, &value);
                if (r > 0)
                        f->boot_vga = value ? TRISTATE_YES : TRISTATE_NO;
                f->boot_vga_unreadable = r < 0;
        }
        if (flags & PCI_SCAN_SRIOV_ON_DEMAND)
                f->sriov_unread = true;
        else
                read_sriov(host, &d, f);

        if ((flags & PCI_SCAN_DETAILS) == PCI_SCAN_DETAILS)
                read_details(host, &d, f);
        return 0;
}

/* The scan's problems were logged when it ended: one found after it is logged at once. */
static void log_problems_since(const struct pci_host *host, size_t known)
{
        for (size_t i = known; i < host->n_problems && i < PCI_HOST_PROBLEMS_MAX && host->problems; i++)
                log_warning("%s", host->problems[i]);
}

int pci_function_read_sriov(const struct rootdir *root, struct pci_host *host, struct pci_function *f)
{
        _cleanup_(function_dir_done) struct function_dir d = { .fd = -EBADF };
        int r = function_dir_open(root, -EBADF, f->name, &d);
        if (r < 0)
                return r;
        size_t known = host->n_problems;
        read_sriov(host, &d, f);
        log_problems_since(host, known);
        return 0;
}

int pci_function_read_details(const struct rootdir *root, struct pci_host *host, struct pci_function *f)
{
        char path[sizeof(SYSFS_PCI_DEVICES) + PCI_ADDRESS_STRING_MAX + 1];
        snprintf(path, sizeof(path), SYSFS_PCI_DEVICES "/%s", f->name);
        _cleanup_close_ int dirfd = rootdir_open_dir(root, path);
        if (dirfd < 0)
                return dirfd;
        size_t known = host->n_problems;
        read_details(host, &(struct function_dir){ .fd = dirfd }, f);
        log_problems_since(host, known);
        return 0;
}
