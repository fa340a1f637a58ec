/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The kernels installed in a root, for when none runs there (a chroot, a mounted disk, a captured
 * machine without /proc): the newest is the one update-initramfs and kernel-install would build
 * an image for.
 */
#pragma once

struct rootdir;

/* Kernel releases in dpkg's (and, for release strings, rpm's) version order: negative, 0 or
 * positive as A sorts before, with or after B. "6.1.0-9" < "6.1.0-10", "6.1~rc1" < "6.1". */
int kernel_version_compare(const char *a, const char *b);

/* The newest installed kernel: a directory /lib/modules/RELEASE with the kernel image beside it
 * (/boot/vmlinuz-RELEASE, Debian's layout, or /lib/modules/RELEASE/vmlinuz, Fedora's and
 * Arch's). -ENOENT when there is none. */
int kernel_newest_installed(const struct rootdir *root, char **ret);
