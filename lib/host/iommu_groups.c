/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The IOMMU groups of a scanned host: built from each function's iommu_group link, checked
 * against the kernel's own member lists when the scan had reason to doubt them.
 */
#include "pci_host.h"

#include <dirent.h>
#include <stdio.h>

#include "fileio.h"
#include "macro.h"
#include "pci_host_scan.h"
#include "rootdir.h"

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

int iommu_groups_build(struct pci_host *host)
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
void iommu_groups_check_members(const struct rootdir *root, struct pci_host *host)
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
                        pci_host_add_problem(host, "%s lists %s, but %s: nothing in IOMMU group %d is claimed", path,
                                             de->d_name, why, g->number);
                }
                closedir(d);
        }
}

const struct iommu_group *pci_host_group(const struct pci_host *host, int number)
{
        if (host->n_groups == 0)
                return NULL;
        struct iommu_group key = { .number = number };
        return bsearch(&key, host->groups, host->n_groups, sizeof(key), compare_groups);
}
