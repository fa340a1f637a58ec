/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The one way an array grows here. An array that only ever grows through array_grow() has room
 * for the next power of two of its element count, so no capacity needs keeping beside the count:
 * growing to one more element reallocates only when the count is 0 or a power of two, and
 * appending N elements costs O(N) in all.
 */
#pragma once

#include <stddef.h>

/*
 * Make room in *ARRAY (N elements of SIZE bytes, grown by this function only) for element N, and
 * zero it. *ARRAY is left as it was on failure. Returns 0, or -ENOMEM (also on overflow).
 */
int array_grow(void **array, size_t n, size_t size);

/* ARRAY_GROW(items, n): array_grow() for a typed pointer. */
#define ARRAY_GROW(array, n) array_grow((void **) &(array), (n), sizeof(*(array)))
