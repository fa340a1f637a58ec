/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * For a unit test linked with sysfs-faults.c: replace the fault rules, in INITBIND_FAULTS's
 * syntax ("KIND SUFFIX ARG...;..."), for the calls that follow; NULL (or "") for none.
 */
#pragma once

void sysfs_faults_set(const char *rules);
