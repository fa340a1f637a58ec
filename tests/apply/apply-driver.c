/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A test driver for the apply library (cmdlinegen/apply), standing in for cmdlinegen's main in the
 * shell tests until it calls the library itself:
 *
 *   apply-driver --root DIR --bootloader grub|systemd-boot|auto [--add NAME[=VALUE]]...
 *                [--take-out NAME[=VALUE]]... [--remove] [--execute] [--regenerate] [--stamp S]
 *
 * Prints the plan (the dry run) on stdout; with --execute carries it out. Exit 0 on success,
 * 1 when planning or executing failed (the message on stderr), 2 on usage errors.
 */
#include <getopt.h>

#include "apply.h"
#include "macro.h"

#define MAX_PARAMS 64

int main(int argc, char **argv)
{
        static const struct option options[] = {
                { "root", required_argument, NULL, 'r' },
                { "bootloader", required_argument, NULL, 'b' },
                { "add", required_argument, NULL, 'a' },
                { "take-out", required_argument, NULL, 't' },
                { "remove", no_argument, NULL, 'R' },
                { "execute", no_argument, NULL, 'x' },
                { "regenerate", no_argument, NULL, 'g' },
                { "stamp", required_argument, NULL, 's' },
                {},
        };
        const char *add[MAX_PARAMS], *take_out[MAX_PARAMS];
        struct apply_request req = { .root = "/", .add = add, .remove = take_out };
        bool execute = false, regenerate = false;
        int c;

        while ((c = getopt_long(argc, argv, "", options, NULL)) >= 0) {
                switch (c) {
                case 'r':
                        req.root = optarg;
                        break;
                case 'b':
                        if (streq(optarg, "auto"))
                                req.bootloader = BOOTLOADER_AUTO;
                        else if (bootloader_from_string(optarg, &req.bootloader) < 0) {
                                fprintf(stderr, "apply-driver: unknown boot loader '%s'\n", optarg);
                                return 2;
                        }
                        break;
                case 'a':
                        if (req.n_add == MAX_PARAMS)
                                return 2;
                        add[req.n_add++] = optarg;
                        break;
                case 't':
                        if (req.n_remove == MAX_PARAMS)
                                return 2;
                        take_out[req.n_remove++] = optarg;
                        break;
                case 'R':
                        req.remove_ours = true;
                        break;
                case 'x':
                        execute = true;
                        break;
                case 'g':
                        regenerate = true;
                        break;
                case 's':
                        req.stamp = optarg;
                        break;
                default:
                        return 2;
                }
        }

        _cleanup_apply_plan_ struct apply_plan *plan = NULL;
        _cleanup_free_ char *error = NULL;
        int r = apply_plan(&req, &plan, &error);
        if (r < 0) {
                fprintf(stderr, "apply-driver: %s\n", error ? error : strerror(-r));
                return 1;
        }
        apply_plan_print(plan, stdout);
        if (!execute)
                return 0;
        r = apply_execute(plan, regenerate, stderr, &error);
        if (r < 0) {
                fprintf(stderr, "apply-driver: %s\n", error ? error : strerror(-r));
                return 1;
        }
        return 0;
}
