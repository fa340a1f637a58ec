/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Running a system tool (update-grub, grubby, update-initramfs, ...) and waiting for it: the one
 * place cmdlinegen starts a child process. No shell: ARGV is executed as it is.
 */
#pragma once

/*
 * Run ARGV (ARGV[0] looked up in $PATH) with its stdout on our stderr, so that a report on our
 * stdout stays clean, and wait for it. 0 with *ret_status its exit status (128 + the signal
 * that ended it); -errno when it could not be started (-ENOENT: no such program).
 */
int child_run(char *const *argv, int *ret_status);
