/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What every fuzz target shares: libFuzzer's entry points, the input as a C string, and CHECK(),
 * which stops the run when a property fails so that libFuzzer keeps the input as a crash.
 */
#pragma once

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* abort(), not assert(): the build may define NDEBUG, and a property must hold in every build. */
#define CHECK(cond, ...)                                                                                               \
        do {                                                                                                           \
                if (!(cond)) {                                                                                         \
                        fprintf(stderr, "%s:%d: property failed: %s\n  ", __FILE__, __LINE__, #cond);                  \
                        fprintf(stderr, __VA_ARGS__);                                                                  \
                        fputc('\n', stderr);                                                                           \
                        abort();                                                                                       \
                }                                                                                                      \
        } while (0)

/* The input up to its first NUL as a malloc'd string; *ret_rest (if non-NULL) is what follows the
 * NUL, or NULL when there is none. NULL when out of memory. */
static inline char *fuzz_string(const uint8_t *data, size_t size, const char **ret_rest, size_t *ret_rest_size)
{
        const uint8_t *nul = memchr(data, '\0', size);
        size_t len = nul ? (size_t) (nul - data) : size;
        char *s = malloc(len + 1);
        if (!s)
                return NULL;
        memcpy(s, data, len);
        s[len] = '\0';
        if (ret_rest) {
                *ret_rest = nul ? (const char *) nul + 1 : NULL;
                *ret_rest_size = nul ? size - len - 1 : 0;
        }
        return s;
}
