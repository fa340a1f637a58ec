/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The directives that set something of one claimed function when initbind claims it:
 * reset-method ADDRESS METHOD[,METHOD]..., what vendor-reset's udev rule writes into reset_method.
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

int config_parse_reset_method(struct parser *p)
{
        struct config_reset_method rm = { .line = p->line };
        char buf[PCI_ADDRESS_STRING_MAX];
        struct parse_error e = {};
        struct word w, methods;
        unsigned flags = 0, columns[8];

        if (!config_next_word(p, &w))
                return config_missing(p, "a PCI address");
        rm.column = w.column;
        if (pci_address_parse_full(w.text, &rm.address, &e) < 0)
                return config_bad_value(p, &w, 0, &e, "end of address");
        if (!config_next_word(p, &methods))
                return config_missing(p, "reset methods, e.g. device_specific or flr,bus");
        int r = config_parse_flag_list(p, &methods, 0, config_reset_method_words, "reset method", &flags, columns);
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
