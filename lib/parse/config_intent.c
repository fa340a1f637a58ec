/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The command-line intent directives of /etc/initbind.conf: CPUs, guest memory, keyword settings. */

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_parser.h"
#include "cpu_list.h"

/* isolcpus-flags; the bit of each is 1 << index (CONFIG_ISOLCPUS_*). */
const char *const config_isolcpus_flag_words[] = { "nohz", "domain", "managed_irq", NULL };

/* vfio-pci-options; the bit of each is 1 << index (CONFIG_VFIO_PCI_*). */
const char *const config_vfio_pci_option_words[] = { "disable_vga", "disable_idle_d3", "nointxmask", NULL };

/* The keyword directives' values; the enum value of each is its index + 1. */
static const char *const *const directive_keywords[_CONFIG_DIRECTIVE_MAX] = {
        [CONFIG_DIRECTIVE_HUGEPAGE_SIZE] = (const char *const[]){ "auto", "2M", "1G", NULL },
        [CONFIG_DIRECTIVE_ACS_OVERRIDE] = (const char *const[]){ "never", "if-needed", NULL },
        [CONFIG_DIRECTIVE_KVM_IGNORE_MSRS] = (const char *const[]){ "yes", "no", NULL },
        [CONFIG_DIRECTIVE_NESTED_VIRTUALIZATION] = (const char *const[]){ "yes", "no", NULL },
        [CONFIG_DIRECTIVE_TRANSPARENT_HUGEPAGE] =
                (const char *const[]){ "never", "madvise", "always", "unchanged", NULL },
        [CONFIG_DIRECTIVE_UNSAFE_INTERRUPTS] = (const char *const[]){ "no", "if-needed", NULL },
        [CONFIG_DIRECTIVE_FRAMEBUFFER] = (const char *const[]){ "auto", "keep", NULL },
};

int config_parse_isolate_cores(struct parser *p)
{
        struct word w;
        uint64_t n = 0;
        int r;

        if (!config_next_word(p, &w))
                return config_missing(p, "a number of cores");
        r = config_parse_number_word(p, &w, 0, 1, CONFIG_CPUS_MAX, "a number of cores 1-8192", "end of number", &n);
        if (r >= 0)
                r = config_expect_end(p, "one number");
        if (r >= 0 && config_line_ok(p))
                p->config->isolate_cores = (unsigned) n;
        return r;
}

int config_parse_isolate_cpus(struct parser *p)
{
        _cleanup_(cpu_set_done) struct cpu_set set = {};
        struct parse_error e = {};
        char q[QUOTE_SIZE];
        struct word w;
        int r;

        if (!config_next_word(p, &w))
                return config_missing(p, "a CPU list such as 2-7,10-15");
        /* CPUs are checked against the machine by cmdlinegen; here only the kernel's ceiling. */
        r = cpu_list_parse_full(w.text, CONFIG_CPUS_MAX, &set, &e);
        if (r == -ENOMEM)
                return r;
        if (r == -ERANGE || r == -EOVERFLOW)
                r = diag(p, w.column + (unsigned) e.offset, "expected a CPU number below %d, got %s", CONFIG_CPUS_MAX,
                         config_describe_got(q, w.text + e.offset, "end of list"));
        else if (r < 0)
                r = config_bad_value(p, &w, 0, &e, "end of list");
        else if (cpu_set_is_empty(&set))
                r = diag(p, w.column, "expected at least one CPU, got %s", config_quote(q, w.text, strlen(w.text)));
        else
                r = config_expect_end(p, "one CPU list");
        if (r < 0 || !config_line_ok(p))
                return r;

        p->config->isolate_cpus = strdup(w.text);
        return p->config->isolate_cpus ? 0 : -ENOMEM;
}

int config_parse_isolcpus_flags(struct parser *p)
{
        unsigned flags = 0, columns[3];
        struct word w;
        int r;

        if (!config_next_word(p, &w))
                return config_missing(p, "nohz, domain or managed_irq");
        r = config_parse_flag_list(p, &w, 0, config_isolcpus_flag_words, "isolcpus flag", &flags, columns);
        if (r >= 0)
                r = config_expect_end(p, "one comma-separated list");
        if (r >= 0 && config_line_ok(p))
                p->config->isolcpus_flags = flags;
        return r;
}

/* Whether the target kernel's vfio-pci has them is cmdlinegen's question: here only the names. */
int config_parse_vfio_pci_options(struct parser *p)
{
        unsigned flags = 0, columns[_CONFIG_VFIO_PCI_OPTIONS_N] = {};
        struct word w;
        int r;

        if (!config_next_word(p, &w))
                return config_missing(p, "disable_vga, disable_idle_d3 or nointxmask");
        r = config_parse_flag_list(p, &w, 0, config_vfio_pci_option_words, "vfio-pci option", &flags, columns);
        if (r >= 0)
                r = config_expect_end(p, "one comma-separated list");
        if (r >= 0 && config_line_ok(p)) {
                p->config->vfio_pci_options = flags;
                memcpy(p->config->vfio_pci_option_columns, columns, sizeof(columns));
        }
        return r;
}

/* In either case of the suffix. */
int config_parse_size(struct parser *p, const struct word *w, uint64_t *ret)
{
        static const char suffixes[] = "KkMmGgTt"; /* 2^10, 2^20, 2^30, 2^40 */
        const char *s = w->text, *suffix;
        char q[QUOTE_SIZE], got[QUOTE_SIZE];
        uint64_t v = 0;
        size_t n;
        int r;

        r = config_parse_decimal(s, UINT64_MAX, &v, &n);
        if (r == -EINVAL)
                return diag(p, w->column, "expected a size such as 16G or 8192M, got %s",
                            config_quote(q, s, strlen(s)));
        suffix = s[n] != '\0' ? strchr(suffixes, s[n]) : NULL;
        if (!suffix || s[n + 1] != '\0')
                return diag(p, w->column + (unsigned) n, "expected a size suffix K, M, G or T after %s, got %s",
                            config_quote(q, s, n), s[n] ? config_quote(got, s + n, strlen(s + n)) : "end of size");

        unsigned shift = 10 * (unsigned) ((suffix - suffixes) / 2 + 1);
        if (r == -ERANGE || v > UINT64_MAX >> shift)
                return diag(p, w->column, "size %s is too large (16 EiB or more)", config_quote(q, s, strlen(s)));
        if (v == 0)
                return diag(p, w->column, "expected a size greater than zero, got %s", config_quote(q, s, strlen(s)));
        *ret = v << shift;
        return 0;
}

const char *config_intent_origin(const struct initbind_config *c, enum config_directive d, char *buf, size_t size)
{
        unsigned line = c->directive_line[d];

        /* guest-memory may repeat: its first line stands for all. */
        if (d == CONFIG_DIRECTIVE_GUEST_MEMORY && c->n_guest_memory)
                line = c->guest_memory[0].line;
        if (line)
                snprintf(buf, size, "%s:%u", c->file_name, line);
        else /* given as an option, named like the directive */
                snprintf(buf, size, "--%s", config_directive_to_string(d));
        return buf;
}

uint64_t config_guest_memory_total(const struct initbind_config *c)
{
        uint64_t total = 0;

        for (size_t i = 0; i < c->n_guest_memory; i++)
                total += c->guest_memory[i].bytes;
        return total;
}

int config_parse_guest_memory(struct parser *p)
{
        struct config_guest_memory m = { .node = -1, .line = p->line };
        bool seen_node = false;
        char q[QUOTE_SIZE];
        struct word w;
        uint64_t node = 0;
        int r;

        if (!config_next_word(p, &w))
                return config_missing(p, "a size such as 16G");
        m.column = w.column;
        r = config_parse_size(p, &w, &m.bytes);
        if (r < 0)
                return r;

        while (config_next_word(p, &w)) {
                if (!startswith(w.text, "node="))
                        r = diag(p, w.column,
                                 "unknown option %s: expected node=N (write one guest-memory line per guest)",
                                 config_quote(q, w.text, strlen(w.text)));
                else if (seen_node)
                        r = diag(p, w.column, "option 'node=' given twice");
                else {
                        r = config_parse_number_word(p, &w, 5, 0, CONFIG_NUMA_NODES_MAX - 1,
                                                     "a NUMA node number 0-1023", "end of option", &node);
                        m.node = (int) node;
                        seen_node = true;
                }
                if (r < 0)
                        return r;
        }
        if (!config_line_ok(p))
                return 0;

        if (m.bytes > UINT64_MAX - config_guest_memory_total(p->config))
                return diag(p, m.column, "the guest-memory lines add up to 16 EiB or more");
        return APPEND(p->config->guest_memory, p->config->n_guest_memory, m);
}

static void set_keyword(struct initbind_config *c, enum config_directive d, unsigned value)
{
        switch (d) {
        case CONFIG_DIRECTIVE_HUGEPAGE_SIZE:
                c->hugepage_size = (enum config_hugepage_size) value;
                break;
        case CONFIG_DIRECTIVE_ACS_OVERRIDE:
                c->acs_override = (enum config_acs_override) value;
                break;
        case CONFIG_DIRECTIVE_KVM_IGNORE_MSRS:
                c->kvm_ignore_msrs = (enum config_bool) value;
                break;
        case CONFIG_DIRECTIVE_NESTED_VIRTUALIZATION:
                c->nested_virtualization = (enum config_bool) value;
                break;
        case CONFIG_DIRECTIVE_TRANSPARENT_HUGEPAGE:
                c->transparent_hugepage = (enum config_transparent_hugepage) value;
                break;
        case CONFIG_DIRECTIVE_UNSAFE_INTERRUPTS:
                c->unsafe_interrupts = (enum config_unsafe_interrupts) value;
                break;
        case CONFIG_DIRECTIVE_FRAMEBUFFER:
                c->framebuffer = (enum config_framebuffer) value;
                break;
        default:
                assert(!"not a keyword directive");
        }
}

const char *config_keyword_to_string(enum config_directive d, unsigned value)
{
        if ((unsigned) d >= _CONFIG_DIRECTIVE_MAX || !directive_keywords[d] || value == 0)
                return NULL;
        for (unsigned i = 0; directive_keywords[d][i]; i++)
                if (i + 1 == value)
                        return directive_keywords[d][i];
        return NULL;
}

int config_parse_keyword(struct parser *p)
{
        const char *const *keywords = directive_keywords[p->directive];
        char buf[96], q[QUOTE_SIZE];
        const char *expected = config_join_or(buf, sizeof(buf), keywords);
        struct word w;
        unsigned i;

        if (!config_next_word(p, &w))
                return config_missing(p, expected);
        for (i = 0; keywords[i]; i++)
                if (streq(w.text, keywords[i]))
                        break;
        if (!keywords[i])
                return diag(p, w.column, "expected %s, got %s", expected, config_quote(q, w.text, strlen(w.text)));
        int r = config_expect_end(p, "one value");
        if (r >= 0 && config_line_ok(p))
                set_keyword(p->config, p->directive, i + 1);
        return r;
}
