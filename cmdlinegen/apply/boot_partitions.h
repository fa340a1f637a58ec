/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Finding the EFI system partition and the XBOOTLDR partition as bootctl does: $SYSTEMD_ESP_PATH
 * or the first of /efi, /boot, /boot/efi that is a mount point of a vfat file system on a GPT
 * partition of type c12a7328-f81f-11d2-ba4b-00a0c93ec93b (an MBR partition of type 0xef is taken
 * too); XBOOTLDR: $SYSTEMD_XBOOTLDR_PATH or /boot with type bc13c2ff-59e6-4262-a352-b275fd6f7172.
 *
 * Under --root (a mounted system, an image folder) or with SYSTEMD_RELAX_ESP_CHECKS=1, as bootctl
 * relaxes them, a candidate only has to be a directory holding loader/ or EFI/: there is no mount
 * to ask about.
 */
#pragma once

#include "rootdir.h"

struct boot_partitions {
        char *esp;      /* path below the root, e.g. "/boot/efi" */
        char *xbootldr; /* NULL when there is none */
};

void boot_partitions_done(struct boot_partitions *b);

/* 0; -ENOENT with *ret_error when no candidate qualifies (each one's reason in the message). */
int boot_partitions_find(const struct rootdir *root, struct boot_partitions *ret, char **ret_error);
