/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The proposal: the kernel parameters cmdlinegen wants on the command line, each with the one
 * reason it is there, the parameters it wants gone (values the kernel ignores), and what it
 * found on the way. Built by the propose_*() steps from the machine and the intent, merged into
 * a command line by kcmdline_merge(), which knows each parameter's duplicate rule.
 */
#pragma once

#include "findings.h"
#include "kcmdline.h"

enum proposal_topic {
        TOPIC_IOMMU,
        TOPIC_CPUS,
        TOPIC_HUGEPAGES,
        TOPIC_VFIO,
        TOPIC_KVM,
        TOPIC_MEMORY,
        _TOPIC_MAX,
};

/* A parameter to add, or (in removals) to take out with exactly this value. */
struct proposed_param {
        enum proposal_topic topic; /* unused for removals */
        char *name;
        char *value;  /* NULL for a bare flag */
        char *reason; /* one line, naming the fact it comes from */
};

struct proposal {
        struct proposed_param *params;
        size_t n_params;
        struct proposed_param *removals;
        size_t n_removals;
        struct findings findings;
        bool out_of_memory; /* sticky, as in findings */
};

void proposal_add(struct proposal *p, enum proposal_topic topic, const char *name, const char *value,
                  const char *reason_format, ...) _printf_(5, 6);
/* A removal of name=value already asked for is not added twice. */
void proposal_remove(struct proposal *p, const char *name, const char *value, const char *reason_format, ...)
        _printf_(4, 5);
const struct proposed_param *proposal_find(const struct proposal *p, const char *name);
bool proposal_failed(const struct proposal *p);
void proposal_done(struct proposal *p);

const char *proposal_topic_to_string(enum proposal_topic t);

/* The parameters as kcmdline_param entries (borrowed strings), for kcmdline_merge(). */
int proposal_params(const struct proposal *p, struct kcmdline_param **ret);

/*
 * Apply the proposal to a copy of LINE: the removals, then the merge. 0 or -errno (-EINVAL when
 * the line has an unterminated quote: nothing sensible can be appended to it).
 */
int proposal_apply_to(const struct proposal *p, const struct kcmdline *line, struct kcmdline **ret);
