/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* `cmdlinegen guest`: the spec in the chosen form, written whole or not at all. */
#include "guest.h"

#include "log.h"

static int write_format(FILE *out, const struct guest_spec *s, enum guest_format format)
{
        switch (format) {
        case GUEST_LIBVIRT:
                guest_write_libvirt(out, s);
                return 0;
        case GUEST_QEMU:
                return guest_write_qemu(out, s);
        case GUEST_JSON:
                return guest_write_json(out, s);
        }
        return -EINVAL;
}

int guest_run(const struct generation *g, const struct guest_options *o)
{
        struct guest_spec s;
        if (guest_spec_build(g, o, &s) < 0)
                return 1;
        /* Into memory first: a fragment cut short by a write error must not look complete. */
        _cleanup_free_ char *text = NULL;
        size_t size = 0;
        FILE *out = open_memstream(&text, &size);
        int status = 1;
        if (!out)
                log_error_errno(errno, "cannot write the guest's configuration: %m");
        else {
                int r = write_format(out, &s, o->format);
                if (fclose(out) != 0 || r < 0)
                        log_error_errno(r < 0 ? r : errno, "cannot write the guest's configuration: %m");
                else if (fwrite(text, 1, size, stdout) != size || fflush(stdout) != 0)
                        log_error_errno(errno, "cannot write the guest's configuration to standard output: %m");
                else
                        status = readiness_count(&s.host, CHECK_FAIL) ? 1 : 0;
        }
        guest_spec_done(&s);
        return status;
}
