/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* How the apply layer hands a failure up: the message for the user as data, the code returned. */
#pragma once

#include "macro.h"

/*
 * Set *RET_ERROR (malloc'd) from FORMAT and return R, the failure the message explains; -ENOMEM
 * when there is no room for the message. The caller reports it, once.
 */
int apply_error(char **ret_error, int r, const char *format, ...) _printf_(3, 4);
