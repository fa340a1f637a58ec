/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Logging to stderr and, in boot mode, to the kernel log (/dev/kmsg under the root, with the
 * "initbind: " prefix and a syslog level), where it lands beside the driver messages it explains.
 * Library code returns errors; the caller that decides logs once, with context.
 */
#pragma once

#include "macro.h"

enum log_level {
        LOG_LEVEL_ERR = 3,
        LOG_LEVEL_WARNING = 4,
        LOG_LEVEL_NOTICE = 5,
        LOG_LEVEL_INFO = 6,
        LOG_LEVEL_DEBUG = 7,
};

struct rootdir;

/* Messages above MAX_LEVEL are dropped. stderr gets them with "PROGRAM: " in front. */
void log_setup(const char *program, enum log_level max_level);
/* Also send each message to ROOT/dev/kmsg. Missing /dev/kmsg is not an error: returns 0. */
int log_open_kmsg(const struct rootdir *root);
/* The same for a command run by a user: stderr still gets every message, the kernel log keeps a
 * record of what the command changed (who moved a device, and when). */
int log_copy_to_kmsg(const struct rootdir *root);
enum log_level log_get_max_level(void);

void log_full(enum log_level level, const char *format, ...) _printf_(2, 3);

#define log_error(...) log_full(LOG_LEVEL_ERR, __VA_ARGS__)
#define log_warning(...) log_full(LOG_LEVEL_WARNING, __VA_ARGS__)
#define log_notice(...) log_full(LOG_LEVEL_NOTICE, __VA_ARGS__)
#define log_info(...) log_full(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) log_full(LOG_LEVEL_DEBUG, __VA_ARGS__)

/*
 * Log where the error is decided and return it in one statement, as systemd does:
 * `return log_error_errno(r, "cannot read %s: %m", path);`. ERROR may be given as errno or as
 * -errno; %m in FORMAT reads it. Returns -abs(ERROR), so the caller passes it up unchanged.
 */
int log_full_errno(enum log_level level, int error, const char *format, ...) _printf_(3, 4);

#define log_error_errno(error, ...) log_full_errno(LOG_LEVEL_ERR, (error), __VA_ARGS__)
#define log_warning_errno(error, ...) log_full_errno(LOG_LEVEL_WARNING, (error), __VA_ARGS__)
#define log_notice_errno(error, ...) log_full_errno(LOG_LEVEL_NOTICE, (error), __VA_ARGS__)
#define log_debug_errno(error, ...) log_full_errno(LOG_LEVEL_DEBUG, (error), __VA_ARGS__)
