/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "proposal.h"

#include <stdarg.h>
#include <stdio.h>

#include "array.h"

static char *strdup_or_null(const char *s, bool *failed)
{
        if (!s)
                return NULL;
        char *copy = strdup(s);
        if (!copy)
                *failed = true;
        return copy;
}

/* Append one entry to *ARRAY (of *N); an allocation failure sets the proposal's sticky flag.
 * (_printf_ with 0: the callers' format checks reach the va_list, as clang wants.) */
_printf_(7, 0) static void append(struct proposal *p, struct proposed_param **array, size_t *n,
                                  enum proposal_topic topic, const char *name, const char *value,
                                  const char *reason_format, va_list ap)
{
        if (array_grow((void **) array, *n, sizeof(**array)) < 0) {
                p->out_of_memory = true;
                return;
        }

        char *reason = NULL;
        bool failed = vasprintf(&reason, reason_format, ap) < 0;
        if (failed)
                reason = NULL;
        struct proposed_param param = {
                .topic = topic,
                .name = strdup_or_null(name, &failed),
                .value = strdup_or_null(value, &failed),
                .reason = reason,
        };
        if (failed) {
                free(param.name);
                free(param.value);
                free(param.reason);
                p->out_of_memory = true;
                return;
        }
        (*array)[(*n)++] = param;
}

void proposal_add(struct proposal *p, enum proposal_topic topic, const char *name, const char *value,
                  const char *reason_format, ...)
{
        va_list ap;
        va_start(ap, reason_format);
        append(p, &p->params, &p->n_params, topic, name, value, reason_format, ap);
        va_end(ap);
}

void proposal_remove(struct proposal *p, const char *name, const char *value, const char *reason_format, ...)
{
        for (size_t i = 0; i < p->n_removals; i++)
                if (kcmdline_name_equal(p->removals[i].name, name) && streq_ptr(p->removals[i].value, value))
                        return;
        va_list ap;
        va_start(ap, reason_format);
        append(p, &p->removals, &p->n_removals, 0, name, value, reason_format, ap);
        va_end(ap);
}

const struct proposed_param *proposal_find(const struct proposal *p, const char *name)
{
        for (size_t i = 0; i < p->n_params; i++)
                if (kcmdline_name_equal(p->params[i].name, name))
                        return &p->params[i];
        return NULL;
}

bool proposal_failed(const struct proposal *p) { return p->out_of_memory || p->findings.out_of_memory; }

static void params_free(struct proposed_param *params, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                free(params[i].name);
                free(params[i].value);
                free(params[i].reason);
        }
        free(params);
}

void proposal_done(struct proposal *p)
{
        params_free(p->params, p->n_params);
        params_free(p->removals, p->n_removals);
        findings_done(&p->findings);
        *p = (struct proposal){};
}

const char *proposal_topic_to_string(enum proposal_topic t)
{
        static const char *const names[_TOPIC_MAX] = {
                [TOPIC_IOMMU] = "iommu", [TOPIC_CPUS] = "cpus", [TOPIC_HUGEPAGES] = "hugepages",
                [TOPIC_VFIO] = "vfio",   [TOPIC_KVM] = "kvm",   [TOPIC_MEMORY] = "memory",
        };
        return t < _TOPIC_MAX ? names[t] : "?";
}

int proposal_params(const struct proposal *p, struct kcmdline_param **ret)
{
        struct kcmdline_param *params = calloc(p->n_params ? p->n_params : 1, sizeof(*params));
        if (!params)
                return -ENOMEM;
        for (size_t i = 0; i < p->n_params; i++)
                params[i] = (struct kcmdline_param){ p->params[i].name, p->params[i].value };
        *ret = params;
        return 0;
}

int proposal_apply_to(const struct proposal *p, const struct kcmdline *line, struct kcmdline **ret)
{
        _cleanup_kcmdline_ struct kcmdline *result = NULL;
        int r = kcmdline_copy(line, &result);
        if (r < 0)
                return r;
        for (size_t i = 0; i < p->n_removals; i++)
                kcmdline_remove_value(result, p->removals[i].name, p->removals[i].value);

        _cleanup_free_ struct kcmdline_param *params = NULL;
        r = proposal_params(p, &params);
        if (r < 0)
                return r;
        r = kcmdline_merge(result, params, p->n_params);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(result);
        return 0;
}
