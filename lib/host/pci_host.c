/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "pci_host.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>

#include "array.h"
#include "fileio.h"
#include "iomem.h"
#include "log.h"
#include "macro.h"
#include "pci_class.h"
#include "pci_host_scan.h"
#include "rootdir.h"

void pci_host_add_problem(struct pci_host *host, const char *format, ...)
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

/* Read the function NAME of /sys/bus/pci/devices (open at DEVICES_FD) into the next free slot. */
static void add_function(const struct rootdir *root, struct pci_host *host, int devices_fd, const char *name,
                         const struct pci_address *address, unsigned flags)
{
        struct pci_function *f = &host->functions[host->n_functions];
        *f = (struct pci_function){
                .address = *address,
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
        pci_address_format(address, f->name);

        if (pci_function_read(root, host, devices_fd, name, flags, f) < 0) {
                /* Vanished mid-scan or unreadable: not a function we can act on; the problem it
                 * added says so, so that nothing is skipped silently. */
                host->n_unreadable++;
                return;
        }

        _cleanup_free_ char *target = NULL;
        if ((flags & PCI_SCAN_PARENTS) && readlink_at(devices_fd, name, &target) >= 0) {
                const char *p = target;
                while (startswith(p, "../"))
                        p += 3;
                f->sysfs_path = strdup(p);
        }
        host->n_functions++;
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

        int r = 0;
        for (struct dirent *de; (de = readdir(d));) {
                struct pci_address address;
                if (pci_address_parse(de->d_name, &address, NULL) < 0)
                        continue;
                r = ARRAY_GROW(host->functions, host->n_functions);
                if (r < 0)
                        break;
                add_function(root, host, fd, de->d_name, &address, flags);
        }
        closedir(d);
        if (r < 0)
                return r;

        r = sort_functions(host);
        if (r < 0)
                return r;
        if (flags & PCI_SCAN_PARENTS)
                link_parents(host);
        r = iommu_groups_build(host);
        if (r < 0)
                return r;
        /* A group can miss a member only when reading one failed (a problem), a function's
         * iommu_group link is missing while the IOMMU is on, or a device appeared in the middle of
         * the scan; otherwise the kernel's lists are not read again (4000 directories on a big
         * machine). */
        if (host->n_problems || host->n_unreadable || (host->n_groups && some_function_without_group(host)))
                iommu_groups_check_members(root, host);
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

static int dup_groups(const struct pci_host *host, struct pci_host *copy)
{
        if (host->n_groups == 0)
                return 0;
        copy->groups = calloc(host->n_groups, sizeof(*copy->groups));
        if (!copy->groups)
                return -ENOMEM;
        for (; copy->n_groups < host->n_groups; copy->n_groups++) {
                const struct iommu_group *g = &host->groups[copy->n_groups];
                struct iommu_group *c = &copy->groups[copy->n_groups];
                *c = *g;
                c->members = calloc(g->n_members ? g->n_members : 1, sizeof(*c->members));
                if (!c->members)
                        return -ENOMEM;
                memcpy(c->members, g->members, g->n_members * sizeof(*c->members));
        }
        return 0;
}

int pci_host_dup(const struct pci_host *host, struct pci_host **ret)
{
        _cleanup_pci_host_ struct pci_host *copy = calloc(1, sizeof(*copy));
        if (!copy)
                return -ENOMEM;
        *copy = *host;
        /* Nothing of HOST is owned until each piece is copied: pci_host_free() may run half-way. */
        copy->functions = NULL, copy->n_functions = 0;
        copy->groups = NULL, copy->n_groups = 0;
        copy->problems = NULL;

        if (host->n_functions) {
                copy->functions = calloc(host->n_functions, sizeof(*copy->functions));
                if (!copy->functions)
                        return -ENOMEM;
        }
        for (; copy->n_functions < host->n_functions; copy->n_functions++) {
                const struct pci_function *f = &host->functions[copy->n_functions];
                struct pci_function *c = &copy->functions[copy->n_functions];
                *c = *f;
                if (f->sysfs_path && !(c->sysfs_path = strdup(f->sysfs_path)))
                        return -ENOMEM;
        }
        int r = dup_groups(host, copy);
        if (r < 0)
                return r;
        if (host->problems) {
                copy->problems = calloc(PCI_HOST_PROBLEMS_MAX, sizeof(*copy->problems));
                if (!copy->problems)
                        return -ENOMEM;
                memcpy(copy->problems, host->problems, PCI_HOST_PROBLEMS_MAX * sizeof(*copy->problems));
        }
        *ret = TAKE_PTR(copy);
        return 0;
}

struct pci_function *pci_host_find(const struct pci_host *host, const struct pci_address *address)
{
        if (host->n_functions == 0)
                return NULL;
        struct pci_function key = { .address = *address };
        return bsearch(&key, host->functions, host->n_functions, sizeof(key), compare_functions);
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
