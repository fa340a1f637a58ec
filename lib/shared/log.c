/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "log.h"

#include <fcntl.h>
#include <stdarg.h>

#include "rootdir.h"

static const char *log_program = "initbind";
static enum log_level log_max_level = LOG_LEVEL_NOTICE;
static int log_kmsg_fd = -1;
static const struct rootdir *log_kmsg_root;
static unsigned log_kmsg_records;

/*
 * The kernel rate-limits each open /dev/kmsg to 10 records per 5 s (devkmsg_open() gives every
 * open file its own allowance, DEFAULT_RATELIMIT_BURST): a boot claiming a few GPUs writes more
 * than that, and the summary would be dropped. A fresh open every KMSG_RECORDS_PER_OPEN records
 * keeps every line without touching the system's printk_devkmsg policy.
 */
#define KMSG_RECORDS_PER_OPEN 10

void log_setup(const char *program, enum log_level max_level)
{
        log_program = program;
        log_max_level = max_level;
}

enum log_level log_get_max_level(void) { return log_max_level; }

static int open_kmsg(const struct rootdir *root)
{
        int fd = rootdir_open(root, "/dev/kmsg", O_WRONLY | O_NOCTTY | O_APPEND, 0);
        if (fd == -ENOENT || fd == -ENXIO || fd == -EACCES || fd == -EPERM)
                return 0; /* no kernel log to write to: stderr alone then */
        if (fd < 0)
                return fd;
        log_kmsg_fd = fd;
        log_kmsg_root = root;
        log_kmsg_records = 0;
        return 0;
}

static void log_close(void)
{
        closep(&log_kmsg_fd);
        log_kmsg_fd = -1;
        log_kmsg_root = NULL;
}

static bool log_stderr_all;

int log_copy_to_kmsg(const struct rootdir *root)
{
        log_stderr_all = true;
        return log_open_kmsg(root);
}

int log_open_kmsg(const struct rootdir *root)
{
        log_close();
        return open_kmsg(root);
}

static void write_kmsg(enum log_level level, const char *message)
{
        if (log_kmsg_records >= KMSG_RECORDS_PER_OPEN) {
                const struct rootdir *root = log_kmsg_root;
                closep(&log_kmsg_fd);
                log_kmsg_fd = -1;
                if (open_kmsg(root) < 0 || log_kmsg_fd < 0)
                        return;
        }
        /* One write() per record: /dev/kmsg takes each write as one log line. */
        char record[1100];
        int n = snprintf(record, sizeof(record), "<%d>%s: %s\n", (int) level, log_program, message);
        if (n > 0)
                (void) !write(log_kmsg_fd, record, (size_t) n < sizeof(record) ? (size_t) n : sizeof(record) - 1);
        log_kmsg_records++;
}

/* The va_list form of the _printf_ checks: clang (-Wformat-nonliteral) wants to be told. */
_printf_(2, 0) static void log_message(enum log_level level, const char *format, va_list ap)
{
        char message[1024];

        vsnprintf(message, sizeof(message), format, ap);

        /* With the kernel log open, the console shows its records already: stderr repeats only
         * the warnings and errors, which must be seen even with "quiet". */
        if (log_kmsg_fd < 0 || level <= LOG_LEVEL_WARNING || log_stderr_all)
                fprintf(stderr, "%s: %s\n", log_program, message);
        if (log_kmsg_fd >= 0)
                write_kmsg(level, message);
}

void log_full(enum log_level level, const char *format, ...)
{
        if (level > log_max_level)
                return;

        int saved_errno = errno;
        va_list ap;
        va_start(ap, format);
        log_message(level, format, ap);
        va_end(ap);
        errno = saved_errno;
}

int log_full_errno(enum log_level level, int error, const char *format, ...)
{
        int positive = error < 0 ? -error : error;

        if (level <= log_max_level) {
                int saved_errno = errno;
                va_list ap;
                errno = positive; /* what %m prints */
                va_start(ap, format);
                log_message(level, format, ap);
                va_end(ap);
                errno = saved_errno;
        }
        return -positive;
}
