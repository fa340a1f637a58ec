/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Counting and failing the system calls of lib/shared/atomic_file.h, for the unit tests of code
 * that replaces files (a boot loader's configuration): call number fail_at, counted from 1 over
 * openat, write, fsync and renameat together, fails with error, or ends the process as a crash
 * or a power cut would. A test first runs once with fail_at 0 to count the calls, then once per
 * call. (Faults bound to a path rather than to a count are tests/faults/sysfs-faults.c's.)
 */
#pragma once

#include <stdbool.h>

struct syscall_faults {
        int calls;         /* made so far */
        int fail_at;       /* the call that fails; 0: none */
        int error;         /* its errno; 0: EIO */
        bool kill;         /* _exit(42) at that call instead of failing */
        bool short_writes; /* each write() writes half (or the one byte): a partial file on a later fault */
};

/* What the table does now; tests read .calls after a run. */
extern struct syscall_faults syscall_faults;

/* Route atomic_file's system calls through the counting table with these settings (calls reset). */
void syscall_faults_start(struct syscall_faults settings);
/* Back to the real system calls. */
void syscall_faults_stop(void);
