/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* initbind: claim PCI devices for vfio-pci before any driver can, and show what is claimable. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "config.h"
#include "kernel_info.h"
#include "log.h"
#include "program_options.h"
#include "rootdir.h"
#include "shown_text.h"

static void help(void)
{
        printf("Usage: initbind [OPTIONS] COMMAND [ADDRESS]\n"
               "\n"
               "Claim PCI devices for vfio-pci in early boot, and move them on a running host.\n"
               "\n"
               "Commands:\n"
               "  list              every PCI function by IOMMU group, and whether it can be claimed\n"
               "  boot              claim what the kernel command line and the config name (the\n"
               "                    initramfs hooks run this; it never fails the boot)\n"
               "  plan              what boot would do now, writing nothing\n"
               "  status            what is on vfio-pci, group usability, configured claims not done\n"
               "  claim ADDRESS     claim a function and the rest of its IOMMU group now\n"
               "  release ADDRESS   give a claimed function and its group back to the host drivers\n"
               "  hotplug ADDRESS   apply the configured claims to a function that appeared after boot\n"
               "                    (the udev rule runs this)\n"
               "  access NODE       give a VFIO node (N: /dev/vfio/N, vfioX: a device cdev) the owner\n"
               "                    user= and group= name (the udev rule runs this)\n"
               "  rom ADDRESS       the images of a function's option ROM and whether a GPU's has a\n"
               "                    UEFI image (read only while no host driver is bound)\n"
               "  modules           the VFIO variant driver modules the next boot's claims need (the\n"
               "                    initramfs hooks put them in the image)\n"
               "\n"
               "Options:\n"
               "      --root DIR    the machine below DIR instead of / (a fixture or an image)\n"
               "      --config FILE the configuration file below the root (default %s)\n"
               "      --pci-ids FILE  names from FILE instead of the system's pci.ids (as lspci -i)\n"
               "      --allow LIST  claim: console,storage,unbind,partial-group (as allow= in the config)\n"
               "      --release-configured  release: also a device the boot claims (initbind.conf,\n"
               "                    initbind.claim=, vfio-pci.ids=), until the next boot\n"
               "      --strict      boot: exit 1 when anything failed (for scripts and tests)\n"
               "      --next-boot   plan: as the initramfs will find the devices, with the drivers\n"
               "                    that are loadable modules not bound yet\n"
               "      --kernel VER  the modules of kernel release VER (plan, modules; default: running)\n"
               "      --json        machine-readable output (list, plan, status, rom)\n"
               "  -v, --verbose     log more, including every sysfs write\n"
               "  -q, --quiet       log only errors\n"
               "  -h, --help        show this help\n"
               "      --version     show the version\n"
               "\n"
               "See initbind(8) and initbind.conf(5).\n",
               INITBIND_CONFIG_PATH);
}

enum {
        ARG_ROOT = 0x100,
        ARG_CONFIG,
        ARG_PCI_IDS,
        ARG_ALLOW,
        ARG_STRICT,
        ARG_RELEASE_CONFIGURED,
        ARG_NEXT_BOOT,
        ARG_KERNEL,
        ARG_JSON,
};

static int parse_allow(const char *list, unsigned *ret)
{
        _cleanup_free_ char *copy = strdup(list);
        if (!copy)
                return -ENOMEM;
        unsigned allow = 0;
        char *save = NULL;
        for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
                unsigned flag = config_allow_from_word(w, strlen(w));
                if (!flag) {
                        char expected[96];
                        log_error("--allow: unknown permission '%s' at column %zu; expected %s", w,
                                  (size_t) (w - copy) + 1,
                                  config_join_or(expected, sizeof(expected), config_allow_words));
                        return -EINVAL;
                }
                allow |= flag;
        }
        *ret = allow;
        return 0;
}

static bool command_takes_address(const char *command)
{
        return streq(command, "claim") || streq(command, "release") || streq(command, "hotplug") ||
               streq(command, "rom");
}

/* The options, up to the command: 0 to go on, 1 when done (--help, --version), -EINVAL. */
static int parse_options(int argc, char **argv, struct initbind_options *opts, const char **arg_root)
{
        static const struct option options[] = { { "root", required_argument, NULL, ARG_ROOT },
                                                 { "config", required_argument, NULL, ARG_CONFIG },
                                                 { "allow", required_argument, NULL, ARG_ALLOW },
                                                 { "pci-ids", required_argument, NULL, ARG_PCI_IDS },
                                                 { "strict", no_argument, NULL, ARG_STRICT },
                                                 { "release-configured", no_argument, NULL, ARG_RELEASE_CONFIGURED },
                                                 { "next-boot", no_argument, NULL, ARG_NEXT_BOOT },
                                                 { "kernel", required_argument, NULL, ARG_KERNEL },
                                                 { "json", no_argument, NULL, ARG_JSON },
                                                 PROGRAM_COMMON_OPTIONS,
                                                 {} };
        enum log_level level = LOG_LEVEL_INFO;

        log_setup("initbind", level);
        for (int c; (c = getopt_long(argc, argv, PROGRAM_COMMON_SHORT_OPTIONS, options, NULL)) >= 0;) {
                enum program_option common = program_option(c, "initbind", help, &level);
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
                case ARG_PCI_IDS:
                        opts->pci_ids_path = optarg;
                        break;
                case ARG_ALLOW:
                        if (parse_allow(optarg, &opts->allow) < 0)
                                return -EINVAL;
                        break;
                case ARG_STRICT:
                        opts->strict = true;
                        break;
                case ARG_RELEASE_CONFIGURED:
                        opts->release_configured = true;
                        break;
                case ARG_NEXT_BOOT:
                        opts->next_boot = true;
                        break;
                case ARG_KERNEL:
                        if (!kernel_release_name_valid(optarg)) {
                                char shown[SHOWN_TEXT_SIZE];
                                log_error("--kernel %s: expected a kernel release name as in /lib/modules, such as "
                                          "6.1.0-18-amd64 (not empty, no '/', not '.' or '..')",
                                          shown_text(shown, optarg, strlen(optarg)));
                                return -EINVAL;
                        }
                        opts->kernel = optarg;
                        break;
                case ARG_JSON:
                        opts->json = true;
                        break;
                default:
                        return -EINVAL;
                }
        }
        log_setup("initbind", level);
        return 0;
}

/* After the options: the command, its PCI address when it takes one, and nothing else. */
static int parse_command(int argc, char **argv, const struct initbind_options *opts, const char **ret_command,
                         struct pci_address *ret_address, const char **ret_node)
{
        if (optind >= argc) {
                log_error("no command given; try 'initbind --help'");
                return -EINVAL;
        }
        const char *command = argv[optind++];
        if (command_takes_address(command)) {
                if (optind >= argc) {
                        log_error("'%s' needs a PCI address, e.g. 0000:0b:00.0", command);
                        return -EINVAL;
                }
                struct parse_error err = {};
                if (pci_address_parse_full(argv[optind], ret_address, &err) < 0) {
                        log_error("'%s' at column %zu: expected %s", argv[optind], parse_error_column(&err),
                                  err.expected ? err.expected : "a PCI address");
                        return -EINVAL;
                }
                optind++;
        } else if (streq(command, "access")) {
                if (optind >= argc) {
                        log_error("'access' needs a VFIO node name: an IOMMU group number or vfioN");
                        return -EINVAL;
                }
                *ret_node = argv[optind++];
        }
        if (optind < argc) {
                log_error("unexpected argument '%s' after '%s'", argv[optind], command);
                return -EINVAL;
        }
        if (opts->next_boot && !streq(command, "plan")) {
                log_error("--next-boot is an option of 'plan' only");
                return -EINVAL;
        }
        if (opts->kernel && !streq(command, "plan") && !streq(command, "modules")) {
                log_error("--kernel is an option of 'plan' and 'modules' only");
                return -EINVAL;
        }
        if (opts->release_configured && !streq(command, "release")) {
                log_error("--release-configured is an option of 'release' only");
                return -EINVAL;
        }
        *ret_command = command;
        return 0;
}

static int run_command(const char *command, const struct initbind_options *opts, const struct pci_address *address,
                       const char *node)
{
        if (streq(command, "access"))
                return command_access(opts, node);
        if (streq(command, "list"))
                return command_list(opts);
        if (streq(command, "boot"))
                return command_boot(opts);
        if (streq(command, "plan"))
                return command_plan(opts);
        if (streq(command, "modules"))
                return command_modules(opts);
        if (streq(command, "status"))
                return command_status(opts);
        if (streq(command, "claim"))
                return command_claim(opts, address);
        if (streq(command, "hotplug"))
                return command_hotplug(opts, address);
        if (streq(command, "release"))
                return command_release(opts, address);
        if (streq(command, "rom"))
                return command_rom(opts, address);

        log_error("unknown command '%s'; try 'initbind --help'", command);
        return 2;
}

static int run(int argc, char **argv)
{
        const char *arg_root = "/", *command = NULL, *node = NULL;
        struct initbind_options opts = {};
        struct pci_address address = {};

        int r = parse_options(argc, argv, &opts, &arg_root);
        if (r != 0)
                return r > 0 ? 0 : 2;
        if (parse_command(argc, argv, &opts, &command, &address, &node) < 0)
                return 2;

        _cleanup_rootdir_ struct rootdir *root = NULL;
        r = rootdir_new(arg_root, &root);
        if (r < 0) {
                log_error_errno(r, "cannot open root directory '%s': %m", arg_root);
                return 1;
        }
        opts.root = root;
        return run_command(command, &opts, &address, node);
}

/* As util-linux's closestream: output that could not be written is an error, not a success. */
static int close_stdout(void)
{
        bool failed = fflush(stdout) != 0;
        failed = ferror(stdout) || failed;
        int saved = errno;
        if (fclose(stdout) != 0 && !failed) {
                failed = true;
                saved = errno;
        }
        if (!failed)
                return 0;
        fprintf(stderr, "initbind: write error: %s\n", saved ? strerror(saved) : "output error");
        return -1;
}

int main(int argc, char **argv)
{
        /* A closed pipe is a write error like any other, not death halfway through a boot. */
        signal(SIGPIPE, SIG_IGN);
        errno = 0;
        int r = run(argc, argv);
        if (close_stdout() < 0 && r == 0)
                r = 1;
        return r;
}
