/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The files grub-mkconfig sources for the kernel command line (/etc/default/grub, then the *.cfg
 * of /etc/default/grub.d where its script reads them, ours among them) and reading them as sh.
 */
#pragma once

#include "rootdir.h"
#include "sh_vars.h"

#define VAR_DEFAULT "GRUB_CMDLINE_LINUX_DEFAULT"
#define VAR_LINUX "GRUB_CMDLINE_LINUX"

struct grub_file {
        char *path;
        char *old;  /* NULL: not there yet (our drop-in) */
        char *text; /* what the plan makes of it */
};

struct grub_files {
        struct grub_file *v;
        size_t n;
        size_t target; /* the file parameters are appended in */
        bool dropins;  /* grub-mkconfig reads /etc/default/grub.d */
};

void grub_files_done(struct grub_files *g);
/* /etc/default/grub and the drop-ins into G; *ret_error naming the file that cannot be read. */
int grub_files_load(const struct rootdir *root, struct grub_files *g, char **ret_error);
/* Source every file's text in order; -EINVAL with *ret_error for sh it cannot read past. */
int grub_files_run(const struct grub_files *g, struct sh_env **ret, char **ret_error);
/* NAME's value after the files; -EINVAL with *ret_error when it is not determinable. */
int grub_get_var(const struct sh_env *env, const char *name, const char **ret, const struct sh_origin **ret_o,
                 char **ret_error);
