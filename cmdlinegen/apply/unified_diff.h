/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A unified diff (as "diff -u" prints it, three lines of context) of two texts, for dry runs that
 * show every change to a configuration file before anything is written.
 */
#pragma once

#include <stddef.h>

/*
 * The diff from OLD to NEW (NULL: the file does not exist, shown as /dev/null) under the labels
 * OLD_LABEL and NEW_LABEL, as a malloc'd string; "" when the texts are equal. 0 or -ENOMEM.
 */
int unified_diff(const char *old_label, const char *old, const char *new_label, const char *new, char **ret);
