/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GRUB's tools: where distributions install each one, and the grub.cfg it writes. One table. */
#pragma once

#include "rootdir.h"

enum grub_tool {
        GRUB_TOOL_UPDATE_GRUB,    /* Debian, Ubuntu: grub-mkconfig -o /boot/grub/grub.cfg */
        GRUB_TOOL_GRUB2_MKCONFIG, /* Fedora, RHEL, openSUSE */
        GRUB_TOOL_GRUB_MKCONFIG,  /* Arch and most others */
        GRUB_TOOL_GRUBBY,         /* older Fedora/RHEL with BLS entries */
};

/* The name it runs under from $PATH. */
const char *grub_tool_name(enum grub_tool t);
/* The grub.cfg below the root it writes; NULL for grubby, which edits the BLS entries. */
const char *grub_tool_cfg(enum grub_tool t);
/* Where it is below the root (the first place that holds an executable), or NULL. */
const char *grub_tool_find(const struct rootdir *root, enum grub_tool t);
