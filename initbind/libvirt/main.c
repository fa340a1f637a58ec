/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * initbind-libvirt-hook: libvirt's qemu hook (installed as /etc/libvirt/hooks/qemu.d/initbind, a
 * wrapper that execs this), called as `NAME DOMAIN OPERATION SUB-OPERATION EXTRA` with the domain
 * XML on standard input. A program of its own, not an initbind command: it links libxml2, which
 * the initramfs's static initbind must not carry, and it takes libvirt's arguments, not initbind's.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "config.h"
#include "domain_xml.h"
#include "fileio.h"
#include "hook.h"
#include "log.h"
#include "program_options.h"
#include "rootdir.h"

static void help(void)
{
        printf("Usage: initbind-libvirt-hook [OPTIONS] DOMAIN OPERATION SUB-OPERATION [EXTRA]\n"
               "\n"
               "libvirt's qemu hook: claims a guest's PCI host devices for vfio-pci at 'prepare begin'\n"
               "(the domain XML on standard input), all or nothing, records them, and gives back\n"
               "exactly those at 'stopped end' and 'release end'. Other operations do nothing.\n"
               "\n"
               "Options:\n"
               "      --root DIR    the machine below DIR instead of / (a fixture)\n"
               "      --config FILE the configuration file below the root (default %s)\n"
               "  -v, --verbose     log more, including every sysfs write\n"
               "  -q, --quiet       log only errors\n"
               "  -h, --help        show this help\n"
               "      --version     show the version\n"
               "\n"
               "See initbind-libvirt-hook(8).\n",
               INITBIND_CONFIG_PATH);
}

enum { ARG_ROOT = 0x100, ARG_CONFIG };

/* 0 to go on, 1 when done (--help, --version), -EINVAL. */
static int parse_options(int argc, char **argv, struct initbind_options *opts, const char **arg_root)
{
        static const struct option options[] = { { "root", required_argument, NULL, ARG_ROOT },
                                                 { "config", required_argument, NULL, ARG_CONFIG },
                                                 PROGRAM_COMMON_OPTIONS,
                                                 {} };
        enum log_level level = LOG_LEVEL_INFO;
        /* "+": libvirt's arguments end the options (EXTRA is "-", a domain name may start with one). */
        for (int c; (c = getopt_long(argc, argv, "+" PROGRAM_COMMON_SHORT_OPTIONS, options, NULL)) >= 0;) {
                enum program_option common = program_option(c, "initbind-libvirt-hook", help, &level);
                if (common == PROGRAM_OPTION_DONE)
                        return 1;
                if (common == PROGRAM_OPTION_TAKEN)
                        continue;
                switch (c) {
                case ARG_ROOT:
                        *arg_root = optarg;
                        break;
                case ARG_CONFIG:
                        opts->config_path = optarg;
                        break;
                default:
                        return -EINVAL;
                }
        }
        log_setup("initbind-libvirt", level);
        return 0;
}

static int prepare(const struct hook_context *ctx)
{
        _cleanup_free_ char *xml = NULL;
        size_t size = 0;
        int r = read_full_fd(STDIN_FILENO, &xml, &size);
        if (r < 0) {
                log_error_errno(r, HOOK_LOG_PREFIX "not started: cannot read the domain XML on standard input: %m",
                                ctx->domain);
                return 1;
        }
        _cleanup_(domain_hostdevs_done) struct domain_hostdevs hostdevs = {};
        if (domain_xml_read(xml, size, "the domain XML on standard input", &hostdevs) < 0) {
                log_error(HOOK_LOG_PREFIX "not started: its PCI hostdevs cannot be read, so none is claimed",
                          ctx->domain);
                return 1;
        }
        return hook_prepare(ctx, &hostdevs);
}

int main(int argc, char **argv)
{
        const char *arg_root = "/";
        struct initbind_options opts = {};
        log_setup("initbind-libvirt", LOG_LEVEL_INFO);
        int r = parse_options(argc, argv, &opts, &arg_root);
        if (r != 0)
                return r > 0 ? 0 : 2;
        if (argc - optind < 3) {
                log_error("expected DOMAIN OPERATION SUB-OPERATION, as libvirt passes them; try --help");
                return 2;
        }
        const char *domain = argv[optind], *operation = argv[optind + 1], *sub = argv[optind + 2];
        bool is_prepare = streq(operation, "prepare") && streq(sub, "begin");
        bool is_stopped = streq(operation, "stopped") && streq(sub, "end");
        bool is_release = streq(operation, "release") && streq(sub, "end");
        if (!is_prepare && !is_stopped && !is_release)
                return 0; /* every other call libvirt makes is none of ours */

        _cleanup_rootdir_ struct rootdir *root = NULL;
        r = rootdir_new(arg_root, &root);
        if (r < 0) {
                log_error_errno(r, "cannot open root directory '%s': %m", arg_root);
                return is_prepare ? 1 : 0;
        }
        opts.root = root;
        /* Who moved a device, in the kernel log beside the driver messages, as boot's claims are;
         * standard error keeps every message too (libvirt's log and error), as for `initbind claim`. */
        (void) log_copy_to_kmsg(root);
        struct hook_context ctx = { .opts = &opts, .domain = domain };
        if (is_prepare)
                return prepare(&ctx);
        return hook_release(&ctx, is_release);
}
