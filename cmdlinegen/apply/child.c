/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* See child.h. posix_spawn reports a program that cannot be run as an error, not as exit 127. */
#include "child.h"

#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/wait.h>

extern char **environ;

int child_run(char *const *argv, int *ret_status)
{
        posix_spawn_file_actions_t actions;
        int status, r;
        pid_t pid;

        /* what we wrote before must come out before what it writes */
        fflush(stdout);
        fflush(stderr);
        r = posix_spawn_file_actions_init(&actions);
        if (r != 0)
                return -r;
        r = posix_spawn_file_actions_adddup2(&actions, STDERR_FILENO, STDOUT_FILENO);
        if (r == 0)
                r = posix_spawnp(&pid, argv[0], &actions, NULL, argv, environ);
        posix_spawn_file_actions_destroy(&actions);
        if (r != 0)
                return -r;
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return -errno;
        *ret_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return 0;
}
