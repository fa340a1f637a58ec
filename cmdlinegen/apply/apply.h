/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cmdlinegen --apply: putting kernel parameters into the boot loader's configuration, safely.
 *
 * Plan, then act. apply_plan() reads the configuration under a root directory and computes, as
 * data, every file it would write (old and new contents and a unified diff), warnings, and the
 * command that regenerates the boot menu; it writes nothing. apply_execute() then writes each
 * file atomically with a timestamped backup, runs the regeneration (only when the root is the
 * running system's "/"), reads the result back, and restores every file if any step fails.
 *
 * GRUB: the parameters go into GRUB_CMDLINE_LINUX_DEFAULT (normal entries only; recovery
 * entries stay clean). Where grub-mkconfig reads /etc/default/grub.d (Debian, Ubuntu) through a
 * drop-in of ours, APPLY_GRUB_DROPIN, which appends to the value and sorts after the others;
 * elsewhere by an in-place edit of /etc/default/grub. A conflicting or duplicate parameter
 * elsewhere (GRUB_CMDLINE_LINUX, another drop-in) is edited where it is written. See
 * docs/cmdlinegen-apply.md.
 *
 * systemd-boot: /etc/kernel/cmdline (which kernel-install uses for new kernels; created from the
 * default entry's options when missing) and the "options" lines of the loader entries of the
 * installed kernels; unified kernel images are read and reported (uki.c), with their rebuild.
 *
 * grubby (Fedora/RHEL BLS): "grubby --update-kernel=ALL" run with the words that make the change,
 * every entry predicted for the dry run and read back after. rpm-ostree: "rpm-ostree kargs",
 * which stages a new deployment; nothing under /boot is edited.
 *
 * What was added is recorded in APPLY_STATE_FILE so that --remove takes back exactly that.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define APPLY_GRUB_DROPIN "/etc/default/grub.d/zz-initbind.cfg"
#define APPLY_STATE_FILE "/var/lib/initbind/cmdline-added"

enum bootloader {
        BOOTLOADER_AUTO, /* the one boot_chain_detect() tells (lib/host/boot_chain.h), else systemd-boot */
        BOOTLOADER_GRUB,
        BOOTLOADER_SYSTEMD_BOOT,
        BOOTLOADER_GRUBBY,     /* Fedora/RHEL: BLS entries changed by grubby (grubby.c) */
        BOOTLOADER_RPM_OSTREE, /* Silverblue, bootc: kernel arguments of the next deployment (ostree.c) */
};

/* "grub", "systemd-boot", "grubby", "rpm-ostree"; -EINVAL for anything else (also "auto"). */
int bootloader_from_string(const char *s, enum bootloader *ret);
const char *bootloader_to_string(enum bootloader b);

struct apply_request {
        const char *root; /* "/" or the --root DIR; NULL means "/" */
        enum bootloader bootloader;
        /*
         * Parameters to have in effect, "name=value" or "name", in cmdlinegen's order (the
         * hugepage ones as one ordered block). Merged with the kcmdline model: an existing
         * occurrence is rewritten in place, duplicates go, first-wins ones cannot be shadowed.
         */
        const char *const *add;
        size_t n_add;
        /* Parameters to take out: "name" removes every occurrence, "name=value" only that one. */
        const char *const *remove;
        size_t n_remove;
        /* --remove: take back what earlier applies recorded in APPLY_STATE_FILE (add must be empty). */
        bool remove_ours;
        /* Timestamp for backup names ("YYYYMMDD-HHMMSS"); NULL: now. */
        const char *stamp;
};

struct apply_file {
        char *path;         /* below the root, e.g. "/etc/default/grub" */
        char *old_contents; /* NULL: the file does not exist yet */
        char *new_contents; /* NULL: the file is removed */
        char *diff;         /* unified diff, labels "a/PATH" and "b/PATH" */
        char *backup_path;  /* set by apply_execute() when there was an old file */
        /* written by the plan's command (grubby), not by apply_execute(): backed up, restored on
         * failure, read back after it ran */
        bool by_command;
};

struct apply_plan {
        enum bootloader bootloader;
        char *root;
        struct apply_file *files; /* only files that change; the state file last */
        size_t n_files;
        char **warnings; /* one line each, for the user */
        size_t n_warnings;
        char *old_cmdline; /* what the configuration gives the kernel now and after the change */
        char *new_cmdline;
        char **added; /* parameters this plan adds (recorded in the state file) */
        size_t n_added;
        char **regenerate_argv; /* NULL-terminated; NULL when nothing runs (always under --root) */
        char *regenerate_note;  /* why nothing runs, or what runs, for the report */
        char *verify_path;      /* file below the root read back after regenerating (grub.cfg) */
        char **verify_params;   /* parameters the default entry must then carry */
        size_t n_verify_params;
        char **verify_absent; /* parameters it must no longer carry */
        size_t n_verify_absent;
        char *stamp;
        size_t n_not_restored; /* after a failed apply_execute(): files its rollback could not put back */
};

struct apply_plan *apply_plan_free(struct apply_plan *p);
static inline void apply_plan_freep(struct apply_plan **p) { apply_plan_free(*p); }
#define _cleanup_apply_plan_ __attribute__((cleanup(apply_plan_freep)))

/*
 * Compute the plan. 0 with *ret set (a plan with no files means everything is already in
 * place); a negative errno with *ret_error (malloc'd) saying which file, line and column could
 * not be read or edited and why: -EINVAL unparseable or undeterminable configuration, -ENOENT no
 * configuration of that boot loader, -EEXIST a later file overrides the value, -ENOMEM.
 */
int apply_plan(const struct apply_request *req, struct apply_plan **ret, char **ret_error);

/* The dry run: warnings, the command line before and after, every diff, what would run. */
void apply_plan_print(const struct apply_plan *p, FILE *f);

/*
 * Carry the plan out. Messages about each step go to LOG (may be NULL). 0 on success; on failure
 * every file is back to its old contents, *ret_error says what failed, and the result is -errno
 * (or -ECHILD when the regeneration command failed, -EBADMSG when the read-back did not show
 * the parameters).
 */
int apply_execute(struct apply_plan *p, bool regenerate, FILE *log, char **ret_error);
