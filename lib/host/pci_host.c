/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "pci_host.h"

#include <dirent.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>

#include "fileio.h"
#include "hexdigit.h"
#include "iomem.h"
#include "log.h"
#include "macro.h"
#include "pci_class.h"
#include "rootdir.h"
#include "shown_text.h"

#define SYSFS_PCI_DEVICES "/sys/bus/pci/devices"

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

static void add_problem(struct pci_host *host, const char *format, ...) _printf_(2, 3);
static void add_problem(struct pci_host *host, const char *format, ...)
{
        if (host->n_problems++ >= PCI_HOST_PROBLEMS_MAX)
                return;
        if (!host->problems && !(host->problems = calloc(PCI_HOST_PROBLEMS_MAX, sizeof(*host->problems))))
                return; /* out of memory: the count still says how many there were */
        va_list ap;
        va_start(ap, format);
        vsnprintf(host->problems[host->n_problems - 1], PCI_HOST_PROBLEM_SIZE, format, ap);
        va_end(ap);
}

#define attr_problem(host, name, attr, format, ...)                                                                    \
        add_problem(host, SYSFS_PCI_DEVICES "/%s/%s: " format, name, attr, __VA_ARGS__)

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
static int read_driver_override(struct pci_host *host, int dirfd, struct pci_function *f)
{
        char buf[PCI_DRIVER_NAME_MAX];
        int r = read_attr_at(dirfd, "driver_override", buf, sizeof(buf));
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
static int read_number_attr(struct pci_host *host, int dirfd, const char *name, const char *attr, long min, long max,
                            long *ret)
{
        char buf[32], shown[SHOWN_TEXT_SIZE];
        int r = read_attr_at(dirfd, attr, buf, sizeof(buf));
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
        r = read_driver_override(NULL, dirfd, f);
        return r == -ENOENT ? 0 : r;
}

static void read_config_header(struct pci_host *host, int dirfd, struct pci_function *f)
{
        /* The standard header and the capability area after it (256 bytes as root, 64 otherwise);
         * reading config of a runtime-suspended GPU wakes it, so this is never done on the boot path. */
        _cleanup_close_ int fd = openat(dirfd, "config", O_RDONLY | O_CLOEXEC);
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

static void read_iommu_group(struct pci_host *host, int dirfd, struct pci_function *f)
{
        _cleanup_free_ char *group = NULL;
        int r = readlink_basename_at(dirfd, "iommu_group", &group);
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

static void read_details(struct pci_host *host, int dirfd, struct pci_function *f)
{
        long value;
        read_config_header(host, dirfd, f);
        /* NUMA_NO_NODE is -1; a node is below MAX_NUMNODES (1024 on x86-64). */
        if (read_number_attr(host, dirfd, f->name, "numa_node", -1, 1023, &value) > 0 && value >= 0)
                f->numa_node = (int) value;
}

/*
 * The boot path reads, per function, uevent and the iommu_group link, and tries sriov_totalvfs,
 * which only SR-IOV physical functions have; everything else is read only for the callers that
 * ask for it (bench/run.sh counts the system calls).
 */
static int read_function(const struct rootdir *root, struct pci_host *host, const char *name, unsigned flags,
                         struct pci_function *f)
{
        char path[sizeof(SYSFS_PCI_DEVICES) + 256];
        snprintf(path, sizeof(path), SYSFS_PCI_DEVICES "/%s", name);
        _cleanup_close_ int dirfd = rootdir_open_dir(root, path);
        if (dirfd < 0) {
                add_problem(host, "%s: cannot open it: %s (removed while it was read?); left alone", path,
                            strerror(-dirfd));
                return dirfd;
        }

        _cleanup_free_ char *uevent = NULL;
        size_t size = 0;
        int r = read_full_at(dirfd, "uevent", &uevent, &size);
        if (r < 0) {
                attr_problem(host, name, "uevent", "cannot read it: %s; left alone", read_error(r));
                return r;
        }
        r = parse_uevent(host, uevent, size, f);
        if (r < 0)
                return r;

        read_iommu_group(host, dirfd, f);
        if (flags & PCI_SCAN_OVERRIDES)
                (void) read_driver_override(host, dirfd, f);

        long value;
        if (pci_class_is_vga(f->ids.class_code)) {
                r = read_number_attr(host, dirfd, name, "boot_vga", 0, 1, &value);
                if (r > 0)
                        f->boot_vga = value ? TRISTATE_YES : TRISTATE_NO;
                f->boot_vga_unreadable = r < 0;
        }
        /* Counts the kernel prints as unsigned: a value that does not fit an int is malformed. */
        if (read_number_attr(host, dirfd, name, "sriov_totalvfs", 0, INT32_MAX, &value) > 0 && value > 0) {
                f->sriov_totalvfs = (int) value;
                if (read_number_attr(host, dirfd, name, "sriov_numvfs", 0, INT32_MAX, &value) > 0)
                        f->sriov_numvfs = (int) value;
        }

        if ((flags & PCI_SCAN_DETAILS) == PCI_SCAN_DETAILS)
                read_details(host, dirfd, f);
        return 0;
}

int pci_function_read_details(const struct rootdir *root, struct pci_host *host, struct pci_function *f)
{
        char path[sizeof(SYSFS_PCI_DEVICES) + PCI_ADDRESS_STRING_MAX + 1];
        snprintf(path, sizeof(path), SYSFS_PCI_DEVICES "/%s", f->name);
        _cleanup_close_ int dirfd = rootdir_open_dir(root, path);
        if (dirfd < 0)
                return dirfd;
        read_details(host, dirfd, f);
        return 0;
}

static int compare_functions(const void *a, const void *b)
{
        return pci_address_compare(&((const struct pci_function *) a)->address,
                                   &((const struct pci_function *) b)->address);
}

static int compare_function_pointers(const void *a, const void *b)
{
        return compare_functions(*(const struct pci_function *const *) a, *(const struct pci_function *const *) b);
}

/*
 * Put the functions in address order by sorting pointers, then copying each function once: the
 * structs are a few hundred bytes, and a qsort() that swaps elements in place (musl's) spent
 * more time in memcpy() than in the rest of the scan.
 */
static int sort_functions(struct pci_host *host)
{
        size_t n = host->n_functions;
        if (n < 2) /* qsort() takes no NULL array, and a machine may have no PCI functions */
                return 0;
        _cleanup_free_ struct pci_function **order = calloc(n, sizeof(*order));
        struct pci_function *sorted = calloc(n, sizeof(*sorted));
        if (!order || !sorted) {
                free(sorted);
                return -ENOMEM;
        }
        for (size_t i = 0; i < n; i++)
                order[i] = &host->functions[i];
        qsort(order, n, sizeof(*order), compare_function_pointers);
        for (size_t i = 0; i < n; i++)
                sorted[i] = *order[i];
        free(host->functions);
        host->functions = sorted;
        return 0;
}

/* The bus/pci/devices link target names every bridge above the function. */
static void link_parents(struct pci_host *host)
{
        for (size_t i = 0; i < host->n_functions; i++) {
                struct pci_function *f = &host->functions[i];
                const char *path = f->sysfs_path;
                if (!path)
                        continue;
                const char *last = strrchr(path, '/');
                if (!last)
                        continue;
                const char *prev = last;
                while (prev > path && prev[-1] != '/')
                        prev--;
                char component[PCI_ADDRESS_STRING_MAX + 8];
                size_t len = (size_t) (last - prev);
                if (len >= sizeof(component))
                        continue;
                memcpy(component, prev, len);
                component[len] = '\0';
                struct pci_address parent;
                if (pci_address_parse(component, &parent, NULL) < 0)
                        continue;
                struct pci_function *p = pci_host_find(host, &parent);
                if (p)
                        f->parent = (int) pci_host_index(host, p);
        }
}

static int compare_groups(const void *a, const void *b)
{
        int x = ((const struct iommu_group *) a)->number, y = ((const struct iommu_group *) b)->number;
        return (x > y) - (x < y);
}

struct group_member {
        int group;
        size_t index;
};

static int compare_group_members(const void *a, const void *b)
{
        const struct group_member *x = a, *y = b;
        if (x->group != y->group)
                return (x->group > y->group) - (x->group < y->group);
        return (x->index > y->index) - (x->index < y->index);
}

static int build_groups(struct pci_host *host)
{
        /* Sort (group, function) pairs once instead of searching the groups for each function:
         * a big machine has thousands of groups. Members stay in address order, as functions are. */
        size_t n = 0;
        for (size_t i = 0; i < host->n_functions; i++)
                n += host->functions[i].iommu_group >= 0;
        if (n == 0)
                return 0;
        _cleanup_free_ struct group_member *pairs = calloc(n, sizeof(*pairs));
        if (!pairs)
                return -ENOMEM;
        n = 0;
        for (size_t i = 0; i < host->n_functions; i++)
                if (host->functions[i].iommu_group >= 0)
                        pairs[n++] = (struct group_member){ .group = host->functions[i].iommu_group, .index = i };
        qsort(pairs, n, sizeof(*pairs), compare_group_members);

        size_t n_groups = 1;
        for (size_t i = 1; i < n; i++)
                n_groups += pairs[i].group != pairs[i - 1].group;
        host->groups = calloc(n_groups, sizeof(*host->groups));
        if (!host->groups)
                return -ENOMEM;
        for (size_t i = 0, end; i < n; i = end) {
                for (end = i + 1; end < n && pairs[end].group == pairs[i].group; end++)
                        ;
                struct iommu_group *g = &host->groups[host->n_groups++];
                *g = (struct iommu_group){ .number = pairs[i].group, .n_members = end - i };
                g->members = calloc(g->n_members, sizeof(*g->members));
                if (!g->members)
                        return -ENOMEM;
                for (size_t m = i; m < end; m++)
                        g->members[m - i] = pairs[m].index;
        }
        return 0;
}

/*
 * The kernel's own list of each group's members: a function in it that the scan could not read
 * (or read without its iommu_group link) would be left on its host driver by a claim of the rest,
 * and the group would not be usable; worse, it may be the one that matters. Mark the group.
 */
static void check_group_members(const struct rootdir *root, struct pci_host *host)
{
        for (size_t i = 0; i < host->n_groups; i++) {
                struct iommu_group *g = &host->groups[i];
                char path[64];
                snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%d/devices", g->number);
                _cleanup_close_ int fd = rootdir_open_dir(root, path);
                if (fd < 0)
                        continue; /* a tree without the kernel's list: the links are all there is */
                DIR *d = opendir_at(fd);
                if (!d)
                        continue;
                for (struct dirent *de; (de = readdir(d));) {
                        struct pci_address a;
                        if (pci_address_parse(de->d_name, &a, NULL) < 0)
                                continue;
                        const struct pci_function *f = pci_host_find(host, &a);
                        if (f && f->iommu_group == g->number)
                                continue;
                        if (!g->unread_member[0])
                                snprintf(g->unread_member, sizeof(g->unread_member), "%s", de->d_name);
                        char why[64];
                        if (!f)
                                snprintf(why, sizeof(why), "it could not be read");
                        else if (f->iommu_group < 0)
                                snprintf(why, sizeof(why), "its own iommu_group link is missing or unreadable");
                        else
                                snprintf(why, sizeof(why), "its own iommu_group link names group %d", f->iommu_group);
                        add_problem(host, "%s lists %s, but %s: nothing in IOMMU group %d is claimed", path, de->d_name,
                                    why, g->number);
                }
                closedir(d);
        }
}

static bool some_function_without_group(const struct pci_host *host)
{
        for (size_t i = 0; i < host->n_functions; i++)
                if (host->functions[i].iommu_group < 0)
                        return true;
        return false;
}

static void mark_framebuffer_owners(const struct rootdir *root, struct pci_host *host)
{
        _cleanup_free_ char *iomem = NULL;
        if (rootdir_read_file(root, "/proc/iomem", &iomem, NULL) < 0)
                return; /* unknown: boot_vga is all we have then */

        _cleanup_free_ struct framebuffer_range *fbs = NULL;
        size_t n = 0;
        if (iomem_find_framebuffers(iomem, &fbs, &n) < 0)
                return;
        for (size_t i = 0; i < n; i++) {
                if (!fbs[i].has_owner)
                        continue;
                struct pci_function *f = pci_host_find(host, &fbs[i].owner);
                if (f)
                        f->owns_framebuffer = true;
        }
}

static int detect_iommu(const struct rootdir *root, struct pci_host *host)
{
        host->has_dmar = rootdir_exists(root, "/sys/firmware/acpi/tables/DMAR") > 0;
        host->has_ivrs = rootdir_exists(root, "/sys/firmware/acpi/tables/IVRS") > 0;
        host->iommu_active = host->n_groups > 0;

        _cleanup_close_ int fd = rootdir_open_dir(root, "/sys/class/iommu");
        if (fd < 0)
                return 0;
        DIR *d = opendir_at(fd);
        if (!d)
                return -errno;
        for (struct dirent *de; (de = readdir(d));)
                if (de->d_name[0] != '.')
                        host->iommu_active = true;
        closedir(d);
        return 0;
}

int pci_host_scan(const struct rootdir *root, unsigned flags, struct pci_host **ret)
{
        _cleanup_pci_host_ struct pci_host *host = calloc(1, sizeof(*host));
        if (!host)
                return -ENOMEM;

        _cleanup_close_ int fd = rootdir_open_dir(root, SYSFS_PCI_DEVICES);
        if (fd < 0)
                return fd;
        DIR *d = opendir_at(fd);
        if (!d)
                return -errno;

        size_t allocated = 0;
        int r = 0;
        for (struct dirent *de; (de = readdir(d));) {
                struct pci_address address;
                if (pci_address_parse(de->d_name, &address, NULL) < 0)
                        continue;
                if (host->n_functions == allocated) {
                        allocated = allocated ? allocated * 2 : 64;
                        struct pci_function *grown = realloc(host->functions, allocated * sizeof(*grown));
                        if (!grown) {
                                r = -ENOMEM;
                                break;
                        }
                        host->functions = grown;
                }
                struct pci_function *f = &host->functions[host->n_functions];
                *f = (struct pci_function){
                        .address = address,
                        .revision = -1,
                        .header = PCI_HEADER_UNKNOWN,
                        .pcie_type = PCIE_TYPE_UNKNOWN,
                        .boot_vga = TRISTATE_UNKNOWN,
                        .iommu_group = -1,
                        .numa_node = -1,
                        .sriov_totalvfs = -1,
                        .sriov_numvfs = -1,
                        .parent = -1,
                };
                pci_address_format(&address, f->name);

                if (read_function(root, host, de->d_name, flags, f) < 0) {
                        /* Vanished mid-scan or unreadable: not a function we can act on; the
                         * problem it added says so, so that nothing is skipped silently. */
                        host->n_unreadable++;
                        continue;
                }

                _cleanup_free_ char *target = NULL;
                if ((flags & PCI_SCAN_PARENTS) && readlink_at(fd, de->d_name, &target) >= 0) {
                        const char *p = target;
                        while (startswith(p, "../"))
                                p += 3;
                        f->sysfs_path = strdup(p);
                }
                host->n_functions++;
        }
        closedir(d);
        if (r < 0)
                return r;

        r = sort_functions(host);
        if (r < 0)
                return r;
        if (flags & PCI_SCAN_PARENTS)
                link_parents(host);
        r = build_groups(host);
        if (r < 0)
                return r;
        /* A group can miss a member only when reading one failed (a problem), a function's
         * iommu_group link is missing while the IOMMU is on, or a device appeared in the middle of
         * the scan; otherwise the kernel's lists are not read again (4000 directories on a big
         * machine). */
        if (host->n_problems || host->n_unreadable || (host->n_groups && some_function_without_group(host)))
                check_group_members(root, host);
        mark_framebuffer_owners(root, host);
        r = detect_iommu(root, host);
        if (r < 0)
                return r;

        *ret = TAKE_PTR(host);
        return 0;
}

struct pci_host *pci_host_free(struct pci_host *host)
{
        if (!host)
                return NULL;
        for (size_t i = 0; i < host->n_functions; i++)
                free(host->functions[i].sysfs_path);
        for (size_t i = 0; i < host->n_groups; i++)
                free(host->groups[i].members);
        free(host->functions);
        free(host->groups);
        free(host->problems);
        free(host);
        return NULL;
}

struct pci_function *pci_host_find(const struct pci_host *host, const struct pci_address *address)
{
        if (host->n_functions == 0)
                return NULL;
        struct pci_function key = { .address = *address };
        return bsearch(&key, host->functions, host->n_functions, sizeof(key), compare_functions);
}

const struct iommu_group *pci_host_group(const struct pci_host *host, int number)
{
        if (host->n_groups == 0)
                return NULL;
        struct iommu_group key = { .number = number };
        return bsearch(&key, host->groups, host->n_groups, sizeof(key), compare_groups);
}

bool pci_function_is_bridge(const struct pci_function *f)
{
        /* Header type when it was read; otherwise the class, which agrees for every real bridge. */
        if (f->header == PCI_HEADER_BRIDGE || f->header == PCI_HEADER_CARDBUS)
                return true;
        return pci_class_is_bridge(f->ids.class_code);
}

bool pci_function_is_console_gpu(const struct pci_function *f)
{
        return f->boot_vga == TRISTATE_YES || f->owns_framebuffer || f->boot_vga_unreadable;
}

void pci_host_log_problems(const struct pci_host *host)
{
        size_t shown = !host->problems                            ? 0
                       : host->n_problems < PCI_HOST_PROBLEMS_MAX ? host->n_problems
                                                                  : PCI_HOST_PROBLEMS_MAX;
        for (size_t i = 0; i < shown; i++)
                log_warning("%s", host->problems[i]);
        if (host->n_problems > shown)
                log_warning("%zu more problems with PCI functions in sysfs not shown", host->n_problems - shown);
        if (host->n_unreadable)
                log_warning("%zu PCI function%s could not be read and %s left alone", host->n_unreadable,
                            host->n_unreadable == 1 ? "" : "s", host->n_unreadable == 1 ? "is" : "are");
}
