/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The options every program of the project takes, handled in one place so that -v, -q, --help and
 * --version mean the same in initbind, initbind-libvirt-hook and cmdlinegen.
 */
#pragma once

#include <getopt.h>

#include "log.h"

/* getopt's value for --version: above any program's own ARG_* values (which start at 0x100). */
#define PROGRAM_OPTION_VERSION 0x7f00

/* The getopt_long entries of the common options, to end a program's option table with. */
/* clang-format off */
#define PROGRAM_COMMON_OPTIONS                                                                          \
        { "verbose", no_argument, NULL, 'v' },                                                          \
        { "quiet", no_argument, NULL, 'q' },                                                            \
        { "help", no_argument, NULL, 'h' },                                                             \
        { "version", no_argument, NULL, PROGRAM_OPTION_VERSION }
/* clang-format on */

/* getopt's short option string part of the common options. */
#define PROGRAM_COMMON_SHORT_OPTIONS "vqh"

enum program_option {
        PROGRAM_OPTION_OTHER, /* not a common option: the program's own */
        PROGRAM_OPTION_TAKEN, /* -v or -q: *LEVEL set */
        PROGRAM_OPTION_DONE,  /* --help or --version printed: the program exits successfully */
};

/*
 * Takes getopt_long's value C when it is a common option: -v raises *LEVEL to debug, -q lowers it
 * to errors only, -h calls HELP, --version prints "PROGRAM VERSION".
 */
enum program_option program_option(int c, const char *program, void (*help)(void), enum log_level *level);
