/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * How much memory hugepages reserved at boot may take: the one rule for the proposal and for
 * checking a line the user wrote. The host keeps max(2 GiB, 10 %) of the machine's memory; of one
 * node's memory, where the machine-wide rule already holds, max(256 MiB, 10 %), so the node's own
 * allocations still work. Over-allocating makes the host run out of memory while booting.
 */
#pragma once

#include <stdint.h>

#define MIB (UINT64_C(1) << 20)
#define GIB (UINT64_C(1) << 30)

enum hugepage_scope { HUGEPAGE_SCOPE_MACHINE, HUGEPAGE_SCOPE_NODE };

/* The memory the host keeps out of TOTAL bytes. */
uint64_t hugepage_headroom(uint64_t total, enum hugepage_scope scope);
/* The most hugepages may take out of TOTAL bytes (0 when the headroom is all of it). */
uint64_t hugepage_room(uint64_t total, enum hugepage_scope scope);
