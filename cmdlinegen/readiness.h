/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Is this host ready to give devices to guests at all? Each check is one fact with its state:
 * the CPU's virtualisation flag, /dev/kvm, the IOMMU's firmware tables and state, interrupt
 * remapping, the kernel options what is asked needs, the initramfs generator and its initbind
 * hook, the boot loader. Where libvirt's virt-host-validate stops at "enabled?", these say why
 * not and what to do.
 */
#pragma once

#include <stdarg.h>

#include "propose.h"

enum check_state { CHECK_OK, CHECK_WARN, CHECK_FAIL };

struct readiness_check {
        const char *name; /* "virtualization", "/dev/kvm", ... */
        enum check_state state;
        char detail[320];
};

#define READINESS_CHECKS_MAX 24

struct readiness {
        struct readiness_check checks[READINESS_CHECKS_MAX];
        size_t n;
};

void readiness_check(const struct propose_context *ctx, struct readiness *ret);
/* One more check (ignored when READINESS_CHECKS_MAX are there): for checks made elsewhere. */
void readiness_addv(struct readiness *r, const char *name, enum check_state state, const char *format, va_list ap)
        _printf_(4, 0);
size_t readiness_count(const struct readiness *r, enum check_state state);
const char *check_state_to_string(enum check_state s);
