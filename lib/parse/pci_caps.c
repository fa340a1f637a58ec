/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "pci_caps.h"

#define PCI_STATUS 0x06
#define PCI_STATUS_CAP_LIST 0x10
#define PCI_CAPABILITY_LIST 0x34
/* 48 capabilities of 4 bytes fill the 192 bytes after the header: more means a loop. */
#define PCI_CAPS_MAX 48
/* 4096 - 256 bytes of 4-byte headers at most. */
#define PCI_EXT_CAPS_MAX 960
#define PCI_EXT_CAP_START 0x100

#define PCI_EXP_DEVCAP 0x04
#define PCI_EXP_DEVCAP_FLR 0x10000000u
#define PCI_AF_CAP 0x03
#define PCI_AF_CAP_TP 0x01
#define PCI_AF_CAP_FLR 0x02
#define PCI_PM_CTRL 0x04
#define PCI_PM_CTRL_NO_SOFT_RESET 0x0008

#define PCI_REBAR_CAP 0x04
#define PCI_REBAR_CTRL 0x08
#define PCI_REBAR_CTRL_BAR_IDX 0x7u
#define PCI_REBAR_CTRL_NBAR_SHIFT 5
#define PCI_REBAR_CTRL_BAR_SHIFT 8

static uint32_t le32(const uint8_t *p)
{
        return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
}

int pci_config_find_cap(const uint8_t *config, size_t size, uint8_t id)
{
        if (size < 0x40)
                return PCI_CAP_TRUNCATED;
        if (!(config[PCI_STATUS] & PCI_STATUS_CAP_LIST))
                return 0;
        unsigned pos = config[PCI_CAPABILITY_LIST] & 0xfc;
        for (unsigned i = 0; i < PCI_CAPS_MAX && pos >= 0x40; i++) {
                if (pos + 4 > size)
                        return PCI_CAP_TRUNCATED;
                if (config[pos] == id)
                        return (int) pos;
                pos = config[pos + 1] & 0xfc;
        }
        return 0;
}

int pci_config_find_ext_cap(const uint8_t *config, size_t size, uint16_t id)
{
        unsigned pos = PCI_EXT_CAP_START;
        for (unsigned i = 0; i < PCI_EXT_CAPS_MAX && pos >= PCI_EXT_CAP_START; i++) {
                if (pos + 4 > size)
                        return 0;
                uint32_t header = le32(config + pos);
                /* An all-zero or all-ones header: no extended capabilities (or no device). */
                if (header == 0 || header == UINT32_MAX)
                        return 0;
                if ((header & 0xffff) == id)
                        return (int) pos;
                pos = (header >> 20) & 0xffc;
        }
        return 0;
}

/* Reads a capability of LEN bytes at the offset found: false when absent or cut short. */
static bool cap_at(const uint8_t *config, size_t size, uint8_t id, unsigned len, int *ret_pos, bool *truncated)
{
        int pos = pci_config_find_cap(config, size, id);
        if (pos == PCI_CAP_TRUNCATED || (pos > 0 && (size_t) pos + len > size)) {
                *truncated = true;
                return false;
        }
        *ret_pos = pos;
        return pos > 0;
}

void pci_config_reset_caps(const uint8_t *config, size_t size, struct pci_reset_caps *ret)
{
        struct pci_reset_caps c = {};
        bool truncated = false;
        int pos;
        if (cap_at(config, size, PCI_CAP_ID_EXP, PCI_EXP_DEVCAP + 4, &pos, &truncated)) {
                c.pcie = true;
                c.flr = le32(config + pos + PCI_EXP_DEVCAP) & PCI_EXP_DEVCAP_FLR;
        }
        if (cap_at(config, size, PCI_CAP_ID_AF, PCI_AF_CAP + 1, &pos, &truncated)) {
                uint8_t af = config[pos + PCI_AF_CAP];
                c.af_flr = (af & PCI_AF_CAP_TP) && (af & PCI_AF_CAP_FLR);
        }
        if (cap_at(config, size, PCI_CAP_ID_PM, PCI_PM_CTRL + 2, &pos, &truncated)) {
                c.no_soft_reset = config[pos + PCI_PM_CTRL] & PCI_PM_CTRL_NO_SOFT_RESET;
                c.pm = !c.no_soft_reset;
        }
        c.known = !truncated;
        *ret = c;
}

size_t pci_config_rebar(const uint8_t *config, size_t size, struct pci_rebar ret[PCI_REBAR_MAX])
{
        int pos = pci_config_find_ext_cap(config, size, PCI_EXT_CAP_ID_REBAR);
        if (pos <= 0 || (size_t) pos + PCI_REBAR_CTRL + 4 > size)
                return 0;
        unsigned n_bars = (le32(config + pos + PCI_REBAR_CTRL) >> PCI_REBAR_CTRL_NBAR_SHIFT) & 0x7;
        if (n_bars > PCI_REBAR_MAX)
                n_bars = PCI_REBAR_MAX;
        size_t n = 0;
        for (unsigned i = 0; i < n_bars; i++) {
                size_t at = (size_t) pos + 8 * i;
                if (at + PCI_REBAR_CTRL + 4 > size)
                        break;
                uint32_t cap = le32(config + at + PCI_REBAR_CAP), ctrl = le32(config + at + PCI_REBAR_CTRL);
                ret[n++] = (struct pci_rebar){
                        .bar = ctrl & PCI_REBAR_CTRL_BAR_IDX,
                        .current = (ctrl >> PCI_REBAR_CTRL_BAR_SHIFT) & 0x3f,
                        .supported = (uint64_t) (cap >> 4) | (uint64_t) (ctrl >> 16) << 28,
                };
        }
        return n;
}
