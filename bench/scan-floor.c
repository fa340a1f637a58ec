/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * scan-floor: initbind's boot scan against the least any scan of the same machine must do.
 *
 *   scan-floor [--runs N] [--only scan|floor] ROOT
 *
 * The floor is what a program needs to know, for every PCI function, the IDs, class, driver and
 * IOMMU group: list /sys/bus/pci/devices once, then per function open, read and close its
 * `uevent` and read its `iommu_group` link, with plain openat()/readlinkat() relative to ROOT and
 * no error handling worth the name. The scan is pci_host_scan() with the flags the boot uses,
 * the same code initbind runs in the initramfs, on the same tree, in the same process, so that
 * fork, exec and the page cache are out of the comparison. Runs alternate between the two.
 *
 * Prints per kind the median CPU time and wall time of one scan over N runs, and the ratio
 * scan / floor. With --only, does that one kind N times and prints nothing: for strace -c, to
 * count the system calls of each.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "macro.h"
#include "pci_host.h"
#include "rootdir.h"

#define DEVICES "sys/bus/pci/devices"

struct sample {
        double cpu_us, wall_us;
};

static double clock_us(clockid_t id)
{
        struct timespec ts;
        clock_gettime(id, &ts);
        return (double) ts.tv_sec * 1e6 + (double) ts.tv_nsec / 1e3;
}

/* The floor's reads; the function count, or -errno. */
static int floor_scan(int rootfd)
{
        int dirfd = openat(rootfd, DEVICES, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dirfd < 0)
                return -errno;
        DIR *dir = fdopendir(dirfd);
        if (!dir) {
                close(dirfd);
                return -errno;
        }
        int n = 0;
        char path[512], buf[4096];
        for (struct dirent *de; (de = readdir(dir));) {
                if (de->d_name[0] == '.')
                        continue;
                snprintf(path, sizeof(path), DEVICES "/%s/uevent", de->d_name);
                int fd = openat(rootfd, path, O_RDONLY | O_CLOEXEC);
                if (fd >= 0) {
                        (void) !read(fd, buf, sizeof(buf));
                        close(fd);
                }
                snprintf(path, sizeof(path), DEVICES "/%s/iommu_group", de->d_name);
                (void) !readlinkat(rootfd, path, buf, sizeof(buf));
                n++;
        }
        closedir(dir);
        return n;
}

static int initbind_scan(const struct rootdir *root)
{
        _cleanup_pci_host_ struct pci_host *host = NULL;
        int r = pci_host_scan(root, PCI_SCAN_SRIOV_ON_DEMAND, &host);
        return r < 0 ? r : (int) host->n_functions;
}

static int compare_doubles(const void *a, const void *b)
{
        double x = *(const double *) a, y = *(const double *) b;
        return (x > y) - (x < y);
}

static double median(double *values, int n)
{
        qsort(values, (size_t) n, sizeof(*values), compare_doubles);
        return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

/* One timed run of KIND ('s' scan, 'f' floor); the function count it saw, or -errno. */
static int timed_run(char kind, const struct rootdir *root, int rootfd, struct sample *ret)
{
        double cpu = clock_us(CLOCK_PROCESS_CPUTIME_ID), wall = clock_us(CLOCK_MONOTONIC);
        int n = kind == 's' ? initbind_scan(root) : floor_scan(rootfd);
        ret->cpu_us = clock_us(CLOCK_PROCESS_CPUTIME_ID) - cpu;
        ret->wall_us = clock_us(CLOCK_MONOTONIC) - wall;
        return n;
}

static int usage(void)
{
        fprintf(stderr, "usage: scan-floor [--runs N] [--only scan|floor] ROOT\n");
        return 2;
}

int main(int argc, char **argv)
{
        int runs = 51;
        char only = 0;
        const char *root_path = NULL;
        for (int i = 1; i < argc; i++) {
                if (streq(argv[i], "--runs") && i + 1 < argc)
                        runs = atoi(argv[++i]);
                else if (streq(argv[i], "--only") && i + 1 < argc &&
                         (streq(argv[i + 1], "scan") || streq(argv[i + 1], "floor")))
                        only = argv[++i][0];
                else if (argv[i][0] != '-' && !root_path)
                        root_path = argv[i];
                else
                        return usage();
        }
        if (!root_path || runs < 1 || runs > 100000)
                return usage();

        _cleanup_rootdir_ struct rootdir *root = NULL;
        int r = rootdir_new(root_path, &root);
        int rootfd = open(root_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (r < 0 || rootfd < 0) {
                fprintf(stderr, "scan-floor: cannot open %s: %s\n", root_path, strerror(r < 0 ? -r : errno));
                return 1;
        }

        double *cpu[2], *wall[2];
        for (int k = 0; k < 2; k++) {
                cpu[k] = calloc((size_t) runs, sizeof(double));
                wall[k] = calloc((size_t) runs, sizeof(double));
                if (!cpu[k] || !wall[k])
                        return 1;
        }
        int seen[2] = { 0, 0 };
        const char kinds[2] = { 's', 'f' };
        for (int i = 0; i < runs; i++)
                for (int k = 0; k < 2; k++) {
                        if (only && only != kinds[k])
                                continue;
                        struct sample s;
                        seen[k] = timed_run(kinds[k], root, rootfd, &s);
                        if (seen[k] < 0) {
                                fprintf(stderr, "scan-floor: the %s failed: %s\n", k ? "floor" : "scan",
                                        strerror(-seen[k]));
                                return 1;
                        }
                        cpu[k][i] = s.cpu_us;
                        wall[k][i] = s.wall_us;
                }
        if (only)
                return 0;
        if (seen[0] != seen[1]) {
                fprintf(stderr, "scan-floor: the scan saw %d functions, the floor %d\n", seen[0], seen[1]);
                return 1;
        }
        double scan_cpu = median(cpu[0], runs), floor_cpu = median(cpu[1], runs);
        printf("functions=%d runs=%d scan_cpu_us=%.0f scan_wall_us=%.0f floor_cpu_us=%.0f floor_wall_us=%.0f "
               "ratio_cpu=%.2f ratio_wall=%.2f\n",
               seen[0], runs, scan_cpu, median(wall[0], runs), floor_cpu, median(wall[1], runs), scan_cpu / floor_cpu,
               median(wall[0], runs) / median(wall[1], runs));
        for (int k = 0; k < 2; k++) {
                free(cpu[k]);
                free(wall[k]);
        }
        close(rootfd);
        return 0;
}
