/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Which initramfs generator and boot loader a system uses, told by the files each installs,
 * and whether initbind's own hook for that generator is installed.
 */
#pragma once

#include <stdbool.h>

struct rootdir;

enum initramfs_generator {
        GENERATOR_UNKNOWN,
        GENERATOR_INITRAMFS_TOOLS,
        GENERATOR_DRACUT,
        GENERATOR_MKINITCPIO,
};

enum loader_kind {
        LOADER_UNKNOWN,
        LOADER_GRUB,
        LOADER_SYSTEMD_BOOT,
        LOADER_GRUBBY,     /* Fedora/RHEL: GRUB reading BLS entries that grubby edits */
        LOADER_RPM_OSTREE, /* an ostree/bootc system: kernel arguments belong to a deployment */
};

struct boot_chain {
        enum initramfs_generator generator;
        bool hook_installed;   /* initbind's hook for that generator is where it looks */
        const char *hook_path; /* where it was looked for */
        enum loader_kind bootloader;
        const char *bootloader_evidence; /* the file that told */
};

void boot_chain_detect(const struct rootdir *root, struct boot_chain *ret);
const char *initramfs_generator_to_string(enum initramfs_generator g);
const char *loader_kind_to_string(enum loader_kind b);
/*
 * The command that rebuilds the initramfs with the hook, NULL-terminated: a program and one
 * option ("update-initramfs", "-u"). NULL for GENERATOR_UNKNOWN.
 */
const char *const *initramfs_generator_rebuild_argv(enum initramfs_generator g);
