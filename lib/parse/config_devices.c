/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The directives that set something of one claimed function when initbind claims it:
 * reset-method ADDRESS METHOD[,METHOD]..., what vendor-reset's udev rule writes into reset_method;
 * bar-size ADDRESS BAR SIZE, a resizable BAR's size; and rom-check ADDRESS, which asks plan and
 * status to read the function's option ROM.
 */
#include <stdio.h>
#include <string.h>

#include "config_parser.h"

const char *const config_reset_method_words[] = {
        "device_specific", "acpi", "flr", "af_flr", "pm", "bus", "cxl_bus", "default", NULL,
};
#define RESET_METHOD_DEFAULT (1u << 7)

static const struct config_reset_method *find_reset_method(const struct initbind_config *c, const struct pci_address *a)
{
        for (size_t i = 0; i < c->n_reset_methods; i++)
                if (pci_address_equal(&c->reset_methods[i].address, a))
                        return &c->reset_methods[i];
        return NULL;
}

/* The ADDRESS each of these lines starts with: 0 or -ENOMEM, with a diagnostic when it is bad. */
static int parse_address(struct parser *p, struct pci_address *ret, unsigned *ret_column)
{
        struct parse_error e = {};
        struct word w;
        if (!config_next_word(p, &w))
                return config_missing(p, "a PCI address");
        *ret_column = w.column;
        if (pci_address_parse_full(w.text, ret, &e) < 0)
                return config_bad_value(p, &w, 0, &e, "end of address");
        return 0;
}

int config_parse_reset_method(struct parser *p)
{
        struct config_reset_method rm = { .line = p->line };
        char buf[PCI_ADDRESS_STRING_MAX];
        struct word methods;
        unsigned flags = 0, columns[8];

        int r = parse_address(p, &rm.address, &rm.column);
        if (r < 0 || !config_line_ok(p))
                return r;
        if (!config_next_word(p, &methods))
                return config_missing(p, "reset methods, e.g. device_specific or flr,bus");
        r = config_parse_flag_list(p, &methods, 0, config_reset_method_words, "reset method", &flags, columns);
        if (r >= 0 && config_line_ok(p) && (flags & RESET_METHOD_DEFAULT) && flags != RESET_METHOD_DEFAULT)
                r = diag(p, columns[7], "'default' stands alone: it gives the kernel's own order back");
        if (r >= 0)
                r = config_expect_end(p, "an address and one list of methods");
        if (r < 0 || !config_line_ok(p))
                return r;

        const struct config_reset_method *earlier = find_reset_method(p->config, &rm.address);
        if (earlier)
                return diag(p, rm.column, "duplicate reset-method: line %u already sets it for %s", earlier->line,
                            pci_address_format(&rm.address, buf));
        /* The words are the kernel's names, checked above: the attribute takes them space-separated. */
        snprintf(rm.methods, sizeof(rm.methods), "%s", methods.text);
        for (char *c = rm.methods; *c; c++)
                if (*c == ',')
                        *c = ' ';
        return APPEND(p->config->reset_methods, p->config->n_reset_methods, rm);
}

int config_parse_rom_check(struct parser *p)
{
        struct config_rom_check rc = { .line = p->line };
        char buf[PCI_ADDRESS_STRING_MAX];
        int r = parse_address(p, &rc.address, &rc.column);
        if (r >= 0 && config_line_ok(p))
                r = config_expect_end(p, "one address");
        if (r < 0 || !config_line_ok(p))
                return r;
        for (size_t i = 0; i < p->config->n_rom_checks; i++)
                if (pci_address_equal(&p->config->rom_checks[i].address, &rc.address))
                        return diag(p, rc.column, "duplicate rom-check: line %u already asks it for %s",
                                    p->config->rom_checks[i].line, pci_address_format(&rc.address, buf));
        return APPEND(p->config->rom_checks, p->config->n_rom_checks, rc);
}

int config_parse_bar_size(struct parser *p)
{
        struct config_bar_size bs = { .line = p->line };
        char buf[PCI_ADDRESS_STRING_MAX], q[QUOTE_SIZE];
        struct word bar, size;
        uint64_t index = 0;

        int r = parse_address(p, &bs.address, &bs.column);
        if (r < 0 || !config_line_ok(p))
                return r;
        if (!config_next_word(p, &bar))
                return config_missing(p, "a BAR number 0-5");
        /* config_parse_decimal() bounds at 9 and up: the 5 is checked here. */
        r = config_parse_number_word(p, &bar, 0, 0, 9, "a BAR number 0-5", "end of BAR", &index);
        if (r >= 0 && config_line_ok(p) && index > 5)
                r = diag(p, bar.column, "expected a BAR number 0-5, got '%s'", bar.text);
        if (r < 0 || !config_line_ok(p))
                return r;
        bs.bar = (unsigned) index;
        if (!config_next_word(p, &size))
                return config_missing(p, "a BAR size such as 256M or 8G");
        r = config_parse_size(p, &size, &bs.bytes);
        if (r < 0 || !config_line_ok(p))
                return r;
        /* The capability encodes sizes as powers of two from 1 MB (PCIe base spec 7.8.6). */
        if (bs.bytes < CONFIG_BAR_SIZE_MIN || bs.bytes > CONFIG_BAR_SIZE_MAX || (bs.bytes & (bs.bytes - 1)))
                return diag(p, size.column, "expected a BAR size that is a power of two from 1M to 128T, got %s",
                            config_quote(q, size.text, strlen(size.text)));
        r = config_expect_end(p, "an address, a BAR number and a size");
        if (r < 0 || !config_line_ok(p))
                return r;
        for (size_t i = 0; i < p->config->n_bar_sizes; i++) {
                const struct config_bar_size *o = &p->config->bar_sizes[i];
                if (pci_address_equal(&o->address, &bs.address) && o->bar == bs.bar)
                        return diag(p, bs.column, "duplicate bar-size: line %u already sizes BAR %u of %s", o->line,
                                    bs.bar, pci_address_format(&bs.address, buf));
        }
        return APPEND(p->config->bar_sizes, p->config->n_bar_sizes, bs);
}
