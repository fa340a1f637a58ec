/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * User and group names to ids from the root's /etc/passwd and /etc/group, read as files: the
 * static initramfs binary must not use NSS (no dlopen of nss modules), and under --root the
 * names are the root's, not the host's. Only these files: an account of LDAP or systemd-homed
 * is not found here (write its number).
 */
#pragma once

#include <sys/types.h>

struct rootdir;

/* NAME, or a decimal id as such, to a uid. -ENOENT when no line names it; -errno reading the file. */
int accounts_user_id(const struct rootdir *root, const char *name, uid_t *ret);
/* The same for a group, from /etc/group. */
int accounts_group_id(const struct rootdir *root, const char *name, gid_t *ret);
