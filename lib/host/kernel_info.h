/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Facts about a kernel: the running version and command line, and for a given version whether
 * it carries the out-of-tree ACS override patch (the pcie_acs_overrides symbol) and whether a
 * module is built in (modules.builtin). Its config is in kernel_config.h.
 */
#pragma once

#include <stdbool.h>
#include <string.h>

#include "pci_host.h" /* enum tristate */

struct rootdir;

/* The running kernel's release ("6.1.0-26-amd64"), from /proc/sys/kernel/osrelease. */
int kernel_release(const struct rootdir *root, char **ret);
/* The MAJOR.MINOR a release starts with ("6.1" of "6.1.0-26-amd64"): 0, or -EINVAL (both 0). */
int kernel_release_version(const char *release, unsigned *major, unsigned *minor);
#define KERNEL_CMDLINE_PATH "/proc/cmdline"

/* The running command line from /proc/cmdline, without its trailing newline. */
int kernel_cmdline(const struct rootdir *root, char **ret);

/* YES when System.map-RELEASE or (running) /proc/kallsyms names pcie_acs_overrides. */
enum tristate kernel_has_acs_override(const struct rootdir *root, const char *release, bool is_running);
/* Module names compare with '-' equal to '_', as kmod does. */
bool kernel_module_name_equal(const char *a, const char *b);

/* A name that can be a directory of /lib/modules: not empty, no '/', not "." or "..". */
static inline bool kernel_release_name_valid(const char *s)
{
        return s[0] && !strchr(s, '/') && strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
}
