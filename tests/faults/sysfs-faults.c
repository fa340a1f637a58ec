/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A test-only LD_PRELOAD shim that makes a fixture machine's sysfs fail the way a real one can,
 * deterministically, without any test hook in initbind itself. Root ignores file modes, so chmod
 * cannot make an attribute unreadable or driver_override read-only in a test run as root; and a
 * device that disappears while it is read needs the removal at one exact moment. This shim does
 * both by intercepting open and write at the C library boundary of the real binary.
 *
 * INITBIND_FAULTS holds rules separated by ';', each "KIND SUFFIX ARG...". SUFFIX is matched
 * against the end of the path the program opens (as written, and as the kernel resolved it for a
 * directory fd), at a '/' boundary:
 *
 *   open-read SUFFIX ERRNO          opening SUFFIX for reading fails with ERRNO (EACCES, EIO...)
 *   open-write SUFFIX ERRNO         opening SUFFIX for writing fails with ERRNO (EROFS...)
 *   write SUFFIX ERRNO              write() to SUFFIX fails with ERRNO, nothing written (EPERM...)
 *   vanish-read SUFFIX PATH...      just before SUFFIX is opened for reading, PATHs (absolute)
 *   vanish-write SUFFIX PATH...     or for writing, are removed with everything below them
 *
 * Every fault it injects is reported on standard error as "faults: ...", so a test's expected
 * output shows where the fault hit.
 *
 * Linked into a unit test instead (tests/CMakeLists.txt, UNIT_TESTS_WITH_SYSFS_FAULTS), it
 * interposes the same calls of the test program, and sysfs_faults_set() replaces the rules
 * (sysfs-faults.h). It is one of the two ways the tests inject faults; the other counts the
 * system calls of atomic file replacement (tests/unit/test-syscalls.h).
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sysfs-faults.h"

#define RULES_MAX 16
#define ARGS_MAX 4

enum kind { OPEN_READ, OPEN_WRITE, WRITE, VANISH_READ, VANISH_WRITE };

struct rule {
        enum kind kind;
        char suffix[PATH_MAX];
        int error;
        char args[ARGS_MAX][PATH_MAX];
        int n_args;
        bool done; /* vanish rules fire once */
};

static struct rule rules[RULES_MAX];
static int n_rules = -1;

static int errno_by_name(const char *name)
{
        static const struct {
                const char *name;
                int value;
        } names[] = {
                { "EACCES", EACCES }, { "EPERM", EPERM },   { "EROFS", EROFS }, { "EIO", EIO },
                { "ENODEV", ENODEV }, { "ENOENT", ENOENT }, { "EBUSY", EBUSY }, { "EINVAL", EINVAL },
        };
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
                if (strcmp(names[i].name, name) == 0)
                        return names[i].value;
        fprintf(stderr, "faults: unknown errno name '%s'\n", name);
        abort();
}

static void parse_rules(const char *text)
{
        n_rules = 0;
        memset(rules, 0, sizeof(rules));
        if (!text)
                return;
        char *copy = strdup(text), *save = NULL;
        for (char *r = strtok_r(copy, ";", &save); r && n_rules < RULES_MAX; r = strtok_r(NULL, ";", &save)) {
                char *words[2 + ARGS_MAX] = {}, *wsave = NULL;
                int n = 0;
                for (char *w = strtok_r(r, " \t\n", &wsave); w && n < 2 + ARGS_MAX; w = strtok_r(NULL, " \t\n", &wsave))
                        words[n++] = w;
                if (n == 0)
                        continue;
                struct rule *rule = &rules[n_rules];
                static const char *const kinds[] = { "open-read", "open-write", "write", "vanish-read",
                                                     "vanish-write" };
                int k;
                for (k = 0; k < 5 && strcmp(kinds[k], words[0]) != 0; k++)
                        ;
                if (k == 5 || n < 3) {
                        fprintf(stderr, "faults: bad rule '%s'\n", words[0]);
                        abort();
                }
                rule->kind = (enum kind) k;
                snprintf(rule->suffix, sizeof(rule->suffix), "%s", words[1]);
                if (rule->kind == VANISH_READ || rule->kind == VANISH_WRITE)
                        for (int i = 2; i < n; i++)
                                snprintf(rule->args[rule->n_args++], PATH_MAX, "%s", words[i]);
                else
                        rule->error = errno_by_name(words[2]);
                n_rules++;
        }
        free(copy);
}

static void load_rules(void)
{
        if (n_rules < 0)
                parse_rules(getenv("INITBIND_FAULTS"));
}

void sysfs_faults_set(const char *text) { parse_rules(text); }

static bool ends_with(const char *path, const char *suffix)
{
        size_t p = strlen(path), s = strlen(suffix);
        return p >= s && strcmp(path + p - s, suffix) == 0 && (p == s || path[p - s - 1] == '/');
}

/* The path as written (below DIRFD's path when relative) and, if it exists, as resolved. */
static void paths_of(int dirfd, const char *name, char written[PATH_MAX])
{
        char dir[PATH_MAX] = "";
        if (name[0] != '/') {
                char link[64];
                snprintf(link, sizeof(link), "/proc/self/fd/%d", dirfd);
                if (dirfd == AT_FDCWD)
                        snprintf(link, sizeof(link), "/proc/self/cwd");
                ssize_t n = readlink(link, dir, sizeof(dir) - 1);
                dir[n > 0 ? n : 0] = '\0';
        }
        snprintf(written, PATH_MAX, "%s%s%s", dir, dir[0] ? "/" : "", name);
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
        return type == FTW_DP ? rmdir(path) : unlink(path);
}

/*
 * Apply the open rules: 0 to go on, -1 with errno set to fail the open. A file with a write
 * rule is opened without O_TRUNC, as sysfs ignores it: the failed write must leave the fixture's
 * file as the kernel would leave the attribute, unchanged.
 */
static int before_open(int dirfd, const char *name, int *flags)
{
        load_rules();
        if (n_rules == 0)
                return 0;
        char path[PATH_MAX];
        paths_of(dirfd, name, path);
        bool writing = (*flags & O_ACCMODE) != O_RDONLY;
        for (int i = 0; i < n_rules; i++) {
                struct rule *r = &rules[i];
                if (!ends_with(path, r->suffix))
                        continue;
                if ((r->kind == VANISH_READ && !writing) || (r->kind == VANISH_WRITE && writing)) {
                        if (r->done)
                                continue;
                        r->done = true;
                        for (int a = 0; a < r->n_args; a++) {
                                fprintf(stderr, "faults: %s removed as %s is opened\n", r->args[a], r->suffix);
                                (void) nftw(r->args[a], remove_one, 16, FTW_DEPTH | FTW_PHYS);
                        }
                } else if (r->kind == WRITE && writing) {
                        *flags &= ~O_TRUNC;
                } else if ((r->kind == OPEN_READ && !writing) || (r->kind == OPEN_WRITE && writing)) {
                        fprintf(stderr, "faults: open of %s fails: %s\n", r->suffix, strerror(r->error));
                        errno = r->error;
                        return -1;
                }
        }
        return 0;
}

int openat(int dirfd, const char *name, int flags, ...)
{
        static int (*real)(int, const char *, int, ...);
        if (!real)
                real = (int (*)(int, const char *, int, ...)) dlsym(RTLD_NEXT, "openat");
        va_list ap;
        va_start(ap, flags);
        mode_t mode = (flags & (O_CREAT | O_TMPFILE)) ? va_arg(ap, mode_t) : 0;
        va_end(ap);
        if (before_open(dirfd, name, &flags) < 0)
                return -1;
        return real(dirfd, name, flags, mode);
}

/* initbind opens below --root with openat2(), which glibc 2.36 reaches only through syscall(). */
long syscall(long number, ...)
{
        static long (*real)(long, ...);
        if (!real)
                real = (long (*)(long, ...)) dlsym(RTLD_NEXT, "syscall");
        va_list ap;
        va_start(ap, number);
        long a[6];
        for (int i = 0; i < 6; i++)
                a[i] = va_arg(ap, long);
        va_end(ap);
        struct open_how how;
        if (number == SYS_openat2) {
                how = *(const struct open_how *) a[2];
                int flags = (int) how.flags;
                if (before_open((int) a[0], (const char *) a[1], &flags) < 0)
                        return -1;
                how.flags = (unsigned) flags;
                a[2] = (long) &how;
        }
        return real(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}

ssize_t write(int fd, const void *buf, size_t count)
{
        static ssize_t (*real)(int, const void *, size_t);
        if (!real)
                real = (ssize_t(*)(int, const void *, size_t)) dlsym(RTLD_NEXT, "write");
        load_rules();
        if (fd > 2 && n_rules > 0) {
                char link[64], path[PATH_MAX];
                snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
                ssize_t n = readlink(link, path, sizeof(path) - 1);
                path[n > 0 ? n : 0] = '\0';
                for (int i = 0; i < n_rules; i++)
                        if (rules[i].kind == WRITE && ends_with(path, rules[i].suffix)) {
                                fprintf(stderr, "faults: write to %s fails: %s\n", rules[i].suffix,
                                        strerror(rules[i].error));
                                errno = rules[i].error;
                                return -1;
                        }
        }
        return real(fd, buf, count);
}
