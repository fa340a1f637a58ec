/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The variables and assignments of the sh reader (see sh_vars.h). Variables are found by name
 * through a hash index: a /etc/default/grub of 100,000 lines is read in linear time.
 */
#include "sh_vars_internal.h"

#include "array.h"

/* FNV-1a: short names, no adversary who gains from collisions but a slower read. */
static size_t name_hash(const char *name, size_t len)
{
        uint64_t h = UINT64_C(14695981039346656037);

        for (size_t k = 0; k < len; k++)
                h = (h ^ (unsigned char) name[k]) * UINT64_C(1099511628211);
        return (size_t) h;
}

/* The slot holding NAME, or the free slot where it would go. n_slots is never 0 here. */
static size_t *slot_of(const struct sh_env *env, const char *name, size_t len)
{
        size_t mask = env->n_slots - 1;

        for (size_t k = name_hash(name, len) & mask;; k = (k + 1) & mask) {
                size_t *s = &env->slots[k];
                if (*s == 0)
                        return s;
                const char *other = env->vars[*s - 1].name;
                if (strncmp(other, name, len) == 0 && other[len] == '\0')
                        return s;
        }
}

struct sh_var *sh_var_find(const struct sh_env *env, const char *name, size_t len)
{
        size_t *s = env->n_slots > 0 ? slot_of(env, name, len) : NULL;

        return s && *s ? &env->vars[*s - 1] : NULL;
}

/* Room for one more variable: the array and the index (kept at most half full) grow by doubling. */
static int reserve_var(struct sh_env *env)
{
        if (ARRAY_GROW(env->vars, env->n_vars) < 0)
                return -ENOMEM;
        if (2 * (env->n_vars + 1) <= env->n_slots)
                return 0;

        size_t n_slots = env->n_slots ? 2 * env->n_slots : 32;
        size_t *slots = calloc(n_slots, sizeof(*slots));
        if (!slots)
                return -ENOMEM;
        free(env->slots);
        env->slots = slots;
        env->n_slots = n_slots;
        for (size_t k = 0; k < env->n_vars; k++)
                *slot_of(env, env->vars[k].name, strlen(env->vars[k].name)) = k + 1;
        return 0;
}

int sh_var_get_or_add(struct sh_env *env, const char *name, size_t len, struct sh_var **ret)
{
        struct sh_var *v = sh_var_find(env, name, len);
        int r;

        if (!v) {
                r = reserve_var(env);
                if (r < 0)
                        return r;
                v = &env->vars[env->n_vars];
                *v = (struct sh_var){ .name = strndup(name, len), .value = strdup("") };
                if (!v->name || !v->value) {
                        free(v->name);
                        free(v->value);
                        return -ENOMEM;
                }
                *slot_of(env, name, len) = ++env->n_vars;
        }
        *ret = v;
        return 0;
}

void sh_var_clear(struct sh_var *v)
{
        free(v->value);
        free(v->origins);
        sh_error_done(&v->why);
        v->value = NULL;
        v->origins = NULL;
        v->len = 0;
        v->unknown = false;
}

int sh_var_assign(struct sh_env *env, const char *name, size_t name_len, struct valbuf *b)
{
        struct sh_var *v;
        int r = sh_var_get_or_add(env, name, name_len, &v);

        if (r < 0)
                return r;
        sh_var_clear(v);
        v->set = true;
        if (b->unknown) {
                v->unknown = true;
                v->why = b->why;
                b->why = (struct sh_error){};
        }
        v->value = b->s ? b->s : strdup("");
        if (!v->value)
                return -ENOMEM;
        v->len = b->len;
        v->origins = b->o;
        b->s = NULL;
        b->o = NULL;
        b->len = 0;
        return 0;
}

int sh_record_assignment(struct parser *p, size_t name_start, size_t name_len, const struct word *w)
{
        struct sh_env *env = p->env;

        if (ARRAY_GROW(env->assignments, env->n_assignments) < 0)
                return -ENOMEM;
        env->assignments[env->n_assignments] = (struct sh_assignment){
                .name = strndup(p->t + name_start, name_len),
                .file = p->file,
                .name_start = name_start,
                .word_start = w->start,
                .word_end = w->end,
                .append_at = w->append_at,
                .append_quote = w->append_quote,
                .append_after_bare_ref = w->append_after_bare_ref,
                .literal_unquoted = w->literal_unquoted,
        };
        if (!env->assignments[env->n_assignments].name)
                return -ENOMEM;
        env->n_assignments++;
        return 0;
}

int sh_env_new(struct sh_env **ret)
{
        struct sh_env *env = calloc(1, sizeof(*env));

        if (!env)
                return -ENOMEM;
        *ret = env;
        return 0;
}

struct sh_env *sh_env_free(struct sh_env *env)
{
        if (!env)
                return NULL;
        for (size_t k = 0; k < env->n_vars; k++) {
                sh_var_clear(&env->vars[k]);
                free(env->vars[k].name);
        }
        free(env->vars);
        free(env->slots);
        for (size_t k = 0; k < env->n_assignments; k++)
                free(env->assignments[k].name);
        free(env->assignments);
        for (size_t k = 0; k < env->n_files; k++)
                free(env->labels[k]);
        free(env->labels);
        sh_error_done(&env->poison);
        free(env);
        return NULL;
}

int sh_env_get(const struct sh_env *env, const char *name, const char **ret_value, const struct sh_origin **ret_origins,
               bool *ret_set, struct sh_error *ret_error)
{
        const struct sh_var *v = sh_var_find(env, name, strlen(name));
        const struct sh_error *why = NULL;

        if (v && v->unknown)
                why = &v->why;
        else if (env->poisoned)
                why = &env->poison;
        if (why) {
                if (ret_error) {
                        sh_error_done(ret_error);
                        if (sh_error_copy(why, ret_error) < 0)
                                return -ENOMEM;
                }
                return -EINVAL;
        }
        if (ret_value)
                *ret_value = v && v->value ? v->value : "";
        if (ret_origins)
                *ret_origins = v && v->len ? v->origins : NULL;
        if (ret_set)
                *ret_set = v && v->set;
        return 0;
}

const struct sh_assignment *sh_env_last_assignment(const struct sh_env *env, const char *name, unsigned file)
{
        for (size_t k = env->n_assignments; k-- > 0;)
                if (streq(env->assignments[k].name, name) && (file == SH_ANY_FILE || env->assignments[k].file == file))
                        return &env->assignments[k];
        return NULL;
}

size_t sh_env_origin_uses(const struct sh_env *env, const struct sh_origin *o)
{
        size_t uses = 0;

        for (size_t k = 0; k < env->n_vars; k++)
                for (size_t m = 0; m < env->vars[k].len; m++)
                        uses += env->vars[k].origins[m].file == o->file &&
                                env->vars[k].origins[m].raw_start == o->raw_start;
        return uses;
}
