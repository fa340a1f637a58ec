/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * /etc/initbind.conf from arbitrary bytes: parsing always succeeds; every diagnostic points at a
 * line of the file and a column within it (or just past its end), they come in file order, and
 * each message is one line of valid UTF-8; what was accepted is in range.
 */
#include <errno.h>

#include "config.h"
#include "cpu_list.h"
#include "fuzz.h"

/* Whether s is well-formed UTF-8 without control characters: one printable log line. */
static bool printable_utf8(const char *s)
{
        const unsigned char *u = (const unsigned char *) s;
        while (*u) {
                unsigned n, cp, min;
                if (*u < 0x80) {
                        if (*u < 0x20 || *u == 0x7f)
                                return false;
                        u++;
                        continue;
                }
                if ((*u & 0xe0) == 0xc0)
                        n = 1, cp = *u & 0x1f, min = 0x80;
                else if ((*u & 0xf0) == 0xe0)
                        n = 2, cp = *u & 0x0f, min = 0x800;
                else if ((*u & 0xf8) == 0xf0)
                        n = 3, cp = *u & 0x07, min = 0x10000;
                else
                        return false;
                for (unsigned k = 1; k <= n; k++) {
                        if ((u[k] & 0xc0) != 0x80)
                                return false;
                        cp = cp << 6 | (u[k] & 0x3f);
                }
                if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
                        return false;
                u += n + 1;
        }
        return true;
}

/* The file's lines as the parser numbers them: after a UTF-8 BOM, split at '\n', a final '\r'
 * not counted. line_len[i] is the length of line i + 1. */
struct lines {
        size_t n;
        size_t *len;
};

static struct lines split_lines(const uint8_t *data, size_t size)
{
        struct lines l = { 0, malloc((size + 1) * sizeof(size_t)) };
        CHECK(l.len, "out of memory");
        const uint8_t *s = data, *end = data + size;
        if (size >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
                s += 3;
        while (s < end) {
                const uint8_t *eol = memchr(s, '\n', (size_t) (end - s));
                size_t len = eol ? (size_t) (eol - s) : (size_t) (end - s);
                l.len[l.n++] = len > 0 && s[len - 1] == '\r' ? len - 1 : len;
                s = eol ? eol + 1 : end;
        }
        return l;
}

static void check_position(const struct lines *l, unsigned line, unsigned column, const char *what)
{
        CHECK(line >= 1 && line <= l->n, "%s: line %u of a %zu-line file", what, line, l->n);
        CHECK(column >= 1 && column <= l->len[line - 1] + 1, "%s: line %u: column %u of a %zu-byte line", what, line,
              column, l->len[line - 1]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct initbind_config *c = NULL;
        int r = config_parse((const char *) data, size, "fuzz.conf", &c);
        CHECK(r == 0 && c, "config_parse returned %d", r);

        struct lines l = split_lines(data, size);
        for (size_t i = 0; i < c->n_diagnostics; i++) {
                const struct config_diagnostic *d = &c->diagnostics[i];
                CHECK(d->message, "diagnostic %zu without a message", i);
                check_position(&l, d->line, d->column, d->message);
                CHECK((int) d->directive >= CONFIG_DIRECTIVE_NONE && (int) d->directive < _CONFIG_DIRECTIVE_MAX,
                      "%u:%u: directive %d", d->line, d->column, (int) d->directive);
                CHECK(printable_utf8(d->message), "%u:%u: message is not one line of UTF-8: '%s'", d->line, d->column,
                      d->message);
                if (i > 0) {
                        const struct config_diagnostic *prev = &c->diagnostics[i - 1];
                        CHECK(prev->line < d->line || (prev->line == d->line && prev->column <= d->column),
                              "diagnostics out of order: %u:%u before %u:%u", prev->line, prev->column, d->line,
                              d->column);
                }
                char *formatted = config_diagnostic_format(c, d);
                CHECK(formatted, "out of memory");
                free(formatted);
        }

        /* What was accepted points at real lines and holds values in range. */
        for (size_t i = 0; i < c->n_claims; i++) {
                const struct config_claim *claim = &c->claims[i];
                check_position(&l, claim->line, claim->column, "claim");
                CHECK(claim->address.slot <= 0x1f && claim->address.function <= 7, "claim of slot %x function %x",
                      claim->address.slot, claim->address.function);
                CHECK(claim->group <= INT32_MAX, "claim of group %u", claim->group);
                CHECK(!claim->has_expect || claim->selector == CONFIG_SELECT_ADDRESS, "expect= on a non-address claim");
                CHECK((claim->allow & ~0xfu) == 0, "allow bits %x", claim->allow);
                for (size_t k = 0; k < c->n_keeps; k++)
                        CHECK(claim->selector != CONFIG_SELECT_ADDRESS ||
                                      !pci_address_equal(&claim->address, &c->keeps[k].address),
                              "line %u claims what line %u keeps", claim->line, c->keeps[k].line);
        }
        for (size_t i = 0; i < c->n_keeps; i++)
                check_position(&l, c->keeps[i].line, c->keeps[i].column, "keep");
        uint64_t total = 0;
        for (size_t i = 0; i < c->n_guest_memory; i++) {
                const struct config_guest_memory *m = &c->guest_memory[i];
                check_position(&l, m->line, m->column, "guest-memory");
                CHECK(m->bytes > 0 && m->node >= -1 && m->node < CONFIG_NUMA_NODES_MAX, "guest-memory %llu node %d",
                      (unsigned long long) m->bytes, m->node);
                CHECK(total + m->bytes > total, "guest-memory lines overflow 64 bits");
                total += m->bytes;
        }
        CHECK(total == config_guest_memory_total(c), "guest-memory total differs");
        CHECK(c->isolate_cores <= CONFIG_CPUS_MAX, "isolate-cores %u", c->isolate_cores);
        CHECK(!(c->isolate_cores && c->isolate_cpus), "both isolate-cores and isolate-cpus");
        if (c->isolate_cpus) {
                struct cpu_set set = {};
                CHECK(cpu_list_parse(c->isolate_cpus, CONFIG_CPUS_MAX, &set, NULL) == 0 && !cpu_set_is_empty(&set),
                      "isolate-cpus '%s' accepted but not a CPU list", c->isolate_cpus);
                cpu_set_done(&set);
        }
        CHECK((c->isolcpus_flags & ~7u) == 0, "isolcpus flags %x", c->isolcpus_flags);
        for (unsigned d = 0; d < _CONFIG_DIRECTIVE_MAX; d++)
                CHECK(c->directive_line[d] <= l.n, "directive %u on line %u", d, c->directive_line[d]);

        free(l.len);
        config_free(c);
        return 0;
}
