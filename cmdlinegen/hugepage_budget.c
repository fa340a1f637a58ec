/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "hugepage_budget.h"

uint64_t hugepage_headroom(uint64_t total, enum hugepage_scope scope)
{
        uint64_t floor = scope == HUGEPAGE_SCOPE_NODE ? 256 * MIB : 2 * GIB;
        uint64_t tenth = total / 10;
        return tenth > floor ? tenth : floor;
}

uint64_t hugepage_room(uint64_t total, enum hugepage_scope scope)
{
        uint64_t headroom = hugepage_headroom(total, scope);
        return total > headroom ? total - headroom : 0;
}
