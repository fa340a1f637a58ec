/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* See grub_tools.h. */
#include "grub_tools.h"

#include "apply_ctx.h"
#include "macro.h"

static const struct {
        const char *name;
        const char *paths[3];
        const char *cfg;
} tools[] = {
        [GRUB_TOOL_UPDATE_GRUB] = { "update-grub",
                                    { "/usr/sbin/update-grub", "/sbin/update-grub" },
                                    "/boot/grub/grub.cfg" },
        [GRUB_TOOL_GRUB2_MKCONFIG] = { "grub2-mkconfig",
                                       { "/usr/sbin/grub2-mkconfig", "/sbin/grub2-mkconfig" },
                                       "/boot/grub2/grub.cfg" },
        [GRUB_TOOL_GRUB_MKCONFIG] = { "grub-mkconfig",
                                      { "/usr/sbin/grub-mkconfig", "/sbin/grub-mkconfig", "/usr/bin/grub-mkconfig" },
                                      "/boot/grub/grub.cfg" },
        [GRUB_TOOL_GRUBBY] = { "grubby", { "/usr/sbin/grubby", "/sbin/grubby" }, NULL },
};

const char *grub_tool_name(enum grub_tool t) { return tools[t].name; }

const char *grub_tool_cfg(enum grub_tool t) { return tools[t].cfg; }

const char *grub_tool_find(const struct rootdir *root, enum grub_tool t)
{
        for (size_t i = 0; i < ELEMENTSOF(tools[t].paths) && tools[t].paths[i]; i++)
                if (apply_has_program(root, tools[t].paths[i]))
                        return tools[t].paths[i];
        return NULL;
}
