/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * grubby's edit of a command line, as its BLS back end (grubby-bls, rhboot/grubby) does it in
 * update_args(): sed substitutions over the words. Its patterns are regular expressions built
 * from the arguments; the words cmdlinegen passes hold no character special there other than
 * '.', which also matches itself, so a literal comparison gives the same result on them.
 */
#include "grubby_words.h"

#include "apply_plan.h"
#include "kcmdline.h"
#include "macro.h"

void words_done(struct words *w)
{
        apply_strv_free(w->v, w->n);
        *w = (struct words){};
}

int words_push(struct words *w, const char *s) { return apply_strv_push(&w->v, &w->n, s); }

int words_split(const char *s, struct words *ret)
{
        struct words w = {};

        while (*s) {
                s += strspn(s, " \t\n");
                size_t len = strcspn(s, " \t\n");
                if (len == 0)
                        break;
                _cleanup_free_ char *word = strndup(s, len);
                if (!word || words_push(&w, word) < 0) {
                        words_done(&w);
                        return -ENOMEM;
                }
                s += len;
        }
        *ret = w;
        return 0;
}

int words_join(const struct words *w, char **ret)
{
        size_t len = 1;
        char *s, *p;

        for (size_t i = 0; i < w->n; i++)
                len += strlen(w->v[i]) + 1;
        s = p = malloc(len);
        if (!s)
                return -ENOMEM;
        *p = '\0';
        for (size_t i = 0; i < w->n; i++)
                p = stpcpy(stpcpy(p, i ? " " : ""), w->v[i]);
        *ret = s;
        return 0;
}

bool words_contain(const struct words *w, const char *s)
{
        for (size_t i = 0; i < w->n; i++)
                if (streq(w->v[i], s))
                        return true;
        return false;
}

static size_t words_count(const struct words *w, const char *s)
{
        size_t n = 0;

        for (size_t i = 0; i < w->n; i++)
                n += streq(w->v[i], s);
        return n;
}

bool words_same(const struct words *a, const struct words *b)
{
        if (a->n != b->n)
                return false;
        for (size_t i = 0; i < a->n; i++)
                if (words_count(a, a->v[i]) != words_count(b, a->v[i]))
                        return false;
        return true;
}

int grubby_arg_key(const char *arg, char **ret)
{
        const char *eq = strrchr(arg, '=');

        *ret = eq ? strndup(arg, (size_t) (eq - arg)) : strdup(arg);
        return *ret ? 0 : -ENOMEM;
}

bool grubby_word_is(const char *w, const char *key)
{
        size_t k = strlen(key);

        return strncmp(w, key, k) == 0 && (w[k] == '\0' || w[k] == '=');
}

/* Take out word I of W. */
static void words_drop(struct words *w, size_t i)
{
        free(w->v[i]);
        memmove(w->v + i, w->v + i + 1, (w->n - i) * sizeof(*w->v)); /* the NULL after them too */
        w->n--;
}

/*
 * "s/(^|[[:space:]])KEY(([[:space:]]|$)|([=][^ ]*([$]*)))/ /g": a bare KEY's match takes the
 * space after it, so a word right after it cannot match in the same pass (grubby leaves the
 * second of "quiet quiet"); one with a value leaves the space for the next.
 */
static void drop_key(struct words *w, const char *key)
{
        bool after_bare = false;

        for (size_t i = 0; i < w->n;) {
                if (!after_bare && grubby_word_is(w->v[i], key)) {
                        after_bare = streq(w->v[i], key);
                        words_drop(w, i);
                        continue;
                }
                after_bare = false;
                i++;
        }
}

int grubby_update_args(struct words *w, const struct words *remove, const struct words *add)
{
        for (size_t r = 0; r < remove->n; r++) {
                if (!strchr(remove->v[r], '=')) {
                        drop_key(w, remove->v[r]);
                        continue;
                }
                /* "s/(^|[[:space:]])ARG([[:space:]]|$)/ /" without g: the first one only */
                for (size_t i = 0; i < w->n; i++)
                        if (streq(w->v[i], remove->v[r])) {
                                words_drop(w, i);
                                break;
                        }
        }
        for (size_t a = 0; a < add->n; a++) {
                _cleanup_free_ char *key = NULL;
                if (grubby_arg_key(add->v[a], &key) < 0)
                        return -ENOMEM;
                drop_key(w, key);
        }
        for (size_t a = 0; a < add->n; a++)
                if (words_push(w, add->v[a]) < 0)
                        return -ENOMEM;
        return 0;
}

int grubby_plan_args(const struct words *old, const struct words *new, struct words *add, struct words *remove)
{
        for (size_t i = 0; i < new->n; i++) {
                _cleanup_free_ char *key = NULL;
                if (words_contain(old, new->v[i]))
                        continue;
                if (grubby_arg_key(new->v[i], &key) < 0)
                        return -ENOMEM;
                /* grubby takes every word of the key out before it appends: pass all of NEW's, in order */
                for (size_t j = 0; j < new->n; j++) {
                        _cleanup_free_ char *k = NULL;
                        bool hp = kcmdline_is_hugepage_param(key);
                        if (grubby_arg_key(new->v[j], &k) < 0)
                                return -ENOMEM;
                        if ((streq(k, key) || (hp && kcmdline_is_hugepage_param(k))) &&
                            !words_contain(add, new->v[j]) && words_push(add, new->v[j]) < 0)
                                return -ENOMEM;
                }
        }
        for (size_t i = 0; i < old->n; i++) {
                bool replaced = false;
                if (words_contain(new, old->v[i]))
                        continue;
                for (size_t j = 0; j < add->n; j++) {
                        _cleanup_free_ char *k = NULL;
                        if (grubby_arg_key(add->v[j], &k) < 0)
                                return -ENOMEM;
                        replaced = replaced || grubby_word_is(old->v[i], k);
                }
                if (!replaced && !words_contain(remove, old->v[i]) && words_push(remove, old->v[i]) < 0)
                        return -ENOMEM;
        }
        return 0;
}
