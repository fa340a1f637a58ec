/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The libvirt hook's domain XML reader (libxml2): any bytes are read or refused with -EINVAL,
 * never half; a hostdev read is in range; reading the same input twice gives the same hostdevs.
 */
#include <errno.h>

#include "domain_xml.h"
#include "fuzz.h"
#include "log.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
        /* Every refusal is a log line: below LOG_LEVEL_ERR nothing is printed, so the fuzzer runs fast. */
        log_setup("fuzz-domain_xml", (enum log_level) 0);
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct domain_hostdevs h = { .n_items = 12345 }, again = {};
        int r = domain_xml_read((const char *) data, size, "fuzz", &h);
        CHECK(r == 0 || r == -EINVAL || r == -ENOMEM, "unexpected result %d", r);
        if (r < 0) {
                CHECK(h.n_items == 12345 && !h.items && !h.name, "the result was written on failure");
                return 0;
        }
        for (size_t i = 0; i < h.n_items; i++) {
                const struct pci_address *a = &h.items[i].address;
                CHECK(a->domain <= 0xffff && a->slot <= 0x1f && a->function <= 7, "hostdev %zu out of range", i);
        }
        CHECK(domain_xml_read((const char *) data, size, "fuzz", &again) == 0, "a second read fails");
        CHECK(again.n_items == h.n_items, "a second read finds %zu hostdevs, the first %zu", again.n_items, h.n_items);
        for (size_t i = 0; i < h.n_items; i++)
                CHECK(pci_address_equal(&h.items[i].address, &again.items[i].address) &&
                              h.items[i].managed == again.items[i].managed,
                      "hostdev %zu differs between two reads", i);
        domain_hostdevs_done(&h);
        domain_hostdevs_done(&again);
        return 0;
}
