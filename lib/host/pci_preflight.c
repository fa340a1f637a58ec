/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "pci_preflight.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "kernel_info.h"
#include "log.h"
#include "macro.h"
#include "pci_host_scan.h"
#include "rootdir.h"

#define PCI_CONFIG_MAX 4096
#define IORESOURCE_IO 0x00000100ull
#define IORESOURCE_PREFETCH 0x00002000ull
#define IORESOURCE_MEM_64 0x00100000ull

void preflight_host_read(const struct rootdir *root, struct preflight_host *ret)
{
        struct preflight_host h = { .has_reset_method_abi = TRISTATE_UNKNOWN };
        _cleanup_free_ char *release = NULL;
        unsigned major, minor;
        if (kernel_release(root, &release) >= 0 && kernel_release_version(release, &major, &minor) >= 0)
                h.has_reset_method_abi = major > 5 || (major == 5 && minor >= 15) ? TRISTATE_YES : TRISTATE_NO;
        h.vendor_reset_loaded = rootdir_exists(root, "/sys/module/vendor_reset") > 0;
        *ret = h;
}

static void read_config(int dirfd, const char *name, struct pci_preflight *p)
{
        _cleanup_close_ int fd = openat(dirfd, "config", O_RDONLY | O_CLOEXEC);
        _cleanup_free_ uint8_t *config = malloc(PCI_CONFIG_MAX);
        ssize_t n = fd >= 0 && config ? pread(fd, config, PCI_CONFIG_MAX, 0) : -1;
        if (n < 0) {
                log_debug("%s: cannot read config: %m", name);
                return;
        }
        p->config_size = (size_t) n;
        pci_config_reset_caps(config, p->config_size, &p->reset_caps);
        p->n_rebar = pci_config_rebar(config, p->config_size, p->rebar);
}

/* "resource": one "0xSTART 0xEND 0xFLAGS" line per BAR, then the ROM, then bridge windows. */
static void read_resources(int dirfd, struct pci_preflight *p)
{
        _cleanup_free_ char *text = NULL;
        if (read_full_at(dirfd, "resource", &text, NULL) < 0)
                return;
        const char *line = text;
        for (size_t i = 0; i <= PCI_ROM_BAR && line && *line; i++) {
                uint64_t v[3] = { 0 };
                size_t n = 0;
                for (const char *at = line; n < ELEMENTSOF(v); n++) {
                        char *e;
                        v[n] = strtoull(at, &e, 16); /* takes the 0x as %x would */
                        if (e == at)
                                break;
                        at = e;
                }
                uint64_t start = v[0], end = v[1], flags = v[2];
                if (n == ELEMENTSOF(v) && end > start)
                        p->bars[i] = (struct pci_bar){
                                .start = start,
                                .size = end - start + 1,
                                .io = flags & IORESOURCE_IO,
                                .mem64 = flags & IORESOURCE_MEM_64,
                                .prefetch = flags & IORESOURCE_PREFETCH,
                        };
                line = strchr(line, '\n');
                line = line ? line + 1 : NULL;
        }
}

/* The bus a secondary bus reset would reset: every function with the same domain and bus. */
static void find_bus_neighbour(const struct pci_host *host, const struct pci_function *f, struct pci_preflight *p)
{
        for (size_t i = 0; i < host->n_functions; i++) {
                const struct pci_function *o = &host->functions[i];
                if (o == f || o->address.domain != f->address.domain || o->address.bus != f->address.bus)
                        continue;
                if (o->iommu_group < 0 || o->iommu_group != f->iommu_group) {
                        snprintf(p->bus_neighbour, sizeof(p->bus_neighbour), "%s", o->name);
                        return;
                }
        }
}

static bool link_is_on_root_bus(const struct rootdir *root, const char *name)
{
        _cleanup_close_ int dirfd = rootdir_open_dir(root, SYSFS_PCI_DEVICES);
        _cleanup_free_ char *target = NULL;
        if (dirfd < 0 || readlink_at(dirfd, name, &target) < 0)
                return false;
        /* ".../pci0000:00/0000:00:02.0": the directory above the function is the host bridge's. */
        char *slash = strrchr(target, '/');
        if (!slash)
                return false;
        *slash = '\0';
        const char *parent = strrchr(target, '/');
        parent = parent ? parent + 1 : target;
        return strncmp(parent, "pci", 3) == 0;
}

int pci_preflight_read(const struct rootdir *root, const struct pci_host *host, const struct pci_function *f,
                       struct pci_preflight *ret)
{
        char path[sizeof(SYSFS_PCI_DEVICES) + PCI_ADDRESS_STRING_MAX + 1];
        snprintf(path, sizeof(path), SYSFS_PCI_DEVICES "/%s", f->name);
        _cleanup_close_ int dirfd = rootdir_open_dir(root, path);
        if (dirfd < 0)
                return dirfd;

        struct pci_preflight p = {};
        int r = read_attr_at(dirfd, "reset_method", p.reset_method, sizeof(p.reset_method));
        p.reset_method_present = r >= 0;
        if (r < 0) {
                p.reset_method[0] = '\0';
                if (r != -ENOENT)
                        log_debug("%s: cannot read reset_method: %s", f->name, strerror(-r));
        }
        read_config(dirfd, f->name, &p);
        read_resources(dirfd, &p);
        for (unsigned i = 0; i < PCI_BARS; i++) {
                char attr[32];
                snprintf(attr, sizeof(attr), "resource%u_resize", i);
                p.resize_attr[i] = faccessat(dirfd, attr, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
        }
        p.has_rom_attr = faccessat(dirfd, "rom", F_OK, AT_SYMLINK_NOFOLLOW) == 0;
        p.on_root_bus = link_is_on_root_bus(root, f->name);
        find_bus_neighbour(host, f, &p);
        *ret = p;
        return 0;
}
