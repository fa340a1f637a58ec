/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The libvirt hook's reader of the domain XML (libxml2): only <devices>/<hostdev mode='subsystem'
 * type='pci'>/<source>/<address>, never what <metadata>, a comment or CDATA text holds; refusals
 * for what libvirt would never write; and linear time on a hostile 1.6 MB attribute.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "domain_xml.h"
#include "fileio.h"
#include "log.h"
#include "macro.h"

static int read_domain_file(const char *name, struct domain_hostdevs *ret)
{
        char path[512];
        snprintf(path, sizeof(path), "%s/libvirt/domains/%s", TESTS_SOURCE_DIR, name);
        _cleanup_free_ char *text = NULL;
        size_t size = 0;
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        assert_true(fd >= 0);
        assert_int_equal(read_full_fd(fd, &text, &size), 0);
        return domain_xml_read(text, size, name, ret);
}

static void assert_hostdev(const struct domain_hostdev *h, unsigned bus, unsigned slot, unsigned function, bool managed)
{
        assert_int_equal(h->address.domain, 0);
        assert_int_equal(h->address.bus, bus);
        assert_int_equal(h->address.slot, slot);
        assert_int_equal(h->address.function, function);
        assert_int_equal(h->managed, managed);
}

static void test_host_address_only(void **state)
{
        /* Not the guest-side <address> after <source>, not the USB hostdev, not the one in a comment. */
        _cleanup_(domain_hostdevs_done) struct domain_hostdevs h = {};
        assert_int_equal(read_domain_file("gpu-slot2.xml", &h), 0);
        assert_string_equal(h.name, "gpu-guest");
        assert_int_equal(h.n_items, 1);
        assert_hostdev(&h.items[0], 0, 2, 0, true);
        assert_int_equal(h.items[0].line, 13);
}

static void test_numbers_and_defaults(void **state)
{
        /* Decimal, octal (leading 0) and hex, as libvirt reads them; no mode is mode='subsystem'. */
        _cleanup_(domain_hostdevs_done) struct domain_hostdevs h = {};
        assert_int_equal(read_domain_file("numbers-decimal-octal.xml", &h), 0);
        assert_int_equal(h.n_items, 2);
        assert_hostdev(&h.items[0], 0, 2, 0, true);
        assert_hostdev(&h.items[1], 0, 2, 1, false);
}

static void test_metadata_cdata_comments_are_not_hostdevs(void **state)
{
        _cleanup_(domain_hostdevs_done) struct domain_hostdevs h = {};
        assert_int_equal(read_domain_file("metadata-cdata.xml", &h), 0);
        assert_int_equal(h.n_items, 0);
}

static void test_refused_inputs(void **state)
{
        static const char *const files[] = { "bad-bus.xml", "no-source-address.xml", "malformed.xml",
                                             "doctype-entities.xml", "not-a-domain.xml" };
        for (size_t i = 0; i < ELEMENTSOF(files); i++) {
                struct domain_hostdevs h = { .n_items = 99 };
                assert_int_equal(read_domain_file(files[i], &h), -EINVAL);
                assert_int_equal(h.n_items, 99); /* untouched */
        }
        struct domain_hostdevs h = {};
        assert_int_equal(domain_xml_read("", 0, "empty", &h), -EINVAL);
        assert_int_equal(domain_xml_read("<domain/>junk", 13, "trailing", &h), -EINVAL);
        static const char *const numbers[] = { "bus='-1' slot='0' function='0'",
                                               "bus='0x' slot='0' function='0'",
                                               "bus='08' slot='0' function='0'",
                                               "bus='0' slot='0x20' function='0'",
                                               "bus='0' slot='0' function='8'",
                                               "bus=' 1' slot='0' function='0'",
                                               "bus='0' slot='0'",
                                               "domain='0x10000' bus='0' slot='0' function='0'" };
        for (size_t i = 0; i < ELEMENTSOF(numbers); i++) {
                char xml[256];
                int n = snprintf(xml, sizeof(xml),
                                 "<domain><devices><hostdev mode='subsystem' type='pci'><source><address %s/>"
                                 "</source></hostdev></devices></domain>",
                                 numbers[i]);
                assert_int_equal(domain_xml_read(xml, (size_t) n, "numbers", &h), -EINVAL);
        }
}

/* An attribute of SIZE bytes of 0 where libvirt has a short number, and another in <metadata>. */
static char *huge_attribute_domain(size_t size, size_t *ret_len)
{
        static const char head[] = "<domain><name>big</name><metadata><x v='";
        static const char middle[] = "'/></metadata><devices><hostdev mode='subsystem' type='pci'><source>"
                                     "<address bus='0x";
        static const char tail[] = "' slot='2' function='1'/></source></hostdev></devices></domain>";
        size_t len = sizeof(head) - 1 + size + sizeof(middle) - 1 + size + sizeof(tail) - 1;
        char *xml = malloc(len + 1);
        assert_non_null(xml);
        char *p = xml;
        p = mempcpy(p, head, sizeof(head) - 1);
        memset(p, 'A', size);
        p = mempcpy(p + size, middle, sizeof(middle) - 1);
        memset(p, '0', size);
        p = mempcpy(p + size, tail, sizeof(tail) - 1);
        *p = '\0';
        *ret_len = len;
        return xml;
}

static double seconds_since(const struct timespec *start)
{
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        return (double) (now.tv_sec - start->tv_sec) + (double) (now.tv_nsec - start->tv_nsec) / 1e9;
}

static void test_huge_attribute_is_linear(void **state)
{
        /* The awk scanner this replaces took 88 s inside `virsh start` on a 1.6 MB attribute. */
        size_t len;
        _cleanup_free_ char *xml = huge_attribute_domain(1600u * 1000u, &len);
        struct timespec start;
        clock_gettime(CLOCK_MONOTONIC, &start);
        _cleanup_(domain_hostdevs_done) struct domain_hostdevs h = {};
        assert_int_equal(domain_xml_read(xml, len, "huge", &h), 0);
        double t = seconds_since(&start);
        printf("two 1.6 MB attributes (%.1f MB of XML) read in %.3f s\n", (double) len / 1e6, t);
        assert_int_equal(h.n_items, 1);
        assert_hostdev(&h.items[0], 0, 2, 1, false);
        /* Linear: tens of milliseconds here; a quadratic scan would take minutes. */
        assert_true(t < 5.0);
}

int main(void)
{
        log_setup("test_domain_xml", LOG_LEVEL_ERR);
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_host_address_only),
                cmocka_unit_test(test_numbers_and_defaults),
                cmocka_unit_test(test_metadata_cdata_comments_are_not_hostdevs),
                cmocka_unit_test(test_refused_inputs),
                cmocka_unit_test(test_huge_attribute_is_linear),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
