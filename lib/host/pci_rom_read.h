/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reading a function's expansion ROM through its sysfs "rom" attribute. The kernel serves the
 * attribute only after "1" is written to it (it then maps the ROM BAR on each read) and stops on
 * "0\n"; the ROM is switched off again after every read, a failed one too. Whether it is safe to
 * read at all (no host driver bound, no guest holding the group) is the caller's decision
 * (lib/policy/preflight_rom.c).
 *
 * Below a --root that is not sysfs (a fixture machine), "rom" is a regular file holding the
 * image: writing "1" into it would overwrite the image, so there the switch writes are left out,
 * and said so at debug level. The sequence itself is pci_rom_read_switched(), which the unit test
 * drives with a switch that records what it was asked.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rootdir;
struct pci_function;

/* A ROM larger than this is refused (the largest GPU ROM BARs are 2 MB; the PCI limit is 16 MB). */
#define PCI_ROM_READ_MAX (16u * 1024u * 1024u)

/* Turns the ROM attribute of the function directory DIRFD on or off: 0 or -errno. */
struct pci_rom_switch {
        int (*set)(int dirfd, bool on, void *userdata);
        void *userdata;
};

struct pci_rom_bytes {
        uint8_t *data; /* malloc'd; NULL when nothing was read */
        size_t size;
        bool present;  /* the "rom" attribute exists */
        bool switched; /* enabled and disabled through sysfs (false: not sysfs, read as it is) */
};

/*
 * Read "rom" of the function directory DIRFD: SW->set(on), read it all, SW->set(off), the last
 * also when the read failed (not after a failed enable, which left the ROM as it was). SW NULL:
 * read without switching. 0 or -errno (of the enable write or of the read; a failed disable is
 * logged and reported as -EIO, the ROM then stays enabled).
 */
int pci_rom_read_switched(int dirfd, const struct pci_rom_switch *sw, uint8_t **ret, size_t *ret_size);

/* The same for F below ROOT, with the real switch where "rom" is on sysfs. 0 with RET->present
 * false when F has no "rom" attribute, or -errno. RET->data is the caller's to free. */
int pci_rom_read(const struct rootdir *root, const struct pci_function *f, struct pci_rom_bytes *ret);
