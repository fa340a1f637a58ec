/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "log.h"

#include <fcntl.h>
#include <stdarg.h>

#include "rootdir.h"

static const char *log_program = "initbind";
static enum log_level log_max_level = LOG_LEVEL_NOTICE;
static int log_kmsg_fd = -1;

void log_setup(const char *program, enum log_level max_level)
{
        log_program = program;
        log_max_level = max_level;
}

enum log_level log_get_max_level(void) { return log_max_level; }

int log_open_kmsg(const struct rootdir *root)
{
        log_close();
        int fd = rootdir_open(root, "/dev/kmsg", O_WRONLY | O_NOCTTY | O_APPEND, 0);
        if (fd == -ENOENT || fd == -ENXIO || fd == -EACCES || fd == -EPERM)
                return 0; /* no kernel log to write to: stderr alone then */
        if (fd < 0)
                return fd;
        log_kmsg_fd = fd;
        return 0;
}

void log_close(void) { closep(&log_kmsg_fd); log_kmsg_fd = -1; }

void log_full(enum log_level level, const char *format, ...)
{
        if (level > log_max_level)
                return;

        char message[1024];
        va_list ap;
        int saved_errno = errno;
        va_start(ap, format);
        vsnprintf(message, sizeof(message), format, ap);
        va_end(ap);

        fprintf(stderr, "%s: %s\n", log_program, message);

        if (log_kmsg_fd >= 0) {
                /* One write() per record: /dev/kmsg takes each write as one log line. */
                char record[1100];
                int n = snprintf(record, sizeof(record), "<%d>%s: %s\n", (int) level, log_program, message);
                if (n > 0)
                        (void) !write(log_kmsg_fd, record, (size_t) n < sizeof(record) ? (size_t) n : sizeof(record) - 1);
        }
        errno = saved_errno;
}
