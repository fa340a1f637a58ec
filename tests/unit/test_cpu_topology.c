/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* CPU topology from small sysfs trees: SMT siblings, packages, NUMA nodes, L3 domains, cpuinfo. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "cpu_topology.h"
#include "rootdir.h"
#include "test-tree.h"

#define CPU_DIR "sys/devices/system/cpu"
#define NODE_DIR "sys/devices/system/node"

static const char cpuinfo_intel[] =
        "processor\t: 0\n"
        "vendor_id\t: GenuineIntel\n"
        "cpu family\t: 6\n"
        "model\t\t: 85\n"
        "model name\t: Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz\n"
        "physical id\t: 0\n"
        "siblings\t: 4\n"
        "core id\t\t: 0\n"
        "cpu cores\t: 2\n"
        "flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush "
        "dts acpi mmx fxsr sse sse2 ss ht tm pbe syscall nx pdpe1gb rdtscp lm constant_tsc vmx smx "
        "est tm2 ssse3 sdbg fma cx16 xtpr pdcm pcid dca sse4_1 sse4_2 x2apic movbe popcnt avx512f\n"
        "vmx flags\t: vnmi preemption_timer posted_intr invvpid ept_x_only ept_ad ept_1gb\n"
        "bugs\t\t: spectre_v1 spectre_v2\n"
        "\n"
        "processor\t: 1\n"
        "vendor_id\t: GenuineIntel\n"
        "flags\t\t: fpu vme svm hypervisor\n" /* later blocks are not read */
        "\n";

/* One CPU's topology and caches as Linux numbers them: N and N+4 are SMT siblings. */
static void add_cpu(const char *tree, unsigned cpu, unsigned package, unsigned core, const char *siblings,
                    const char *l3_shared)
{
        char path[128];
        snprintf(path, sizeof(path), CPU_DIR "/cpu%u/topology/core_id", cpu);
        tree_writef(tree, path, "%u\n", core);
        snprintf(path, sizeof(path), CPU_DIR "/cpu%u/topology/physical_package_id", cpu);
        tree_writef(tree, path, "%u\n", package);
        snprintf(path, sizeof(path), CPU_DIR "/cpu%u/topology/die_id", cpu);
        tree_write(tree, path, "0\n");
        snprintf(path, sizeof(path), CPU_DIR "/cpu%u/topology/core_cpus_list", cpu);
        tree_writef(tree, path, "%s\n", siblings);
        snprintf(path, sizeof(path), CPU_DIR "/cpu%u/topology/thread_siblings_list", cpu);
        tree_writef(tree, path, "%s\n", siblings);

        /* L1d, L1i, L2 private to the core; L3 shared by the package. */
        static const struct {
                int level;
                const char *type;
        } caches[] = { { 1, "Data" }, { 1, "Instruction" }, { 2, "Unified" }, { 3, "Unified" } };
        for (unsigned i = 0; i < ELEMENTSOF(caches); i++) {
                snprintf(path, sizeof(path), CPU_DIR "/cpu%u/cache/index%u/level", cpu, i);
                tree_writef(tree, path, "%d\n", caches[i].level);
                snprintf(path, sizeof(path), CPU_DIR "/cpu%u/cache/index%u/type", cpu, i);
                tree_writef(tree, path, "%s\n", caches[i].type);
                snprintf(path, sizeof(path), CPU_DIR "/cpu%u/cache/index%u/shared_cpu_list", cpu, i);
                tree_writef(tree, path, "%s\n", caches[i].level == 3 ? l3_shared : siblings);
                snprintf(path, sizeof(path), CPU_DIR "/cpu%u/cache/index%u/id", cpu, i);
                tree_writef(tree, path, "%u\n", caches[i].level == 3 ? package : core);
        }
}

/* 2 sockets x 2 cores x SMT2, one NUMA node and one L3 per socket. */
static void add_two_socket_machine(const char *tree)
{
        tree_write(tree, CPU_DIR "/possible", "0-7\n");
        tree_write(tree, CPU_DIR "/present", "0-7\n");
        tree_write(tree, CPU_DIR "/online", "0-7\n");
        tree_write(tree, CPU_DIR "/isolated", "\n");
        tree_write(tree, CPU_DIR "/nohz_full", "(null)\n"); /* CONFIG_NO_HZ_FULL, no nohz_full= given */
        for (unsigned cpu = 0; cpu < 8; cpu++) {
                unsigned package = (cpu % 4) / 2, core = cpu % 2;
                char siblings[16];
                snprintf(siblings, sizeof(siblings), "%u,%u", cpu % 4, cpu % 4 + 4);
                add_cpu(tree, cpu, package, core, siblings, package == 0 ? "0-1,4-5" : "2-3,6-7");
        }
        tree_write(tree, NODE_DIR "/possible", "0-1\n");
        tree_write(tree, NODE_DIR "/online", "0-1\n");
        tree_write(tree, NODE_DIR "/has_memory", "0-1\n");
        tree_write(tree, NODE_DIR "/node0/cpulist", "0-1,4-5\n");
        tree_write(tree, NODE_DIR "/node1/cpulist", "2-3,6-7\n");
        tree_write(tree, NODE_DIR "/node0/meminfo",
                   "Node 0 MemTotal:       16315412 kB\n"
                   "Node 0 MemFree:        15123456 kB\n"
                   "Node 0 MemUsed:         1191956 kB\n"
                   "Node 0 HugePages_Total:     0\n");
        tree_write(tree, NODE_DIR "/node1/meminfo",
                   "Node 1 MemTotal:       16512000 kB\n"
                   "Node 1 MemFree:        16000000 kB\n");
        tree_write(tree, "proc/cpuinfo", cpuinfo_intel);
}

static void read_topology(const char *tree, struct cpu_topology *topo)
{
        _cleanup_rootdir_ struct rootdir *root = tree_rootdir(tree);
        int r = cpu_topology_read(root, topo);
        if (r < 0)
                fail_msg("cpu_topology_read: %s", strerror(-r));
}

static void assert_set(const struct cpu_set *set, const char *want)
{
        _cleanup_free_ char *got = cpu_list_format(set);
        assert_non_null(got);
        assert_string_equal(got, want);
}

static void test_two_sockets(void **state)
{
        const char *tree = *state;
        add_two_socket_machine(tree);
        _cleanup_(cpu_topology_done) struct cpu_topology topo = {};
        read_topology(tree, &topo);

        assert_int_equal(topo.nr_cpu_ids, 8);
        assert_set(&topo.possible, "0-7");
        assert_set(&topo.present, "0-7");
        assert_set(&topo.online, "0-7");
        assert_set(&topo.isolated, "");
        assert_set(&topo.nohz_full, ""); /* "(null)" means none */
        assert_int_equal(topo.boot_cpu, 0);

        static const struct {
                int package, core, node;
                const char *siblings;
        } want[8] = {
                { 0, 0, 0, "0,4" }, { 0, 1, 0, "1,5" }, { 1, 0, 1, "2,6" }, { 1, 1, 1, "3,7" },
                { 0, 0, 0, "0,4" }, { 0, 1, 0, "1,5" }, { 1, 0, 1, "2,6" }, { 1, 1, 1, "3,7" },
        };
        for (unsigned cpu = 0; cpu < 8; cpu++) {
                const struct cpu_info *c = &topo.cpus[cpu];
                assert_true(c->present);
                assert_int_equal(c->package_id, want[cpu].package);
                assert_int_equal(c->core_id, want[cpu].core);
                assert_int_equal(c->die_id, 0);
                assert_int_equal(c->node, want[cpu].node);
                assert_set(&c->core_cpus, want[cpu].siblings);
        }

        /* One L3 per socket, shared by its four CPUs. */
        assert_int_equal(topo.n_l3_domains, 2);
        int l3_a = topo.cpus[0].l3, l3_b = topo.cpus[2].l3;
        assert_true(l3_a >= 0 && l3_b >= 0 && l3_a != l3_b);
        for (unsigned cpu = 0; cpu < 8; cpu++)
                assert_int_equal(topo.cpus[cpu].l3, (cpu % 4) < 2 ? l3_a : l3_b);
        assert_set(&topo.l3_domains[l3_a], "0-1,4-5");
        assert_set(&topo.l3_domains[l3_b], "2-3,6-7");

        assert_int_equal(topo.n_nodes, 2);
        assert_int_equal(topo.nodes[0].id, 0);
        assert_int_equal(topo.nodes[1].id, 1);
        assert_set(&topo.nodes[0].cpus, "0-1,4-5");
        assert_set(&topo.nodes[1].cpus, "2-3,6-7");
        assert_true(topo.nodes[0].mem_total == UINT64_C(16315412) * 1024);
        assert_true(topo.nodes[1].mem_total == UINT64_C(16512000) * 1024);

        assert_int_equal(cpu_topology_count_cores(&topo), 4);
}

static void test_cpuinfo(void **state)
{
        const char *tree = *state;
        add_two_socket_machine(tree);
        _cleanup_(cpu_topology_done) struct cpu_topology topo = {};
        read_topology(tree, &topo);

        assert_int_equal(topo.vendor, CPU_VENDOR_INTEL);
        assert_string_equal(topo.vendor_id, "GenuineIntel");
        assert_string_equal(topo.model_name, "Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz");
        assert_true(topo.has_vmx);
        assert_true(topo.has_pdpe1gb);
        /* Only the first block's flags: the second one's svm/hypervisor are not this machine's. */
        assert_false(topo.has_svm);
        assert_false(topo.has_hypervisor);
}

static void test_cpuinfo_amd_guest(void **state)
{
        const char *tree = *state;
        tree_write(tree, CPU_DIR "/possible", "0-1\n");
        tree_write(tree, "proc/cpuinfo",
                   "processor\t: 0\n"
                   "vendor_id\t: AuthenticAMD\n"
                   "model name\t: AMD EPYC 7763 64-Core Processor\n"
                   "flags\t\t: fpu vme de pse svm_lock svmx svm hypervisor npt\n"
                   "\n");
        _cleanup_(cpu_topology_done) struct cpu_topology topo = {};
        read_topology(tree, &topo);
        assert_int_equal(topo.vendor, CPU_VENDOR_AMD);
        assert_true(topo.has_svm);
        assert_true(topo.has_hypervisor);
        assert_false(topo.has_vmx);
        assert_false(topo.has_pdpe1gb);
        cpu_topology_done(&topo);

        tree_write(tree, "proc/cpuinfo", "vendor_id\t: HygonGenuine\nflags\t\t: svm\n");
        read_topology(tree, &topo);
        assert_int_equal(topo.vendor, CPU_VENDOR_AMD);
        cpu_topology_done(&topo);

        tree_write(tree, "proc/cpuinfo", "vendor_id\t: CentaurHauls\nflags\t\t: vmx\n");
        read_topology(tree, &topo);
        assert_int_equal(topo.vendor, CPU_VENDOR_OTHER);
        assert_true(topo.has_vmx);
        cpu_topology_done(&topo);

        /* No flag that only contains a name. */
        tree_write(tree, "proc/cpuinfo", "vendor_id\t: GenuineIntel\nflags\t\t: vmxx xvmx pdpe1gbx\n");
        read_topology(tree, &topo);
        assert_false(topo.has_vmx);
        assert_false(topo.has_pdpe1gb);
}

static void test_offline_cpus(void **state)
{
        const char *tree = *state;
        add_two_socket_machine(tree);
        /* CPU 5 offline: its core still counts through CPU 1. */
        tree_write(tree, CPU_DIR "/online", "0-4,6-7\n");
        _cleanup_(cpu_topology_done) struct cpu_topology topo = {};
        read_topology(tree, &topo);
        assert_int_equal(cpu_topology_count_cores(&topo), 4);
        cpu_topology_done(&topo);

        /* CPU 1 offline: its core counts once, at CPU 5. */
        tree_write(tree, CPU_DIR "/online", "0,2-7\n");
        read_topology(tree, &topo);
        assert_int_equal(cpu_topology_count_cores(&topo), 4);
        cpu_topology_done(&topo);

        /* Both threads of core 1 offline: three cores left. */
        tree_write(tree, CPU_DIR "/online", "0,2-4,6-7\n");
        read_topology(tree, &topo);
        assert_int_equal(cpu_topology_count_cores(&topo), 3);
}

static void test_smt4_offline_first_thread(void **state)
{
        /* Four threads per core (Xeon Phi): core 1 is CPUs 1,3,5,7. With CPU 1 offline the core
         * must still count once, not once per remaining thread. */
        const char *tree = *state;
        tree_write(tree, CPU_DIR "/possible", "0-7\n");
        tree_write(tree, CPU_DIR "/present", "0-7\n");
        tree_write(tree, CPU_DIR "/online", "0,2-7\n");
        for (unsigned cpu = 0; cpu < 8; cpu++)
                add_cpu(tree, cpu, 0, cpu % 2, cpu % 2 ? "1,3,5,7" : "0,2,4,6", "0-7");
        _cleanup_(cpu_topology_done) struct cpu_topology topo = {};
        read_topology(tree, &topo);
        assert_set(&topo.cpus[7].core_cpus, "1,3,5,7");
        assert_int_equal(cpu_topology_count_cores(&topo), 2);
        assert_int_equal(topo.n_l3_domains, 1);
}

static void test_missing_topology_files(void **state)
{
        const char *tree = *state;
        add_two_socket_machine(tree);
        /* CPU 3 without topology/ and cache/; CPU 6 with only the pre-5.x sibling file. */
        for (const char *const *name = (const char *const[]){ "core_id", "physical_package_id", "die_id",
                                                              "core_cpus_list", "thread_siblings_list", NULL };
             *name; name++) {
                char path[128];
                snprintf(path, sizeof(path), CPU_DIR "/cpu3/topology/%s", *name);
                tree_unlink(tree, path);
        }
        for (unsigned i = 0; i < 4; i++) {
                char path[128];
                snprintf(path, sizeof(path), CPU_DIR "/cpu3/cache/index%u/level", i);
                tree_unlink(tree, path);
        }
        tree_unlink(tree, CPU_DIR "/cpu6/topology/core_cpus_list");
        tree_unlink(tree, CPU_DIR "/cpu6/topology/die_id");
        tree_write(tree, CPU_DIR "/cpu7/topology/core_id", "garbage\n");
        _cleanup_(cpu_topology_done) struct cpu_topology topo = {};
        read_topology(tree, &topo);

        const struct cpu_info *c3 = &topo.cpus[3];
        assert_int_equal(c3->core_id, -1);
        assert_int_equal(c3->package_id, -1);
        assert_int_equal(c3->die_id, -1);
        assert_set(&c3->core_cpus, "3"); /* unknown siblings: its own core */
        /* Its own cache files are gone, but the L3 another CPU read names it: that L3 is its. */
        assert_true(c3->l3 >= 0 && cpu_set_has(&topo.l3_domains[c3->l3], 3));
        assert_int_equal(c3->node, 1); /* the node's cpulist still names it */

        const struct cpu_info *c6 = &topo.cpus[6];
        assert_set(&c6->core_cpus, "2,6");
        assert_int_equal(c6->die_id, -1);
        assert_int_equal(c6->core_id, 0);
        assert_int_equal(topo.cpus[7].core_id, -1);

        /* CPU 7 names 3 as its sibling, 3 names only itself: 3 and 7 count as one core. */
        assert_int_equal(cpu_topology_count_cores(&topo), 4);
        assert_int_equal(topo.n_l3_domains, 2);
}

static void test_minimal_tree(void **state)
{
        /* Only the possible mask: everything else unknown, nothing fails. */
        const char *tree = *state;
        tree_write(tree, CPU_DIR "/possible", "0-3\n");
        _cleanup_(cpu_topology_done) struct cpu_topology topo = {};
        read_topology(tree, &topo);

        assert_int_equal(topo.nr_cpu_ids, 4);
        assert_set(&topo.present, "");
        assert_set(&topo.online, "");
        assert_int_equal(topo.vendor, CPU_VENDOR_UNKNOWN);
        assert_string_equal(topo.vendor_id, "");
        assert_false(topo.has_vmx);
        assert_int_equal(topo.n_nodes, 0);
        assert_int_equal(topo.n_l3_domains, 0);
        for (unsigned cpu = 0; cpu < 4; cpu++) {
                assert_false(topo.cpus[cpu].present);
                assert_int_equal(topo.cpus[cpu].node, -1);
                assert_int_equal(topo.cpus[cpu].l3, -1);
                assert_int_equal(topo.cpus[cpu].core_id, -1);
        }
        assert_int_equal(cpu_topology_count_cores(&topo), 0);
}

static void test_possible_sizes_everything(void **state)
{
        /* More possible than present CPUs (hotplug slots), beyond one 64-bit word. */
        const char *tree = *state;
        tree_write(tree, CPU_DIR "/possible", "0-127\n");
        tree_write(tree, CPU_DIR "/present", "0-3\n");
        tree_write(tree, CPU_DIR "/online", "0-3\n");
        tree_write(tree, CPU_DIR "/isolated", "2-3\n");
        tree_write(tree, CPU_DIR "/nohz_full", "2-3\n");
        /* A mask naming CPUs past nr_cpu_ids is not believed: empty. */
        tree_write(tree, NODE_DIR "/online", "0\n");
        tree_write(tree, NODE_DIR "/node0/cpulist", "0-3,200\n");
        _cleanup_(cpu_topology_done) struct cpu_topology topo = {};
        read_topology(tree, &topo);

        assert_int_equal(topo.nr_cpu_ids, 128);
        assert_int_equal(cpu_set_count(&topo.possible), 128);
        assert_set(&topo.isolated, "2-3");
        assert_set(&topo.nohz_full, "2-3");
        assert_true(topo.cpus[3].present);
        assert_false(topo.cpus[4].present);
        assert_false(topo.cpus[127].present);
        assert_int_equal(cpu_topology_count_cores(&topo), 4);
        assert_int_equal(topo.n_nodes, 1);
        assert_set(&topo.nodes[0].cpus, "");
        assert_true(topo.nodes[0].mem_total == 0);
        assert_int_equal(topo.cpus[0].node, -1);
}

static void test_possible_errors(void **state)
{
        const char *tree = *state;
        _cleanup_rootdir_ struct rootdir *root = tree_rootdir(tree);
        struct cpu_topology topo = { .nr_cpu_ids = 77 };

        assert_int_equal(cpu_topology_read(root, &topo), -ENOENT);
        assert_int_equal(topo.nr_cpu_ids, 77); /* untouched */

        tree_write(tree, CPU_DIR "/possible", "0-x\n");
        assert_true(cpu_topology_read(root, &topo) < 0);
        tree_write(tree, CPU_DIR "/possible", "\n");
        assert_int_equal(cpu_topology_read(root, &topo), -EBADMSG);
        assert_int_equal(topo.nr_cpu_ids, 77);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_two_sockets, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_cpuinfo, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_cpuinfo_amd_guest, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_offline_cpus, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_smt4_offline_first_thread, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_missing_topology_files, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_minimal_tree, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_possible_sizes_everything, tree_setup, tree_teardown),
                cmocka_unit_test_setup_teardown(test_possible_errors, tree_setup, tree_teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
