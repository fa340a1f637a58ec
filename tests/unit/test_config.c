/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Tests of the /etc/initbind.conf parser (lib/config.c): every directive, the whitespace and
 * line-ending edge cases, and every diagnostic with its exact text and position.
 *
 * tests/bad-input/config/NAME.conf are malformed files; NAME.expected holds the diagnostics the
 * parser gives for it, one "NAME.conf:LINE:COLUMN: MESSAGE" per line, in order. To add a case,
 * add both files: test_bad_input_files() runs every .conf it finds there. With UPDATE_EXPECTED=1
 * in the environment it writes each NAME.expected from the parser's diagnostics instead.
 */

#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "config.h"
#include "fileio.h"
#include "rootdir.h"
#include "test-tree.h"

static struct initbind_config *parse_n(const char *text, size_t size)
{
        struct initbind_config *c = NULL;

        assert_int_equal(config_parse(text, size, "test.conf", &c), 0);
        assert_non_null(c);
        return c;
}

static struct initbind_config *parse(const char *text) { return parse_n(text, strlen(text)); }

/* Every diagnostic as "FILE:LINE:COLUMN: MESSAGE\n", concatenated (malloc'd). */
static char *diagnostics_text(const struct initbind_config *c)
{
        char *all = strdup("");

        assert_non_null(all);
        for (size_t i = 0; i < c->n_diagnostics; i++) {
                _cleanup_free_ char *line = config_diagnostic_format(c, &c->diagnostics[i]);
                char *joined = NULL;

                assert_non_null(line);
                assert_true(asprintf(&joined, "%s%s\n", all, line) >= 0);
                free(all);
                all = joined;
        }
        return all;
}

/* TEXT gives exactly the diagnostics EXPECTED (as diagnostics_text() writes them). */
static void assert_diagnostics(const char *text, size_t size, const char *expected)
{
        _cleanup_config_ struct initbind_config *c = parse_n(text, size);
        _cleanup_free_ char *got = diagnostics_text(c);

        if (!streq(got, expected))
                print_message("input: \"%.*s\"\n", (int) size, text);
        assert_string_equal(got, expected);
}

/* For a string literal, which may hold NUL bytes. */
#define assert_literal_diagnostics(literal, expected) assert_diagnostics(literal, sizeof(literal) - 1, expected)

struct error_case {
        const char *input;
        const char *expected;
};

static void check_error_cases(const struct error_case *cases, size_t n)
{
        for (size_t i = 0; i < n; i++)
                assert_diagnostics(cases[i].input, strlen(cases[i].input), cases[i].expected);
}

static void assert_address(const struct pci_address *a, uint32_t domain, uint8_t bus, uint8_t slot, uint8_t function)
{
        assert_int_equal(a->domain, domain);
        assert_int_equal(a->bus, bus);
        assert_int_equal(a->slot, slot);
        assert_int_equal(a->function, function);
}

static void test_empty_file(void **state)
{
        _cleanup_config_ struct initbind_config *c = parse("");

        assert_string_equal(c->file_name, "test.conf");
        assert_int_equal(c->n_claims, 0);
        assert_int_equal(c->n_keeps, 0);
        assert_int_equal(c->n_diagnostics, 0);
        assert_int_equal(c->n_guest_memory, 0);
        assert_int_equal(c->isolate_cores, 0);
        assert_null(c->isolate_cpus);
        assert_int_equal(c->isolcpus_flags, 0);
        assert_int_equal(c->hugepage_size, CONFIG_HUGEPAGE_SIZE_UNSET);
        assert_int_equal(c->acs_override, CONFIG_ACS_OVERRIDE_UNSET);
        assert_int_equal(c->kvm_ignore_msrs, CONFIG_BOOL_UNSET);
        assert_int_equal(c->nested_virtualization, CONFIG_BOOL_UNSET);
        assert_int_equal(c->transparent_hugepage, CONFIG_THP_UNSET);
        assert_int_equal(c->unsafe_interrupts, CONFIG_UNSAFE_INTERRUPTS_UNSET);
        assert_int_equal(c->framebuffer, CONFIG_FRAMEBUFFER_UNSET);
        for (unsigned d = 0; d < _CONFIG_DIRECTIVE_MAX; d++)
                assert_int_equal(c->directive_line[d], 0);
        assert_int_equal(config_guest_memory_total(c), 0);
}

static void test_comments_and_blank_lines(void **state)
{
        _cleanup_config_ struct initbind_config *c = parse("# initbind.conf\n"
                                                           "\n"
                                                           "   \t \n"
                                                           "\t# indented comment\n"
                                                           "claim 0b:00.0 # the guest GPU\n"
                                                           "claim 0b:00.1\t#audio, tab before\n"
                                                           "#claim 0c:00.0\n"
                                                           "keep 0000:0d:00.0 ### ## #\n");

        assert_int_equal(c->n_diagnostics, 0);
        assert_int_equal(c->n_claims, 2);
        assert_int_equal(c->claims[0].line, 5);
        assert_address(&c->claims[0].address, 0, 0x0b, 0, 0);
        assert_int_equal(c->claims[1].line, 6);
        assert_address(&c->claims[1].address, 0, 0x0b, 0, 1);
        assert_int_equal(c->n_keeps, 1);
        assert_int_equal(c->keeps[0].line, 8);
}

static void test_claim_address(void **state)
{
        _cleanup_config_ struct initbind_config *c =
                parse("claim 0000:0B:00.0 expect=10de:1b80 allow=console,unbind\n"
                      "claim 0b:00.1 allow=storage,partial-group expect=10de:10f0:1458:3728:040300\n"
                      "claim 10000:e1:1f.7\n");

        assert_int_equal(c->n_diagnostics, 0);
        assert_int_equal(c->n_claims, 3);

        assert_int_equal(c->claims[0].selector, CONFIG_SELECT_ADDRESS);
        assert_address(&c->claims[0].address, 0, 0x0b, 0, 0);
        assert_true(c->claims[0].has_expect);
        assert_int_equal(c->claims[0].expect.vendor, 0x10de);
        assert_int_equal(c->claims[0].expect.device, 0x1b80);
        assert_int_equal(c->claims[0].expect.subvendor, VFIO_ID_ANY);
        assert_int_equal(c->claims[0].allow, CONFIG_ALLOW_CONSOLE | CONFIG_ALLOW_UNBIND);
        assert_int_equal(c->claims[0].line, 1);
        assert_int_equal(c->claims[0].column, 7);

        assert_address(&c->claims[1].address, 0, 0x0b, 0, 1);
        assert_int_equal(c->claims[1].allow, CONFIG_ALLOW_STORAGE | CONFIG_ALLOW_PARTIAL_GROUP);
        assert_true(c->claims[1].has_expect);
        assert_int_equal(c->claims[1].expect.subvendor, 0x1458);
        assert_int_equal(c->claims[1].expect.subdevice, 0x3728);
        assert_int_equal(c->claims[1].expect.class_code, 0x040300);

        assert_address(&c->claims[2].address, 0x10000, 0xe1, 0x1f, 7);
        assert_false(c->claims[2].has_expect);
        assert_int_equal(c->claims[2].allow, 0);
}

static void test_claim_variant_and_owner(void **state)
{
        _cleanup_config_ struct initbind_config *c = parse("claim 0b:00.0 variant=none user=qemu group=kvm\n"
                                                           "claim group=7 group=1000 variant=auto\n"
                                                           "claim id=15b3:101e user=4294967294 group=machine$\n"
                                                           "claim 0c:00.0\n");

        assert_int_equal(c->n_diagnostics, 0);
        assert_int_equal(c->n_claims, 4);
        assert_true(c->claims[0].plain_vfio);
        assert_string_equal(c->claims[0].owner.user, "qemu");
        assert_int_equal(c->claims[0].owner.user_column, 33);
        assert_string_equal(c->claims[0].owner.group, "kvm");
        assert_int_equal(c->claims[0].owner.group_column, 44);
        /* After the selector, group= is the owner group: the selector keeps its meaning. */
        assert_int_equal(c->claims[1].selector, CONFIG_SELECT_GROUP);
        assert_int_equal(c->claims[1].group, 7);
        assert_false(c->claims[1].plain_vfio);
        assert_string_equal(c->claims[1].owner.group, "1000");
        assert_string_equal(c->claims[1].owner.user, "");
        assert_string_equal(c->claims[2].owner.user, "4294967294");
        assert_string_equal(c->claims[2].owner.group, "machine$");
        assert_false(config_owner_given(&c->claims[3].owner));
        assert_true(config_owner_given(&c->claims[1].owner));
}

static void test_claim_id_slot_group(void **state)
{
        _cleanup_config_ struct initbind_config *c =
                parse("claim id=10de:1b80\n"
                      "claim id=1002:ffffffff:ffffffff:ffffffff:030000:ff0000 allow=unbind\n"
                      "claim slot=0000:0c:00 allow=storage\n"
                      "claim slot=0d:1f\n"
                      "claim group=14 allow=partial-group,unbind\n"
                      "claim group=0\n");

        assert_int_equal(c->n_diagnostics, 0);
        assert_int_equal(c->n_claims, 6);

        assert_int_equal(c->claims[0].selector, CONFIG_SELECT_ID);
        assert_int_equal(c->claims[0].id.vendor, 0x10de);
        assert_int_equal(c->claims[0].id.device, 0x1b80);
        assert_int_equal(c->claims[0].id.class_mask, 0);

        assert_int_equal(c->claims[1].selector, CONFIG_SELECT_ID);
        assert_int_equal(c->claims[1].id.device, VFIO_ID_ANY);
        assert_int_equal(c->claims[1].id.class_code, 0x030000);
        assert_int_equal(c->claims[1].id.class_mask, 0xff0000);
        assert_int_equal(c->claims[1].allow, CONFIG_ALLOW_UNBIND);

        assert_int_equal(c->claims[2].selector, CONFIG_SELECT_SLOT);
        assert_address(&c->claims[2].address, 0, 0x0c, 0, 0);
        assert_int_equal(c->claims[2].allow, CONFIG_ALLOW_STORAGE);
        assert_int_equal(c->claims[3].selector, CONFIG_SELECT_SLOT);
        assert_address(&c->claims[3].address, 0, 0x0d, 0x1f, 0);

        assert_int_equal(c->claims[4].selector, CONFIG_SELECT_GROUP);
        assert_int_equal(c->claims[4].group, 14);
        assert_int_equal(c->claims[4].allow, CONFIG_ALLOW_PARTIAL_GROUP | CONFIG_ALLOW_UNBIND);
        assert_int_equal(c->claims[5].selector, CONFIG_SELECT_GROUP);
        assert_int_equal(c->claims[5].group, 0);
}

static void test_keep(void **state)
{
        /* A keep may name a function that a broader selector includes: that is what it is for. */
        _cleanup_config_ struct initbind_config *c = parse("claim id=10de:1b80\n"
                                                           "claim slot=0b:00\n"
                                                           "claim group=3\n"
                                                           "keep 0b:00.0\n"
                                                           "keep 0000:0c:00.1\n");

        assert_int_equal(c->n_diagnostics, 0);
        assert_int_equal(c->n_claims, 3);
        assert_int_equal(c->n_keeps, 2);
        assert_address(&c->keeps[0].address, 0, 0x0b, 0, 0);
        assert_int_equal(c->keeps[0].line, 4);
        assert_int_equal(c->keeps[0].column, 6);
        assert_address(&c->keeps[1].address, 0, 0x0c, 0, 1);
}

static void test_unbind_for_guests(void **state)
{
        /* Repeating one says nothing new and is no mistake; it never makes a claim. */
        _cleanup_config_ struct initbind_config *c = parse("unbind-for-guests 0b:00.1\n"
                                                           "unbind-for-guests 0000:0c:00.0 # a NIC\n"
                                                           "unbind-for-guests 0b:00.1\n");

        assert_int_equal(c->n_diagnostics, 0);
        assert_int_equal(c->n_claims, 0);
        assert_int_equal(c->n_lends, 3);
        assert_address(&c->lends[1].address, 0, 0x0c, 0, 0);
        assert_int_equal(c->lends[1].line, 2);
        assert_int_equal(c->lends[1].column, 19);
        struct pci_address a = { .bus = 0x0b, .function = 1 }, other = { .bus = 0x0b };
        assert_ptr_equal(config_find_lend(c, &a), &c->lends[0]);
        assert_null(config_find_lend(c, &other));
}

/* The columns are kept per word: cmdlinegen names them when the kernel lacks the parameter. */
static void test_vfio_pci_options(void **state)
{
        (void) state;
        _cleanup_config_ struct initbind_config *c = parse("\nvfio-pci-options  nointxmask,disable_idle_d3\n");
        assert_int_equal(c->n_diagnostics, 0);
        assert_int_equal(c->vfio_pci_options, CONFIG_VFIO_PCI_NOINTXMASK | CONFIG_VFIO_PCI_DISABLE_IDLE_D3);
        assert_int_equal(c->directive_line[CONFIG_DIRECTIVE_VFIO_PCI_OPTIONS], 2);
        assert_int_equal(c->vfio_pci_option_columns[2], 19);
        assert_int_equal(c->vfio_pci_option_columns[1], 30);
        assert_int_equal(c->vfio_pci_option_columns[0], 0);
        assert_string_equal(config_directive_to_string(CONFIG_DIRECTIVE_VFIO_PCI_OPTIONS), "vfio-pci-options");
}

static void test_isolation(void **state)
{
        _cleanup_config_ struct initbind_config *cores = parse("isolate-cores 6\nisolcpus-flags managed_irq,nohz\n");
        _cleanup_config_ struct initbind_config *cpus = parse("isolate-cpus 2-7,10-15:2/4,N\n");
        _cleanup_config_ struct initbind_config *max = parse("isolate-cores 8192\n"
                                                             "isolcpus-flags nohz,domain,managed_irq");
        _cleanup_config_ struct initbind_config *last = parse("isolate-cpus 8191\n");

        assert_int_equal(cores->n_diagnostics, 0);
        assert_int_equal(cores->isolate_cores, 6);
        assert_null(cores->isolate_cpus);
        assert_int_equal(cores->isolcpus_flags, CONFIG_ISOLCPUS_MANAGED_IRQ | CONFIG_ISOLCPUS_NOHZ);
        assert_int_equal(cores->directive_line[CONFIG_DIRECTIVE_ISOLATE_CORES], 1);
        assert_int_equal(cores->directive_line[CONFIG_DIRECTIVE_ISOLCPUS_FLAGS], 2);

        assert_int_equal(cpus->n_diagnostics, 0);
        assert_int_equal(cpus->isolate_cores, 0);
        assert_string_equal(cpus->isolate_cpus, "2-7,10-15:2/4,N");
        assert_int_equal(cpus->isolcpus_flags, 0);

        assert_int_equal(max->n_diagnostics, 0);
        assert_int_equal(max->isolate_cores, 8192);
        assert_int_equal(max->isolcpus_flags,
                         CONFIG_ISOLCPUS_NOHZ | CONFIG_ISOLCPUS_DOMAIN | CONFIG_ISOLCPUS_MANAGED_IRQ);
        assert_int_equal(last->n_diagnostics, 0);
        assert_string_equal(last->isolate_cpus, "8191");
        assert_int_equal(CONFIG_ISOLCPUS_FLAGS_DEFAULT, CONFIG_ISOLCPUS_DOMAIN | CONFIG_ISOLCPUS_MANAGED_IRQ);
}

static void test_guest_memory(void **state)
{
        _cleanup_config_ struct initbind_config *c = parse("guest-memory 16G\n"
                                                           "guest-memory 8192M node=1\n"
                                                           "guest-memory 512k\n"
                                                           "guest-memory 1t node=0\n"
                                                           "guest-memory 0016g\n");

        assert_int_equal(c->n_diagnostics, 0);
        assert_int_equal(c->n_guest_memory, 5);
        assert_int_equal(c->guest_memory[0].bytes, UINT64_C(16) << 30);
        assert_int_equal(c->guest_memory[0].node, -1);
        assert_int_equal(c->guest_memory[0].line, 1);
        assert_int_equal(c->guest_memory[0].column, 14);
        assert_int_equal(c->guest_memory[1].bytes, UINT64_C(8) << 30);
        assert_int_equal(c->guest_memory[1].node, 1);
        assert_int_equal(c->guest_memory[2].bytes, UINT64_C(512) << 10);
        assert_int_equal(c->guest_memory[3].bytes, UINT64_C(1) << 40);
        assert_int_equal(c->guest_memory[3].node, 0);
        assert_int_equal(c->guest_memory[4].bytes, UINT64_C(16) << 30);
        assert_int_equal(config_guest_memory_total(c),
                         (UINT64_C(40) << 30) + (UINT64_C(512) << 10) + (UINT64_C(1) << 40));
        /* Repeatable directives have no single line. */
        assert_int_equal(c->directive_line[CONFIG_DIRECTIVE_GUEST_MEMORY], 0);
}

static void test_guest_memory_largest(void **state)
{
        /* 16777215T + 1023G + ... stays below 2^64; exactly 2^64 - 1 cannot be written. */
        _cleanup_config_ struct initbind_config *c = parse("guest-memory 16777215T\n"
                                                           "guest-memory 1023G\n"
                                                           "guest-memory 1023M\n"
                                                           "guest-memory 1023K\n");

        assert_int_equal(c->n_diagnostics, 0);
        assert_int_equal(config_guest_memory_total(c), UINT64_MAX - 1023);
}

static void test_keywords(void **state)
{
        static const struct {
                const char *line;
                enum config_directive directive;
                size_t offset;
                int value;
        } cases[] = {
#define CASE(line, d, field, v) { line, CONFIG_DIRECTIVE_##d, offsetof(struct initbind_config, field), v }
                CASE("hugepage-size auto", HUGEPAGE_SIZE, hugepage_size, CONFIG_HUGEPAGE_SIZE_AUTO),
                CASE("hugepage-size 2M", HUGEPAGE_SIZE, hugepage_size, CONFIG_HUGEPAGE_SIZE_2M),
                CASE("hugepage-size 1G", HUGEPAGE_SIZE, hugepage_size, CONFIG_HUGEPAGE_SIZE_1G),
                CASE("acs-override never", ACS_OVERRIDE, acs_override, CONFIG_ACS_OVERRIDE_NEVER),
                CASE("acs-override if-needed", ACS_OVERRIDE, acs_override, CONFIG_ACS_OVERRIDE_IF_NEEDED),
                CASE("kvm-ignore-msrs yes", KVM_IGNORE_MSRS, kvm_ignore_msrs, CONFIG_BOOL_YES),
                CASE("kvm-ignore-msrs no", KVM_IGNORE_MSRS, kvm_ignore_msrs, CONFIG_BOOL_NO),
                CASE("nested-virtualization yes", NESTED_VIRTUALIZATION, nested_virtualization, CONFIG_BOOL_YES),
                CASE("nested-virtualization no", NESTED_VIRTUALIZATION, nested_virtualization, CONFIG_BOOL_NO),
                CASE("transparent-hugepage never", TRANSPARENT_HUGEPAGE, transparent_hugepage, CONFIG_THP_NEVER),
                CASE("transparent-hugepage madvise", TRANSPARENT_HUGEPAGE, transparent_hugepage, CONFIG_THP_MADVISE),
                CASE("transparent-hugepage always", TRANSPARENT_HUGEPAGE, transparent_hugepage, CONFIG_THP_ALWAYS),
                CASE("transparent-hugepage unchanged", TRANSPARENT_HUGEPAGE, transparent_hugepage,
                     CONFIG_THP_UNCHANGED),
                CASE("unsafe-interrupts no", UNSAFE_INTERRUPTS, unsafe_interrupts, CONFIG_UNSAFE_INTERRUPTS_NO),
                CASE("unsafe-interrupts if-needed", UNSAFE_INTERRUPTS, unsafe_interrupts,
                     CONFIG_UNSAFE_INTERRUPTS_IF_NEEDED),
                CASE("framebuffer auto", FRAMEBUFFER, framebuffer, CONFIG_FRAMEBUFFER_AUTO),
                CASE("framebuffer keep", FRAMEBUFFER, framebuffer, CONFIG_FRAMEBUFFER_KEEP),
#undef CASE
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_free_ char *text = NULL;
                assert_true(asprintf(&text, "\n%s\n", cases[i].line) >= 0);
                _cleanup_config_ struct initbind_config *c = parse(text);
                int value;

                memcpy(&value, (const char *) c + cases[i].offset, sizeof(value));
                if (c->n_diagnostics != 0 || value != cases[i].value)
                        print_message("%s\n", cases[i].line);
                assert_int_equal(c->n_diagnostics, 0);
                assert_int_equal(value, cases[i].value);
                assert_int_equal(c->directive_line[cases[i].directive], 2);
                assert_string_equal(config_directive_to_string(cases[i].directive),
                                    strndupa(cases[i].line, strcspn(cases[i].line, " ")));
        }
}

static void test_every_directive_together(void **state)
{
        static const char text[] = "claim 0000:0b:00.0 expect=10de:1b80 allow=console\n"
                                   "claim 0000:0b:00.1\n"
                                   "keep 0000:0c:00.0\n"
                                   "isolate-cores 4\n"
                                   "isolcpus-flags domain\n"
                                   "guest-memory 16G node=0\n"
                                   "hugepage-size 1G\n"
                                   "acs-override if-needed\n"
                                   "kvm-ignore-msrs yes\n"
                                   "nested-virtualization no\n"
                                   "transparent-hugepage never\n"
                                   "unsafe-interrupts if-needed\n"
                                   "framebuffer keep\n";
        _cleanup_config_ struct initbind_config *c = parse(text);

        assert_int_equal(c->n_diagnostics, 0);
        assert_int_equal(c->n_claims, 2);
        assert_int_equal(c->n_keeps, 1);
        assert_int_equal(c->isolate_cores, 4);
        assert_int_equal(c->isolcpus_flags, CONFIG_ISOLCPUS_DOMAIN);
        assert_int_equal(config_guest_memory_total(c), UINT64_C(16) << 30);
        assert_int_equal(c->hugepage_size, CONFIG_HUGEPAGE_SIZE_1G);
        assert_int_equal(c->acs_override, CONFIG_ACS_OVERRIDE_IF_NEEDED);
        assert_int_equal(c->kvm_ignore_msrs, CONFIG_BOOL_YES);
        assert_int_equal(c->nested_virtualization, CONFIG_BOOL_NO);
        assert_int_equal(c->transparent_hugepage, CONFIG_THP_NEVER);
        assert_int_equal(c->unsafe_interrupts, CONFIG_UNSAFE_INTERRUPTS_IF_NEEDED);
        assert_int_equal(c->framebuffer, CONFIG_FRAMEBUFFER_KEEP);
        assert_int_equal(c->directive_line[CONFIG_DIRECTIVE_FRAMEBUFFER], 13);
}

static void test_tabs_and_trailing_blanks(void **state)
{
        _cleanup_config_ struct initbind_config *c = parse("\tclaim\t\t0b:00.0   allow=unbind\t \n"
                                                           "  hugepage-size \t 2M \t\n");

        assert_int_equal(c->n_diagnostics, 0);
        assert_int_equal(c->n_claims, 1);
        assert_int_equal(c->claims[0].column, 9); /* a tab counts as one column */
        assert_int_equal(c->claims[0].allow, CONFIG_ALLOW_UNBIND);
        assert_int_equal(c->hugepage_size, CONFIG_HUGEPAGE_SIZE_2M);

        /* Columns count bytes, a tab as one. */
        assert_literal_diagnostics("\tclaim\t0b:00.9\n", "test.conf:1:14: expected a function number 0-7, got '9'\n");
}

static void test_crlf(void **state)
{
        _cleanup_config_ struct initbind_config *c =
                parse("# comment\r\nclaim 0b:00.0 allow=unbind\r\nframebuffer keep\r\nkeep 0c:00.0\r");

        assert_int_equal(c->n_diagnostics, 0);
        assert_int_equal(c->n_claims, 1);
        assert_int_equal(c->claims[0].allow, CONFIG_ALLOW_UNBIND);
        assert_int_equal(c->framebuffer, CONFIG_FRAMEBUFFER_KEEP);
        assert_int_equal(c->n_keeps, 1);
        assert_int_equal(c->keeps[0].line, 4);

        /* The CR is gone before the words are split: errors point where they would without it. */
        assert_literal_diagnostics("hugepage-size\r\n",
                                   "test.conf:1:14: expected auto, 2M or 1G after 'hugepage-size', got end of line\n");
        /* Only the one before the line feed is a line ending. */
        assert_literal_diagnostics("framebuffer keep\r\r\n",
                                   "test.conf:1:17: expected printable text, got control character 0x0d\n");
        assert_literal_diagnostics("claim 0b:00.0\rkeep 0c:00.0\n",
                                   "test.conf:1:14: expected printable text, got control character 0x0d\n");
}

static void test_no_final_newline(void **state)
{
        _cleanup_config_ struct initbind_config *c = parse("claim 0b:00.0\nkeep 0c:00.0");

        assert_int_equal(c->n_diagnostics, 0);
        assert_int_equal(c->n_keeps, 1);
        assert_int_equal(c->keeps[0].line, 2);
        assert_literal_diagnostics("claim 0b:00.0\nkeep",
                                   "test.conf:2:5: expected a PCI address after 'keep', got end of line\n");
}

static void test_byte_order_mark(void **state)
{
        _cleanup_config_ struct initbind_config *c = parse("\xef\xbb\xbf"
                                                           "claim 0b:00.0\n");

        assert_int_equal(c->n_diagnostics, 0);
        assert_int_equal(c->n_claims, 1);
        assert_int_equal(c->claims[0].column, 7);
        /* Only at the start of the file. */
        assert_literal_diagnostics("\n\xef\xbb\xbf"
                                   "claim 0b:00.0\n",
                                   "test.conf:2:1: unknown directive '\xef\xbb\xbf"
                                   "claim'\n");
}

static void test_utf8_comments(void **state)
{
        _cleanup_config_ struct initbind_config *c = parse("claim 0b:00.0 # carte graphique « invité » 🖥\n");

        assert_int_equal(c->n_diagnostics, 0);
        assert_int_equal(c->n_claims, 1);
}

static void test_errors_in_lines(void **state)
{
        char long_line[CONFIG_LINE_MAX + 2];

        /* NUL bytes and bytes that are not UTF-8 spoil the whole line, comment or not. */
        assert_literal_diagnostics("claim 0b:00.0\nclaim 0b\0:00.1\nkeep 0c:00.0\n",
                                   "test.conf:2:9: expected text, got a NUL byte\n");
        assert_literal_diagnostics("keep 0c:00.0 # caf\xe9\n", "test.conf:1:19: expected UTF-8 text, got byte 0xe9\n");
        assert_literal_diagnostics("# \xc0\xaf overlong\n", "test.conf:1:3: expected UTF-8 text, got byte 0xc0\n");
        assert_literal_diagnostics("# \xed\xa0\x80 surrogate\n", "test.conf:1:3: expected UTF-8 text, got byte 0xed\n");
        assert_literal_diagnostics("# \xf4\x90\x80\x80 too big\n",
                                   "test.conf:1:3: expected UTF-8 text, got byte 0xf4\n");
        assert_literal_diagnostics("# cut \xe2\x82", "test.conf:1:7: expected UTF-8 text, got byte 0xe2\n");
        assert_literal_diagnostics("claim\v0b:00.0\n",
                                   "test.conf:1:6: expected printable text, got control character 0x0b\n");
        assert_literal_diagnostics("claim 0b:00.0\x7f\n",
                                   "test.conf:1:14: expected printable text, got control character 0x7f\n");
        /* ...but control characters are fine in a comment. */
        assert_literal_diagnostics("keep 0c:00.0 # page\f\n", "");

        memset(long_line, '#', CONFIG_LINE_MAX);
        assert_diagnostics(long_line, CONFIG_LINE_MAX, "");
        long_line[CONFIG_LINE_MAX] = '#';
        long_line[CONFIG_LINE_MAX + 1] = '\n';
        assert_diagnostics(long_line, CONFIG_LINE_MAX + 2, "test.conf:1:4097: line is longer than 4096 bytes\n");
}

static void test_errors_in_directives(void **state)
{
        static const struct error_case cases[] = {
                { "clam 0b:00.0\n", "test.conf:1:1: unknown directive 'clam' (did you mean 'claim'?)\n" },
                { "CLAIM 0b:00.0\n", "test.conf:1:1: unknown directive 'CLAIM' (did you mean 'claim'?)\n" },
                { "nested-virtualisation yes\n", "test.conf:1:1: unknown directive 'nested-virtualisation' (did you "
                                                 "mean 'nested-virtualization'?)\n" },
                { "bind 0b:00.0\n", "test.conf:1:1: unknown directive 'bind'\n" },
                { "unbind-for-guests\n",
                  "test.conf:1:18: expected a PCI address after 'unbind-for-guests', got end of line\n" },
                { "unbind-for-guests 0b:00.8\n", "test.conf:1:25: expected a function number 0-7, got '8'\n" },
                { "unbind-for-guests 0b:00.1 0b:00.2\n",
                  "test.conf:1:27: expected end of line, got '0b:00.2' ('unbind-for-guests' takes one PCI address)\n" },
                { "  hugepage-size=1G\n",
                  "test.conf:1:16: expected a space between 'hugepage-size' and its value, got '='\n" },
                { "hugepagesize=1G\n",
                  "test.conf:1:1: unknown directive 'hugepagesize=1G' (did you mean 'hugepage-size'?)\n" },
                { "claim\n",
                  "test.conf:1:6: expected a PCI address, id=, slot= or group= after 'claim', got end of line\n" },
                { "keep  # nothing\n", "test.conf:1:5: expected a PCI address after 'keep', got end of line\n" },
                { "isolate-cores\n",
                  "test.conf:1:14: expected a number of cores after 'isolate-cores', got end of line\n" },
                { "isolate-cpus\t\n",
                  "test.conf:1:13: expected a CPU list such as 2-7,10-15 after 'isolate-cpus', got end of line\n" },
                { "isolcpus-flags\n",
                  "test.conf:1:15: expected nohz, domain or managed_irq after 'isolcpus-flags', got end of line\n" },
                { "guest-memory\n",
                  "test.conf:1:13: expected a size such as 16G after 'guest-memory', got end of line\n" },
                { "hugepage-size\n",
                  "test.conf:1:14: expected auto, 2M or 1G after 'hugepage-size', got end of line\n" },
                { "acs-override\n",
                  "test.conf:1:13: expected never or if-needed after 'acs-override', got end of line\n" },
                { "kvm-ignore-msrs\n",
                  "test.conf:1:16: expected yes or no after 'kvm-ignore-msrs', got end of line\n" },
                { "nested-virtualization\n",
                  "test.conf:1:22: expected yes or no after 'nested-virtualization', got end of line\n" },
                { "transparent-hugepage\n", "test.conf:1:21: expected never, madvise, always or unchanged after "
                                            "'transparent-hugepage', got end of line\n" },
                { "unsafe-interrupts\n",
                  "test.conf:1:18: expected no or if-needed after 'unsafe-interrupts', got end of line\n" },
                { "framebuffer\n", "test.conf:1:12: expected auto or keep after 'framebuffer', got end of line\n" },
                { "hugepage-size 1G 2M\n",
                  "test.conf:1:18: expected end of line, got '2M' ('hugepage-size' takes one value)\n" },
                { "keep 0c:00.0 allow=unbind\n",
                  "test.conf:1:14: expected end of line, got 'allow=unbind' ('keep' takes one PCI address)\n" },
                { "isolate-cores 4 cores\n",
                  "test.conf:1:17: expected end of line, got 'cores' ('isolate-cores' takes one number)\n" },
                { "isolate-cpus 2-5 8-11\n",
                  "test.conf:1:18: expected end of line, got '8-11' ('isolate-cpus' takes one CPU list)\n" },
                { "isolcpus-flags nohz domain\n", "test.conf:1:21: expected end of line, got 'domain' "
                                                  "('isolcpus-flags' takes one comma-separated list)\n" },
                { "hugepage-size 4M\n", "test.conf:1:15: expected auto, 2M or 1G, got '4M'\n" },
                { "hugepage-size 1g\n", "test.conf:1:15: expected auto, 2M or 1G, got '1g'\n" },
                { "acs-override always\n", "test.conf:1:14: expected never or if-needed, got 'always'\n" },
                { "kvm-ignore-msrs true\n", "test.conf:1:17: expected yes or no, got 'true'\n" },
                { "nested-virtualization on\n", "test.conf:1:23: expected yes or no, got 'on'\n" },
                { "transparent-hugepage off\n",
                  "test.conf:1:22: expected never, madvise, always or unchanged, got 'off'\n" },
                { "unsafe-interrupts yes\n", "test.conf:1:19: expected no or if-needed, got 'yes'\n" },
                { "framebuffer off\n", "test.conf:1:13: expected auto or keep, got 'off'\n" },
        };

        check_error_cases(cases, ELEMENTSOF(cases));
}

static void test_errors_in_claims(void **state)
{
        static const struct error_case cases[] = {
                { "claim 0000:0b:00.9\n", "test.conf:1:18: expected a function number 0-7, got '9'\n" },
                { "claim 0b:00.0x\n", "test.conf:1:14: expected the end of the address, got 'x'\n" },
                { "claim 0b:00.0#gpu\n",
                  "test.conf:1:14: expected the end of the address, got '#' (a comment needs a blank before it)\n" },
                { "claim 0b:00\n", "test.conf:1:7: expected a PCI address, got '0b:00' (to claim every function of the "
                                   "device, write slot=0b:00)\n" },
                { "claim 10de:1b80\n",
                  "test.conf:1:7: expected a PCI address, got '10de:1b80' (to claim by ID, write id=10de:1b80)\n" },
                { "claim 0b:00.\n", "test.conf:1:13: expected a function number 0-7, got end of address\n" },
                { "claim gpu\n", "test.conf:1:7: expected a PCI address such as 0000:0b:00.0, got 'gpu'\n" },
                { "claim 0b:20.0\n", "test.conf:1:10: expected a 2-digit hex slot number 00-1f, got '20'\n" },
                { "claim slot=0b:00.0\n",
                  "test.conf:1:17: expected the end of the slot (a slot has no .function), got '.'\n" },
                { "claim slot=\n", "test.conf:1:12: expected a PCI slot such as 0000:0b:00, got end of slot\n" },
                { "claim id=10de:1b80,10de:10f0\n", "test.conf:1:19: expected one ID per claim line, got ','\n" },
                { "claim id=10de\n", "test.conf:1:14: expected ':' and a hex device ID, got end of ID\n" },
                { "claim id=nvidia:1b80\n", "test.conf:1:10: expected a hex vendor ID (1-4 digits), got 'nvidia'\n" },
                { "claim group=x\n", "test.conf:1:13: expected an IOMMU group number, got 'x'\n" },
                { "claim group=12a\n", "test.conf:1:15: expected an IOMMU group number, got '12a'\n" },
                { "claim group=2147483648\n", "test.conf:1:13: expected an IOMMU group number, got '2147483648'\n" },
                { "claim group=\n", "test.conf:1:13: expected an IOMMU group number, got end of selector\n" },
                { "claim vendor=10de\n",
                  "test.conf:1:7: unknown selector 'vendor=': expected a PCI address, id=, slot= or group=\n" },
                { "claim 0b:00.0 force\n",
                  "test.conf:1:15: unknown option 'force': expected expect=, allow=, variant=, user= or group=\n" },
                { "claim 0b:00.0 alow=console\n",
                  "test.conf:1:15: unknown option 'alow=console' (did you mean 'allow='?)\n" },
                { "claim 0b:00.0 unbind\n",
                  "test.conf:1:15: unknown option 'unbind' (did you mean 'allow=unbind'?)\n" },
                { "claim 0b:00.0 expect=10de\n", "test.conf:1:26: expected ':' and a hex device ID, got end of ID\n" },
                { "claim 0b:00.0 expect=\n", "test.conf:1:22: expected a hex vendor ID (1-4 digits), got end of ID\n" },
                { "claim 0b:00.0 expect=10de:1b80 expect=10de:1b81\n",
                  "test.conf:1:32: option 'expect=' given twice\n" },
                { "claim id=10de:1b80 expect=10de:1b80\n",
                  "test.conf:1:20: option 'expect=' needs a PCI address selector\n" },
                { "claim slot=0b:00 expect=10de:1b80\n",
                  "test.conf:1:18: option 'expect=' needs a PCI address selector\n" },
                { "claim group=1 expect=10de:1b80\n",
                  "test.conf:1:15: option 'expect=' needs a PCI address selector\n" },
                { "claim slot=0b:00 allow=unbind,console\n",
                  "test.conf:1:31: permission 'console' needs a PCI address selector\n" },
                { "claim id=10de:1b80 allow=console\n",
                  "test.conf:1:26: permission 'console' needs a PCI address selector\n" },
                { "claim group=4 allow=console\n",
                  "test.conf:1:21: permission 'console' needs a PCI address selector\n" },
                { "claim 0b:00.0 allow=\n",
                  "test.conf:1:21: expected console, storage, unbind or partial-group, got end of list\n" },
                { "claim 0b:00.0 allow=unbind,\n",
                  "test.conf:1:28: expected console, storage, unbind or partial-group, got end of list\n" },
                { "claim 0b:00.0 allow=,unbind\n",
                  "test.conf:1:21: expected console, storage, unbind or partial-group, got ','\n" },
                { "claim 0b:00.0 allow=rebind\n",
                  "test.conf:1:21: unknown permission 'rebind': expected console, storage, unbind or partial-group\n" },
                { "claim 0b:00.0 allow=unbind,unbind\n", "test.conf:1:28: permission 'unbind' given twice\n" },
                { "claim 0b:00.0 allow=unbind allow=storage\n", "test.conf:1:28: option 'allow=' given twice\n" },
                { "claim 0b:00.0 variant=mlx5\n",
                  "test.conf:1:23: expected variant=auto or variant=none, got 'mlx5'\n" },
                { "claim 0b:00.0 variant=\n",
                  "test.conf:1:23: expected variant=auto or variant=none, got end of option\n" },
                { "claim 0b:00.0 variant=none variant=auto\n", "test.conf:1:28: option 'variant=' given twice\n" },
                { "claim 0b:00.0 user=\n", "test.conf:1:20: expected a user name or number, got end of option\n" },
                { "claim 0b:00.0 user=-qemu\n",
                  "test.conf:1:20: expected a user name (letters, digits, '_', '.', '-') or number, got '-'\n" },
                { "claim 0b:00.0 user=qe:mu\n",
                  "test.conf:1:22: expected a user name (letters, digits, '_', '.', '-') or number, got ':'\n" },
                { "claim 0b:00.0 group=4294967295\n",
                  "test.conf:1:21: group id '4294967295' is out of range: expected 0-4294967294\n" },
                { "claim 0b:00.0 user=abcdefghijabcdefghijabcdefghijabc\n",
                  "test.conf:1:20: user name 'abcdefghijabcdefghijabcdefghijabc' is longer than 32 characters\n" },
                { "claim 0b:00.0 user=a user=b\n", "test.conf:1:22: option 'user=' given twice\n" },
                { "claim 0b:00.0 group=a group=b\n", "test.conf:1:23: option 'group=' given twice\n" },
                { "claim 0b:00.0 owner=qemu\n", "test.conf:1:15: unknown option 'owner=qemu': expected expect=, "
                                                "allow=, variant=, user= or group=\n" },
                /* Every mistake of a line is reported, left to right. */
                { "claim group=2 expect=10de:1b80 allow=console,unbind,console,,foo bar\n",
                  "test.conf:1:15: option 'expect=' needs a PCI address selector\n"
                  "test.conf:1:38: permission 'console' needs a PCI address selector\n"
                  "test.conf:1:53: permission 'console' given twice\n"
                  "test.conf:1:61: expected console, storage, unbind or partial-group, got ','\n"
                  "test.conf:1:62: unknown permission 'foo': expected console, storage, unbind or partial-group\n"
                  "test.conf:1:66: unknown option 'bar': expected expect=, allow=, variant=, user= or group=\n" },
        };

        check_error_cases(cases, ELEMENTSOF(cases));
}

static void test_errors_in_values(void **state)
{
        static const struct error_case cases[] = {
                { "keep 0b:00.8\n", "test.conf:1:12: expected a function number 0-7, got '8'\n" },
                { "keep slot=0b:00\n", "test.conf:1:6: expected a PCI address such as 0000:0b:00.0, got 'slot'\n" },
                { "isolate-cores 0\n", "test.conf:1:15: expected a number of cores 1-8192, got '0'\n" },
                { "isolate-cores 8193\n", "test.conf:1:15: expected a number of cores 1-8192, got '8193'\n" },
                { "isolate-cores 4x\n", "test.conf:1:16: expected a number of cores 1-8192, got '4x'\n" },
                { "isolate-cores -1\n", "test.conf:1:15: expected a number of cores 1-8192, got '-1'\n" },
                { "isolate-cores 99999999999999999999999\n",
                  "test.conf:1:15: expected a number of cores 1-8192, got '99999999999999999999999'\n" },
                { "isolate-cpus 9000\n", "test.conf:1:14: expected a CPU number below 8192, got '9000'\n" },
                { "isolate-cpus 0-99999999999\n",
                  "test.conf:1:16: expected a CPU number below 8192, got '99999999999'\n" },
                { "isolate-cpus 2-\n", "test.conf:1:16: expected a CPU number or N after '-', got end of list\n" },
                { "isolate-cpus 7-2\n", "test.conf:1:16: expected a range end not below its start, got '2'\n" },
                { "isolate-cpus 2-7;9\n", "test.conf:1:17: expected ',' or ':used/group' after a range, got ';'\n" },
                { "isolate-cpus ,\n", "test.conf:1:14: expected at least one CPU, got ','\n" },
                { "isolcpus-flags nohz,isolate\n",
                  "test.conf:1:21: unknown isolcpus flag 'isolate': expected nohz, domain or managed_irq\n" },
                { "isolcpus-flags managed-irq\n",
                  "test.conf:1:16: unknown isolcpus flag 'managed-irq': expected nohz, domain or managed_irq\n" },
                { "isolcpus-flags domain,domain\n", "test.conf:1:23: isolcpus flag 'domain' given twice\n" },
                { "isolcpus-flags nohz,\n", "test.conf:1:21: expected nohz, domain or managed_irq, got end of list\n" },
                { "vfio-pci-options disable-vga\n", "test.conf:1:18: unknown vfio-pci option 'disable-vga': expected "
                                                    "disable_vga, disable_idle_d3 or nointxmask\n" },
                { "vfio-pci-options nointxmask,nointxmask\n",
                  "test.conf:1:29: vfio-pci option 'nointxmask' given twice\n" },
                { "vfio-pci-options\n", "test.conf:1:17: expected disable_vga, disable_idle_d3 or nointxmask after "
                                        "'vfio-pci-options', got end of line\n" },
        };

        check_error_cases(cases, ELEMENTSOF(cases));
}

static void test_errors_in_sizes(void **state)
{
        static const struct error_case cases[] = {
                { "guest-memory 16GB\n", "test.conf:1:16: expected a size suffix K, M, G or T after '16', got 'GB'\n" },
                { "guest-memory 16GiB\n",
                  "test.conf:1:16: expected a size suffix K, M, G or T after '16', got 'GiB'\n" },
                { "guest-memory 16384\n",
                  "test.conf:1:19: expected a size suffix K, M, G or T after '16384', got end of size\n" },
                { "guest-memory 16P\n", "test.conf:1:16: expected a size suffix K, M, G or T after '16', got 'P'\n" },
                { "guest-memory 1.5G\n", "test.conf:1:15: expected a size suffix K, M, G or T after '1', got '.5G'\n" },
                { "guest-memory G\n", "test.conf:1:14: expected a size such as 16G or 8192M, got 'G'\n" },
                { "guest-memory 0G\n", "test.conf:1:14: expected a size greater than zero, got '0G'\n" },
                { "guest-memory 16777216T\n", "test.conf:1:14: size '16777216T' is too large (16 EiB or more)\n" },
                { "guest-memory 18446744073709551616K\n",
                  "test.conf:1:14: size '18446744073709551616K' is too large (16 EiB or more)\n" },
                { "guest-memory 16777215T\nguest-memory 1024G\n",
                  "test.conf:2:14: the guest-memory lines add up to 16 EiB or more\n" },
                { "guest-memory 16G node=1024\n", "test.conf:1:23: expected a NUMA node number 0-1023, got '1024'\n" },
                { "guest-memory 16G node=\n",
                  "test.conf:1:23: expected a NUMA node number 0-1023, got end of option\n" },
                { "guest-memory 16G node=a\n", "test.conf:1:23: expected a NUMA node number 0-1023, got 'a'\n" },
                { "guest-memory 16G node=0 node=1\n", "test.conf:1:25: option 'node=' given twice\n" },
                { "guest-memory 16G 8G\n",
                  "test.conf:1:18: unknown option '8G': expected node=N (write one guest-memory line per guest)\n" },
        };

        check_error_cases(cases, ELEMENTSOF(cases));
}

static void test_duplicates_and_conflicts(void **state)
{
        static const struct error_case cases[] = {
                { "hugepage-size 1G\n\nhugepage-size 2M\n",
                  "test.conf:3:1: duplicate 'hugepage-size': first given on line 1\n" },
                /* A bad first line is still the first. */
                { "framebuffer off\nframebuffer keep\n",
                  "test.conf:1:13: expected auto or keep, got 'off'\n"
                  "test.conf:2:1: duplicate 'framebuffer': first given on line 1\n" },
                { "isolate-cores 4\nisolate-cpus 2-9\n",
                  "test.conf:2:1: 'isolate-cpus' conflicts with 'isolate-cores' on line 1: use one of them\n" },
                { "isolate-cpus 2-9\nisolate-cores 4\n",
                  "test.conf:2:1: 'isolate-cores' conflicts with 'isolate-cpus' on line 1: use one of them\n" },
                { "claim 0b:00.0\nclaim 0000:0b:00.0 allow=unbind\n",
                  "test.conf:2:7: duplicate claim: line 1 already claims 0000:0b:00.0\n" },
                { "claim slot=0b:00\nclaim slot=0000:0B:00\n",
                  "test.conf:2:7: duplicate claim: line 1 already claims slot=0000:0b:00\n" },
                { "claim id=10de:1b80\nclaim id=0x10DE:1b80\n",
                  "test.conf:2:7: duplicate claim: line 1 already claims id=10de:1b80\n" },
                { "claim group=7\nclaim group=07\n",
                  "test.conf:2:7: duplicate claim: line 1 already claims group=7\n" },
                { "keep 0c:00.0\nkeep 0000:0c:00.0\n",
                  "test.conf:2:6: duplicate keep: line 1 already keeps 0000:0c:00.0\n" },
                /* The claim is dropped and the keep stays, whichever comes first. */
                { "claim 0b:00.0\nkeep 0b:00.0\n",
                  "test.conf:1:7: claim of 0000:0b:00.0 conflicts with 'keep' on line 2\n" },
                { "keep 0b:00.0\nclaim foo\n\tclaim 0b:00.0\n",
                  "test.conf:2:7: expected a 4-8 digit hex domain or a 2-digit hex bus number, got 'foo'\n"
                  "test.conf:3:8: claim of 0000:0b:00.0 conflicts with 'keep' on line 1\n" },
        };

        check_error_cases(cases, ELEMENTSOF(cases));

        /* Overlapping selectors of different kinds are not duplicates. */
        assert_literal_diagnostics(
                "claim 0b:00.0\nclaim slot=0b:00\nclaim id=10de:1b80\nclaim id=10de:1b80:1458:3728\n", "");
}

static void test_claim_keep_conflict_result(void **state)
{
        _cleanup_config_ struct initbind_config *c = parse("claim 0b:00.0\nclaim 0b:00.1\nkeep 0b:00.0\n");

        assert_int_equal(c->n_diagnostics, 1);
        assert_int_equal(c->diagnostics[0].directive, CONFIG_DIRECTIVE_CLAIM);
        assert_int_equal(c->n_claims, 1);
        assert_address(&c->claims[0].address, 0, 0x0b, 0, 1);
        assert_int_equal(c->n_keeps, 1);
}

/* What initbind at boot relies on: the good lines of a bad file, and which lines went bad. */
static void test_good_lines_of_a_bad_file(void **state)
{
        _cleanup_config_ struct initbind_config *c = parse("claim 0b:00.0\n"
                                                           "claim 0b:00.9\n"
                                                           "kep 0c:00.0\n"
                                                           "keep 0d:00.0 allow=unbind\n"
                                                           "claim id=10de:1b80 allow=console\n"
                                                           "claim slot=0e:00 allow=storage\n"
                                                           "hugepage-size 3M\n"
                                                           "keep 0f:00.0\n");

        assert_int_equal(c->n_diagnostics, 5);
        assert_int_equal(c->diagnostics[0].line, 2);
        assert_int_equal(c->diagnostics[0].directive, CONFIG_DIRECTIVE_CLAIM);
        assert_int_equal(c->diagnostics[1].line, 3);
        assert_int_equal(c->diagnostics[1].directive, CONFIG_DIRECTIVE_NONE);
        assert_int_equal(c->diagnostics[2].directive, CONFIG_DIRECTIVE_KEEP);
        assert_int_equal(c->diagnostics[3].directive, CONFIG_DIRECTIVE_CLAIM);
        assert_int_equal(c->diagnostics[4].directive, CONFIG_DIRECTIVE_HUGEPAGE_SIZE);
        assert_string_equal(c->diagnostics[4].message, "expected auto, 2M or 1G, got '3M'");
        assert_int_equal(c->diagnostics[4].column, 15);

        assert_int_equal(c->n_claims, 2);
        assert_int_equal(c->claims[0].line, 1);
        assert_int_equal(c->claims[1].line, 6);
        assert_int_equal(c->claims[1].allow, CONFIG_ALLOW_STORAGE);
        assert_int_equal(c->n_keeps, 1);
        assert_int_equal(c->keeps[0].line, 8);
        assert_int_equal(c->hugepage_size, CONFIG_HUGEPAGE_SIZE_UNSET);
        assert_int_equal(c->directive_line[CONFIG_DIRECTIVE_HUGEPAGE_SIZE], 0);
}

static void test_long_text_is_cut_in_messages(void **state)
{
        _cleanup_config_ struct initbind_config *c =
                parse("frobnicate-the-whole-machine-with-a-directive-name-of-sixty-bytes\n"
                      "hugepage-size xééééééééééééééééééééééééééééé\n");

        assert_int_equal(c->n_diagnostics, 2);
        assert_string_equal(c->diagnostics[0].message,
                            "unknown directive 'frobnicate-the-whole-machine-with-a-directive-na...'");
        /* 48 bytes would split the 24th 'é': the cut is before it. */
        assert_string_equal(c->diagnostics[1].message, "expected auto, 2M or 1G, got 'xééééééééééééééééééééééé...'");
}

static void test_diagnostic_format(void **state)
{
        _cleanup_config_ struct initbind_config *c = NULL;
        _cleanup_free_ char *s = NULL;

        assert_int_equal(config_parse("\n\nkeep 0b:00.8", 14, "/etc/initbind.conf", &c), 0);
        assert_int_equal(c->n_diagnostics, 1);
        assert_int_equal(c->diagnostics[0].line, 3);
        assert_int_equal(c->diagnostics[0].column, 12);
        assert_int_equal(c->diagnostics[0].directive, CONFIG_DIRECTIVE_KEEP);
        s = config_diagnostic_format(c, &c->diagnostics[0]);
        assert_string_equal(s, "/etc/initbind.conf:3:12: expected a function number 0-7, got '8'");
}

static void test_directive_to_string(void **state)
{
        assert_string_equal(config_directive_to_string(CONFIG_DIRECTIVE_NONE), "");
        assert_string_equal(config_directive_to_string(CONFIG_DIRECTIVE_CLAIM), "claim");
        assert_string_equal(config_directive_to_string(CONFIG_DIRECTIVE_ISOLCPUS_FLAGS), "isolcpus-flags");
        assert_string_equal(config_directive_to_string(_CONFIG_DIRECTIVE_MAX), "");
}

static void test_intent_origin(void **state)
{
        _cleanup_config_ struct initbind_config *c =
                parse("# intent\nisolate-cores 2\nguest-memory 4G\nhugepage-size 1G\nguest-memory 8G\n");
        char buf[64];

        assert_int_equal(c->n_diagnostics, 0);
        assert_string_equal(config_intent_origin(c, CONFIG_DIRECTIVE_ISOLATE_CORES, buf, sizeof(buf)), "test.conf:2");
        assert_string_equal(config_intent_origin(c, CONFIG_DIRECTIVE_HUGEPAGE_SIZE, buf, sizeof(buf)), "test.conf:4");
        /* guest-memory repeats: the first line stands for all */
        assert_string_equal(config_intent_origin(c, CONFIG_DIRECTIVE_GUEST_MEMORY, buf, sizeof(buf)), "test.conf:3");
        /* not in the file: set by the command-line option of the same name */
        assert_string_equal(config_intent_origin(c, CONFIG_DIRECTIVE_KVM_IGNORE_MSRS, buf, sizeof(buf)),
                            "--kvm-ignore-msrs");
}

/* The tables the programs' own options share with the config file. */
static void test_option_words(void **state)
{
        char buf[96];

        assert_int_equal(config_allow_from_word("storage", 7), CONFIG_ALLOW_STORAGE);
        assert_int_equal(config_allow_from_word("partial-group,x", 13), CONFIG_ALLOW_PARTIAL_GROUP);
        assert_int_equal(config_allow_from_word("stor", 4), 0);
        assert_int_equal(config_allow_from_word("Storage", 7), 0);
        assert_string_equal(config_join_or(buf, sizeof(buf), config_allow_words),
                            "console, storage, unbind or partial-group");

        assert_int_equal(config_isolcpus_flag_from_word("nohz,2-3", 4), CONFIG_ISOLCPUS_NOHZ);
        assert_int_equal(config_isolcpus_flag_from_word("managed_irq", 11), CONFIG_ISOLCPUS_MANAGED_IRQ);
        assert_int_equal(config_isolcpus_flag_from_word("domain", 6), CONFIG_ISOLCPUS_DOMAIN);
        assert_int_equal(config_isolcpus_flag_from_word("", 0), 0);

        assert_null(config_thp_to_string(CONFIG_THP_UNSET));
        assert_string_equal(config_thp_to_string(CONFIG_THP_NEVER), "never");
        assert_string_equal(config_thp_to_string(CONFIG_THP_MADVISE), "madvise");
        assert_string_equal(config_thp_to_string(CONFIG_THP_ALWAYS), "always");
        assert_string_equal(config_thp_to_string(CONFIG_THP_UNCHANGED), "unchanged");
        assert_null(config_thp_to_string(CONFIG_THP_UNCHANGED + 1));
        assert_string_equal(config_keyword_to_string(CONFIG_DIRECTIVE_HUGEPAGE_SIZE, CONFIG_HUGEPAGE_SIZE_1G), "1G");
        assert_string_equal(config_keyword_to_string(CONFIG_DIRECTIVE_FRAMEBUFFER, CONFIG_FRAMEBUFFER_KEEP), "keep");
        assert_null(config_keyword_to_string(CONFIG_DIRECTIVE_CLAIM, 1));
        assert_null(config_keyword_to_string(_CONFIG_DIRECTIVE_MAX, 1));
}

static void test_read_path(void **state)
{
        _cleanup_tree_ char *tree = tree_new();
        tree_write(tree, "/etc/initbind.conf", "claim 0b:00.0\nguest-memory 8G\n");
        _cleanup_rootdir_ struct rootdir *root = tree_rootdir(tree);
        _cleanup_config_ struct initbind_config *c = NULL;

        assert_int_equal(config_read_path(root, NULL, &c), 0);
        assert_int_equal(c->n_diagnostics, 0);
        assert_int_equal(c->n_claims, 1);
        assert_int_equal(config_guest_memory_total(c), UINT64_C(8) << 30);
        assert_string_equal(c->file_name, "/etc/initbind.conf");
}

static void test_read_path_missing_and_errors(void **state)
{
        _cleanup_tree_ char *tree = tree_new();
        tree_mkdir(tree, "/etc/initbind.d");
        _cleanup_free_ char *fifo = tree_path(tree, "/etc/fifo.conf");
        assert_int_equal(mkfifo(fifo, 0600), 0);
        _cleanup_rootdir_ struct rootdir *root = tree_rootdir(tree);
        _cleanup_config_ struct initbind_config *c = NULL;
        struct initbind_config sentinel, *untouched = &sentinel;

        /* No file is an empty config, told apart by the result. */
        assert_int_equal(config_read_path(root, NULL, &c), CONFIG_MISSING);
        assert_non_null(c);
        assert_int_equal(c->n_claims, 0);
        assert_int_equal(c->n_diagnostics, 0);
        assert_string_equal(c->file_name, "/etc/initbind.conf");

        /* Any other failure is the caller's to report; *ret stays untouched. */
        assert_int_equal(config_read_path(root, "/etc/initbind.d", &untouched), -EISDIR);
        assert_ptr_equal(untouched, &sentinel);
        assert_int_equal(config_read_path(root, "/etc/fifo.conf", &untouched), -EBADFD);
        assert_ptr_equal(untouched, &sentinel);
}

static char *read_file(const char *path, size_t *ret_size)
{
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        char *contents = NULL;

        if (fd < 0)
                print_message("cannot open %s: %s\n", path, strerror(errno));
        assert_true(fd >= 0);
        assert_int_equal(read_full_fd(fd, &contents, ret_size), 0);
        return contents;
}

static void write_file(const char *path, const char *contents)
{
        FILE *f = fopen(path, "we");

        if (!f)
                print_message("cannot write %s: %s\n", path, strerror(errno));
        assert_non_null(f);
        assert_true(fputs(contents, f) >= 0);
        assert_int_equal(fclose(f), 0);
}

static int compare_names(const void *a, const void *b) { return strcmp(*(char *const *) a, *(char *const *) b); }

/* Every tests/bad-input/config/NAME.conf gives exactly the diagnostics in NAME.expected. */
static void test_bad_input_files(void **state)
{
        static const char dir_path[] = TESTS_SOURCE_DIR "/bad-input/config";
        DIR *dir = opendir(dir_path);
        char *names[256];
        size_t n = 0;
        struct dirent *de;

        if (!dir)
                print_message("cannot open %s: %s\n", dir_path, strerror(errno));
        assert_non_null(dir);
        while ((de = readdir(dir))) {
                size_t len = strlen(de->d_name);
                if (len > 5 && streq(de->d_name + len - 5, ".conf")) {
                        assert_true(n < ELEMENTSOF(names));
                        names[n] = strdup(de->d_name);
                        assert_non_null(names[n]);
                        n++;
                }
        }
        closedir(dir);
        qsort(names, n, sizeof(names[0]), compare_names);
        assert_true(n >= 20);
        const bool update = getenv("UPDATE_EXPECTED") && *getenv("UPDATE_EXPECTED");

        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *conf_path = NULL, *expected_path = NULL, *expected = NULL, *got = NULL;
                _cleanup_config_ struct initbind_config *c = NULL;
                _cleanup_free_ char *text = NULL;
                size_t size;

                assert_true(asprintf(&conf_path, "%s/%s", dir_path, names[i]) >= 0);
                assert_true(asprintf(&expected_path, "%.*s.expected", (int) strlen(conf_path) - 5, conf_path) >= 0);
                text = read_file(conf_path, &size);
                assert_int_equal(config_parse(text, size, names[i], &c), 0);
                got = diagnostics_text(c);
                if (update)
                        write_file(expected_path, got);
                expected = read_file(expected_path, &size);
                if (!streq(got, expected) || c->n_diagnostics == 0)
                        print_message("%s:\n%s", conf_path, got);
                /* A bad input with no diagnostic would pass with an empty .expected: refuse it. */
                assert_int_not_equal(c->n_diagnostics, 0);
                assert_string_equal(got, expected);
                free(names[i]);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_empty_file),
                cmocka_unit_test(test_intent_origin),
                cmocka_unit_test(test_comments_and_blank_lines),
                cmocka_unit_test(test_claim_address),
                cmocka_unit_test(test_claim_id_slot_group),
                cmocka_unit_test(test_claim_variant_and_owner),
                cmocka_unit_test(test_keep),
                cmocka_unit_test(test_unbind_for_guests),
                cmocka_unit_test(test_isolation),
                cmocka_unit_test(test_vfio_pci_options),
                cmocka_unit_test(test_guest_memory),
                cmocka_unit_test(test_guest_memory_largest),
                cmocka_unit_test(test_keywords),
                cmocka_unit_test(test_every_directive_together),
                cmocka_unit_test(test_tabs_and_trailing_blanks),
                cmocka_unit_test(test_crlf),
                cmocka_unit_test(test_no_final_newline),
                cmocka_unit_test(test_byte_order_mark),
                cmocka_unit_test(test_utf8_comments),
                cmocka_unit_test(test_errors_in_lines),
                cmocka_unit_test(test_errors_in_directives),
                cmocka_unit_test(test_errors_in_claims),
                cmocka_unit_test(test_errors_in_values),
                cmocka_unit_test(test_errors_in_sizes),
                cmocka_unit_test(test_duplicates_and_conflicts),
                cmocka_unit_test(test_claim_keep_conflict_result),
                cmocka_unit_test(test_good_lines_of_a_bad_file),
                cmocka_unit_test(test_long_text_is_cut_in_messages),
                cmocka_unit_test(test_diagnostic_format),
                cmocka_unit_test(test_directive_to_string),
                cmocka_unit_test(test_option_words),
                cmocka_unit_test(test_read_path),
                cmocka_unit_test(test_read_path_missing_and_errors),
                cmocka_unit_test(test_bad_input_files),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
