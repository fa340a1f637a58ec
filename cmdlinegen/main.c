/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cmdlinegen: propose the kernel parameters for device passthrough on this machine, check each
 * against what was detected, explain them, and check after the reboot that the kernel did it.
 */
#include <getopt.h>
#include <stdio.h>

#include "apply_command.h"
#include "generate.h"
#include "guest.h"
#include "intent_flags.h"
#include "kernel_info.h"
#include "log.h"
#include "program_options.h"
#include "report.h"
#include "rootdir.h"
#include "shown_text.h"
#include "verify.h"

/* Exit statuses, documented in cmdlinegen(8). */
enum { EXIT_CLEAN = 0, EXIT_PROBLEMS = 1, EXIT_USAGE = 2 };

static void help(void)
{
        printf("Usage: cmdlinegen [OPTIONS] [verify]\n"
               "       cmdlinegen [OPTIONS] guest [--libvirt|--qemu|--json] [--vcpus N]\n"
               "       cmdlinegen [OPTIONS] --apply grub|systemd-boot|grubby|rpm-ostree [--dry-run] [--remove] "
               "[--rebuild-initramfs]\n"
               "\n"
               "Propose kernel parameters for giving PCI devices to virtual machines, each checked\n"
               "against this machine and explained. Nothing is written without --apply.\n"
               "\n"
               "Commands:\n"
               "  (none)                 detect, propose, validate and report\n"
               "  verify                 after the reboot: did the kernel do what is proposed?\n"
               "  guest                  the guest's libvirt XML (or QEMU arguments) matching the proposal\n"
               "\n"
               "Options:\n"
               "      --root DIR         the machine below DIR instead of / (a fixture or an image)\n"
               "      --config FILE      the configuration below the root (default %s)\n"
               "      --kernel VERSION   propose for this installed kernel (default: the running one)\n"
               "      --isolate-cores N  give N whole cores to guests (overrides isolate-cores)\n"
               "      --isolate-cpus LIST  give exactly these CPUs to guests (overrides isolate-cpus)\n"
               "      --guest-memory SIZE[,node=N]  memory of one guest to back with hugepages;\n"
               "                         repeat for guests that run together (replaces the file's)\n"
               "      --hugepage-size auto|2M|1G\n"
               "      --acs-override never|if-needed\n"
               "      --apply LOADER     write the proposal into the boot configuration: grub, systemd-boot,\n"
               "                         grubby (Fedora/RHEL BLS) or rpm-ostree (Silverblue, bootc)\n"
               "                         (atomically, with a backup of each file), then regenerate\n"
               "      --dry-run          with --apply: show the diff of every file, write nothing\n"
               "      --remove           with --apply: take back exactly what earlier applies added\n"
               "      --rebuild-initramfs  with --apply: then rebuild the initramfs with initbind's hook\n"
               "      --json             machine-readable output\n"
               "      --libvirt, --qemu  with guest: libvirt domain fragments (default), or QEMU arguments\n"
               "      --vcpus N          with guest: N vCPUs (default: every isolated CPU of its node)\n"
               "  -v, --verbose          log more\n"
               "  -q, --quiet            log only errors\n"
               "  -h, --help             show this help\n"
               "      --version          show the version\n"
               "\n"
               "Exit status: 0 when everything checks out, 1 when problems were found, 2 on usage errors.\n"
               "See cmdlinegen(8) and initbind.conf(5).\n",
               INITBIND_CONFIG_PATH);
}

enum {
        ARG_ROOT = 0x100,
        ARG_CONFIG,
        ARG_KERNEL,
        ARG_ISOLATE_CORES,
        ARG_ISOLATE_CPUS,
        ARG_GUEST_MEMORY,
        ARG_HUGEPAGE_SIZE,
        ARG_ACS_OVERRIDE,
        ARG_APPLY,
        ARG_DRY_RUN,
        ARG_REMOVE,
        ARG_REBUILD_INITRAMFS,
        ARG_JSON,
        ARG_LIBVIRT,
        ARG_QEMU,
        ARG_VCPUS,
        ARG_END, /* the number of ARG_* values */
};

/* Options that override a directive of the config file, and which. */
static const struct {
        int arg;
        const char *option;
        enum config_directive directive;
} intent_options[] = {
        { ARG_ISOLATE_CORES, "--isolate-cores", CONFIG_DIRECTIVE_ISOLATE_CORES },
        { ARG_ISOLATE_CPUS, "--isolate-cpus", CONFIG_DIRECTIVE_ISOLATE_CPUS },
        { ARG_GUEST_MEMORY, "--guest-memory", CONFIG_DIRECTIVE_GUEST_MEMORY },
        { ARG_HUGEPAGE_SIZE, "--hugepage-size", CONFIG_DIRECTIVE_HUGEPAGE_SIZE },
        { ARG_ACS_OVERRIDE, "--acs-override", CONFIG_DIRECTIVE_ACS_OVERRIDE },
};

struct arguments {
        const char *root, *config, *kernel;
        bool json, verify, apply, guest;
        bool guest_format_given;
        struct guest_options guest_options;
        struct apply_options apply_options;
        struct intent_flags *flags;
        /* The value of each option with one (by ARG_ - ARG_ROOT) as given, to refuse a second. */
        const char *given[ARG_END - ARG_ROOT];
        const char *proposal_option; /* the first option of intent_options, else NULL */
};

/* A release as /lib/modules and /boot name it: the name of one file, never a path. */

/*
 * Options with a value are given once, as the file's directives are: a second --apply or
 * --isolate-cores would silently win over the first, and the user meant one of them.
 * --guest-memory is the exception, one per guest.
 */
static int remember_value(struct arguments *a, int c, const char *name, const char *value)
{
        const char **given = &a->given[c - ARG_ROOT];
        if (c == ARG_GUEST_MEMORY) {
                *given = value;
                return 0;
        }
        if (*given) {
                char first[SHOWN_TEXT_SIZE], second[SHOWN_TEXT_SIZE];
                log_error("--%s is given twice (%s, then %s): give it once", name,
                          shown_text(first, *given, strlen(*given)), shown_text(second, value, strlen(value)));
                return -EINVAL;
        }
        *given = value;
        return 0;
}

/* An option of intent_options becomes an intent flag: 1 when C is one, 0 when not. */
static int take_intent_option(struct arguments *a, int c, const char *value)
{
        for (size_t i = 0; i < ELEMENTSOF(intent_options); i++) {
                if (intent_options[i].arg != c)
                        continue;
                if (!a->proposal_option)
                        a->proposal_option = intent_options[i].option;
                if (intent_flags_add(&a->flags, intent_options[i].directive, intent_options[i].option, value) < 0)
                        return -ENOMEM;
                return 1;
        }
        return 0;
}

static int set_kernel(struct arguments *a, const char *value)
{
        if (!kernel_release_name_valid(value)) {
                char shown[SHOWN_TEXT_SIZE];
                log_error("--kernel %s: expected a kernel release name as in /lib/modules, such as "
                          "6.1.0-18-amd64 (not empty, no '/', not '.' or '..')",
                          shown_text(shown, value, strlen(value)));
                return -EINVAL;
        }
        a->kernel = value;
        return 0;
}

static int set_guest_format(struct arguments *a, enum guest_format format)
{
        if (a->guest_format_given && a->guest_options.format != format) {
                log_error("--libvirt and --qemu exclude each other: give one");
                return -EINVAL;
        }
        a->guest_format_given = true;
        a->guest_options.format = format;
        return 0;
}

static int set_vcpus(struct arguments *a, const char *value)
{
        char *end;
        errno = 0;
        unsigned long n = strtoul(value, &end, 10);
        if (errno || end == value || *end || value[0] < '1' || value[0] > '9' || n > 8192) {
                char shown[SHOWN_TEXT_SIZE];
                log_error("--vcpus %s: expected a number of vCPUs from 1 to 8192",
                          shown_text(shown, value, strlen(value)));
                return -EINVAL;
        }
        a->guest_options.vcpus = (unsigned) n;
        return 0;
}

/* The options that make sense only together, or not together. */
static int check_combinations(const struct arguments *a)
{
        const struct apply_options *o = &a->apply_options;
        if (!a->apply && (o->dry_run || o->remove || o->rebuild_initramfs)) {
                log_error("%s works with --apply LOADER only", o->dry_run  ? "--dry-run"
                                                               : o->remove ? "--remove"
                                                                           : "--rebuild-initramfs");
                return -EINVAL;
        }
        if (!a->guest && (a->guest_format_given || a->guest_options.vcpus)) {
                log_error("%s works with the command guest only",
                          a->guest_options.vcpus ? "--vcpus" : "--libvirt/--qemu");
                return -EINVAL;
        }
        if (a->guest && (a->apply || (a->json && a->guest_format_given))) {
                log_error("guest cannot be combined with %s", a->apply ? "--apply" : "--libvirt or --qemu and --json");
                return -EINVAL;
        }
        if (a->apply && (a->verify || a->json)) {
                log_error("--apply cannot be combined with %s", a->verify ? "verify" : "--json");
                return -EINVAL;
        }
        /* Each replaces the other's directive from the file; together, one would be dropped. */
        if (a->given[ARG_ISOLATE_CORES - ARG_ROOT] && a->given[ARG_ISOLATE_CPUS - ARG_ROOT]) {
                log_error("--isolate-cores and --isolate-cpus exclude each other: give whole cores or a list of "
                          "CPUs, not both");
                return -EINVAL;
        }
        /* --remove proposes nothing: a proposal option would be ignored without a word. */
        if (o->remove && a->proposal_option) {
                log_error("--remove takes back what earlier applies added and takes no proposal options: drop %s",
                          a->proposal_option);
                return -EINVAL;
        }
        return 0;
}

/* After the options: the command, if any, and nothing else. */
static int parse_command(int argc, char **argv, struct arguments *a)
{
        if (optind < argc) {
                if (!streq(argv[optind], "verify") && !streq(argv[optind], "guest")) {
                        log_error(
                                "unknown command '%s'; the commands are 'verify' and 'guest' (try 'cmdlinegen --help')",
                                argv[optind]);
                        return -EINVAL;
                }
                a->verify = streq(argv[optind], "verify");
                a->guest = !a->verify;
                optind++;
        }
        if (optind < argc) {
                log_error("unexpected argument '%s'", argv[optind]);
                return -EINVAL;
        }
        a->apply_options.root_path = a->root;
        if (a->json)
                a->guest_options.format = GUEST_JSON;
        return check_combinations(a);
}

static const struct option options[] = { { "root", required_argument, NULL, ARG_ROOT },
                                         { "config", required_argument, NULL, ARG_CONFIG },
                                         { "kernel", required_argument, NULL, ARG_KERNEL },
                                         { "isolate-cores", required_argument, NULL, ARG_ISOLATE_CORES },
                                         { "isolate-cpus", required_argument, NULL, ARG_ISOLATE_CPUS },
                                         { "guest-memory", required_argument, NULL, ARG_GUEST_MEMORY },
                                         { "hugepage-size", required_argument, NULL, ARG_HUGEPAGE_SIZE },
                                         { "acs-override", required_argument, NULL, ARG_ACS_OVERRIDE },
                                         { "apply", required_argument, NULL, ARG_APPLY },
                                         { "dry-run", no_argument, NULL, ARG_DRY_RUN },
                                         { "remove", no_argument, NULL, ARG_REMOVE },
                                         { "rebuild-initramfs", no_argument, NULL, ARG_REBUILD_INITRAMFS },
                                         { "json", no_argument, NULL, ARG_JSON },
                                         { "libvirt", no_argument, NULL, ARG_LIBVIRT },
                                         { "qemu", no_argument, NULL, ARG_QEMU },
                                         { "vcpus", required_argument, NULL, ARG_VCPUS },
                                         PROGRAM_COMMON_OPTIONS,
                                         {} };

static int parse_arguments(int argc, char **argv, struct arguments *a)
{
        enum log_level level = LOG_LEVEL_WARNING;
        for (int c, index = -1; (c = getopt_long(argc, argv, PROGRAM_COMMON_SHORT_OPTIONS, options, &index)) >= 0;
             index = -1) {
                enum program_option common = program_option(c, "cmdlinegen", help, &level);
                if (common == PROGRAM_OPTION_DONE)
                        exit(EXIT_CLEAN);
                if (common == PROGRAM_OPTION_TAKEN)
                        continue;
                if (index >= 0 && options[index].has_arg && remember_value(a, c, options[index].name, optarg) < 0)
                        return -EINVAL;
                int r = take_intent_option(a, c, optarg);
                if (r < 0)
                        return r;
                if (r > 0)
                        continue;
                switch (c) {
                case ARG_ROOT:
                        a->root = optarg;
                        break;
                case ARG_CONFIG:
                        a->config = optarg;
                        break;
                case ARG_KERNEL:
                        if (set_kernel(a, optarg) < 0)
                                return -EINVAL;
                        break;
                case ARG_APPLY:
                        if (bootloader_from_string(optarg, &a->apply_options.bootloader) < 0) {
                                log_error("--apply '%s': expected grub, systemd-boot, grubby or rpm-ostree", optarg);
                                return -EINVAL;
                        }
                        a->apply = true;
                        break;
                case ARG_DRY_RUN:
                        a->apply_options.dry_run = true;
                        break;
                case ARG_REMOVE:
                        a->apply_options.remove = true;
                        break;
                case ARG_REBUILD_INITRAMFS:
                        a->apply_options.rebuild_initramfs = true;
                        break;
                case ARG_JSON:
                        a->json = true;
                        break;
                case ARG_LIBVIRT:
                case ARG_QEMU:
                        if (set_guest_format(a, c == ARG_QEMU ? GUEST_QEMU : GUEST_LIBVIRT) < 0)
                                return -EINVAL;
                        break;
                case ARG_VCPUS:
                        if (set_vcpus(a, optarg) < 0)
                                return -EINVAL;
                        break;
                default:
                        return -EINVAL;
                }
        }
        log_setup("cmdlinegen", level);
        return parse_command(argc, argv, a);
}

/* A config with mistakes is refused whole: parameters from half a config would be guesses. */
static bool config_usable(const struct machine *m)
{
        for (size_t i = 0; i < m->config->n_diagnostics; i++) {
                _cleanup_free_ char *text = config_diagnostic_format(m->config, &m->config->diagnostics[i]);
                log_error("%s", text ? text : "out of memory");
        }
        if (m->config->n_diagnostics)
                log_error("%s has %zu mistake%s: fix %s first; nothing is proposed from a partly read configuration",
                          m->config_path, m->config->n_diagnostics, m->config->n_diagnostics == 1 ? "" : "s",
                          m->config->n_diagnostics == 1 ? "it" : "them");
        return m->config->n_diagnostics == 0;
}

/* What isolcpus-flags means when the file does not say. */
static void apply_defaults(struct initbind_config *c)
{
        if (!c->directive_line[CONFIG_DIRECTIVE_ISOLCPUS_FLAGS] && !c->isolcpus_flags)
                c->isolcpus_flags = CONFIG_ISOLCPUS_FLAGS_DEFAULT;
}

/* The report, or the verification: its exit status. */
static int report_to(FILE *out, const struct arguments *a, const struct generation *g)
{
        if (a->verify)
                return verify_run(out, g, a->json);
        if (a->json)
                report_json(out, g);
        else
                report_text(out, g);
        return generation_has_problems(g) ? EXIT_PROBLEMS : EXIT_CLEAN;
}

/*
 * Text is written whole through shown_text_write(): a command line, a CPU model or a boot loader
 * file may hold an escape sequence, which must reach the terminal as text, wherever in the report
 * it is quoted. JSON escapes its strings itself.
 */
static int print_report(const struct arguments *a, const struct generation *g)
{
        if (a->json)
                return report_to(stdout, a, g);
        _cleanup_free_ char *text = NULL;
        size_t size = 0;
        FILE *out = open_memstream(&text, &size);
        if (!out) {
                log_error_errno(errno, "cannot make the report: %m");
                return EXIT_PROBLEMS;
        }
        int status = report_to(out, a, g);
        if (fclose(out) != 0) {
                log_error_errno(errno, "cannot make the report: %m");
                return EXIT_PROBLEMS;
        }
        shown_text_write(stdout, text, size);
        return status;
}

/* Everything after the arguments: the exit status. */
static int run(const struct arguments *a)
{
        _cleanup_rootdir_ struct rootdir *root = NULL;
        int r = rootdir_new(a->root, &root);
        if (r < 0) {
                log_error_errno(r, "cannot open root directory '%s': %m", a->root);
                return EXIT_USAGE;
        }

        /* No config is a valid state, but not when the user named one: a typo in --config must not
         * quietly turn into "nothing configured". */
        if (a->config && rootdir_exists(root, a->config) == 0) {
                log_error("--config %s: no such file below the root", a->config);
                return EXIT_USAGE;
        }

        struct machine m;
        r = machine_detect(root, a->config, a->kernel, &m);
        if (r < 0)
                return EXIT_PROBLEMS;
        int status = EXIT_USAGE;
        if (!config_usable(&m))
                goto out;
        r = intent_flags_apply(a->flags, m.config);
        if (r < 0) {
                status = r == -ENOMEM ? EXIT_PROBLEMS : EXIT_USAGE;
                goto out;
        }
        apply_defaults(m.config);

        struct generation g;
        r = generation_run(&m, m.config, &g);
        if (r < 0) { /* it logged why */
                generation_done(&g);
                status = EXIT_PROBLEMS;
                goto out;
        }
        if (a->apply) {
                _cleanup_free_ char *error = NULL;
                if (!a->apply_options.remove &&
                    apply_add_loader_removals(&g, a->root, a->apply_options.bootloader, &error) == -ENOMEM) {
                        status = EXIT_PROBLEMS;
                        goto done;
                }
                status = apply_command(&g, &a->apply_options);
        } else {
                if (!a->verify && !a->guest && m.boot.bootloader != LOADER_UNKNOWN) {
                        r = apply_add_loader_removals(&g, a->root, BOOTLOADER_AUTO, &g.next_boot_error);
                        if (r >= 0)
                                r = apply_preview(&g, a->root, &g.next_boot_error);
                        if (r < 0 && !g.next_boot_error)
                                g.next_boot_error = strdup(strerror(-r));
                }
                status = a->guest ? guest_run(&g, &a->guest_options) : print_report(a, &g);
        }
done:
        generation_done(&g);
out:
        machine_done(&m);
        return status;
}

int main(int argc, char **argv)
{
        struct arguments a = { .root = "/" };
        log_setup("cmdlinegen", LOG_LEVEL_WARNING);
        int r = parse_arguments(argc, argv, &a);
        int status = r < 0 ? (r == -ENOMEM ? EXIT_PROBLEMS : EXIT_USAGE) : run(&a);
        intent_flags_free(a.flags);
        return status;
}
