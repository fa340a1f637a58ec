/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "domain_xml.h"

#include <errno.h>
#include <limits.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <string.h>

#include "array.h"
#include "hexdigit.h"
#include "log.h"
#include "macro.h"

/* The first error libxml2 reports, instead of its default of printing every one to stderr. */
struct xml_error {
        bool set;
        int line, column;
        char message[256];
};

static void keep_first_error(void *userdata, xmlErrorPtr e)
{
        struct xml_error *err = userdata;
        if (err->set || !e)
                return;
        err->set = true;
        err->line = e->line;
        err->column = e->int2; /* libxml2 keeps the column of a parser error here */
        snprintf(err->message, sizeof(err->message), "%s", e->message ? e->message : "unknown error");
        size_t len = strlen(err->message);
        while (len > 0 && (err->message[len - 1] == '\n' || err->message[len - 1] == ' '))
                err->message[--len] = '\0';
}

static void xml_freep(xmlChar **p) { xmlFree(*p); }
static void xml_doc_freep(xmlDocPtr *p) { xmlFreeDoc(*p); }
static void xml_ctxt_freep(xmlParserCtxtPtr *p) { xmlFreeParserCtxt(*p); }

/* An element of no namespace called NAME: libvirt's domain XML has its elements in none. */
static bool is_element(const xmlNode *n, const char *name)
{
        return n->type == XML_ELEMENT_NODE && !n->ns && streq((const char *) n->name, name);
}

static const xmlNode *first_child(const xmlNode *parent, const char *name)
{
        for (const xmlNode *c = parent->children; c; c = c->next)
                if (is_element(c, name))
                        return c;
        return NULL;
}

/* The attribute NAME of N (no namespace), or NULL; xmlFree() it. */
static xmlChar *attr(const xmlNode *n, const char *name) { return xmlGetNoNsProp(n, (const xmlChar *) name); }

static bool attr_is(const xmlNode *n, const char *name, const char *value, bool absent_matches)
{
        _cleanup_(xml_freep) xmlChar *v = attr(n, name);
        return v ? streq((const char *) v, value) : absent_matches;
}

/*
 * A number as libvirt reads these attributes (strtoul with base 0): 0x hexadecimal, a leading 0
 * octal, else decimal; nothing else, no sign, no blanks. -ERANGE above MAX.
 */
static int parse_number(const char *s, unsigned long max, unsigned long *ret)
{
        unsigned base = 10;
        if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
                base = 16;
                s += 2;
        } else if (s[0] == '0')
                base = 8;
        if (!*s)
                return -EINVAL;
        unsigned long n = 0;
        for (; *s; s++) {
                int d = hex_digit_value(*s);
                if (d < 0 || (unsigned) d >= base)
                        return -EINVAL;
                if ((unsigned long) d > max || n > (max - (unsigned) d) / base)
                        return -ERANGE; /* the digits that follow could only make it larger */
                n = n * base + (unsigned) d;
        }
        *ret = n;
        return 0;
}

struct reader {
        const char *input;
        struct domain_hostdevs *out;
};

/* One field of <address>: logged and -EINVAL when it is not a number from 0 to MAX. */
static int address_field(const struct reader *rd, const xmlNode *address, const char *name, unsigned long max,
                         bool optional, unsigned long *ret)
{
        _cleanup_(xml_freep) xmlChar *v = attr(address, name);
        if (!v && optional) {
                *ret = 0;
                return 0;
        }
        if (!v) {
                log_error("%s: line %d: <address> in the <source> of a PCI <hostdev> has no %s='...'", rd->input,
                          (int) xmlGetLineNo(address), name);
                return -EINVAL;
        }
        if (parse_number((const char *) v, max, ret) < 0) {
                /* A hostile value may be megabytes long: quote its start only. */
                log_error("%s: line %d: <address %s='%.32s%s'> in the <source> of a PCI <hostdev> is not a number "
                          "from 0 to 0x%lx",
                          rd->input, (int) xmlGetLineNo(address), name, (const char *) v,
                          strlen((const char *) v) > 32 ? "..." : "", max);
                return -EINVAL;
        }
        return 0;
}

static int read_hostdev(const struct reader *rd, const xmlNode *hostdev)
{
        const xmlNode *source = first_child(hostdev, "source");
        const xmlNode *address = source ? first_child(source, "address") : NULL;
        if (!address) {
                log_error("%s: line %d: a PCI <hostdev> has no <address> in its <source>", rd->input,
                          (int) xmlGetLineNo(hostdev));
                return -EINVAL;
        }
        unsigned long domain, bus, slot, function;
        int r = address_field(rd, address, "domain", 0xffff, true, &domain);
        if (r >= 0)
                r = address_field(rd, address, "bus", 0xff, false, &bus);
        if (r >= 0)
                r = address_field(rd, address, "slot", 0x1f, false, &slot);
        if (r >= 0)
                r = address_field(rd, address, "function", 7, false, &function);
        if (r < 0)
                return r;

        struct domain_hostdevs *out = rd->out;
        if (ARRAY_GROW(out->items, out->n_items) < 0)
                return -ENOMEM;
        out->items[out->n_items++] = (struct domain_hostdev){
                .address = { .domain = (uint32_t) domain,
                             .bus = (uint8_t) bus,
                             .slot = (uint8_t) slot,
                             .function = (uint8_t) function },
                .managed = attr_is(hostdev, "managed", "yes", false),
                .line = (unsigned) (xmlGetLineNo(hostdev) > 0 ? xmlGetLineNo(hostdev) : 0),
        };
        return 0;
}

/* Every <hostdev> of <devices>: libvirt's default mode is subsystem, so an absent one is too. */
static int read_devices(const struct reader *rd, const xmlNode *domain)
{
        int status = 0;
        for (const xmlNode *devices = domain->children; devices; devices = devices->next) {
                if (!is_element(devices, "devices"))
                        continue;
                for (const xmlNode *h = devices->children; h; h = h->next) {
                        if (!is_element(h, "hostdev") || !attr_is(h, "type", "pci", false) ||
                            !attr_is(h, "mode", "subsystem", true))
                                continue;
                        int r = read_hostdev(rd, h);
                        if (r == -ENOMEM)
                                return r;
                        if (r < 0)
                                status = r; /* go on: every bad hostdev gets its message */
                }
        }
        return status;
}

static int read_name(const xmlNode *domain, struct domain_hostdevs *out)
{
        const xmlNode *name = first_child(domain, "name");
        if (!name)
                return 0;
        _cleanup_(xml_freep) xmlChar *text = xmlNodeGetContent(name);
        if (!text)
                return 0;
        out->name = strdup((const char *) text);
        return out->name ? 0 : -ENOMEM;
}

static int parse_document(const char *buf, size_t size, const char *input, xmlDocPtr *ret)
{
        if (size > INT_MAX) {
                log_error("%s: %zu bytes is not a domain XML", input, size);
                return -EINVAL;
        }
        _cleanup_(xml_ctxt_freep) xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
        if (!ctxt)
                return -ENOMEM;
        struct xml_error err = {};
        /* libxml2 2.9 has no per-context handler for the structured errors: set it for this parse. */
        xmlSetStructuredErrorFunc(&err, keep_first_error);
        /* No network, no DTD loading, no entity substitution (XML_PARSE_NOENT), no XML_PARSE_HUGE:
         * libxml2's own limits on amplification and sizes stay on. */
        xmlDocPtr doc = xmlCtxtReadMemory(ctxt, buf, (int) size, input, NULL,
                                          XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES);
        xmlSetStructuredErrorFunc(NULL, NULL);
        if (!doc || !ctxt->wellFormed) {
                xmlFreeDoc(doc);
                if (!err.set)
                        log_error("%s: not well-formed XML", input);
                else
                        log_error("%s: line %d, column %d: not well-formed XML: %s", input, err.line, err.column,
                                  err.message);
                return -EINVAL;
        }
        *ret = doc;
        return 0;
}

int domain_xml_read(const char *buf, size_t size, const char *input, struct domain_hostdevs *ret)
{
        _cleanup_(xml_doc_freep) xmlDocPtr doc = NULL;
        int r = parse_document(buf, size, input, &doc);
        if (r < 0)
                return r;
        /* libvirt never writes one; a DTD is where entity bombs and external files come from. */
        if (doc->intSubset || doc->extSubset) {
                log_error("%s: a domain XML has no <!DOCTYPE>; refusing one that does", input);
                return -EINVAL;
        }
        const xmlNode *root = xmlDocGetRootElement(doc);
        if (!root || !is_element(root, "domain")) {
                log_error("%s: line %d: the root element is <%s>, expected <domain>", input,
                          root ? (int) xmlGetLineNo(root) : 0, root ? (const char *) root->name : "");
                return -EINVAL;
        }

        _cleanup_(domain_hostdevs_done) struct domain_hostdevs out = {};
        struct reader rd = { .input = input, .out = &out };
        r = read_name(root, &out);
        if (r >= 0)
                r = read_devices(&rd, root);
        if (r < 0)
                return r;
        *ret = out;
        out = (struct domain_hostdevs){};
        return 0;
}

void domain_hostdevs_done(struct domain_hostdevs *h)
{
        free(h->name);
        free(h->items);
        *h = (struct domain_hostdevs){};
}
