/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* array_grow(): power-of-two growth without a capacity, zeroed new elements, -ENOMEM untouched. */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "array.h"
#include "macro.h"

struct item {
        unsigned value;
        char tag[12];
};

static void test_grow_keeps_elements(void **state)
{
        (void) state;
        _cleanup_free_ struct item *items = NULL;
        size_t n = 0;

        /* Past several powers of two: every reallocation must carry the earlier elements. */
        for (unsigned i = 0; i < 1000; i++) {
                assert_int_equal(ARRAY_GROW(items, n), 0);
                assert_non_null(items);
                items[n++].value = i * 7;
        }
        for (unsigned i = 0; i < 1000; i++)
                assert_int_equal(items[i].value, i * 7);
}

static void test_grow_zeroes_new_element(void **state)
{
        (void) state;
        _cleanup_free_ struct item *items = NULL;
        size_t n = 0;

        for (; n < 3; n++)
                assert_int_equal(ARRAY_GROW(items, n), 0);
        /* 3 elements live in room for 4: dirty the spare slot, growing into it must clear it. */
        memset(&items[3], 0xa5, sizeof(items[3]));
        items[2].value = 42;
        assert_int_equal(ARRAY_GROW(items, n), 0);
        assert_int_equal(items[2].value, 42);
        assert_int_equal(items[3].value, 0);
        for (size_t i = 0; i < sizeof(items[3].tag); i++)
                assert_int_equal(items[3].tag[i], 0);
}

/* A failed grow returns -ENOMEM and leaves pointer and contents as they were. */
static void assert_grow_fails_untouched(size_t n, size_t size)
{
        _cleanup_free_ char *array = malloc(16);
        assert_non_null(array);
        memset(array, 'x', 16);
        void *before = array;

        assert_int_equal(array_grow((void **) &array, n, size), -ENOMEM);
        assert_ptr_equal(array, before);
        for (size_t i = 0; i < 16; i++)
                assert_int_equal(array[i], 'x');
}

static void test_overflow_of_count(void **state)
{
        (void) state;
        /* Doubling the highest power of two of size_t wraps to 0. */
        assert_grow_fails_untouched((SIZE_MAX >> 1) + 1, 1);
}

static void test_overflow_of_bytes(void **state)
{
        (void) state;
        /* Room for 2^21 elements of this size is more bytes than size_t holds. */
        assert_grow_fails_untouched((size_t) 1 << 20, SIZE_MAX / ((size_t) 1 << 20));
}

/*
 * Under AddressSanitizer an allocation that large aborts the program instead of returning NULL;
 * this makes it return NULL as libc's allocator does (the sanitizer reads it at start-up; an
 * ASAN_OPTIONS setting still wins). Unused without ASan.
 */
const char *__asan_default_options(void);
const char *__asan_default_options(void) { return "allocator_may_return_null=1"; }

static void test_allocation_failure(void **state)
{
        (void) state;
        /* 2^51 bytes: no overflow, but more than any address space grants. */
        assert_grow_fails_untouched((size_t) 1 << 40, (size_t) 1 << 10);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_grow_keeps_elements), cmocka_unit_test(test_grow_zeroes_new_element),
                cmocka_unit_test(test_overflow_of_count),   cmocka_unit_test(test_overflow_of_bytes),
                cmocka_unit_test(test_allocation_failure),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
