/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Small machine trees for unit tests: a fresh temp directory that stands for "/", with files and
 * relative symlinks written into it as sysfs and procfs have them. Every helper fails the running
 * cmocka test when the filesystem refuses, so tests read as a list of facts about the machine.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "macro.h"

struct rootdir;

/* A new empty directory under $TMPDIR (or /tmp); malloc'd path. */
char *tree_new(void);
/* rm -rf the tree and free the path; NULL is fine. */
void tree_free(char *root);
static inline void tree_freep(char **root)
{
        tree_free(*root);
        *root = NULL;
}
#define _cleanup_tree_ _cleanup_(tree_freep)

/* cmocka setup/teardown pair: *state is the tree's path, removed even when the test fails. */
int tree_setup(void **state);
int tree_teardown(void **state);

/* ROOT/PATH as a malloc'd string (PATH may start with '/'). */
char *tree_path(const char *root, const char *path);

/* mkdir -p ROOT/PATH. */
void tree_mkdir(const char *root, const char *path);
/* Create or replace the regular file ROOT/PATH (parents created) with exactly these bytes. */
void tree_write_bytes(const char *root, const char *path, const void *data, size_t size);
void tree_write(const char *root, const char *path, const char *contents);
void tree_writef(const char *root, const char *path, const char *format, ...) _printf_(3, 4);
/* Create or replace the symlink ROOT/PATH -> TARGET (TARGET is stored as given). */
void tree_symlink(const char *root, const char *path, const char *target);
/* The whole file ROOT/PATH (malloc'd, NUL-terminated), or NULL when it does not exist. */
char *tree_read(const char *root, const char *path);
/* Remove one file or symlink; it must exist. */
void tree_unlink(const char *root, const char *path);

/* rootdir_new() of the tree, asserting success. */
struct rootdir *tree_rootdir(const char *root);

/*
 * One PCI function as sysfs shows it. Strings left NULL mean "no such file"; numbers left 0 are
 * written as 0. The device directory is sys/devices/<parents>/<address>.
 */
struct tree_pci_function {
        const char *address; /* "0000:00:01.0" */
        const char *parents; /* "pci0000:00" (the default) or "pci0000:00/0000:00:1c.0" */
        uint16_t vendor, device, subvendor, subdevice;
        uint32_t class_code; /* 24 bits, 0x030000 */
        uint8_t header_type; /* config byte 0x0e: 0 endpoint, 1 bridge, 0x80 multi-function */
        uint8_t revision;
        const char *driver;                        /* NULL: unbound (no driver link, no DRIVER= in uevent) */
        const char *group;                         /* "1": iommu_group link and the group's devices/ link; NULL: none */
        const char *driver_override;               /* NULL: "(null)", as the kernel shows an unset override */
        const char *boot_vga;                      /* "1"/"0"; NULL: no file (non-VGA classes) */
        const char *numa_node;                     /* NULL: "-1" */
        const char *sriov_totalvfs, *sriov_numvfs; /* NULL: not an SR-IOV PF */
};

/* The uevent text the kernel generates (drivers/base/core.c dev_uevent + drivers/pci pci_uevent). */
void tree_pci_uevent(const struct tree_pci_function *f, char *buf, size_t size);
/* Write the function's directory, its bus/pci/devices link, driver and group links. */
void tree_add_pci_function(const char *root, const struct tree_pci_function *f);
/* The function's directory below the root: "sys/devices/pci0000:00/0000:00:01.0" (malloc'd). */
char *tree_pci_function_dir(const struct tree_pci_function *f);
