/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * /etc/initbind.conf: which PCI functions initbind claims for vfio-pci (claim, keep) and what
 * cmdlinegen should put on the kernel command line (isolate-cores, guest-memory, ...). The format
 * is described in docs/initbind.conf.5.
 *
 * Parsing never stops at the first mistake: every bad line gets a diagnostic and is left out of
 * the result, every good line is in it. A config with no diagnostics is complete and is what the
 * user asked for. initbind at boot uses the good claim and keep lines of a config with
 * diagnostics and logs the diagnostics; cmdlinegen refuses such a config. The parser applies
 * nothing itself.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "initbind-paths.h"
#include "macro.h"
#include "pci_address.h"
#include "vfio_id.h"

#define INITBIND_CONFIG_PATH INITBIND_PATH_CONFIG

/* Longer lines are a diagnostic (and ignored): nothing sensible is this long. */
#define CONFIG_LINE_MAX 4096
/* NR_CPUS can be at most 8192 on x86-64 (CONFIG_MAXSMP): bound for core counts and CPU lists. */
#define CONFIG_CPUS_MAX 8192
/* MAX_NUMNODES with the largest x86-64 NODES_SHIFT (10). */
#define CONFIG_NUMA_NODES_MAX 1024

enum config_directive {
        CONFIG_DIRECTIVE_NONE, /* a diagnostic on a line whose directive is unknown */
        CONFIG_DIRECTIVE_CLAIM,
        CONFIG_DIRECTIVE_KEEP,
        CONFIG_DIRECTIVE_LEND,
        CONFIG_DIRECTIVE_ISOLATE_CORES,
        CONFIG_DIRECTIVE_ISOLATE_CPUS,
        CONFIG_DIRECTIVE_ISOLCPUS_FLAGS,
        CONFIG_DIRECTIVE_GUEST_MEMORY,
        CONFIG_DIRECTIVE_HUGEPAGE_SIZE,
        CONFIG_DIRECTIVE_ACS_OVERRIDE,
        CONFIG_DIRECTIVE_KVM_IGNORE_MSRS,
        CONFIG_DIRECTIVE_NESTED_VIRTUALIZATION,
        CONFIG_DIRECTIVE_TRANSPARENT_HUGEPAGE,
        CONFIG_DIRECTIVE_UNSAFE_INTERRUPTS,
        CONFIG_DIRECTIVE_FRAMEBUFFER,
        CONFIG_DIRECTIVE_RESET_METHOD,
        CONFIG_DIRECTIVE_ROM_CHECK,
        CONFIG_DIRECTIVE_BAR_SIZE,
        CONFIG_DIRECTIVE_VFIO_PCI_OPTIONS,
        _CONFIG_DIRECTIVE_MAX,
};

/* "claim", "keep", ...; "" for CONFIG_DIRECTIVE_NONE. */
const char *config_directive_to_string(enum config_directive d);

/*
 * The one spelling of each option family, for the config file and the programs' own options
 * alike. A flag table is NULL-terminated and the bit of word i is 1 << i.
 */
extern const char *const config_allow_words[];         /* allow=, --allow: CONFIG_ALLOW_* */
extern const char *const config_isolcpus_flag_words[]; /* isolcpus-flags, isolcpus=: CONFIG_ISOLCPUS_* */
/* vfio-pci-options: CONFIG_VFIO_PCI_* */
extern const char *const config_vfio_pci_option_words[];
/* The bit of the LEN bytes at WORD in the flag table WORDS, 0 when it is none of them. */
unsigned config_flag_from_word(const char *const *words, const char *word, size_t len);
static inline unsigned config_allow_from_word(const char *word, size_t len)
{
        return config_flag_from_word(config_allow_words, word, len);
}
static inline unsigned config_isolcpus_flag_from_word(const char *word, size_t len)
{
        return config_flag_from_word(config_isolcpus_flag_words, word, len);
}
/* "a, b or c" from a NULL-terminated list of words, in BUF. */
const char *config_join_or(char *buf, size_t size, const char *const *words);

enum config_selector {
        CONFIG_SELECT_ADDRESS, /* one function: claim 0000:0b:00.0 */
        CONFIG_SELECT_SLOT,    /* every function of a device: claim slot=0000:0b:00 */
        CONFIG_SELECT_ID,      /* every function matching: claim id=10de:1b80 */
        CONFIG_SELECT_GROUP,   /* every endpoint of an IOMMU group: claim group=14 */
};

/* What a claim may do that initbind refuses by default (allow=...). */
enum {
        CONFIG_ALLOW_CONSOLE = 1 << 0,       /* claim the console GPU (address selectors only) */
        CONFIG_ALLOW_STORAGE = 1 << 1,       /* claim a storage controller */
        CONFIG_ALLOW_UNBIND = 1 << 2,        /* unbind a driver already bound */
        CONFIG_ALLOW_PARTIAL_GROUP = 1 << 3, /* claim although the group cannot be made usable */
};

/*
 * user= and group= of a claim line: who owns the group's /dev/vfio/N (and the device's
 * /dev/vfio/devices/vfioX), so a QEMU run as that user can open it. Kept as written: a name is
 * resolved where the node is made (boot mode, the udev rule), in that root's /etc/passwd and
 * /etc/group; all digits is a numeric id.
 */
#define CONFIG_OWNER_NAME_MAX 32
struct config_owner {
        char user[CONFIG_OWNER_NAME_MAX + 1];  /* "" when not given */
        char group[CONFIG_OWNER_NAME_MAX + 1]; /* "" when not given */
        unsigned user_column, group_column;    /* of the value, for messages about it later */
};

static inline bool config_owner_given(const struct config_owner *o) { return o->user[0] || o->group[0]; }

struct config_claim {
        enum config_selector selector;
        struct pci_address address; /* ADDRESS; SLOT (function 0) */
        struct vfio_id id;          /* ID */
        unsigned group;             /* GROUP */
        bool has_expect;
        struct vfio_id expect; /* ADDRESS only: the function must still match this */
        unsigned allow;        /* CONFIG_ALLOW_* */
        bool plain_vfio;       /* variant=none: plain vfio-pci even where a variant driver serves it */
        struct config_owner owner;
        unsigned line, column; /* of the selector, for messages about this claim later */
};

/* A function the host keeps: never claimed, and protected from vfio-pci.ids. */
struct config_keep {
        struct pci_address address;
        unsigned line, column;
};

/*
 * A function a guest may take from its host driver at run time when it shares an IOMMU group with
 * a device the guest names (the libvirt hook); never claimed at boot.
 */
struct config_lend {
        struct pci_address address;
        unsigned line, column;
};
/* reset-method ADDRESS METHOD[,METHOD]...: what initbind writes into the claimed function's
 * reset_method (5.15+) when it claims it, as vendor-reset's udev rule does. */
#define CONFIG_RESET_METHODS_MAX 96
struct config_reset_method {
        struct pci_address address;
        char methods[CONFIG_RESET_METHODS_MAX]; /* space-separated, as the attribute takes them */
        unsigned line, column;
};
/* The kernel's method names (drivers/pci/pci.c, pci_reset_fn_methods) and "default". */
extern const char *const config_reset_method_words[];

/* rom-check ADDRESS: plan and status read the claimed function's option ROM (switching its sysfs
 * rom attribute on and off again) and say whether it has a UEFI image. Never read at boot. */
struct config_rom_check {
        struct pci_address address;
        unsigned line, column;
};

/* bar-size ADDRESS BAR SIZE: initbind resizes the claimed function's resizable BAR to SIZE
 * through resourceN_resize (6.1+) while no driver is bound, before vfio-pci takes it. */
#define CONFIG_BAR_SIZE_MIN (1ull << 20) /* the Resizable BAR capability's smallest size, 1 MB */
#define CONFIG_BAR_SIZE_MAX (1ull << 47) /* its largest, 128 TB */
struct config_bar_size {
        struct pci_address address;
        unsigned bar;   /* 0-5 */
        uint64_t bytes; /* a power of two, CONFIG_BAR_SIZE_MIN..CONFIG_BAR_SIZE_MAX */
        unsigned line, column;
};

struct config_guest_memory {
        uint64_t bytes; /* > 0 */
        int node;       /* NUMA node to take the hugepages from, -1 when not given */
        unsigned line, column;
};

/* isolcpus= flags (isolcpus-flags). */
enum {
        CONFIG_ISOLCPUS_NOHZ = 1 << 0,
        CONFIG_ISOLCPUS_DOMAIN = 1 << 1,
        CONFIG_ISOLCPUS_MANAGED_IRQ = 1 << 2,
};
/* vfio-pci's module parameters that vfio-pci-options asks cmdlinegen to set to 1. */
enum {
        CONFIG_VFIO_PCI_DISABLE_VGA = 1 << 0,
        CONFIG_VFIO_PCI_DISABLE_IDLE_D3 = 1 << 1,
        CONFIG_VFIO_PCI_NOINTXMASK = 1 << 2,
        _CONFIG_VFIO_PCI_OPTIONS_N = 3,
};

/* What cmdlinegen uses when isolcpus-flags is not given. */
#define CONFIG_ISOLCPUS_FLAGS_DEFAULT (CONFIG_ISOLCPUS_DOMAIN | CONFIG_ISOLCPUS_MANAGED_IRQ)

/* Every keyword setting has UNSET = 0: "not in the file, cmdlinegen decides". */
enum config_hugepage_size {
        CONFIG_HUGEPAGE_SIZE_UNSET,
        CONFIG_HUGEPAGE_SIZE_AUTO,
        CONFIG_HUGEPAGE_SIZE_2M,
        CONFIG_HUGEPAGE_SIZE_1G,
};
enum config_acs_override {
        CONFIG_ACS_OVERRIDE_UNSET,
        CONFIG_ACS_OVERRIDE_NEVER,
        CONFIG_ACS_OVERRIDE_IF_NEEDED,
};
enum config_bool {
        CONFIG_BOOL_UNSET,
        CONFIG_BOOL_YES,
        CONFIG_BOOL_NO,
};
enum config_transparent_hugepage {
        CONFIG_THP_UNSET,
        CONFIG_THP_NEVER,
        CONFIG_THP_MADVISE,
        CONFIG_THP_ALWAYS,
        CONFIG_THP_UNCHANGED,
};
/* The word of VALUE of keyword directive D ("never", "2M", ...), NULL for UNSET or no keyword. */
const char *config_keyword_to_string(enum config_directive d, unsigned value);
static inline const char *config_thp_to_string(enum config_transparent_hugepage t)
{
        return config_keyword_to_string(CONFIG_DIRECTIVE_TRANSPARENT_HUGEPAGE, t);
}
enum config_unsafe_interrupts {
        CONFIG_UNSAFE_INTERRUPTS_UNSET,
        CONFIG_UNSAFE_INTERRUPTS_NO,
        CONFIG_UNSAFE_INTERRUPTS_IF_NEEDED,
};
enum config_framebuffer {
        CONFIG_FRAMEBUFFER_UNSET,
        CONFIG_FRAMEBUFFER_AUTO,
        CONFIG_FRAMEBUFFER_KEEP,
};

struct config_diagnostic {
        unsigned line;                   /* 1-based */
        unsigned column;                 /* 1-based byte offset in the line; a tab counts as one */
        enum config_directive directive; /* the line's directive, NONE when not recognized */
        char *message;                   /* without the location, e.g. "expected a function number 0-7, got '9'" */
};

struct initbind_config {
        char *file_name; /* as given to the parser, for messages */

        /* initbind */
        struct config_claim *claims;
        size_t n_claims;
        struct config_keep *keeps;
        size_t n_keeps;
        struct config_lend *lends;
        size_t n_lends;
        struct config_reset_method *reset_methods;
        size_t n_reset_methods;
        struct config_rom_check *rom_checks;
        size_t n_rom_checks;
        struct config_bar_size *bar_sizes;
        size_t n_bar_sizes;

        /* cmdlinegen intent; zero/NULL/UNSET means the directive is absent */
        unsigned isolate_cores;  /* 1..CONFIG_CPUS_MAX */
        char *isolate_cpus;      /* CPU list text, checked against CONFIG_CPUS_MAX only: "N"
                                      and the real limit depend on the machine */
        unsigned isolcpus_flags; /* CONFIG_ISOLCPUS_* */
        struct config_guest_memory *guest_memory;
        size_t n_guest_memory; /* their sum fits in 64 bits */
        enum config_hugepage_size hugepage_size;
        enum config_acs_override acs_override;
        enum config_bool kvm_ignore_msrs;
        enum config_bool nested_virtualization;
        enum config_transparent_hugepage transparent_hugepage;
        enum config_unsafe_interrupts unsafe_interrupts;
        enum config_framebuffer framebuffer;
        /* vfio-pci-options: CONFIG_VFIO_PCI_*, and the column of each word, for messages */
        unsigned vfio_pci_options;
        unsigned vfio_pci_option_columns[_CONFIG_VFIO_PCI_OPTIONS_N];
        /* Line of each single-valued directive (0 when absent), for explanations and messages. */
        unsigned directive_line[_CONFIG_DIRECTIVE_MAX];

        /* In file order (by line, then column). Empty means the file is valid. */
        struct config_diagnostic *diagnostics;
        size_t n_diagnostics;
};

/*
 * Parse BUF of SIZE bytes (need not be NUL-terminated; NUL bytes in it are diagnostics).
 * FILE_NAME only appears in messages. Returns 0 with a new config in *ret, whatever its
 * diagnostics; -ENOMEM.
 *
 * A bad line is left out entirely. Beware when acting on a config with diagnostics: a
 * misspelled keep line (or one not even recognized as a keep, e.g. "kep 0b:00.0") no longer
 * protects its device from claim lines by id=, slot= or group=.
 */
int config_parse(const char *buf, size_t size, const char *file_name, struct initbind_config **ret);

/* config_read_path() returns this when the file does not exist. */
#define CONFIG_MISSING 1

struct rootdir;
/*
 * Read and parse PATH below ROOT (NULL: /etc/initbind.conf). A missing file gives an empty
 * config and returns CONFIG_MISSING; any other error is returned, *ret untouched. Returns 0
 * (parsed, see the diagnostics), CONFIG_MISSING, or -errno (-EISDIR, rootdir_open_regular()'s
 * -EBADFD for a FIFO or device, -EFBIG for a huge file).
 */
int config_read_path(const struct rootdir *root, const char *path, struct initbind_config **ret);

struct initbind_config *config_free(struct initbind_config *c);
static inline void config_freep(struct initbind_config **c) { config_free(*c); }
#define _cleanup_config_ _cleanup_(config_freep)

/* "FILE:LINE:COLUMN: MESSAGE" (malloc'd; NULL when out of memory). */
char *config_diagnostic_format(const struct initbind_config *c, const struct config_diagnostic *d);

/*
 * Where the value of directive D came from, for explanations: "FILE:LINE" (the first line for
 * guest-memory, which may repeat), or "--DIRECTIVE" when a command-line option set it (line 0).
 * Written into BUF of SIZE bytes, which is returned.
 */
const char *config_intent_origin(const struct initbind_config *c, enum config_directive d, char *buf, size_t size);

/* The unbind-for-guests line of address A, or NULL. */
const struct config_lend *config_find_lend(const struct initbind_config *c, const struct pci_address *a);

/* Sum of all guest-memory lines in bytes (0 when none). */
uint64_t config_guest_memory_total(const struct initbind_config *c);
