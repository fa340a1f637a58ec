/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A main() for a fuzz target without libFuzzer: feeds it every file named on the command line
 * (directories: every file in them), once each. The test suite links each fuzz-NAME.c with this
 * and replays fuzz/corpus/NAME/ with gcc, in the normal and the sanitizer build, so the corpus,
 * every input that ever broke something included, is checked on every test run, clang or not.
 */
#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>

#include "fuzz.h"

/* libFuzzer calls this weak hook only if a target defines it; so do we. */
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

static int replay_file(const char *path, size_t *count)
{
        FILE *f = fopen(path, "rb");
        if (!f) {
                fprintf(stderr, "%s: %s\n", path, strerror(errno));
                return -1;
        }
        size_t allocated = 4096, size = 0;
        uint8_t *data = malloc(allocated);
        for (size_t n; data && (n = fread(data + size, 1, allocated - size, f)) > 0;) {
                size += n;
                if (size == allocated) {
                        uint8_t *grown = realloc(data, allocated *= 2);
                        if (!grown)
                                free(data);
                        data = grown;
                }
        }
        fclose(f);
        if (!data) {
                fprintf(stderr, "%s: out of memory\n", path);
                return -1;
        }
        /* libFuzzer hands over exactly size bytes: a copy that size lets ASan see overreads. */
        uint8_t *exact = malloc(size ? size : 1);
        if (!exact) {
                free(data);
                return -1;
        }
        memcpy(exact, data, size);
        free(data);
        LLVMFuzzerTestOneInput(exact, size);
        free(exact);
        (*count)++;
        return 0;
}

static int replay(const char *path, size_t *count)
{
        struct stat st;
        if (stat(path, &st) < 0) {
                fprintf(stderr, "%s: %s\n", path, strerror(errno));
                return -1;
        }
        if (!S_ISDIR(st.st_mode))
                return replay_file(path, count);

        struct dirent **entries = NULL;
        int n = scandir(path, &entries, NULL, alphasort); /* sorted: the same order on every run */
        if (n < 0) {
                fprintf(stderr, "%s: %s\n", path, strerror(errno));
                return -1;
        }
        int r = 0;
        for (int i = 0; i < n; i++) {
                if (entries[i]->d_name[0] != '.' && r == 0) {
                        char child[4096];
                        snprintf(child, sizeof(child), "%s/%s", path, entries[i]->d_name);
                        r = replay(child, count);
                }
                free(entries[i]);
        }
        free(entries);
        return r;
}

int main(int argc, char **argv)
{
        if (LLVMFuzzerInitialize)
                LLVMFuzzerInitialize(&argc, &argv);
        size_t count = 0;
        for (int i = 1; i < argc; i++)
                if (replay(argv[i], &count) < 0)
                        return 1;
        if (count == 0) {
                fprintf(stderr, "no inputs to replay\n");
                return 1;
        }
        printf("%zu inputs replayed, every property held\n", count);
        return 0;
}
