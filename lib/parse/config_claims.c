/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The claim and keep lines of /etc/initbind.conf: selectors, options, duplicates, conflicts. */

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_parser.h"

/* allow= permissions; the bit of each is 1 << index (CONFIG_ALLOW_*). */
const char *const config_allow_words[] = { "console", "storage", "unbind", "partial-group", NULL };

/* splitmix64's finalizer: every bit of the key moves the slot, so probes stay short. */
static uint64_t mix64(uint64_t x)
{
        x ^= x >> 30;
        x *= UINT64_C(0xbf58476d1ce4e5b9);
        x ^= x >> 27;
        x *= UINT64_C(0x94d049bb133111eb);
        return x ^ (x >> 31);
}

static uint64_t address_hash(const struct pci_address *a, bool slot_only)
{
        uint64_t key = (uint64_t) a->domain << 24 | (uint64_t) a->bus << 16 | (uint64_t) a->slot << 8;
        return mix64(slot_only ? key : key | a->function);
}

/* Equal for claims that same_selector() calls the same. */
static uint64_t claim_hash(const struct config_claim *c)
{
        const struct vfio_id *id = &c->id;
        uint64_t h = mix64(c->selector);

        switch (c->selector) {
        case CONFIG_SELECT_ADDRESS:
                return mix64(h ^ address_hash(&c->address, false));
        case CONFIG_SELECT_SLOT:
                return mix64(h ^ address_hash(&c->address, true));
        case CONFIG_SELECT_ID:
                h = mix64(h ^ ((uint64_t) id->vendor << 32 | id->device));
                h = mix64(h ^ ((uint64_t) id->subvendor << 32 | id->subdevice));
                return mix64(h ^ ((uint64_t) id->class_code << 32 | id->class_mask));
        case CONFIG_SELECT_GROUP:
                return mix64(h ^ c->group);
        }
        return h;
}

/* Room for one more item, growing at half full. 0 or -ENOMEM. */
static int index_reserve(struct line_index *x)
{
        if (2 * (x->n + 1) <= x->capacity)
                return 0;
        size_t capacity = x->capacity ? 2 * x->capacity : 64;
        struct line_index_slot *slots = calloc(capacity, sizeof(*slots));
        if (!slots)
                return -ENOMEM;
        for (size_t i = 0; i < x->capacity; i++) {
                if (!x->slots[i].item)
                        continue;
                size_t j = x->slots[i].hash & (capacity - 1);
                while (slots[j].item)
                        j = (j + 1) & (capacity - 1);
                slots[j] = x->slots[i];
        }
        free(x->slots);
        x->slots = slots;
        x->capacity = capacity;
        return 0;
}

/* After index_reserve(). */
static void index_put(struct line_index *x, uint64_t hash, size_t item)
{
        size_t j = hash & (x->capacity - 1);

        while (x->slots[j].item)
                j = (j + 1) & (x->capacity - 1);
        x->slots[j] = (struct line_index_slot){ .hash = hash, .item = item + 1 };
        x->n++;
}

/*
 * The items stored with HASH, one per call, for the caller to compare: *probe starts at 0.
 * False when there are no more.
 */
static bool index_next(const struct line_index *x, uint64_t hash, size_t *probe, size_t *ret_item)
{
        if (x->capacity == 0)
                return false;
        for (size_t j = (hash + *probe) & (x->capacity - 1); x->slots[j].item; j = (j + 1) & (x->capacity - 1)) {
                (*probe)++;
                if (x->slots[j].hash == hash) {
                        *ret_item = x->slots[j].item - 1;
                        return true;
                }
        }
        return false;
}

void config_claims_index_done(struct parser *p)
{
        free(p->claims_seen.slots);
        free(p->keeps_seen.slots);
        p->claims_seen = p->keeps_seen = (struct line_index){};
}

/* The keep line of address A, or NULL. */
static const struct config_keep *find_keep(const struct parser *p, const struct pci_address *a)
{
        size_t probe = 0, k;

        while (index_next(&p->keeps_seen, address_hash(a, false), &probe, &k))
                if (pci_address_equal(&p->config->keeps[k].address, a))
                        return &p->config->keeps[k];
        return NULL;
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
        struct parse_error e = {};
        const char *eq;
        char q[QUOTE_SIZE];
        uint64_t group = 0;
        int r;

        if (startswith(w->text, "id=")) {
                claim->selector = CONFIG_SELECT_ID;
                r = vfio_id_parse_full(w->text + 3, &claim->id, &e);
                if (r < 0 && w->text[3 + e.offset] == ',')
                        return diag(p, w->column + 3 + (unsigned) e.offset, "expected one ID per claim line, got ','");
                return r < 0 ? config_bad_value(p, w, 3, &e, "end of ID") : 0;
        }
        if (startswith(w->text, "slot=")) {
                claim->selector = CONFIG_SELECT_SLOT;
                r = pci_slot_parse_full(w->text + 5, &claim->address, &e);
                return r < 0 ? config_bad_value(p, w, 5, &e, "end of slot") : 0;
        }
        if (startswith(w->text, "group=")) {
                claim->selector = CONFIG_SELECT_GROUP;
                r = config_parse_number_word(p, w, 6, 0, INT_MAX, "an IOMMU group number", "end of selector", &group);
                claim->group = (unsigned) group; /* used only when the line has no diagnostic */
                return r;
        }
        eq = strchr(w->text, '=');
        if (eq)
                return diag(p, w->column, "unknown selector %s: expected a PCI address, id=, slot= or group=",
                            config_quote(q, w->text, (size_t) (eq - w->text) + 1));

        claim->selector = CONFIG_SELECT_ADDRESS;
        r = pci_address_parse_full(w->text, &claim->address, &e);
        if (r >= 0)
                return 0;

        /* Something else a claim can name, written without its "slot=" or "id=". */
        struct pci_address slot;
        struct vfio_id id;
        size_t ignored;
        if (pci_slot_parse(w->text, &slot, &ignored) >= 0)
                return diag(p, w->column,
                            "expected a PCI address, got %s (to claim every function of the device, write slot=%s)",
                            config_quote(q, w->text, strlen(w->text)), w->text);
        if (vfio_id_parse(w->text, &id, &ignored) >= 0)
                return diag(p, w->column, "expected a PCI address, got %s (to claim by ID, write id=%s)",
                            config_quote(q, w->text, strlen(w->text)), w->text);
        return config_bad_value(p, w, 0, &e, "end of address");
}

/* One option word after the selector of a claim line, each at most once. */
static int parse_claim_option(struct parser *p, const struct word *w, struct config_claim *claim, bool *seen_expect,
                              bool *seen_allow, unsigned *seen_more)
{
        static const char *const options[] = { "expect=", "allow=", "variant=", "user=", "group=", NULL };
        struct parse_error e = {};
        unsigned columns[4] = {};
        char q[QUOTE_SIZE];
        int r;

        if (startswith(w->text, "expect=")) {
                bool twice = *seen_expect;
                *seen_expect = true;
                if (twice)
                        return diag(p, w->column, "option 'expect=' given twice");
                if (claim->selector != CONFIG_SELECT_ADDRESS)
                        return diag(p, w->column, "option 'expect=' needs a PCI address selector");
                if (vfio_id_parse_full(w->text + 7, &claim->expect, &e) < 0)
                        return config_bad_value(p, w, 7, &e, "end of ID");
                claim->has_expect = true;
                return 0;
        }
        if (startswith(w->text, "allow=")) {
                bool twice = *seen_allow;
                *seen_allow = true;
                if (twice)
                        return diag(p, w->column, "option 'allow=' given twice");
                r = config_parse_flag_list(p, w, 6, config_allow_words, "permission", &claim->allow, columns);
                if (r >= 0 && (claim->allow & CONFIG_ALLOW_CONSOLE) && claim->selector != CONFIG_SELECT_ADDRESS)
                        r = diag(p, columns[0], "permission 'console' needs a PCI address selector");
                return r;
        }

        r = config_parse_claim_more(p, w, claim, seen_more);
        if (r <= 0)
                return r;

        const char *suggestion = config_closest(w->text, strcspn(w->text, "="), options);
        if (config_strv_contains(config_allow_words, w->text))
                return diag(p, w->column, "unknown option '%s' (did you mean 'allow=%s'?)", w->text, w->text);
        if (suggestion)
                return diag(p, w->column, "unknown option %s (did you mean '%s'?)",
                            config_quote(q, w->text, strlen(w->text)), suggestion);
        return diag(p, w->column, "unknown option %s: expected expect=, allow=, variant=, user= or group=",
                    config_quote(q, w->text, strlen(w->text)));
}

/* Keep CLAIM unless an earlier line claims the same selector (found through the hash index). */
static int add_claim(struct parser *p, const struct config_claim *claim)
{
        char buf[64];
        uint64_t hash = claim_hash(claim);
        size_t probe = 0, i;
        int r;

        while (index_next(&p->claims_seen, hash, &probe, &i))
                if (same_selector(&p->config->claims[i], claim))
                        return diag(p, claim->column, "duplicate claim: line %u already claims %s",
                                    p->config->claims[i].line, format_selector(claim, buf));
        r = index_reserve(&p->claims_seen);
        if (r >= 0)
                r = APPEND(p->config->claims, p->config->n_claims, *claim);
        if (r >= 0)
                index_put(&p->claims_seen, hash, p->config->n_claims - 1);
        return r;
}

int config_parse_claim(struct parser *p)
{
        struct config_claim claim = { .line = p->line };
        bool seen_expect = false, seen_allow = false;
        unsigned seen_more = 0;
        struct word w;
        int r;

        if (!config_next_word(p, &w))
                return config_missing(p, "a PCI address, id=, slot= or group=");
        claim.column = w.column;
        r = parse_selector(p, &w, &claim);
        if (r < 0)
                return r;

        while (config_next_word(p, &w)) {
                r = parse_claim_option(p, &w, &claim, &seen_expect, &seen_allow, &seen_more);
                if (r < 0)
                        return r;
        }
        if (!config_line_ok(p))
                return 0;
        return add_claim(p, &claim);
}

/* The one PCI address a keep or unbind-for-guests line takes: false (with a diagnostic) when it has none. */
static int parse_address_line(struct parser *p, struct pci_address *ret, unsigned *ret_column)
{
        struct parse_error e = {};
        struct word w;
        int r;

        if (!config_next_word(p, &w))
                return config_missing(p, "a PCI address");
        *ret_column = w.column;
        if (pci_address_parse_full(w.text, ret, &e) < 0)
                r = config_bad_value(p, &w, 0, &e, "end of address");
        else
                r = config_expect_end(p, "one PCI address");
        return r < 0 ? r : 0;
}

int config_parse_keep(struct parser *p)
{
        struct config_keep keep = { .line = p->line };
        char buf[PCI_ADDRESS_STRING_MAX];
        int r = parse_address_line(p, &keep.address, &keep.column);
        if (r < 0 || !config_line_ok(p))
                return r;

        const struct config_keep *earlier = find_keep(p, &keep.address);
        if (earlier)
                return diag(p, keep.column, "duplicate keep: line %u already keeps %s", earlier->line,
                            pci_address_format(&keep.address, buf));
        r = index_reserve(&p->keeps_seen);
        if (r >= 0)
                r = APPEND(p->config->keeps, p->config->n_keeps, keep);
        if (r >= 0)
                index_put(&p->keeps_seen, address_hash(&keep.address, false), p->config->n_keeps - 1);
        return r;
}

/* Saying it twice says nothing new, so a repeated unbind-for-guests line is no mistake; a kept function is never
 * lent (the planner refuses it for the keep line, and the hook with it). */
int config_parse_lend(struct parser *p)
{
        struct config_lend lend = { .line = p->line };
        int r = parse_address_line(p, &lend.address, &lend.column);
        if (r < 0 || !config_line_ok(p))
                return r;
        return APPEND(p->config->lends, p->config->n_lends, lend);
}

const struct config_lend *config_find_lend(const struct initbind_config *c, const struct pci_address *a)
{
        for (size_t i = 0; c && i < c->n_lends; i++)
                if (pci_address_equal(&c->lends[i].address, a))
                        return &c->lends[i];
        return NULL;
}

/* A claim by address of a function the file also keeps is dropped: keeping is the safe side. */
int config_drop_kept_claims(struct parser *p)
{
        struct initbind_config *c = p->config;
        size_t kept = 0;
        char buf[PCI_ADDRESS_STRING_MAX];
        int r;

        for (size_t i = 0; i < c->n_claims; i++) {
                struct config_claim *claim = &c->claims[i];
                const struct config_keep *keep =
                        claim->selector == CONFIG_SELECT_ADDRESS ? find_keep(p, &claim->address) : NULL;

                if (!keep) {
                        c->claims[kept++] = *claim;
                        continue;
                }
                r = config_diag_at(p, claim->line, claim->column, CONFIG_DIRECTIVE_CLAIM,
                                   "claim of %s conflicts with 'keep' on line %u",
                                   pci_address_format(&claim->address, buf), keep->line);
                if (r < 0)
                        return r;
        }
        c->n_claims = kept;
        return 0;
}
