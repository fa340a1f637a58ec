/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "proposal.h"

#include <stdarg.h>
#include <stdio.h>

static char *vformat(const char *format, va_list ap)
{
        char *s = NULL;
        return vasprintf(&s, format, ap) < 0 ? NULL : s;
}

static char *strdup_or_null(const char *s, bool *failed)
{
        if (!s)
                return NULL;
        char *copy = strdup(s);
        if (!copy)
                *failed = true;
        return copy;
}

void proposal_add(struct proposal *p, enum proposal_topic topic, const char *name, const char *value,
                  const char *reason_format, ...)
{
        struct proposed_param *params = reallocarray(p->params, p->n_params + 1, sizeof(*params));
        if (!params) {
                p->out_of_memory = true;
                return;
        }
        p->params = params;

        va_list ap;
        va_start(ap, reason_format);
        char *reason = vformat(reason_format, ap);
        va_end(ap);

        bool failed = !reason;
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
        p->params[p->n_params++] = param;
}

void proposal_remove(struct proposal *p, const char *name, const char *value, const char *reason_format, ...)
{
        struct proposed_removal *removals = reallocarray(p->removals, p->n_removals + 1, sizeof(*removals));
        if (!removals) {
                p->out_of_memory = true;
                return;
        }
        p->removals = removals;

        va_list ap;
        va_start(ap, reason_format);
        char *reason = vformat(reason_format, ap);
        va_end(ap);

        bool failed = !reason;
        struct proposed_removal removal = {
                .name = strdup_or_null(name, &failed),
                .value = strdup_or_null(value, &failed),
                .reason = reason,
        };
        if (failed) {
                free(removal.name);
                free(removal.value);
                free(removal.reason);
                p->out_of_memory = true;
                return;
        }
        p->removals[p->n_removals++] = removal;
}

const struct proposed_param *proposal_find(const struct proposal *p, const char *name)
{
        for (size_t i = 0; i < p->n_params; i++)
                if (kcmdline_name_equal(p->params[i].name, name))
                        return &p->params[i];
        return NULL;
}

bool proposal_failed(const struct proposal *p)
{
        return p->out_of_memory || p->findings.out_of_memory;
}

void proposal_done(struct proposal *p)
{
        for (size_t i = 0; i < p->n_params; i++) {
                free(p->params[i].name);
                free(p->params[i].value);
                free(p->params[i].reason);
        }
        free(p->params);
        for (size_t i = 0; i < p->n_removals; i++) {
                free(p->removals[i].name);
                free(p->removals[i].value);
                free(p->removals[i].reason);
        }
        free(p->removals);
        findings_done(&p->findings);
        *p = (struct proposal) {};
}

const char *proposal_topic_to_string(enum proposal_topic t)
{
        static const char *const names[_TOPIC_MAX] = {
                [TOPIC_IOMMU] = "iommu",
                [TOPIC_CPUS] = "cpus",
                [TOPIC_HUGEPAGES] = "hugepages",
                [TOPIC_VFIO] = "vfio",
                [TOPIC_KVM] = "kvm",
                [TOPIC_MEMORY] = "memory",
        };
        return t < _TOPIC_MAX ? names[t] : "?";
}

int proposal_params(const struct proposal *p, struct kcmdline_param **ret)
{
        struct kcmdline_param *params = calloc(p->n_params ? p->n_params : 1, sizeof(*params));
        if (!params)
                return -ENOMEM;
        for (size_t i = 0; i < p->n_params; i++)
                params[i] = (struct kcmdline_param) { p->params[i].name, p->params[i].value };
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
