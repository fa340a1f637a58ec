/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * timeit: run a command many times and print its median wall time and peak RSS.
 *
 *   timeit [-n RUNS] [-w WARMUP] [-r RESET] -- COMMAND [ARG...]
 *
 * Each run is timed with CLOCK_MONOTONIC from just before fork() to just after wait4() returns,
 * so the figure includes fork, exec and exit of COMMAND (measure a trivial static program the
 * same way to know that floor). The wall clock (`date`) of the benchmark machine is not trusted:
 * only the monotonic clock is used. RESET, when given, is run with /bin/sh -c before every run
 * (warm-up runs included) and is not timed: it puts back what the previous run wrote.
 * COMMAND's standard output and error go to /dev/null. A run that does not exit with status 0
 * or 1 stops the measurement (status 1 is initbind's "something was refused" under --strict).
 *
 * Output, one line: "runs=N median_us=... min_us=... max_us=... cpu_us=... maxrss_kib=...":
 * wall times, the median CPU time (user + system, from wait4()'s rusage: unlike the wall time it
 * does not grow when other processes share the CPUs), and the largest ru_maxrss over all runs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_us(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec * 1e6 + (double) ts.tv_nsec / 1e3;
}

static int compare_doubles(const void *a, const void *b)
{
        double x = *(const double *) a, y = *(const double *) b;
        return (x > y) - (x < y);
}

/* Sorts VALUES and returns their median. */
static double median(double *values, long n)
{
        qsort(values, (size_t) n, sizeof(*values), compare_doubles);
        return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

static int run_reset(const char *reset)
{
        if (!reset)
                return 0;
        int status = system(reset);
        if (status != 0) {
                fprintf(stderr, "timeit: reset command failed (status %d): %s\n", status, reset);
                return -1;
        }
        return 0;
}

static double timeval_us(struct timeval tv) { return (double) tv.tv_sec * 1e6 + (double) tv.tv_usec; }

/* One timed run; returns the wall time in µs, or a negative value on failure. */
static double run_once(char **argv, long *maxrss_kib, double *cpu_us)
{
        double start = now_us();
        pid_t pid = fork();
        if (pid < 0) {
                perror("timeit: fork");
                return -1;
        }
        if (pid == 0) {
                int null = open("/dev/null", O_WRONLY);
                if (null >= 0) {
                        dup2(null, STDOUT_FILENO);
                        dup2(null, STDERR_FILENO);
                }
                execvp(argv[0], argv);
                _exit(127);
        }
        int status;
        struct rusage usage;
        if (wait4(pid, &status, 0, &usage) < 0) {
                perror("timeit: wait4");
                return -1;
        }
        double elapsed = now_us() - start;
        if (!WIFEXITED(status) || WEXITSTATUS(status) > 1) {
                fprintf(stderr, "timeit: %s exited with status %d (signal %d)\n", argv[0],
                        WIFEXITED(status) ? WEXITSTATUS(status) : -1, WIFSIGNALED(status) ? WTERMSIG(status) : 0);
                return -1;
        }
        if (usage.ru_maxrss > *maxrss_kib)
                *maxrss_kib = usage.ru_maxrss;
        *cpu_us = timeval_us(usage.ru_utime) + timeval_us(usage.ru_stime);
        return elapsed;
}

int main(int argc, char **argv)
{
        long runs = 21, warmup = 3;
        const char *reset = NULL;
        int opt;
        while ((opt = getopt(argc, argv, "+n:w:r:")) != -1) {
                switch (opt) {
                case 'n':
                        runs = strtol(optarg, NULL, 10);
                        break;
                case 'w':
                        warmup = strtol(optarg, NULL, 10);
                        break;
                case 'r':
                        reset = optarg;
                        break;
                default:
                        fprintf(stderr, "usage: timeit [-n RUNS] [-w WARMUP] [-r RESET] -- COMMAND [ARG...]\n");
                        return 2;
                }
        }
        if (optind >= argc || runs < 1 || runs > 100000 || warmup < 0) {
                fprintf(stderr, "usage: timeit [-n RUNS (1..100000)] [-w WARMUP] [-r RESET] -- COMMAND [ARG...]\n");
                return 2;
        }
        char **command = argv + optind;

        long maxrss = 0;
        double cpu;
        for (long i = 0; i < warmup; i++)
                if (run_reset(reset) < 0 || run_once(command, &maxrss, &cpu) < 0)
                        return 1;

        double *times = calloc((size_t) runs, sizeof(*times)), *cpus = calloc((size_t) runs, sizeof(*cpus));
        if (!times || !cpus)
                return 1;
        for (long i = 0; i < runs; i++) {
                if (run_reset(reset) < 0)
                        return 1;
                times[i] = run_once(command, &maxrss, &cpus[i]);
                if (times[i] < 0)
                        return 1;
        }
        double wall = median(times, runs); /* sorts times: min and max are read after it */
        printf("runs=%ld median_us=%.0f min_us=%.0f max_us=%.0f cpu_us=%.0f maxrss_kib=%ld\n", runs, wall, times[0],
               times[runs - 1], median(cpus, runs), maxrss);
        free(times);
        free(cpus);
        return 0;
}
