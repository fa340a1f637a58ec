/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "access.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "accounts.h"
#include "fileio.h"
#include "group_viability.h"
#include "log.h"
#include "macro.h"
#include "rootdir.h"
#include "session.h"

struct owner {
        uid_t uid; /* (uid_t) -1: leave it */
        gid_t gid; /* (gid_t) -1: leave it */
        const char *user, *group;
};

/* "FILE:LINE:COLUMN" of an owner value; ORIGIN is "FILE:LINE" for config claims. */
static const char *where(const struct plan_entry *e, unsigned column, char *buf, size_t size)
{
        snprintf(buf, size, "%s:%u", e->origin, column);
        return buf;
}

/* One name of E to an id through LOOKUP; false (logged, with the value's line and column) if not. */
static bool resolve_one(const struct rootdir *root, const struct plan_entry *e, const char *kind, const char *file,
                        const char *name, unsigned column,
                        int (*lookup)(const struct rootdir *, const char *, uint32_t *), uint32_t *ret)
{
        char at[CLAIM_ORIGIN_MAX + 16];
        int r = lookup(root, name, ret);
        if (r == -ENOENT)
                log_warning("%s: no %s '%s' in %s: its IOMMU group's /dev/vfio node keeps its owner here (in the "
                            "initramfs, the udev rule sets it later from the root's files)",
                            where(e, column, at, sizeof(at)), kind, name, file);
        else if (r < 0)
                log_error_errno(r, "%s: cannot read %s for %s '%s': %m", where(e, column, at, sizeof(at)), file, kind,
                                name);
        return r >= 0;
}

static int user_id(const struct rootdir *root, const char *name, uint32_t *ret)
{
        uid_t id;
        int r = accounts_user_id(root, name, &id);
        if (r >= 0)
                *ret = (uint32_t) id;
        return r;
}

static int group_id(const struct rootdir *root, const char *name, uint32_t *ret)
{
        gid_t id;
        int r = accounts_group_id(root, name, &id);
        if (r >= 0)
                *ret = (uint32_t) id;
        return r;
}

/* The ids of E's user= and group=; false (logged) when a name is in neither file. */
static bool resolve(const struct rootdir *root, const struct plan_entry *e, struct owner *ret)
{
        struct owner o = { .uid = (uid_t) -1, .gid = (gid_t) -1, .user = e->owner.user, .group = e->owner.group };
        uint32_t id;

        if (o.user[0]) {
                if (!resolve_one(root, e, "user", "/etc/passwd", o.user, e->owner.user_column, user_id, &id))
                        return false;
                o.uid = (uid_t) id;
        }
        if (o.group[0]) {
                if (!resolve_one(root, e, "group", "/etc/group", o.group, e->owner.group_column, group_id, &id))
                        return false;
                o.gid = (gid_t) id;
        }
        *ret = o;
        return true;
}

/* DIR/NAME (below the root) gets O; with a group, the group may read and write it too. */
static int give(const struct rootdir *root, const char *dir, const char *name, const struct owner *o)
{
        _cleanup_close_ int fd = rootdir_open_dir(root, dir);
        if (fd < 0)
                return fd;
        if (fchownat(fd, name, o->uid, o->gid, AT_SYMLINK_NOFOLLOW) < 0)
                return -errno;
        if (o->group[0] && fchmodat(fd, name, 0660, 0) < 0)
                return -errno;
        log_notice("%s/%s owned by %s%s%s (%d:%d)", dir, name, o->user[0] ? o->user : "", o->group[0] ? ":" : "",
                   o->group, o->uid == (uid_t) -1 ? -1 : (int) o->uid, o->gid == (gid_t) -1 ? -1 : (int) o->gid);
        return 0;
}

/* F's device cdev, /dev/vfio/devices/vfioX, named by its sysfs vfio-dev directory. Since 6.1 that
 * directory exists without a cdev too; only one with a "dev" attribute (a device number) has a node. */
static int give_cdevs(const struct rootdir *root, const struct pci_function *f, const struct owner *o)
{
        char path[96];
        snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vfio-dev", f->name);
        _cleanup_close_ int fd = rootdir_open_dir(root, path);
        if (fd < 0)
                return 0; /* no cdev: a kernel before 6.6 or without CONFIG_VFIO_DEVICE_CDEV */
        DIR *d = opendir_at(fd);
        if (!d)
                return -ENOMEM;
        int r = 0;
        for (struct dirent *de; (de = readdir(d));) {
                char dev[300];
                snprintf(dev, sizeof(dev), "%s/dev", de->d_name);
                if (startswith(de->d_name, "vfio") && faccessat(fd, dev, F_OK, 0) == 0) {
                        int k = give(root, "/dev/vfio/devices", de->d_name, o);
                        if (k < 0 && r == 0)
                                r = log_error_errno(k, "%s: cannot give /dev/vfio/devices/%s its owner: %m", f->name,
                                                    de->d_name);
                }
        }
        closedir(d);
        return r;
}

/* The first claim of GROUP on a VFIO driver that names an owner, or NULL. */
static const struct plan_entry *owner_of_group(const struct pci_host *host, const struct claim_plan *plan, int group)
{
        for (size_t i = 0; i < plan->n_entries; i++) {
                const struct plan_entry *e = &plan->entries[i];
                const struct pci_function *f = &host->functions[e->function];
                if (f->iommu_group == group && config_owner_given(&e->owner) && driver_is_vfio_pci(f->driver))
                        return e;
        }
        return NULL;
}

static size_t apply_group(const struct rootdir *root, const struct pci_host *host, const struct claim_plan *plan,
                          int group)
{
        const struct plan_entry *e = owner_of_group(host, plan, group);
        struct owner o;
        if (!e)
                return 0;
        if (!resolve(root, e, &o))
                return 1;
        char name[16];
        snprintf(name, sizeof(name), "%d", group);
        size_t failed = 0;
        int r = give(root, "/dev/vfio", name, &o);
        if (r < 0) {
                log_error_errno(r, "IOMMU group %d: cannot give /dev/vfio/%s its owner (%s): %m", group, name,
                                e->origin);
                failed++;
        }
        for (size_t i = 0; i < plan->n_entries; i++) {
                const struct pci_function *f = &host->functions[plan->entries[i].function];
                if (f->iommu_group == group && driver_is_vfio_pci(f->driver))
                        failed += give_cdevs(root, f, &o) < 0;
        }
        return failed;
}

size_t access_apply(const struct rootdir *root, const struct pci_host *host, const struct claim_plan *plan, int group)
{
        if (group >= 0)
                return apply_group(root, host, plan, group);
        size_t failed = 0;
        for (size_t i = 0; i < plan->n_groups; i++)
                failed += apply_group(root, host, plan, plan->groups[i].number);
        return failed;
}

/* NAME as udev gives it: "N" for /dev/vfio/N, "vfioX" for a device cdev (its PCI device's group). */
static int group_of_node(const struct rootdir *root, const struct pci_host *host, const char *name, int *ret)
{
        char *end = NULL;
        if (startswith(name, "vfio") && name[4]) {
                char path[96];
                snprintf(path, sizeof(path), "/sys/class/vfio-dev/%s", name);
                _cleanup_close_ int fd = rootdir_open_dir(root, path);
                _cleanup_free_ char *device = NULL;
                if (fd < 0 || readlink_basename_at(fd, "device", &device) < 0)
                        return -ENOENT;
                struct pci_address a;
                const struct pci_function *f =
                        pci_address_parse_full(device, &a, NULL) >= 0 ? pci_host_find(host, &a) : NULL;
                if (!f)
                        return -ENOENT;
                *ret = f->iommu_group;
                return 0;
        }
        long n = strtol(name, &end, 10);
        if (!name[0] || *end || n < 0 || n > INT_MAX)
                return -EINVAL;
        *ret = (int) n;
        return 0;
}

int command_access(const struct initbind_options *opts, const char *node)
{
        int r = log_open_kmsg(opts->root);
        if (r < 0)
                log_warning_errno(r, "cannot open /dev/kmsg: %m");

        _cleanup_(session_close) struct session s = {};
        if (session_open(&s, opts) < 0 || s.sources.disabled || s.sources.n_requests == 0)
                return opts->strict ? 1 : 0;
        int group;
        r = group_of_node(opts->root, s.host, node, &group);
        if (r < 0) {
                log_error("access: '%s' is neither an IOMMU group number nor a vfio device cdev (vfioN) of a PCI "
                          "function",
                          node);
                return opts->strict ? 1 : 0;
        }
        if (session_plan(&s) < 0)
                return opts->strict ? 1 : 0;
        return access_apply(opts->root, s.host, s.plan, group) && opts->strict ? 1 : 0;
}
