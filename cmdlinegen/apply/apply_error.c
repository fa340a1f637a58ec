/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "apply_error.h"

#include <stdarg.h>
#include <stdio.h>

int apply_error(char **ret_error, int r, const char *format, ...)
{
        va_list ap;
        int n;

        va_start(ap, format);
        n = vasprintf(ret_error, format, ap);
        va_end(ap);
        if (n < 0) {
                *ret_error = NULL;
                return -ENOMEM;
        }
        return r;
}
