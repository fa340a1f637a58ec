/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "claim_sources.h"

#include <stdarg.h>
#include <stdio.h>

#include "array.h"
#include "kcmdline.h"
#include "kernel_info.h"
#include "module_loader.h"
#include "macro.h"
#include "rootdir.h"
#include "shown_text.h"

static int add_diagnostic(struct claim_sources *s, const char *format, ...) _printf_(2, 3);
static int add_diagnostic(struct claim_sources *s, const char *format, ...)
{
        if (!s->diagnostics && !(s->diagnostics = calloc(CLAIM_DIAGNOSTICS_MAX, sizeof(*s->diagnostics))))
                return -ENOMEM;
        if (s->n_diagnostics == CLAIM_DIAGNOSTICS_MAX) {
                /* A hostile line of a million bad entries: the last slot counts what is not shown. */
                snprintf(s->diagnostics[CLAIM_DIAGNOSTICS_MAX - 1], CLAIM_DIAGNOSTIC_MAX,
                         "%zu more problems with the kernel command line or the config are not shown",
                         ++s->n_diagnostics_hidden + 1);
                return 0;
        }
        va_list ap;
        va_start(ap, format);
        vsnprintf(s->diagnostics[s->n_diagnostics++], CLAIM_DIAGNOSTIC_MAX, format, ap);
        va_end(ap);
        return 0;
}

static struct claim_request *new_request(struct claim_sources *s)
{
        if (ARRAY_GROW(s->requests, s->n_requests) < 0)
                return NULL;
        return &s->requests[s->n_requests++];
}

int claim_sources_add_address(struct claim_sources *s, enum claim_request_kind kind, const struct pci_address *a,
                              unsigned allow, const char *origin)
{
        struct claim_request *req = new_request(s);
        if (!req)
                return -ENOMEM;
        req->kind = kind;
        req->claim.selector = CONFIG_SELECT_ADDRESS;
        req->claim.address = *a;
        req->claim.allow = allow;
        snprintf(req->origin, sizeof(req->origin), "%s", origin);
        return 0;
}

/*
 * Call ADD for each non-empty entry of a comma list, with the entry's byte offset for messages;
 * as the kernel does for vfio-pci.ids, a bad entry is reported by ADD and skipped, the others stand.
 */
static int for_each_entry(struct claim_sources *s, const char *list, const char *origin,
                          int (*add)(struct claim_sources *s, const char *entry, size_t offset, const char *origin))
{
        _cleanup_free_ char *copy = strdup(list);
        if (!copy)
                return -ENOMEM;
        for (char *entry = copy, *next; entry; entry = next) {
                size_t offset = (size_t) (entry - copy);
                next = strchr(entry, ',');
                if (next)
                        *next++ = '\0';
                if (!*entry)
                        continue;
                int r = add(s, entry, offset, origin);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int add_id_entry(struct claim_sources *s, const char *entry, size_t offset, const char *origin)
{
        struct vfio_id id;
        struct parse_error err = {};
        char shown[SHOWN_TEXT_SIZE];
        if (vfio_id_parse_full(entry, &id, &err) < 0)
                return add_diagnostic(s, "%s: entry %s at column %zu: expected %s; skipped, as the kernel skips it",
                                      origin, shown_text(shown, entry, strlen(entry)),
                                      offset + parse_error_column(&err),
                                      err.expected ? err.expected : "an ID spec vvvv:dddd");
        struct claim_request *req = new_request(s);
        if (!req)
                return -ENOMEM;
        req->kind = CLAIM_REQUEST_VFIO_IDS;
        req->claim.selector = CONFIG_SELECT_ID;
        req->claim.id = id;
        snprintf(req->origin, sizeof(req->origin), "%s", origin);
        return 0;
}

static int add_address_entry(struct claim_sources *s, const char *entry, size_t offset, const char *origin)
{
        struct pci_address a;
        struct parse_error err = {};
        char shown[SHOWN_TEXT_SIZE];
        if (pci_address_parse_full(entry, &a, &err) < 0)
                return add_diagnostic(s, "%s: entry %s at column %zu: expected %s; skipped", origin,
                                      shown_text(shown, entry, strlen(entry)), offset + parse_error_column(&err),
                                      err.expected ? err.expected : "a PCI address");
        return claim_sources_add_address(s, CLAIM_REQUEST_CMDLINE, &a, 0, origin);
}

static int add_id_list(struct claim_sources *s, const char *list, const char *origin)
{
        if (strlen(list) > VFIO_ID_LIST_MAX)
                return add_diagnostic(
                        s, "%s is %zu characters long; the kernel ignores it beyond %d: nothing taken from it", origin,
                        strlen(list), VFIO_ID_LIST_MAX);
        return for_each_entry(s, list, origin, add_id_entry);
}

/* The last ids= in a module option string, as the kernel keeps the last value of a parameter. */
static char *last_ids_option(const char *options)
{
        _cleanup_kcmdline_ struct kcmdline *k = NULL;
        if (kcmdline_parse(options, KCMDLINE_PARSE_LENIENT, &k, NULL) < 0)
                return NULL;
        const char *value = NULL;
        if (kcmdline_get(k, "ids", &value) < 0 || !value)
                return NULL;
        return strdup(value);
}

static char *modprobe_d_ids(struct module_loader *ml);

/*
 * The line the kernel handed over is one line of text: a NUL byte or a line break before its
 * end (a broken or hostile file under --root, never the kernel's own) cuts it there, and what
 * follows is reported, not read.
 */
static int cut_cmdline(struct claim_sources *s, char *text, size_t size)
{
        size_t nul = strlen(text);        /* the first NUL byte, or size when there is none */
        size_t len = strcspn(text, "\n"); /* the first line break, or that NUL */
        if (len == nul && nul < size)
                return add_diagnostic(s, "%s: a NUL byte at column %zu; the %zu bytes from there on are ignored",
                                      KERNEL_CMDLINE_PATH, len + 1, size - len);
        text[len] = '\0';
        if (len + 1 < size) /* more than the final line break */
                return add_diagnostic(s, "%s: the line ends at column %zu, but %zu more bytes follow; they are ignored",
                                      KERNEL_CMDLINE_PATH, len + 1, size - len - 1);
        return 0;
}

/* Which of a repeated parameter counts, said aloud: a second initbind.claim= does not add to the first. */
static int note_repeated(struct claim_sources *s, const struct kcmdline *k, const char *name)
{
        size_t n = kcmdline_count(k, name);
        if (n < 2)
                return 0;
        return add_diagnostic(
                s, "%s: %s= appears %zu times; only the last one is used, as the kernel does for module parameters",
                KERNEL_CMDLINE_PATH, name, n);
}

static int read_cmdline(const struct rootdir *root, struct claim_sources *s, struct module_loader *ml)
{
        _cleanup_free_ char *line = NULL;
        size_t size = 0;
        int r = rootdir_read_file(root, KERNEL_CMDLINE_PATH, &line, &size);
        if (r < 0)
                return r;
        r = cut_cmdline(s, line, size);
        if (r < 0)
                return r;

        /* An unterminated quote makes the kernel read the rest of the line as one parameter's
         * value: read it that way too, and say so, as it swallows every parameter after it. */
        _cleanup_kcmdline_ struct kcmdline *k = NULL;
        struct parse_error quote = {};
        if (kcmdline_parse(line, 0, &k, &quote) == -EINVAL &&
            (r = add_diagnostic(s,
                                "%s: the double quote at column %zu is never closed; the kernel reads everything after "
                                "it as part of one parameter",
                                KERNEL_CMDLINE_PATH, parse_error_column(&quote))) < 0)
                return r;
        if (!k && (r = kcmdline_parse(line, KCMDLINE_PARSE_LENIENT, &k, NULL)) < 0)
                return r;

        const char *value = NULL;
        if (kcmdline_get(k, "initbind", &value) >= 0) {
                if (value && (streq(value, "off") || streq(value, "0"))) {
                        s->disabled = true;
                        return 0;
                }
                /* A mistyped initbind=off at the boot menu must not pass unnoticed: it claims. */
                char shown[SHOWN_TEXT_SIZE];
                if (!value || !(streq(value, "on") || streq(value, "1")))
                        r = add_diagnostic(s,
                                           "%s: initbind%s%s: expected initbind=off or initbind=0 (to disable it), or "
                                           "on or 1; ignored",
                                           KERNEL_CMDLINE_PATH, value ? "=" : "",
                                           value ? shown_text(shown, value, strlen(value)) : "");
                if (r < 0)
                        return r;
        }
        if ((r = note_repeated(s, k, "initbind.claim")) < 0 || (r = note_repeated(s, k, "vfio-pci.ids")) < 0)
                return r;
        if (kcmdline_get(k, "initbind.claim", &value) >= 0 && value &&
            (r = for_each_entry(s, value, "initbind.claim=", add_address_entry)) < 0)
                return r;

        /* The kernel command line's vfio-pci.ids wins over modprobe.d's, as modprobe appends it last. */
        if (kcmdline_get(k, "vfio-pci.ids", &value) >= 0 && value)
                return add_id_list(s, value, "vfio-pci.ids=");
        _cleanup_free_ char *ids = modprobe_d_ids(ml);
        if (ids)
                return add_id_list(s, ids, "modprobe.d vfio-pci ids=");
        return 0;
}

static char *modprobe_d_ids(struct module_loader *ml)
{
        return ml ? module_loader_option_value(ml, "vfio-pci", last_ids_option) : NULL;
}

int claim_requests_from_config(struct claim_sources *s, const struct initbind_config *config, const char *path)
{
        int r;
        /* A keep line that did not parse (or a line not even recognized, perhaps a misspelled
         * keep) may have been meant to protect a host device from a broad selector: then only
         * claims by address are safe to act on. */
        bool keep_in_doubt = false;
        for (size_t i = 0; i < config->n_diagnostics; i++) {
                enum config_directive d = config->diagnostics[i].directive;
                keep_in_doubt |= d == CONFIG_DIRECTIVE_KEEP || d == CONFIG_DIRECTIVE_NONE;
        }

        for (size_t i = 0; i < config->n_claims; i++) {
                const struct config_claim *claim = &config->claims[i];
                if (keep_in_doubt && claim->selector != CONFIG_SELECT_ADDRESS) {
                        r = add_diagnostic(s,
                                           "%s:%u: claim by %s skipped: a keep line may be among the lines in error, "
                                           "and it could protect a device this selector takes",
                                           path, claim->line,
                                           claim->selector == CONFIG_SELECT_ID     ? "ID"
                                           : claim->selector == CONFIG_SELECT_SLOT ? "slot"
                                                                                   : "group");
                        if (r < 0)
                                return r;
                        continue;
                }
                struct claim_request *req = new_request(s);
                if (!req)
                        return -ENOMEM;
                req->kind = CLAIM_REQUEST_CONFIG;
                req->claim = config->claims[i];
                snprintf(req->origin, sizeof(req->origin), "%s:%u", path, config->claims[i].line);
        }
        return 0;
}

static int read_config(const struct rootdir *root, const char *config_path, struct claim_sources *s)
{
        const char *path = config_path ? config_path : INITBIND_CONFIG_PATH;
        int r = config_read_path(root, path, &s->config);
        if (r < 0)
                return add_diagnostic(s, "%s: cannot read it: %s; no claims taken from it", path, rootdir_strerror(r));
        if (r == CONFIG_MISSING && config_path)
                return add_diagnostic(s, "--config %s: no such file below the root; no claims taken from it", path);
        s->config_missing = r == CONFIG_MISSING;

        for (size_t i = 0; i < s->config->n_diagnostics; i++) {
                _cleanup_free_ char *text = config_diagnostic_format(s->config, &s->config->diagnostics[i]);
                if (!text)
                        return -ENOMEM;
                r = add_diagnostic(s, "%s; that line is ignored", text);
                if (r < 0)
                        return r;
        }
        return claim_requests_from_config(s, s->config, path);
}

int claim_sources_read(const struct rootdir *root, const char *config_path, struct module_loader *ml,
                       struct claim_sources *ret)
{
        struct claim_sources s = {};
        int r = read_cmdline(root, &s, ml);
        if (r >= 0 && !s.disabled)
                r = read_config(root, config_path, &s);
        if (r < 0) {
                claim_sources_done(&s);
                return r;
        }
        *ret = s;
        return 0;
}

void claim_sources_done(struct claim_sources *s)
{
        config_free(s->config);
        free(s->requests);
        free(s->diagnostics);
        *s = (struct claim_sources){};
}

struct claim_input claim_sources_input(const struct claim_sources *s)
{
        return (struct claim_input){
                .requests = s->requests,
                .n_requests = s->n_requests,
                .keeps = s->config ? s->config->keeps : NULL,
                .n_keeps = s->config ? s->config->n_keeps : 0,
        };
}
