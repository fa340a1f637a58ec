/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A kernel's build configuration: /boot/config-VER, or /proc/config.gz for the running kernel.
 * Kept apart from kernel_info.c because it needs zlib, which the static boot binary does not.
 */
#pragma once

#include <stdbool.h>

struct rootdir;

struct kernel_config;

/*
 * Load the config of RELEASE: /boot/config-RELEASE, or /proc/config.gz when RELEASE is the
 * running kernel. -ENOENT when neither exists.
 */
int kernel_config_load(const struct rootdir *root, const char *release, bool is_running, struct kernel_config **ret);
void kernel_config_free(struct kernel_config *config);
static inline void kernel_config_freep(struct kernel_config **c)
{
        if (*c)
                kernel_config_free(*c);
}
#define _cleanup_kernel_config_ __attribute__((cleanup(kernel_config_freep)))
/* The value of CONFIG_NAME ("y", "m", "\"string\"", "123"), or NULL when unset. NAME without CONFIG_. */
const char *kernel_config_get(const struct kernel_config *config, const char *name);
/* Where the config came from, for messages. */
const char *kernel_config_source(const struct kernel_config *config);
bool kernel_config_enabled(const struct kernel_config *config, const char *name); /* "y" */
