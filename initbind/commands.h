/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The subcommands of initbind; main.c parses the command line and calls one of these. */
#pragma once

#include <stdbool.h>

#include "pci_address.h"

struct pci_host;

struct rootdir;

struct initbind_options {
        const struct rootdir *root;
        const char *config_path;  /* NULL: /etc/initbind.conf below the root */
        const char *pci_ids_path; /* NULL: the system's pci.ids (and udev's hwdb) */
        bool json;
        bool strict;             /* boot: exit non-zero on any failure, for scripts and tests */
        unsigned allow;          /* claim: CONFIG_ALLOW_* from --allow */
        bool release_configured; /* release: also what the boot claims (config, command line) */
        bool next_boot;          /* plan: as the initramfs will find the devices, drivers that are modules not bound */
        const char *kernel;      /* the kernel release whose modules to read (NULL: the root's running one) */
};

/* Each returns the process exit status. */
int command_list(const struct initbind_options *opts);
/* The scan of list and rom (details, overrides), its failure logged: 0 or -errno. */
int list_scan(const struct initbind_options *opts, struct pci_host **ret);
int command_boot(const struct initbind_options *opts);
int command_plan(const struct initbind_options *opts);
int command_modules(const struct initbind_options *opts);
int command_status(const struct initbind_options *opts);
int command_claim(const struct initbind_options *opts, const struct pci_address *address);
int command_hotplug(const struct initbind_options *opts, const struct pci_address *address);
int command_release(const struct initbind_options *opts, const struct pci_address *address);
/* The images of ADDRESS's option ROM and the ROM finding (a write of 1 and 0 to its sysfs rom). */
int command_rom(const struct initbind_options *opts, const struct pci_address *address);
/* NODE: "N" (/dev/vfio/N) or "vfioX" (/dev/vfio/devices/vfioX), as the udev rule passes them. */
int command_access(const struct initbind_options *opts, const char *node);
