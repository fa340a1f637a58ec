/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The capability lists of a function's configuration space (PCI local bus spec 6.7, PCIe base
 * spec 7.6), and the facts initbind's pre-flight reads from them: how the function can be reset
 * and which of its BARs can be resized. Pure functions of the bytes given; never read past them.
 */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCI_CAP_ID_PM 0x01
#define PCI_CAP_ID_EXP 0x10
#define PCI_CAP_ID_AF 0x13
#define PCI_EXT_CAP_ID_REBAR 0x0015

/* -ENODATA: the list goes on past the SIZE bytes (an unprivileged read gets 64 bytes, a
 * conventional function or an old capture 256) */
#define PCI_CAP_TRUNCATED (-ENODATA)

/*
 * The offset of the first standard capability ID in CONFIG: > 0 when found, 0 when the list ends
 * without it (or there is no list), PCI_CAP_TRUNCATED when the list leaves the bytes read. A loop
 * ends after 48 entries (what fits after the header).
 */
int pci_config_find_cap(const uint8_t *config, size_t size, uint8_t id);
/* The same in the extended list at 0x100 (PCIe only; needs 4096 bytes, so root). 0 also when the
 * space was not read that far: the caller tells "unknown" by SIZE <= 0x100. */
int pci_config_find_ext_cap(const uint8_t *config, size_t size, uint16_t id);

/* What configuration space says of the resets the kernel could do (drivers/pci/pci.c). */
struct pci_reset_caps {
        bool known;         /* the capability list could be read to its end */
        bool pcie;          /* has a PCI Express capability */
        bool flr;           /* PCIe Device Capabilities: Function Level Reset */
        bool af_flr;        /* Advanced Features capability with TP and FLR */
        bool pm;            /* PM capability with No_Soft_Reset clear: D3hot->D0 resets it */
        bool no_soft_reset; /* PM capability with No_Soft_Reset set */
};
void pci_config_reset_caps(const uint8_t *config, size_t size, struct pci_reset_caps *ret);

/* The Resizable BAR capability: per resizable BAR, its index, current size and the sizes it
 * supports. A size is an exponent: 0 is 1 MB, 20 is 1 TB (PCIe base spec 7.8.6). */
#define PCI_REBAR_MAX 6
struct pci_rebar {
        unsigned bar;
        unsigned current;   /* the BAR Size field of the control register */
        uint64_t supported; /* bit N: size N supported (capability bits 4..31, control bits 16..31) */
};
/* Fills up to PCI_REBAR_MAX entries; returns how many (0 when absent). */
size_t pci_config_rebar(const uint8_t *config, size_t size, struct pci_rebar ret[PCI_REBAR_MAX]);
