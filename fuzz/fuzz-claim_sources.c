/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What initbind takes from the kernel command line: the input is /proc/cmdline, with no config
 * and no modprobe.d. Reading it always succeeds; every problem is one line of printable ASCII
 * (hostile bytes escaped) that names where it is; a NUL byte or a second line is reported; each
 * request is one the parsers accept; initbind=off means no requests and no problems after it.
 */
#include "claim_sources.h"
#include "fuzz-tree.h"
#include "kcmdline.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
        fuzz_tree_new("claim_sources");
        fuzz_tree_mkdir_p("proc");
        fuzz_tree_open();
        return 0;
}

static bool printable_line(const char *s)
{
        for (; *s; s++)
                if (*s < 0x20 || *s > 0x7e)
                        return false;
        return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        fuzz_tree_write("proc/cmdline", data, size);

        struct claim_sources s = {};
        int r = claim_sources_read(fuzz_root, NULL, NULL, &s);
        CHECK(r == 0, "claim_sources_read: %d", r);
        CHECK(s.disabled || (s.config_missing && s.config && s.config->n_claims == 0), "a config appeared");

        bool mentions_cmdline = false;
        for (size_t i = 0; i < s.n_diagnostics; i++) {
                const char *d = s.diagnostics[i];
                CHECK(*d && printable_line(d), "diagnostic %zu is not one printable line: '%s'", i, d);
                if (i == CLAIM_DIAGNOSTICS_MAX - 1 && s.n_diagnostics_hidden > 0)
                        continue; /* "N more problems ... are not shown" */
                CHECK(startswith(d, "/proc/cmdline: ") || startswith(d, "initbind.claim=: ") ||
                              startswith(d, "vfio-pci.ids=") || startswith(d, "/etc/initbind.conf"),
                      "diagnostic without its source: '%s'", d);
                mentions_cmdline |= startswith(d, "/proc/cmdline: ");
        }

        /* The line the kernel gives is one line: anything past a NUL or a line break is said. */
        const uint8_t *nul = memchr(data, '\0', size), *nl = memchr(data, '\n', size);
        size_t end = nul ? (size_t) (nul - data) : size;
        if (nl && (size_t) (nl - data) < end)
                end = (size_t) (nl - data) + 1; /* the final line break is the kernel's own */
        if (end < size)
                CHECK(mentions_cmdline, "%zu bytes after the line's end, and no word about them", size - end);

        if (s.disabled)
                CHECK(s.n_requests == 0, "initbind=off with %zu requests", s.n_requests);
        for (size_t i = 0; i < s.n_requests; i++) {
                const struct claim_request *req = &s.requests[i];
                CHECK(req->kind == CLAIM_REQUEST_CMDLINE || req->kind == CLAIM_REQUEST_VFIO_IDS, "request kind %d",
                      (int) req->kind);
                if (req->kind == CLAIM_REQUEST_CMDLINE)
                        CHECK(req->claim.selector == CONFIG_SELECT_ADDRESS && req->claim.address.slot <= 0x1f &&
                                      req->claim.address.function <= 7,
                              "initbind.claim= request of %x.%x", req->claim.address.slot, req->claim.address.function);
                else
                        CHECK(req->claim.selector == CONFIG_SELECT_ID && req->claim.id.class_code <= 0xffffff,
                              "vfio-pci.ids= request with class %x", req->claim.id.class_code);
        }
        claim_sources_done(&s);
        return 0;
}
