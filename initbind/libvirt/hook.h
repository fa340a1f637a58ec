/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The operations of the libvirt qemu hook (docs/initbind-libvirt-hook.8), in libvirt's order for
 * one guest: prepare begin claims and records, stopped end and release end give back what the
 * record says. main.c parses libvirt's arguments and calls these.
 */
#pragma once

#include <stdbool.h>

#include "claim_exec.h"
#include "commands.h"
#include "domain_xml.h"

struct hook_context {
        const struct initbind_options *opts; /* root and config, as initbind's */
        const char *domain;                  /* libvirt's first argument: the guest's name */
        const struct claim_ops *ops;         /* NULL: the kernel's module loader; tests stand in for the kernel */
};

/* prepare begin. Returns the exit status: 0, the guest may start; 1, libvirt does not start it. */
int hook_prepare(const struct hook_context *ctx, const struct domain_hostdevs *xml);

/*
 * stopped end (FINAL false: libvirt reattaches its managed='yes' devices after this) and release
 * end (FINAL true: the record is removed). Gives back what prepare begin recorded as claimed and is
 * still on vfio-pci, nothing else. Returns 0: there is nothing left for libvirt to stop.
 */
int hook_release(const struct hook_context *ctx, bool final);

/* The domain's devices, in messages: "domain 'NAME': ...". */
#define HOOK_LOG_PREFIX "domain '%s': "
