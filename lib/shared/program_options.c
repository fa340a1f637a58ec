/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "program_options.h"

#include <stdio.h>

enum program_option program_option(int c, const char *program, void (*help)(void), enum log_level *level)
{
        switch (c) {
        case 'v':
                *level = LOG_LEVEL_DEBUG;
                return PROGRAM_OPTION_TAKEN;
        case 'q':
                *level = LOG_LEVEL_ERR;
                return PROGRAM_OPTION_TAKEN;
        case 'h':
                help();
                return PROGRAM_OPTION_DONE;
        case PROGRAM_OPTION_VERSION:
                printf("%s %s\n", program, INITBIND_VERSION);
                return PROGRAM_OPTION_DONE;
        default:
                return PROGRAM_OPTION_OTHER;
        }
}
