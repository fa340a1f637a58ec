/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "array.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static bool is_power_of_two(size_t n) { return (n & (n - 1)) == 0; }

int array_grow(void **array, size_t n, size_t size)
{
        /* Room for N already exists unless N is 0 or a power of two (see array.h). */
        if (n == 0 || is_power_of_two(n)) {
                size_t room = n == 0 ? 1 : n * 2;
                if (room < n || room > SIZE_MAX / size)
                        return -ENOMEM;
                void *p = realloc(*array, room * size);
                if (!p)
                        return -ENOMEM;
                *array = p;
        }
        memset((char *) *array + n * size, 0, size);
        return 0;
}
