/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* PCI class codes (24-bit class/subclass/prog-if) the policy needs, and their names. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

static inline uint8_t pci_class_base(uint32_t class_code) { return (uint8_t) (class_code >> 16); }
static inline uint16_t pci_class_sub(uint32_t class_code) { return (uint16_t) (class_code >> 8); }

#define PCI_BASE_CLASS_STORAGE 0x01
#define PCI_BASE_CLASS_DISPLAY 0x03
#define PCI_BASE_CLASS_BRIDGE 0x06
#define PCI_CLASS_DISPLAY_VGA 0x0300
#define PCI_CLASS_BRIDGE_HOST 0x0600
#define PCI_CLASS_BRIDGE_PCI 0x0604
#define PCI_CLASS_BRIDGE_CARDBUS 0x0607

static inline bool pci_class_is_vga(uint32_t c) { return pci_class_sub(c) == PCI_CLASS_DISPLAY_VGA; }
static inline bool pci_class_is_storage(uint32_t c) { return pci_class_base(c) == PCI_BASE_CLASS_STORAGE; }
static inline bool pci_class_is_bridge(uint32_t c) { return pci_class_base(c) == PCI_BASE_CLASS_BRIDGE; }

/* A short English name of the class ("VGA compatible controller"), or NULL when unknown. */
const char *pci_class_name(uint32_t class_code);
