/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The host's block devices in use: mounted filesystems, active swap and the root= device, and
 * which PCI function each hangs off, directly or under device-mapper/md stacking. Found through
 * sysfs (a block device's resolved path names every parent device) and, for
 * root=UUID=/LABEL=/PARTUUID= on the running system, libblkid. Both programs use it: cmdlinegen
 * refuses a proposal that claims such a function, initbind a claim of one even with
 * --allow storage.
 */
#pragma once

#include <stdbool.h>

#include "kcmdline.h"
#include "macro.h"
#include "rootdir.h"

struct block_uses;

/* The block devices in use below ROOT (CMDLINE gives root=), read once; -ENOMEM only. */
int block_uses_read(const struct rootdir *root, const struct kcmdline *cmdline, struct block_uses **ret);
struct block_uses *block_uses_free(struct block_uses *u);
static inline void block_uses_freep(struct block_uses **u) { block_uses_free(*u); }
#define _cleanup_block_uses_ _cleanup_(block_uses_freep)

/* Whether the PCI function named FUNCTION carries one of USES; when it does, *RET_DEVICE ("8:2",
 * "sda2") and *RET_WHAT ("/ is mounted from it") describe the first, owned by USES. */
bool block_uses_on_function(const struct block_uses *uses, const struct rootdir *root, const char *function,
                            const char **ret_device, const char **ret_what);
