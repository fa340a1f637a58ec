/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Parsing /etc/initbind.conf into claims, keeps and command-line intent, with every mistake. */

#include "config.h"

#include <assert.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <strings.h>

#include "cpu_list.h"
#include "fileio.h"
#include "rootdir.h"

/* Quoted user text is cut to this many bytes, so a message stays one readable kmsg line. */
#define QUOTE_MAX 48
#define QUOTE_SIZE (QUOTE_MAX + sizeof("...''"))

struct word {
        const char *text; /* NUL-terminated, no blanks */
        unsigned column;
};

struct parser {
        struct initbind_config *config;
        unsigned line;
        enum config_directive directive;            /* of the current line, for its diagnostics */
        size_t line_first_diagnostic;               /* n_diagnostics when the line began */
        unsigned first_line[_CONFIG_DIRECTIVE_MAX]; /* good or bad, for "duplicate" */
        char *line_start, *next;                    /* the current line (a copy) and the next word */
        unsigned end_column;                        /* just after the last word, for "got end of line" */
};

typedef int (*parse_func)(struct parser *p);

static int parse_claim(struct parser *p);
static int parse_keep(struct parser *p);
static int parse_isolate_cores(struct parser *p);
static int parse_isolate_cpus(struct parser *p);
static int parse_isolcpus_flags(struct parser *p);
static int parse_guest_memory(struct parser *p);

static int parse_keyword(struct parser *p);

/* Directives with a keyword value list their keywords; the enum value is the index + 1. */
static const struct directive_info {
        const char *name;
        bool repeatable;
        enum config_directive excludes; /* NONE, or a directive this one cannot go with */
        parse_func parse;
        const char *const *keywords;
} directives[_CONFIG_DIRECTIVE_MAX] = {
        [CONFIG_DIRECTIVE_CLAIM] = { "claim", .repeatable = true, .parse = parse_claim },
        [CONFIG_DIRECTIVE_KEEP] = { "keep", .repeatable = true, .parse = parse_keep },
        [CONFIG_DIRECTIVE_ISOLATE_CORES] = { "isolate-cores", .parse = parse_isolate_cores,
                                             .excludes = CONFIG_DIRECTIVE_ISOLATE_CPUS },
        [CONFIG_DIRECTIVE_ISOLATE_CPUS] = { "isolate-cpus", .parse = parse_isolate_cpus,
                                            .excludes = CONFIG_DIRECTIVE_ISOLATE_CORES },
        [CONFIG_DIRECTIVE_ISOLCPUS_FLAGS] = { "isolcpus-flags", .parse = parse_isolcpus_flags },
        [CONFIG_DIRECTIVE_GUEST_MEMORY] = { "guest-memory", .repeatable = true, .parse = parse_guest_memory },
        [CONFIG_DIRECTIVE_HUGEPAGE_SIZE] = { "hugepage-size", .parse = parse_keyword,
                                             .keywords = (const char *const[]){ "auto", "2M", "1G", NULL } },
        [CONFIG_DIRECTIVE_ACS_OVERRIDE] = { "acs-override", .parse = parse_keyword,
                                            .keywords = (const char *const[]){ "never", "if-needed", NULL } },
        [CONFIG_DIRECTIVE_KVM_IGNORE_MSRS] = { "kvm-ignore-msrs", .parse = parse_keyword,
                                               .keywords = (const char *const[]){ "yes", "no", NULL } },
        [CONFIG_DIRECTIVE_NESTED_VIRTUALIZATION] = { "nested-virtualization", .parse = parse_keyword,
                                                     .keywords = (const char *const[]){ "yes", "no", NULL } },
        [CONFIG_DIRECTIVE_TRANSPARENT_HUGEPAGE] = { "transparent-hugepage", .parse = parse_keyword,
                                                    .keywords = (const char *const[]){ "never", "madvise", "always",
                                                                                       "unchanged", NULL } },
        [CONFIG_DIRECTIVE_UNSAFE_INTERRUPTS] = { "unsafe-interrupts", .parse = parse_keyword,
                                                 .keywords = (const char *const[]){ "no", "if-needed", NULL } },
        [CONFIG_DIRECTIVE_FRAMEBUFFER] = { "framebuffer", .parse = parse_keyword,
                                           .keywords = (const char *const[]){ "auto", "keep", NULL } },
};

/* Comma-separated flag words (allow=, isolcpus-flags); the bit of each is 1 << index. */
static const char *const allow_names[] = { "console", "storage", "unbind", "partial-group", NULL };
static const char *const isolcpus_names[] = { "nohz", "domain", "managed_irq", NULL };

const char *config_directive_to_string(enum config_directive d)
{
        if (d <= CONFIG_DIRECTIVE_NONE || d >= _CONFIG_DIRECTIVE_MAX)
                return "";
        return directives[d].name;
}

/* Offset of the first byte that does not start a well-formed UTF-8 sequence, or len. */
static size_t utf8_invalid_offset(const char *s, size_t len)
{
        const unsigned char *u = (const unsigned char *) s;
        size_t i = 0;

        while (i < len) {
                unsigned cp, min, n;

                if (u[i] < 0x80) {
                        i++;
                        continue;
                }
                if ((u[i] & 0xe0) == 0xc0)
                        n = 1, cp = u[i] & 0x1f, min = 0x80;
                else if ((u[i] & 0xf0) == 0xe0)
                        n = 2, cp = u[i] & 0x0f, min = 0x800;
                else if ((u[i] & 0xf8) == 0xf0)
                        n = 3, cp = u[i] & 0x07, min = 0x10000;
                else
                        return i;
                if (len - i <= n)
                        return i;
                for (unsigned k = 1; k <= n; k++) {
                        if ((u[i + k] & 0xc0) != 0x80)
                                return i;
                        cp = cp << 6 | (u[i + k] & 0x3f);
                }
                /* Overlong forms, UTF-16 surrogates and values past Unicode are not UTF-8. */
                if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
                        return i;
                i += n + 1;
        }
        return len;
}

static size_t utf8_char_length(const char *s)
{
        unsigned char c = (unsigned char) *s;
        return c < 0xc0 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
}

/* 'TEXT', cut after QUOTE_MAX bytes (at a character boundary: lines are valid UTF-8). */
static const char *quote(char buf[static QUOTE_SIZE], const char *s, size_t len)
{
        bool cut = len > QUOTE_MAX;

        if (cut) {
                len = QUOTE_MAX;
                while (len > 0 && ((unsigned char) s[len] & 0xc0) == 0x80)
                        len--;
        }
        snprintf(buf, QUOTE_SIZE, "'%.*s%s'", (int) len, s, cut ? "..." : "");
        return buf;
}

static bool strv_contains(const char *const *words, const char *s)
{
        for (; *words; words++)
                if (streq(*words, s))
                        return true;
        return false;
}

/* "a, b or c" from a NULL-terminated list of words. */
static const char *join_or(char *buf, size_t size, const char *const *words)
{
        size_t len = 0;

        buf[0] = '\0';
        for (size_t i = 0; words[i] && len < size; i++)
                len += (size_t) snprintf(buf + len, size - len, "%s%s",
                                         i == 0         ? ""
                                         : words[i + 1] ? ", "
                                                        : " or ",
                                         words[i]);
        return buf;
}

static bool is_word_char(char c)
{
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

/*
 * What was found at S, for "got ...": a run of letters and digits ("'9000'", "'GB'"), or one
 * character ("'.'"), or END ("end of address") when nothing is left.
 */
static const char *describe_got(char buf[static QUOTE_SIZE], const char *s, const char *end)
{
        size_t n = 0;

        if (*s == '\0')
                return end;
        if (*s == '#')
                return "'#' (a comment needs a blank before it)";
        while (is_word_char(s[n]))
                n++;
        return quote(buf, s, n > 0 ? n : utf8_char_length(s));
}

static unsigned edit_distance_nocase(const char *a, size_t la, const char *b)
{
        unsigned row[33], lb = (unsigned) strlen(b);

        if (la >= ELEMENTSOF(row) || lb >= ELEMENTSOF(row))
                return UINT_MAX; /* not worth a suggestion */
        for (unsigned j = 0; j <= lb; j++)
                row[j] = j;
        for (size_t i = 1; i <= la; i++) {
                unsigned diagonal = row[0];
                row[0] = (unsigned) i;
                for (unsigned j = 1; j <= lb; j++) {
                        unsigned above = row[j];
                        unsigned cost = strncasecmp(a + i - 1, b + j - 1, 1) != 0;
                        unsigned best = diagonal + cost;
                        if (above + 1 < best)
                                best = above + 1;
                        if (row[j - 1] + 1 < best)
                                best = row[j - 1] + 1;
                        row[j] = best;
                        diagonal = above;
                }
        }
        return row[lb];
}

/* The candidate a typo most likely meant (at most 2 edits, case ignored), or NULL. */
static const char *closest(const char *word, size_t len, const char *const *candidates)
{
        const char *best = NULL;
        unsigned best_distance = 3;

        for (; *candidates; candidates++) {
                unsigned d = edit_distance_nocase(word, len, *candidates);
                if (d < best_distance) {
                        best = *candidates;
                        best_distance = d;
                }
        }
        return best;
}

/*
 * Room for element N of a malloc'd array that holds N elements of SIZE bytes, doubling the
 * allocation whenever N reaches a power of two (4 at least): the array, maybe moved, or NULL.
 */
static void *grow(void *array, size_t n, size_t size)
{
        if (n != 0 && (n < 4 || (n & (n - 1)) != 0))
                return array;
        return reallocarray(array, n == 0 ? 4 : n * 2, size);
}

/* Appends ITEM to ARRAY of N elements. 0 or -ENOMEM (the array is then unchanged). */
#define APPEND(array, n, item)                                                                                         \
        ({                                                                                                             \
                __typeof__(array) _grown = grow((array), (n), sizeof(*(array)));                                       \
                if (_grown) {                                                                                          \
                        (array) = _grown;                                                                              \
                        (array)[(n)++] = (item);                                                                       \
                }                                                                                                      \
                _grown ? 0 : -ENOMEM;                                                                                  \
        })

/* Records a diagnostic. Returns 0, or -ENOMEM. */
_printf_(5, 6) static int diag_at(struct parser *p, unsigned line, unsigned column, enum config_directive directive,
                                  const char *format, ...)
{
        struct config_diagnostic d = { .line = line, .column = column, .directive = directive };
        va_list ap;
        int r;

        va_start(ap, format);
        r = vasprintf(&d.message, format, ap);
        va_end(ap);
        if (r < 0)
                return -ENOMEM;
        if (APPEND(p->config->diagnostics, p->config->n_diagnostics, d) < 0) {
                free(d.message);
                return -ENOMEM;
        }
        return 0;
}

/* A diagnostic on the line being parsed. */
#define diag(p, column, ...) diag_at((p), (p)->line, (column), (p)->directive, __VA_ARGS__)

static bool line_ok(const struct parser *p) { return p->config->n_diagnostics == p->line_first_diagnostic; }

static bool next_word(struct parser *p, struct word *ret)
{
        char *s = p->next;

        while (*s == ' ' || *s == '\t')
                s++;
        if (*s == '\0') {
                p->next = s;
                return false;
        }
        ret->text = s;
        ret->column = (unsigned) (s - p->line_start) + 1;
        while (*s != '\0' && *s != ' ' && *s != '\t')
                s++;
        if (*s != '\0')
                *s++ = '\0';
        p->next = s;
        return true;
}

static const char *directive_name(const struct parser *p) { return directives[p->directive].name; }

/* The directive's argument is missing. */
static int missing(struct parser *p, const char *expected)
{
        return diag(p, p->end_column, "expected %s after '%s', got end of line", expected, directive_name(p));
}

/* Nothing may follow; WHAT says what the directive takes, e.g. "one value". */
static int expect_end(struct parser *p, const char *what)
{
        char q[QUOTE_SIZE];
        struct word w;

        if (!next_word(p, &w))
                return 0;
        return diag(p, w.column, "expected end of line, got %s ('%s' takes %s)", quote(q, w.text, strlen(w.text)),
                    directive_name(p), what);
}

/*
 * A parser of this project rejected the text at VALUE (which starts OFFSET bytes into word W)
 * at byte POS, saying what it EXPECTED there.
 */
static int bad_value(struct parser *p, const struct word *w, size_t offset, size_t pos, const char *expected,
                     const char *end)
{
        const char *value = w->text + offset;
        char q[QUOTE_SIZE];

        if (pos > strlen(value))
                pos = strlen(value);
        return diag(p, w->column + (unsigned) (offset + pos), "expected %s, got %s",
                    expected ? expected : "something else", describe_got(q, value + pos, end));
}

/*
 * Decimal digits only; *ret_len is the number of digits. -EINVAL without any, -ERANGE above MAX
 * (which is at least 9).
 */
static int parse_decimal(const char *s, uint64_t max, uint64_t *ret, size_t *ret_len)
{
        uint64_t v = 0;
        bool too_large = false;
        size_t n = 0;

        for (; s[n] >= '0' && s[n] <= '9'; n++) {
                unsigned digit = (unsigned) (s[n] - '0');
                if (too_large || v > (max - digit) / 10)
                        too_large = true;
                else
                        v = v * 10 + digit;
        }
        *ret_len = n;
        if (n == 0)
                return -EINVAL;
        if (too_large)
                return -ERANGE;
        *ret = v;
        return 0;
}

/*
 * The rest of word W from OFFSET must be a number MIN..MAX. On a mistake the diagnostic says
 * "expected EXPECTED, got 'TEXT'" (or END when empty) at the first character that is not a
 * digit, or at the start of a number out of range.
 */
static int parse_number_word(struct parser *p, const struct word *w, size_t offset, uint64_t min, uint64_t max,
                             const char *expected, const char *end, uint64_t *ret)
{
        const char *s = w->text + offset;
        const char *got;
        char q[QUOTE_SIZE];
        uint64_t v = 0;
        size_t n;
        int r;

        r = parse_decimal(s, max, &v, &n);
        got = *s ? quote(q, s, strlen(s)) : end;
        if (r == -EINVAL || (r == 0 && s[n] != '\0'))
                return diag(p, w->column + (unsigned) (offset + n), "expected %s, got %s", expected, got);
        if (r == -ERANGE || v < min || s[n] != '\0')
                return diag(p, w->column + (unsigned) offset, "expected %s, got %s", expected, got);
        *ret = v;
        return 0;
}

/*
 * A comma-separated list of NAMES: sets bit 1 << index for each in *ret_flags and the column of
 * each in columns[index]. WHAT names one entry in messages ("permission").
 */
static int parse_flag_list(struct parser *p, const struct word *w, size_t offset, const char *const *names,
                           const char *what, unsigned *ret_flags, unsigned columns[])
{
        char buf[128], q[QUOTE_SIZE];
        const char *s = w->text + offset, *expected = join_or(buf, sizeof(buf), names);
        unsigned flags = 0;
        size_t n_names = 0;
        int r;

        while (names[n_names])
                n_names++;

        for (;;) {
                size_t len = strcspn(s, ","), i;
                unsigned column = w->column + (unsigned) (s - w->text);

                if (len == 0)
                        r = diag(p, column, "expected %s, got %s", expected, *s == ',' ? "','" : "end of list");
                else {
                        for (i = 0; i < n_names; i++)
                                if (strlen(names[i]) == len && strncmp(s, names[i], len) == 0)
                                        break;
                        if (i == n_names)
                                r = diag(p, column, "unknown %s %s: expected %s", what, quote(q, s, len), expected);
                        else if (flags & (1u << i))
                                r = diag(p, column, "%s '%s' given twice", what, names[i]);
                        else {
                                flags |= 1u << i;
                                columns[i] = column;
                                r = 0;
                        }
                }
                if (r < 0)
                        return r;
                if (s[len] == '\0')
                        break;
                s += len + 1;
        }
        *ret_flags = flags;
        return 0;
}

static const char *format_selector(const struct config_claim *c, char buf[static 64])
{
        char id[VFIO_ID_STRING_MAX], address[PCI_ADDRESS_STRING_MAX];

        switch (c->selector) {
        case CONFIG_SELECT_ADDRESS:
                snprintf(buf, 64, "%s", pci_address_format(&c->address, address));
                break;
        case CONFIG_SELECT_SLOT:
                snprintf(buf, 64, "slot=%04x:%02x:%02x", (unsigned) c->address.domain, (unsigned) c->address.bus,
                         (unsigned) c->address.slot);
                break;
        case CONFIG_SELECT_ID:
                snprintf(buf, 64, "id=%s", vfio_id_format(&c->id, id));
                break;
        case CONFIG_SELECT_GROUP:
                snprintf(buf, 64, "group=%u", c->group);
                break;
        }
        return buf;
}

static bool same_selector(const struct config_claim *a, const struct config_claim *b)
{
        if (a->selector != b->selector)
                return false;
        switch (a->selector) {
        case CONFIG_SELECT_ADDRESS:
                return pci_address_equal(&a->address, &b->address);
        case CONFIG_SELECT_SLOT:
                return pci_address_same_slot(&a->address, &b->address);
        case CONFIG_SELECT_ID:
                return memcmp(&a->id, &b->id, sizeof(a->id)) == 0;
        case CONFIG_SELECT_GROUP:
                return a->group == b->group;
        }
        return false;
}

static int parse_selector(struct parser *p, const struct word *w, struct config_claim *claim)
{
        const char *expected = NULL, *eq;
        char q[QUOTE_SIZE];
        size_t pos = 0;
        uint64_t group = 0;
        int r;

        if (startswith(w->text, "id=")) {
                claim->selector = CONFIG_SELECT_ID;
                r = vfio_id_parse_full(w->text + 3, &claim->id, &pos, &expected);
                if (r < 0 && w->text[3 + pos] == ',')
                        return diag(p, w->column + 3 + (unsigned) pos, "expected one ID per claim line, got ','");
                return r < 0 ? bad_value(p, w, 3, pos, expected, "end of ID") : 0;
        }
        if (startswith(w->text, "slot=")) {
                claim->selector = CONFIG_SELECT_SLOT;
                r = pci_slot_parse_full(w->text + 5, &claim->address, &pos, &expected);
                return r < 0 ? bad_value(p, w, 5, pos, expected, "end of slot") : 0;
        }
        if (startswith(w->text, "group=")) {
                claim->selector = CONFIG_SELECT_GROUP;
                r = parse_number_word(p, w, 6, 0, INT_MAX, "an IOMMU group number", "end of selector", &group);
                claim->group = (unsigned) group; /* used only when the line has no diagnostic */
                return r;
        }
        eq = strchr(w->text, '=');
        if (eq)
                return diag(p, w->column, "unknown selector %s: expected a PCI address, id=, slot= or group=",
                            quote(q, w->text, (size_t) (eq - w->text) + 1));

        claim->selector = CONFIG_SELECT_ADDRESS;
        r = pci_address_parse_full(w->text, &claim->address, &pos, &expected);
        if (r >= 0)
                return 0;

        /* Something else a claim can name, written without its "slot=" or "id=". */
        struct pci_address slot;
        struct vfio_id id;
        size_t ignored;
        if (pci_slot_parse(w->text, &slot, &ignored) >= 0)
                return diag(p, w->column,
                            "expected a PCI address, got %s (to claim every function of the device, write slot=%s)",
                            quote(q, w->text, strlen(w->text)), w->text);
        if (vfio_id_parse(w->text, &id, &ignored) >= 0)
                return diag(p, w->column, "expected a PCI address, got %s (to claim by ID, write id=%s)",
                            quote(q, w->text, strlen(w->text)), w->text);
        return bad_value(p, w, 0, pos, expected, "end of address");
}

static int parse_claim(struct parser *p)
{
        static const char *const options[] = { "expect=", "allow=", NULL };
        struct config_claim claim = { .line = p->line };
        bool seen_expect = false, seen_allow = false;
        const char *expected = NULL, *suggestion;
        char q[QUOTE_SIZE], buf[64];
        unsigned columns[4] = {};
        struct word w;
        size_t pos = 0;
        int r;

        if (!next_word(p, &w))
                return missing(p, "a PCI address, id=, slot= or group=");
        claim.column = w.column;
        r = parse_selector(p, &w, &claim);
        if (r < 0)
                return r;

        while (next_word(p, &w)) {
                if (startswith(w.text, "expect=")) {
                        if (seen_expect)
                                r = diag(p, w.column, "option 'expect=' given twice");
                        else if (claim.selector != CONFIG_SELECT_ADDRESS)
                                r = diag(p, w.column, "option 'expect=' needs a PCI address selector");
                        else if (vfio_id_parse_full(w.text + 7, &claim.expect, &pos, &expected) < 0)
                                r = bad_value(p, &w, 7, pos, expected, "end of ID");
                        else
                                claim.has_expect = true;
                        seen_expect = true;
                } else if (startswith(w.text, "allow=")) {
                        if (seen_allow)
                                r = diag(p, w.column, "option 'allow=' given twice");
                        else {
                                r = parse_flag_list(p, &w, 6, allow_names, "permission", &claim.allow, columns);
                                if (r >= 0 && (claim.allow & CONFIG_ALLOW_CONSOLE) &&
                                    claim.selector != CONFIG_SELECT_ADDRESS)
                                        r = diag(p, columns[0], "permission 'console' needs a PCI address selector");
                        }
                        seen_allow = true;
                } else {
                        suggestion = closest(w.text, strcspn(w.text, "="), options);
                        if (strv_contains(allow_names, w.text))
                                r = diag(p, w.column, "unknown option '%s' (did you mean 'allow=%s'?)", w.text, w.text);
                        else if (suggestion)
                                r = diag(p, w.column, "unknown option %s (did you mean '%s'?)",
                                         quote(q, w.text, strlen(w.text)), suggestion);
                        else
                                r = diag(p, w.column, "unknown option %s: expected expect= or allow=",
                                         quote(q, w.text, strlen(w.text)));
                }
                if (r < 0)
                        return r;
        }
        if (!line_ok(p))
                return 0;

        for (size_t i = 0; i < p->config->n_claims; i++)
                if (same_selector(&p->config->claims[i], &claim))
                        return diag(p, claim.column, "duplicate claim: line %u already claims %s",
                                    p->config->claims[i].line, format_selector(&claim, buf));
        return APPEND(p->config->claims, p->config->n_claims, claim);
}

static int parse_keep(struct parser *p)
{
        struct config_keep keep = { .line = p->line };
        char buf[PCI_ADDRESS_STRING_MAX];
        const char *expected = NULL;
        struct word w;
        size_t pos = 0;
        int r;

        if (!next_word(p, &w))
                return missing(p, "a PCI address");
        keep.column = w.column;
        if (pci_address_parse_full(w.text, &keep.address, &pos, &expected) < 0)
                r = bad_value(p, &w, 0, pos, expected, "end of address");
        else
                r = expect_end(p, "one PCI address");
        if (r < 0 || !line_ok(p))
                return r;

        for (size_t i = 0; i < p->config->n_keeps; i++)
                if (pci_address_equal(&p->config->keeps[i].address, &keep.address))
                        return diag(p, keep.column, "duplicate keep: line %u already keeps %s",
                                    p->config->keeps[i].line, pci_address_format(&keep.address, buf));
        return APPEND(p->config->keeps, p->config->n_keeps, keep);
}

static int parse_isolate_cores(struct parser *p)
{
        struct word w;
        uint64_t n = 0;
        int r;

        if (!next_word(p, &w))
                return missing(p, "a number of cores");
        r = parse_number_word(p, &w, 0, 1, CONFIG_CPUS_MAX, "a number of cores 1-8192", "end of number", &n);
        if (r >= 0)
                r = expect_end(p, "one number");
        if (r >= 0 && line_ok(p))
                p->config->isolate_cores = (unsigned) n;
        return r;
}

static int parse_isolate_cpus(struct parser *p)
{
        _cleanup_(cpu_set_done) struct cpu_set set = {};
        const char *expected = NULL;
        char q[QUOTE_SIZE];
        struct word w;
        size_t pos = 0;
        int r;

        if (!next_word(p, &w))
                return missing(p, "a CPU list such as 2-7,10-15");
        /* CPUs are checked against the machine by cmdlinegen; here only the kernel's ceiling. */
        r = cpu_list_parse_full(w.text, CONFIG_CPUS_MAX, &set, &pos, &expected);
        if (r == -ENOMEM)
                return r;
        if (r == -ERANGE || r == -EOVERFLOW)
                r = diag(p, w.column + (unsigned) pos, "expected a CPU number below %d, got %s", CONFIG_CPUS_MAX,
                         describe_got(q, w.text + pos, "end of list"));
        else if (r < 0)
                r = bad_value(p, &w, 0, pos, expected, "end of list");
        else if (cpu_set_is_empty(&set))
                r = diag(p, w.column, "expected at least one CPU, got %s", quote(q, w.text, strlen(w.text)));
        else
                r = expect_end(p, "one CPU list");
        if (r < 0 || !line_ok(p))
                return r;

        p->config->isolate_cpus = strdup(w.text);
        return p->config->isolate_cpus ? 0 : -ENOMEM;
}

static int parse_isolcpus_flags(struct parser *p)
{
        unsigned flags = 0, columns[3];
        struct word w;
        int r;

        if (!next_word(p, &w))
                return missing(p, "nohz, domain or managed_irq");
        r = parse_flag_list(p, &w, 0, isolcpus_names, "isolcpus flag", &flags, columns);
        if (r >= 0)
                r = expect_end(p, "one comma-separated list");
        if (r >= 0 && line_ok(p))
                p->config->isolcpus_flags = flags;
        return r;
}

/* A size such as 16G: decimal digits and one binary suffix, K, M, G or T in either case. */
static int parse_size(struct parser *p, const struct word *w, uint64_t *ret)
{
        static const char suffixes[] = "KkMmGgTt"; /* 2^10, 2^20, 2^30, 2^40 */
        const char *s = w->text, *suffix;
        char q[QUOTE_SIZE], got[QUOTE_SIZE];
        uint64_t v = 0;
        size_t n;
        int r;

        r = parse_decimal(s, UINT64_MAX, &v, &n);
        if (r == -EINVAL)
                return diag(p, w->column, "expected a size such as 16G or 8192M, got %s", quote(q, s, strlen(s)));
        suffix = s[n] != '\0' ? strchr(suffixes, s[n]) : NULL;
        if (!suffix || s[n + 1] != '\0')
                return diag(p, w->column + (unsigned) n, "expected a size suffix K, M, G or T after %s, got %s",
                            quote(q, s, n), s[n] ? quote(got, s + n, strlen(s + n)) : "end of size");

        unsigned shift = 10 * (unsigned) ((suffix - suffixes) / 2 + 1);
        if (r == -ERANGE || v > UINT64_MAX >> shift)
                return diag(p, w->column, "size %s is too large (16 EiB or more)", quote(q, s, strlen(s)));
        if (v == 0)
                return diag(p, w->column, "expected a size greater than zero, got %s", quote(q, s, strlen(s)));
        *ret = v << shift;
        return 0;
}

uint64_t config_guest_memory_total(const struct initbind_config *c)
{
        uint64_t total = 0;

        for (size_t i = 0; i < c->n_guest_memory; i++)
                total += c->guest_memory[i].bytes;
        return total;
}

static int parse_guest_memory(struct parser *p)
{
        struct config_guest_memory m = { .node = -1, .line = p->line };
        bool seen_node = false;
        char q[QUOTE_SIZE];
        struct word w;
        uint64_t node = 0;
        int r;

        if (!next_word(p, &w))
                return missing(p, "a size such as 16G");
        m.column = w.column;
        r = parse_size(p, &w, &m.bytes);
        if (r < 0)
                return r;

        while (next_word(p, &w)) {
                if (!startswith(w.text, "node="))
                        r = diag(p, w.column,
                                 "unknown option %s: expected node=N (write one guest-memory line per guest)",
                                 quote(q, w.text, strlen(w.text)));
                else if (seen_node)
                        r = diag(p, w.column, "option 'node=' given twice");
                else {
                        r = parse_number_word(p, &w, 5, 0, CONFIG_NUMA_NODES_MAX - 1, "a NUMA node number 0-1023",
                                              "end of option", &node);
                        m.node = (int) node;
                        seen_node = true;
                }
                if (r < 0)
                        return r;
        }
        if (!line_ok(p))
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

static int parse_keyword(struct parser *p)
{
        const char *const *keywords = directives[p->directive].keywords;
        char buf[96], q[QUOTE_SIZE];
        const char *expected = join_or(buf, sizeof(buf), keywords);
        struct word w;
        unsigned i;

        if (!next_word(p, &w))
                return missing(p, expected);
        for (i = 0; keywords[i]; i++)
                if (streq(w.text, keywords[i]))
                        break;
        if (!keywords[i])
                return diag(p, w.column, "expected %s, got %s", expected, quote(q, w.text, strlen(w.text)));
        int r = expect_end(p, "one value");
        if (r >= 0 && line_ok(p))
                set_keyword(p->config, p->directive, i + 1);
        return r;
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

        suggestion = closest(w->text, len, names);
        if (suggestion)
                return diag(p, w->column, "unknown directive %s (did you mean '%s'?)",
                            quote(q, w->text, strlen(w->text)), suggestion);
        return diag(p, w->column, "unknown directive %s", quote(q, w->text, strlen(w->text)));
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
        if (r >= 0 && line_ok(p) && !info->repeatable)
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
        if (!next_word(p, &w))
                return 0;
        return parse_directive(p, &w);
}

/* A claim by address of a function the file also keeps is dropped: keeping is the safe side. */
static int drop_kept_claims(struct parser *p)
{
        struct initbind_config *c = p->config;
        size_t kept = 0;
        char buf[PCI_ADDRESS_STRING_MAX];
        int r;

        for (size_t i = 0; i < c->n_claims; i++) {
                struct config_claim *claim = &c->claims[i];
                size_t k;

                for (k = 0; k < c->n_keeps; k++)
                        if (claim->selector == CONFIG_SELECT_ADDRESS &&
                            pci_address_equal(&claim->address, &c->keeps[k].address))
                                break;
                if (k == c->n_keeps) {
                        c->claims[kept++] = *claim;
                        continue;
                }
                r = diag_at(p, claim->line, claim->column, CONFIG_DIRECTIVE_CLAIM,
                            "claim of %s conflicts with 'keep' on line %u", pci_address_format(&claim->address, buf),
                            c->keeps[k].line);
                if (r < 0)
                        return r;
        }
        c->n_claims = kept;
        return 0;
}

/* Insertion sort: stable, and the list is already in order except for drop_kept_claims(). */
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
        struct parser p = {};
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

        r = drop_kept_claims(&p);
        if (r < 0)
                return r;
        sort_diagnostics(c);

        *ret = TAKE_PTR(c);
        return 0;
}

int config_read_fd(int fd, const char *file_name, struct initbind_config **ret)
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
        _cleanup_close_ int fd = rootdir_open(root, path, O_RDONLY | O_CLOEXEC, 0);
        return config_read_fd(fd, path, ret);
}
