/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The subcommands of initbind; main.c parses the command line and calls one of these. */
#pragma once

#include <stdbool.h>

struct rootdir;

struct initbind_options {
        const struct rootdir *root;
        bool json;
};

int command_list(const struct initbind_options *opts);
