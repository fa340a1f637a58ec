/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The claim options that say how a claimed function is handed over rather than whether it is:
 * variant= (which VFIO driver) and user=/group= (who may open its group). config_claims.c asks
 * here before it calls a word an unknown option.
 */

#include <stdio.h>
#include <string.h>

#include "config_parser.h"

enum {
        SEEN_VARIANT = 1 << 0,
        SEEN_USER = 1 << 1,
        SEEN_GROUP = 1 << 2,
};

/* The largest id: (uid_t) -1 means "no change" to chown(2). */
#define OWNER_ID_MAX UINT64_C(4294967294)

static bool name_char(char c, bool first)
{
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (c >= '0' && c <= '9'))
                return true;
        return !first && (c == '.' || c == '-');
}

/*
 * A user or group name as shadow-utils' useradd accepts by default (letters, digits, '_', '.', '-',
 * not starting with '-' or '.', an optional final '$' for machine accounts), or a decimal id.
 */
static int parse_owner_value(struct parser *p, const struct word *w, size_t offset, const char *what, char *ret,
                             unsigned *ret_column)
{
        const char *v = w->text + offset;
        size_t len = strlen(v);
        char q[QUOTE_SIZE];
        uint64_t id;
        size_t digits;

        if (len == 0)
                return diag(p, w->column + (unsigned) offset, "expected a %s name or number, got end of option", what);
        if (config_parse_decimal(v, OWNER_ID_MAX, &id, &digits) >= 0 && digits == len)
                goto ok;
        if (v[0] >= '0' && v[0] <= '9' && strspn(v, "0123456789") == len)
                return diag(p, w->column + (unsigned) offset, "%s id %s is out of range: expected 0-%llu", what,
                            config_quote(q, v, len), (unsigned long long) OWNER_ID_MAX);
        if (len > CONFIG_OWNER_NAME_MAX)
                return diag(p, w->column + (unsigned) offset, "%s name %s is longer than %d characters", what,
                            config_quote(q, v, len), CONFIG_OWNER_NAME_MAX);
        for (size_t i = 0; i < len; i++) {
                if (name_char(v[i], i == 0) || (v[i] == '$' && i == len - 1 && i > 0))
                        continue;
                return diag(p, w->column + (unsigned) (offset + i),
                            "expected a %s name (letters, digits, '_', '.', '-') or number, got %s", what,
                            config_describe_got(q, v + i, v + len));
        }
ok:
        snprintf(ret, CONFIG_OWNER_NAME_MAX + 1, "%s", v);
        *ret_column = w->column + (unsigned) offset;
        return 0;
}

/* Records that option BIT was seen; a diagnostic when it was seen before. */
static int once(struct parser *p, const struct word *w, unsigned *seen, unsigned bit, const char *name)
{
        bool twice = *seen & bit;
        *seen |= bit;
        return twice ? diag(p, w->column, "option '%s' given twice", name) : 1;
}

int config_parse_claim_more(struct parser *p, const struct word *w, struct config_claim *claim, unsigned *seen)
{
        char q[QUOTE_SIZE];
        int r;

        if (startswith(w->text, "variant=")) {
                if ((r = once(p, w, seen, SEEN_VARIANT, "variant=")) <= 0)
                        return r;
                const char *v = w->text + 8;
                if (streq(v, "none") || streq(v, "auto")) {
                        claim->plain_vfio = streq(v, "none");
                        return 0;
                }
                return diag(p, w->column + 8, "expected variant=auto or variant=none, got %s",
                            *v ? config_quote(q, v, strlen(v)) : "end of option");
        }
        if (startswith(w->text, "user=")) {
                if ((r = once(p, w, seen, SEEN_USER, "user=")) <= 0)
                        return r;
                return parse_owner_value(p, w, 5, "user", claim->owner.user, &claim->owner.user_column);
        }
        if (startswith(w->text, "group=")) {
                if ((r = once(p, w, seen, SEEN_GROUP, "group=")) <= 0)
                        return r;
                return parse_owner_value(p, w, 6, "group", claim->owner.group, &claim->owner.group_column);
        }
        return 1;
}
