/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Parsing /etc/initbind.conf line by line, with every mistake: the directive table, the checks
 * every line gets, and the file as a whole. The directives themselves are config_claims.c's and
 * config_intent.c's, the shared text helpers config_text.c's.
 */

#include "config.h"
#include "config_parser.h"
#include "utf8.h"

#include <assert.h>
#include <fcntl.h>

#include "fileio.h"
#include "rootdir.h"

static const struct directive_info {
        const char *name;
        bool repeatable;
        enum config_directive excludes; /* NONE, or a directive this one cannot go with */
        parse_func parse;
} directives[_CONFIG_DIRECTIVE_MAX] = {
        [CONFIG_DIRECTIVE_CLAIM] = { "claim", .repeatable = true, .parse = config_parse_claim },
        [CONFIG_DIRECTIVE_KEEP] = { "keep", .repeatable = true, .parse = config_parse_keep },
        [CONFIG_DIRECTIVE_LEND] = { "unbind-for-guests", .repeatable = true, .parse = config_parse_lend },
        [CONFIG_DIRECTIVE_ISOLATE_CORES] = { "isolate-cores", .parse = config_parse_isolate_cores,
                                             .excludes = CONFIG_DIRECTIVE_ISOLATE_CPUS },
        [CONFIG_DIRECTIVE_ISOLATE_CPUS] = { "isolate-cpus", .parse = config_parse_isolate_cpus,
                                            .excludes = CONFIG_DIRECTIVE_ISOLATE_CORES },
        [CONFIG_DIRECTIVE_ISOLCPUS_FLAGS] = { "isolcpus-flags", .parse = config_parse_isolcpus_flags },
        [CONFIG_DIRECTIVE_GUEST_MEMORY] = { "guest-memory", .repeatable = true, .parse = config_parse_guest_memory },
        [CONFIG_DIRECTIVE_HUGEPAGE_SIZE] = { "hugepage-size", .parse = config_parse_keyword },
        [CONFIG_DIRECTIVE_ACS_OVERRIDE] = { "acs-override", .parse = config_parse_keyword },
        [CONFIG_DIRECTIVE_KVM_IGNORE_MSRS] = { "kvm-ignore-msrs", .parse = config_parse_keyword },
        [CONFIG_DIRECTIVE_NESTED_VIRTUALIZATION] = { "nested-virtualization", .parse = config_parse_keyword },
        [CONFIG_DIRECTIVE_TRANSPARENT_HUGEPAGE] = { "transparent-hugepage", .parse = config_parse_keyword },
        [CONFIG_DIRECTIVE_UNSAFE_INTERRUPTS] = { "unsafe-interrupts", .parse = config_parse_keyword },
        [CONFIG_DIRECTIVE_FRAMEBUFFER] = { "framebuffer", .parse = config_parse_keyword },
        [CONFIG_DIRECTIVE_RESET_METHOD] = { "reset-method", .repeatable = true, .parse = config_parse_reset_method },
        [CONFIG_DIRECTIVE_ROM_CHECK] = { "rom-check", .repeatable = true, .parse = config_parse_rom_check },
        [CONFIG_DIRECTIVE_BAR_SIZE] = { "bar-size", .repeatable = true, .parse = config_parse_bar_size },
        [CONFIG_DIRECTIVE_VFIO_PCI_OPTIONS] = { "vfio-pci-options", .parse = config_parse_vfio_pci_options },
};

const char *config_directive_to_string(enum config_directive d)
{
        if (d <= CONFIG_DIRECTIVE_NONE || d >= _CONFIG_DIRECTIVE_MAX)
                return "";
        return directives[d].name;
}

static int unknown_directive(struct parser *p, const struct word *w)
{
        const char *names[_CONFIG_DIRECTIVE_MAX], *eq = strchr(w->text, '='), *suggestion;
        size_t n = 0, len = eq ? (size_t) (eq - w->text) : strlen(w->text);
        char q[QUOTE_SIZE];

        for (unsigned d = CONFIG_DIRECTIVE_NONE + 1; d < _CONFIG_DIRECTIVE_MAX; d++)
                names[n++] = directives[d].name;
        names[n] = NULL;

        /* "hugepage-size=1G": the one spelling of a known directive we can tell apart. */
        for (size_t i = 0; eq && i < n; i++)
                if (strlen(names[i]) == len && strncmp(w->text, names[i], len) == 0)
                        return diag(p, w->column + (unsigned) len,
                                    "expected a space between '%s' and its value, got '='", names[i]);

        suggestion = config_closest(w->text, len, names);
        if (suggestion)
                return diag(p, w->column, "unknown directive %s (did you mean '%s'?)",
                            config_quote(q, w->text, strlen(w->text)), suggestion);
        return diag(p, w->column, "unknown directive %s", config_quote(q, w->text, strlen(w->text)));
}

static int parse_directive(struct parser *p, const struct word *w)
{
        enum config_directive d;
        const struct directive_info *info;
        int r;

        for (d = CONFIG_DIRECTIVE_NONE + 1; d < _CONFIG_DIRECTIVE_MAX; d++)
                if (streq(w->text, directives[d].name))
                        break;
        if (d == _CONFIG_DIRECTIVE_MAX)
                return unknown_directive(p, w);
        p->directive = d;
        info = &directives[d];

        if (!info->repeatable) {
                if (p->first_line[d] != 0)
                        return diag(p, w->column, "duplicate '%s': first given on line %u", info->name,
                                    p->first_line[d]);
                p->first_line[d] = p->line;
        }
        if (info->excludes != CONFIG_DIRECTIVE_NONE && p->first_line[info->excludes] != 0)
                return diag(p, w->column, "'%s' conflicts with '%s' on line %u: use one of them", info->name,
                            directives[info->excludes].name, p->first_line[info->excludes]);

        r = info->parse(p);
        if (r >= 0 && config_line_ok(p) && !info->repeatable)
                p->config->directive_line[d] = p->line;
        return r;
}

/* One line without its "\n". */
static int parse_line(struct parser *p, const char *raw, size_t len)
{
        char line[CONFIG_LINE_MAX + 1];
        const char *nul;
        size_t bad, i;
        struct word w;

        p->directive = CONFIG_DIRECTIVE_NONE;
        p->line_first_diagnostic = p->config->n_diagnostics;

        /*
         * CRLF line endings are accepted: a file edited on Windows or pasted through a web form
         * gets them without the user seeing it, and nothing in the syntax can contain a '\r',
         * so dropping it cannot change what a line means.
         */
        if (len > 0 && raw[len - 1] == '\r')
                len--;

        if (len > CONFIG_LINE_MAX)
                return diag(p, CONFIG_LINE_MAX + 1, "line is longer than %d bytes", CONFIG_LINE_MAX);
        nul = memchr(raw, '\0', len);
        if (nul)
                return diag(p, (unsigned) (nul - raw) + 1, "expected text, got a NUL byte");
        /* Not UTF-8 means a wrong encoding or not a text file at all: say so, whatever the line. */
        bad = utf8_invalid_offset(raw, len);
        if (bad < len)
                return diag(p, (unsigned) bad + 1, "expected UTF-8 text, got byte 0x%02x",
                            (unsigned) (unsigned char) raw[bad]);

        memcpy(line, raw, len);
        line[len] = '\0';

        /* A comment starts with a '#' at the start of the line or after a blank. */
        for (i = 0; i < len; i++)
                if (line[i] == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) {
                        line[i] = '\0';
                        len = i;
                        break;
                }
        for (i = 0; i < len; i++)
                if (((unsigned char) line[i] < 0x20 && line[i] != '\t') || line[i] == 0x7f)
                        return diag(p, (unsigned) i + 1, "expected printable text, got control character 0x%02x",
                                    (unsigned) line[i]);
        while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
                line[--len] = '\0';

        p->line_start = p->next = line;
        p->end_column = (unsigned) len + 1;
        if (!config_next_word(p, &w))
                return 0;
        return parse_directive(p, &w);
}

/* Insertion sort: stable, and the list is already in order except for config_drop_kept_claims(). */
static void sort_diagnostics(struct initbind_config *c)
{
        for (size_t i = 1; i < c->n_diagnostics; i++) {
                struct config_diagnostic d = c->diagnostics[i];
                size_t j = i;

                while (j > 0 && (c->diagnostics[j - 1].line > d.line ||
                                 (c->diagnostics[j - 1].line == d.line && c->diagnostics[j - 1].column > d.column))) {
                        c->diagnostics[j] = c->diagnostics[j - 1];
                        j--;
                }
                c->diagnostics[j] = d;
        }
}

int config_parse(const char *buf, size_t size, const char *file_name, struct initbind_config **ret)
{
        _cleanup_config_ struct initbind_config *c = NULL;
        _cleanup_(config_claims_index_done) struct parser p = {};
        const char *s = buf, *end = buf + size;
        int r;

        assert(buf || size == 0);
        assert(file_name);
        assert(ret);

        c = calloc(1, sizeof(*c));
        if (!c)
                return -ENOMEM;
        c->file_name = strdup(file_name);
        if (!c->file_name)
                return -ENOMEM;
        p.config = c;

        /* A UTF-8 byte order mark (some Windows editors write one) is invisible: skip it. */
        if (size >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
                s += 3;

        for (p.line = 1; s < end; p.line++) {
                const char *eol = memchr(s, '\n', (size_t) (end - s));
                size_t len = eol ? (size_t) (eol - s) : (size_t) (end - s);

                r = parse_line(&p, s, len);
                if (r < 0)
                        return r;
                s = eol ? eol + 1 : end;
        }

        r = config_drop_kept_claims(&p);
        if (r < 0)
                return r;
        sort_diagnostics(c);

        *ret = TAKE_PTR(c);
        return 0;
}

/*
 * Read and parse the file open at FD. FD may instead be the negative errno its open failed
 * with: -ENOENT then gives an empty config and returns CONFIG_MISSING, any other error is
 * returned. The caller keeps the fd.
 */
static int config_read_fd(int fd, const char *file_name, struct initbind_config **ret)
{
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        int r;

        if (fd == -ENOENT) {
                r = config_parse("", 0, file_name, ret);
                return r < 0 ? r : CONFIG_MISSING;
        }
        if (fd < 0)
                return fd;

        r = read_full_fd(fd, &buf, &size);
        if (r < 0)
                return r;
        return config_parse(buf, size, file_name, ret);
}

struct initbind_config *config_free(struct initbind_config *c)
{
        if (!c)
                return NULL;
        for (size_t i = 0; i < c->n_diagnostics; i++)
                free(c->diagnostics[i].message);
        free(c->diagnostics);
        free(c->claims);
        free(c->keeps);
        free(c->lends);
        free(c->reset_methods);
        free(c->rom_checks);
        free(c->bar_sizes);
        free(c->guest_memory);
        free(c->isolate_cpus);
        free(c->file_name);
        free(c);
        return NULL;
}

char *config_diagnostic_format(const struct initbind_config *c, const struct config_diagnostic *d)
{
        char *s;

        if (asprintf(&s, "%s:%u:%u: %s", c->file_name, d->line, d->column, d->message) < 0)
                return NULL;
        return s;
}

int config_read_path(const struct rootdir *root, const char *path, struct initbind_config **ret)
{
        if (!path)
                path = INITBIND_CONFIG_PATH;
        _cleanup_close_ int fd = rootdir_open_regular(root, path);
        return config_read_fd(fd, path, ret);
}
