/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* initbind: claim PCI devices for vfio-pci before any driver can, and show what is claimable. */
#include <getopt.h>
#include <stdio.h>

#include "commands.h"
#include "log.h"
#include "rootdir.h"

static void help(void)
{
        printf("Usage: initbind [OPTIONS] COMMAND\n"
               "\n"
               "Claim PCI devices for vfio-pci in early boot, and inspect them on a running host.\n"
               "\n"
               "Commands:\n"
               "  list              every PCI function by IOMMU group, and whether it can be claimed\n"
               "\n"
               "Options:\n"
               "      --root DIR    read the machine below DIR instead of / (a fixture or an image)\n"
               "      --json        machine-readable output\n"
               "  -v, --verbose     log more\n"
               "  -q, --quiet       log only errors\n"
               "  -h, --help        show this help\n"
               "      --version     show the version\n"
               "\n"
               "See initbind(8) and initbind.conf(5).\n");
}

enum { ARG_ROOT = 0x100, ARG_JSON, ARG_VERSION };

int main(int argc, char **argv)
{
        static const struct option options[] = {
                { "root", required_argument, NULL, ARG_ROOT },
                { "json", no_argument, NULL, ARG_JSON },
                { "verbose", no_argument, NULL, 'v' },
                { "quiet", no_argument, NULL, 'q' },
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                {}
        };
        const char *arg_root = "/";
        bool arg_json = false;
        enum log_level level = LOG_LEVEL_NOTICE;

        log_setup("initbind", level);
        for (int c; (c = getopt_long(argc, argv, "vqh", options, NULL)) >= 0;) {
                switch (c) {
                case ARG_ROOT: arg_root = optarg; break;
                case ARG_JSON: arg_json = true; break;
                case 'v': level = LOG_LEVEL_DEBUG; break;
                case 'q': level = LOG_LEVEL_ERR; break;
                case 'h': help(); return 0;
                case ARG_VERSION: printf("initbind %s\n", INITBIND_VERSION); return 0;
                default: return 2;
                }
        }
        log_setup("initbind", level);

        if (optind >= argc) {
                log_error("no command given; try 'initbind --help'");
                return 2;
        }
        const char *command = argv[optind];
        if (optind + 1 < argc) {
                log_error("unexpected argument '%s' after '%s'", argv[optind + 1], command);
                return 2;
        }

        _cleanup_rootdir_ struct rootdir *root = NULL;
        int r = rootdir_new(arg_root, &root);
        if (r < 0) {
                log_error("cannot open root directory '%s': %s", arg_root, strerror(-r));
                return 1;
        }
        struct initbind_options opts = { .root = root, .json = arg_json };

        if (streq(command, "list"))
                return command_list(&opts) < 0 ? 1 : 0;

        log_error("unknown command '%s'; try 'initbind --help'", command);
        return 2;
}
