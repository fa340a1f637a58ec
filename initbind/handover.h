/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * How a claimed function is handed over, as `plan` and `status` show it: the VFIO driver (vfio-pci
 * or a variant driver) and the owner its group's /dev/vfio node gets.
 */
#pragma once

#include <stddef.h>

#include "claim_plan.h"
#include "json_writer.h"

/* "; vfio-pci variant mlx5_vfio_pci; /dev/vfio/N for user qemu", or "" when there is nothing to add. */
const char *handover_note(const struct plan_entry *e, char *buf, size_t size);
/* The same facts as members of the entry's JSON object: "driver", "variant_declined", "user", "group". */
void handover_json(struct json_writer *w, const struct plan_entry *e);
