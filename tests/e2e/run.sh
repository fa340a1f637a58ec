#!/bin/bash
# run.sh: prove initbind's initramfs integrations on a real kernel, for every generator.
#
# Installs the build (cmake --install with DESTDIR) into a private /usr overlay, builds one
# initramfs image per generator with the project's hooks as installed:
#   initramfs-tools  Debian's real mkinitramfs (init-top script, before init-top/udev)
#   dracut           the real dracut, a non-systemd image (pre-udev hook)
#   dracut-systemd   the real dracut with its systemd modules (initbind-boot.service, ordered
#                    before systemd-udev-trigger and systemd-modules-load)
#   mkinitcpio       tests/e2e/mkinitcpio-harness.sh: a HARNESS that follows mkinitcpio's build
#                    and runtime hook API, because mkinitcpio is not packaged in Debian; the
#                    busybox form (HOOKS base initbind udev: the early hook)
#   mkinitcpio-systemd  the same harness in the systemd form, the default of new Arch installs
#                    (HOOKS systemd initbind, no base: Debian's systemd as /init, the unit linked
#                    by the install hook, ordered before systemd-udev-trigger and
#                    systemd-modules-load; runtime hooks do not run); scenarios 1 and 3
#   dracut-compressed  the dracut image on a copy of the kernel's modules whose vfio modules are
#                    recompressed as Fedora, Arch and Ubuntu ship them (vfio and vfio_iommu_type1
#                    .ko.xz, vfio-pci and vfio-pci-core .ko.zst); dracut copies them as they are
#                    (Debian 12's mkinitramfs would decompress them), so initbind's libkmod must
#                    decompress both; with E2E_MUSL_STATIC set, the image carries that binary
#                    (the musl initbind-static) instead of the installed one; scenarios 1 and 3
# checks what is in each image and that initbind runs before udev coldplug there, then boots
# Debian's current kernel with each image in QEMU (TCG, q35, emulated IOMMU) once per scenario.
# Each image is built once; a scenario's /etc/initbind.conf travels in a second, uncompressed
# cpio (newc) archive appended to the image (the kernel unpacks concatenated archives into one
# rootfs, a later file replacing an earlier one), its kernel command line in -append. The
# images are built with a different configuration (claim 0000:00:02.0), so a scenario that
# passes shows the appended file is the one initbind read.
#
# The machine (scenarios 1 to 8): the default VGA at 00:01.0 (1234:1111, class 0300, boot VGA),
# bochs-display (1234:1111, class 0380) at 00:02.0 and 00:03.0, the root disk (virtio-blk) at
# 00:04.0, a GPU with its audio function at 00:05.0/00:05.1 (bochs-display + intel-hda, one
# multifunction slot, one IOMMU group), a conventional PCI bridge at 00:06.0 with two e1000 at
# 01:01.0 and 01:02.0 (bridge and NICs share one group). Their drivers (bochs, snd_hda_intel,
# e1000, virtio) are in every image and loaded by udev coldplug, so initbind really races them.
#   1  /etc/initbind.conf claims 0000:00:03.0: it ends on vfio-pci, the other GPUs on bochs-drm
#   2  no claims, vfio-pci.ids=1234:1111: the boot VGA stays on bochs-drm and the log says why;
#      02.0, 03.0, 05.0 and its group sibling 05.1 on vfio-pci
#   3  claim 0000:00:05.0: the GPU and its audio function on vfio-pci, the group usable
#   4  claim 0000:01:01.0 behind the bridge: both NICs on vfio-pci, the bridge untouched
#   5  claim 0000:00:04.0, the root disk's controller: refused, the machine boots to its root
#   6  a configuration with errors and vfio-pci.ids=garbage: the errors are logged, the valid
#      line (claim 0000:00:03.0) is applied, nothing else is claimed
#   7  the configuration of 1 and initbind=off: nothing claimed
#   8  scenario 1 on an AMD IOMMU (-device amd-iommu, -cpu EPYC) instead of intel-iommu
#   many  vfio-pci.ids=1234:1111 with seven bochs-display: every line initbind logs reaches the
#      kernel log (its /dev/kmsg rate limit); run on initramfs-tools only, it tests initbind
#      itself, not a generator
#   access  claim 0000:00:03.0 user=1234 group=4321: in the booted root, /dev/vfio/N of its group
#      is owned by 1234:4321, mode 0660, set by boot mode in the initramfs (the e2e root has no
#      udev, so nothing else can have set it; the kernel log says so); initramfs-tools only, as many
# Scenarios 2, 4, 6 and 8 test initbind's own decisions (ID matching, a bridge's group, bad
# input, the AMD IOMMU), which are the same whatever built the image; by default they run on
# initramfs-tools only, to keep the suite's boot time down. 1, 3, 5 and 7 are what a generator can
# get wrong (the configuration in the image, the group's modules, the root disk found by that
# generator's root discovery, the off switch through its hook) and run on every generator.
# Naming scenarios runs each one named on every generator asked for.
#
# Usage: tests/e2e/run.sh [--install-deps] [-g GENERATOR[,GENERATOR...]] [SCENARIO...]
#   default: every generator, scenarios 1 to 8, many and access (2, 4, 6 and 8 on
#   initramfs-tools only)
#   --install-deps  apt-get install what is missing (run as root)
# Must run as root (generators run in a private mount namespace, see private-system.sh).
# Environment:
#   INITBIND_BUILD    the CMake build directory to install (default build/, configured with
#                     -DINITBIND_STATIC=ON and built)
#   INITBIND_TEST_CACHE  kernel cache (see fetch-kernel.sh); E2E_WORK scratch dir (default
#                     $INITBIND_TEST_CACHE/e2e): images, root.img, logs/<generator>-<scenario>.log
#   E2E_JOBS          boots run in parallel (default 1: on a 2-CPU machine two TCG guests side
#                     by side each took twice as long); E2E_TIMEOUT seconds per boot (default
#                     420); QEMU (default qemu-system-x86_64); E2E_MUSL_STATIC a musl
#                     initbind-static for dracut-compressed (docs/building-static.md)
# The setup, the image builds and the QEMU boot are tests/e2e/harness.sh's functions (shared
# with bench/boot-vs-kernel.sh); the scenarios and their checks are here.
# Prints one line per check, the time initbind ran in each boot (kernel log timestamps of the
# hook's "running" and "exited" lines), a generator x scenario table, and "N passed, M failed";
# exits 1 when anything failed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

all_generators=(initramfs-tools dracut dracut-systemd mkinitcpio mkinitcpio-systemd dracut-compressed)
all_scenarios=(1 2 3 4 5 6 7 8 many access)
install_deps=0
generators=()
scenarios=()
while [ $# -gt 0 ]; do
    case $1 in
        --install-deps) install_deps=1 ;;
        -g) shift; IFS=, read -r -a generators <<<"${1:-}" ;;
        [1-8]|many|access) scenarios+=("$1") ;;
        -h|--help) sed -n '2,/^set -e/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
        *) echo "run.sh: unknown argument $1 (scenarios: ${all_scenarios[*]})" >&2; exit 2 ;;
    esac
    shift
done
[ ${#generators[@]} -gt 0 ] || generators=("${all_generators[@]}")
# Scenarios that run on initramfs-tools only unless named (see the header).
generator_independent=()
if [ ${#scenarios[@]} -eq 0 ]; then
    scenarios=("${all_scenarios[@]}")
    generator_independent=(2 4 6 8)
fi
for g in "${generators[@]}"; do
    case " ${all_generators[*]} " in *" $g "*) ;; *) echo "run.sh: unknown generator $g (${all_generators[*]})" >&2; exit 2 ;; esac
done

# shellcheck source=harness.sh
. "$here/harness.sh"
harness_init run.sh "$install_deps"
JOBS=${E2E_JOBS:-1}
t_all=$(date +%s)

# shellcheck source=common.sh
. "$here/common.sh"

echo "run.sh: kernel $KVER, build $BUILD, generators ${generators[*]}, scenarios ${scenarios[*]}, work $WORK"

make_root
install_stage

# --- image checks ------------------------------------------------------------------------------
image_binary() { echo /usr/bin/initbind; } # GENERATOR: every generator's image has it there
hook_name() {
    case $1 in initramfs-tools) echo init-top ;; dracut|dracut-compressed) echo pre-udev ;; *-systemd) echo systemd ;; mkinitcpio) echo early-hook ;; esac
}
# line_of FILE ERE: the number of the first line of FILE matching ERE (0: none)
line_of() { local n; n=$(grep -nE "$2" "$1" | head -n1 | cut -d: -f1); echo "${n:-0}"; }
lt_nonzero() { [ "$1" -gt 0 ] && [ "$2" -gt 0 ] && [ "$1" -lt "$2" ]; }
# runs_before A B LIST: A and B are both in the space-separated LIST, A first.
runs_before() {
    local i=0 a=0 b=0 x
    for x in $3; do
        i=$((i + 1))
        [ "$x" = "$1" ] && a=$i
        [ "$x" = "$2" ] && b=$i
    done
    lt_nonzero "$a" "$b"
}

# same_binary INSTALLED IMAGE: IMAGE is INSTALLED, or INSTALLED stripped of debug information.
same_binary() {
    cmp -s "$1" "$2" && return 0
    strip -g -o "$WORK/stripped" "$1" && cmp -s "$WORK/stripped" "$2"
}
# dracut_hook DIR: the pre-udev hook in the unpacked dracut image DIR (dracut 059 keeps hooks
# below /usr/lib/dracut/hooks, older ones below /var/lib/dracut/hooks).
dracut_hook() {
    local f
    for f in "$1"/{usr,var}/lib/dracut/hooks/pre-udev/00-initbind-pre-udev.sh; do
        [ ! -e "$f" ] || { printf '%s\n' "$f"; break; }
    done
}

# check_unit ROOT LINKDIR: initbind-boot.service in the unpacked image ROOT, enabled by a link in
# ROOT/LINKDIR/sysinit.target.wants, ordered before the udev trigger and systemd-modules-load.
check_unit() {
    local f=$1/usr/lib/systemd/system/initbind-boot.service link=$1$2/sysinit.target.wants/initbind-boot.service t
    check "initbind-boot.service in the image" test -f "$f"
    check "it is enabled, wanted by sysinit.target ($2)" test -L "$link"
    # systemctl --root writes an absolute link, mkinitcpio's hooks relative ones.
    t=$(readlink "$link" || true)
    case $t in /*) t=$1$t ;; *) t=${link%/*}/$t ;; esac
    check "  the link points to the unit in the image" cmp -s "$f" "$t"
    check "DefaultDependencies=no" has "$f" '^DefaultDependencies=no$'
    check "Before=systemd-udev-trigger.service and systemd-modules-load.service" \
        has "$f" '^Before=(.* )?systemd-udev-trigger\.service( .*)?$'
    check "  (systemd-modules-load.service)" has "$f" '^Before=(.* )?systemd-modules-load\.service( .*)?$'
}

check_image() { # GENERATOR
    local gen=$1 img=$WORK/initrd-$1.img dir=$WORK/unpacked-$1 main m f rel bin order KDIR=$KDIR KMODDIR=$KMODDIR
    local STATIC=$STATIC
    if [ "$gen" = dracut-compressed ]; then
        KDIR=$WORK/kernel-compressed KMODDIR=$WORK/kernel-compressed/lib/modules/$KVER
        STATIC=$WORK/stage-compressed$PREFIX/libexec/initbind/initbind-static
        echo "  initbind-static: $(stat -c %s "$STATIC") bytes${E2E_MUSL_STATIC:+, E2E_MUSL_STATIC=$E2E_MUSL_STATIC}"
    fi
    rm -rf "$dir"
    unmkinitramfs "$img" "$dir"
    main=$dir; [ -d "$dir/main" ] && main=$dir/main
    bin=$(image_binary "$gen")
    check "$bin in the image, the installed initbind-static (dracut strips debug info)" \
        same_binary "$STATIC" "$main$bin"
    check "the runner /usr/libexec/initbind/run-boot in the image" cmp -s "$top/hooks/common/run-boot" "$main/usr/libexec/initbind/run-boot"
    check "/etc/initbind.conf in the image, the build-time one" cmp -s "$WORK/build-time.conf" "$main/etc/initbind.conf"
    for m in vfio vfio_iommu_type1 vfio-pci vfio-pci-core vfio_virqfd irqbypass bochs; do
        f=$(modinfo -b "$KDIR" -k "$KVER" -F filename "$m" 2>/dev/null | head -n1 || true)
        case $f in
            '') echo "  -     $m: not a module of $KVER" ;;
            '(builtin)') echo "  -     $m: built into $KVER" ;;
            *) rel=${f#"$KMODDIR"/}
               check "module $m in the image ($rel)" test -f "$main/usr/lib/modules/$KVER/$rel" ;;
        esac
    done
    case $gen in
        initramfs-tools)
            order=$(sed -n 's|^/scripts/init-top/\([^ ]*\) .*|\1|p' "$main/scripts/init-top/ORDER" | tr '\n' ' ')
            echo "  /scripts/init-top/ORDER: ${order% }"
            check "ORDER runs initbind before udev" runs_before initbind udev "$order" ;;
        dracut|dracut-compressed)
            if [ "$gen" = dracut-compressed ]; then
                check "the vfio modules are in the image compressed (2 .ko.xz, 2 .ko.zst)" \
                    test "$(find "$main/usr/lib/modules/$KVER" -name 'vfio*.ko.xz' | wc -l),$(find "$main/usr/lib/modules/$KVER" -name 'vfio*.ko.zst' | wc -l)" = 2,2
            fi
            check "pre-udev hook in the image" test -n "$(dracut_hook "$main")"
            check "no systemd in the image (the non-systemd init runs the hooks)" not test -e "$main/usr/lib/systemd/systemd"
            check "dracut's /init runs the pre-udev hooks before it starts udevd" \
                lt_nonzero "$(line_of "$main/init" 'source_hook pre-udev')" "$(line_of "$main/init" 'udevd --daemon')" ;;
        dracut-systemd)
            # Enabled by systemctl --root (the link in /etc/systemd/system, as for dracut's own units).
            check_unit "$main" /etc/systemd/system
            check "no pre-udev shell hook (systemd images do not run them)" test -z "$(dracut_hook "$main")" ;;
        mkinitcpio-systemd)
            # Linked by the install hook from the unit's [Install], in /usr/lib/systemd/system as
            # mkinitcpio keeps its own units' links.
            check_unit "$main" /usr/lib/systemd/system
            check "/init is systemd (the systemd hook's image)" test "$(readlink "$main/init")" = usr/lib/systemd/systemd
            check "  and Debian's systemd: $(readlink -f /lib/systemd/systemd)" cmp -s /lib/systemd/systemd "$main/usr/lib/systemd/systemd"
            check "MODULES (ext4) for systemd-modules-load, which starts after the unit" grep -qx ext4 "$main/etc/modules-load.d/MODULES.conf"
            check "no base hook: no busybox, no busybox /init" not test -e "$main/usr/bin/busybox"
            check "a shell for run-boot (#!/bin/sh) brought by the install hook: /usr/bin/sh" test -x "$main/usr/bin/sh" ;;
        mkinitcpio)
            check "runtime hook /hooks/initbind in the image" test -x "$main/hooks/initbind"
            # shellcheck disable=SC1091
            order=$(. "$main/config"; echo "$EARLYHOOKS")
            echo "  /config EARLYHOOKS:$order"
            check "the initbind early hook runs before udev's (which starts udevd)" runs_before initbind udev "$order"
            check "udev's coldplug runs from run_hook, after the early hooks and MODULES" has "$main/config" "^HOOKS='.*udev"
            check "the systemd unit is in the image too (for the systemd hook)" test -f "$main/usr/lib/systemd/system/initbind-boot.service"
            check "/usr/bin/sh is base's busybox (the install hook adds a shell only in the systemd form)" \
                test "$(readlink "$main/usr/bin/sh")" = busybox ;;
    esac
}

images_ok=()
for gen in "${generators[@]}"; do
    unit_begin "image $gen"
    t0=$(date +%s)
    log=$WORK/logs/build-$gen.log
    fn=build_${gen//-/_}
    if "$fn" "$WORK/initrd-$gen.img" > "$log" 2>&1; then
        echo "  built $WORK/initrd-$gen.img: $(du -h "$WORK/initrd-$gen.img" | cut -f1), $(( $(date +%s) - t0 )) s"
        if grep -qE '^W: initbind|initbind.*(warning|error)' "$log"; then grep -E '^W: initbind|initbind.*(warning|error)' "$log" | sed 's/^/        /'; fi
        check_image "$gen"
    else
        echo "  FAIL  building the $gen image (log: $log)"; tail -n 20 "$log" | sed 's/^/        /'
        unit_ok=0
    fi
    unit_end "image $gen"
    [ "$unit_ok" = 1 ] && images_ok+=("$gen")
done

# --- scenarios ---------------------------------------------------------------------------------
scenario_title() {
    case $1 in
        1) echo "identical GPUs, /etc/initbind.conf claims 0000:00:03.0" ;;
        2) echo "identical GPUs, no claims, vfio-pci.ids=1234:1111" ;;
        3) echo "GPU and its audio function: claim 0000:00:05.0" ;;
        4) echo "shared group behind a conventional PCI bridge: claim 0000:01:01.0" ;;
        5) echo "the root disk's controller named: claim 0000:00:04.0" ;;
        6) echo "a configuration with errors and vfio-pci.ids=garbage" ;;
        7) echo "the configuration of 1 with initbind=off" ;;
        8) echo "scenario 1 on an AMD IOMMU" ;;
        many) echo "seven identical bochs-display and the boot VGA, vfio-pci.ids=1234:1111" ;;
        access) echo "claim 0000:00:03.0 user=1234 group=4321: the owner of its /dev/vfio node" ;;
    esac
}
scenario_config() { # the scenario's /etc/initbind.conf on stdout
    case $1 in
        1|7|8) echo 'claim 0000:00:03.0' ;;
        access) echo 'claim 0000:00:03.0 user=1234 group=4321' ;;
        2|many) echo '# no claims: vfio-pci.ids on the kernel command line names the devices' ;;
        3) echo 'claim 0000:00:05.0' ;;
        4) echo 'claim 0000:01:01.0' ;;
        5) echo 'claim 0000:00:04.0' ;;
        6) printf '%s\n' 'claim 0000:00:03.0 expect=1234:1111' 'claim 0000:00:99.0' 'frobnicate yes' \
                         'claim 0000:00:02.0 allow=everything' 'claim 0000:00:05.0 expect=1234' ;;
    esac
}
scenario_append() {
    case $1 in
        2|many) echo "vfio-pci.ids=1234:1111" ;;
        6) echo "vfio-pci.ids=zzzz:1111,1234,12345:1:2" ;;
        7) echo "initbind=off" ;;
    esac
}
# scenario_iommu S: the CPU and the IOMMU. amd-iommu brings a PCI function of its own (AMDVI-PCI)
# that takes the first free slot, so it comes after every other device; intel-iommu comes first.
scenario_iommu() { # S first|last: the arguments that go before or after the PCI devices
    case $1,$2 in
        8,first) echo "-cpu EPYC" ;;
        8,last) echo "-device amd-iommu" ;;
        *,first) echo "-cpu Skylake-Server -device intel-iommu,intremap=on" ;;
    esac
}
# scenario_machine S: QEMU arguments after the root disk.
scenario_machine() {
    local slot
    case $1 in
        many) for slot in 02 03 05 06 07 08 09; do echo "-device bochs-display,addr=$slot.0"; done ;;
        *) echo "-device bochs-display,addr=02.0 -device bochs-display,addr=03.0" \
                "-device bochs-display,addr=05.0,multifunction=on -device intel-hda,addr=05.1" \
                "-device pci-bridge,id=br1,chassis_nr=1,addr=06.0" \
                "-device e1000,bus=br1,addr=01.0 -device e1000,bus=br1,addr=02.0" ;;
    esac
}
# expected_drivers S: "address driver" per line, every function the scenario looks at.
expected_drivers() {
    local s=$1 a want
    declare -A drv
    if [ "$s" = many ]; then
        for a in 01 02 03 05 06 07 08 09; do drv[0000:00:$a.0]=vfio-pci; done
        drv[0000:00:01.0]=bochs-drm
        drv[0000:00:04.0]=virtio-pci
    else
        drv=([0000:00:01.0]=bochs-drm [0000:00:02.0]=bochs-drm [0000:00:03.0]=bochs-drm
           [0000:00:04.0]=virtio-pci [0000:00:05.0]=bochs-drm [0000:00:05.1]=snd_hda_intel
           [0000:00:06.0]=none [0000:01:01.0]=e1000 [0000:01:02.0]=e1000)
        case $s in
            1|6|8|access) want="0000:00:03.0" ;;
            2) want="0000:00:02.0 0000:00:03.0 0000:00:05.0 0000:00:05.1" ;;
            3) want="0000:00:05.0 0000:00:05.1" ;;
            4) want="0000:01:01.0 0000:01:02.0" ;;
            *) want="" ;;
        esac
        for a in $want; do drv[$a]=vfio-pci; done
    fi
    for a in "${!drv[@]}"; do echo "$a ${drv[$a]}"; done | sort
}
scenario_image() { echo "$WORK/initrd-$1-scenario-$2.img"; } # GENERATOR SCENARIO

# make_scenario_image GENERATOR SCENARIO: the generator's image with the scenario's
# configuration appended (image_with_config).
make_scenario_image() {
    local conf=$WORK/scenario-$2.conf
    scenario_config "$2" > "$conf"
    image_with_config "$WORK/initrd-$1.img" "$conf" "$(scenario_image "$1" "$2")"
}

boot() { # GENERATOR SCENARIO
    local gen=$1 s=$2 append
    make_scenario_image "$gen" "$s"
    append=$(scenario_append "$s")
    [ "$s" = 8 ] || append="intel_iommu=on${append:+ $append}"
    # shellcheck disable=SC2046 # the scenario functions print words
    qemu_boot "$WORK/logs/$gen-$s.log" "$(scenario_image "$gen" "$s")" "$append" \
        $(scenario_iommu "$s" first) \
        -device VGA,addr=01.0 "${ROOT_DISK[@]}" \
        $(scenario_machine "$s") \
        $(scenario_iommu "$s" last)
    rm -f "$(scenario_image "$gen" "$s")"
}

ts_before() { awk -v a="${1:-0}" -v b="${2:-0}" 'BEGIN{exit !(a > 0 && b > 0 && a < b)}'; } # A B: timestamps, A first
field() { awk -v k="$2" -v a="$3" '$1==k && $2==a {print $3; exit}' "$1"; } # field LOG KEY ADDRESS
re() { printf '%s' "${1//./\\.}"; } # an address as an ERE

declare -A result
evaluate() { # GENERATOR SCENARIO
    local gen=$1 s=$2 log=$WORK/logs/$1-$2.log rc secs a want got g o hook n_want=0 claimed
    hook=$(hook_name "$gen")
    read -r rc secs < "$log.status"
    unit_begin "$gen, scenario $s: $(scenario_title "$s")  [boot ${secs} s, log $log]"
    check "QEMU exited normally (status $rc; 124 = timeout after $TIMEOUT s)" test "$rc" = 0
    check "the guest reached the root filesystem and reported" has "$log" '^E2E-DONE'
    check "no kernel panic, BUG, WARN or oops" not has "$log" 'Kernel panic|BUG:|WARNING: CPU:|cut here|Oops|Call Trace'

    while read -r a want; do
        got=$(field "$log" PCIDRV "$a"); g=$(field "$log" IOMMUGRP "$a"); o=$(field "$log" OVERRIDE "$a")
        check "$a on ${got:-?} (IOMMU group ${g:-?}, driver_override ${o:-?}), expected $want" test "$got" = "$want"
        if [ "$want" = vfio-pci ]; then
            n_want=$((n_want + 1))
            check "  /dev/vfio/$g exists" grep -qx "VFIODEV $g" "$log"
            check "  kernel log: $a claimed" has "$log" "^DMESG .*initbind: $(re "$a") claimed: bound to vfio-pci"
        fi
    done < <(expected_drivers "$s")
    claimed=$(awk '$1=="PCIDRV" && $3=="vfio-pci"' "$log" | wc -l)
    check "no other function on vfio-pci ($claimed in all, $n_want expected)" test "$claimed" = "$n_want"
    check "the host console (fb0) is on the boot VGA 0000:00:01.0" grep -qx 'FB fb0 0000:00:01.0' "$log"
    if [ "$n_want" -gt 0 ]; then
        check "kernel log: initbind's summary ($n_want claimed, 0 failed)" has "$log" "^DMESG .*initbind: done: $n_want claimed, 0 failed"
        check "kernel log: no IOMMU group left unusable" has "$log" "^DMESG .*initbind: done: .*IOMMU groups: [0-9]+ usable, 0 not"
        check "vfio_iommu_type1 loaded (a softdep only: initbind must load it)" grep -qx 'MOD vfio_iommu_type1' "$log"
    fi
    case $s in
        2|many) check "kernel log says why 0000:00:01.0 was kept" \
               has "$log" '^DMESG .*initbind: .*0000:00:01\.0.*kept for the host.*(console|boot VGA)' ;;
        3) check "kernel log: 0000:00:05.1 taken to complete the group" has "$log" '^DMESG .*initbind: 0000:00:05\.1 reserved for vfio-pci.*completes IOMMU group' ;;
        4) check "kernel log: 0000:01:02.0 taken to complete the group" has "$log" '^DMESG .*initbind: 0000:01:02\.0 reserved for vfio-pci.*completes IOMMU group'
           check "the bridge 0000:00:06.0 has no driver_override" test "$(field "$log" OVERRIDE 0000:00:06.0)" = '(null)' ;;
        5) check "kernel log: 0000:00:04.0 refused as a storage controller" has "$log" '^DMESG .*initbind: .*0000:00:04\.0.*storage controller' ;;
        6) check "kernel log: the bad slot (/etc/initbind.conf:2)" has "$log" '^DMESG .*initbind: /etc/initbind\.conf:2:'
           check "kernel log: the unknown directive (/etc/initbind.conf:3)" has "$log" '^DMESG .*initbind: /etc/initbind\.conf:3:'
           check "kernel log: the bad option (/etc/initbind.conf:4)" has "$log" '^DMESG .*initbind: /etc/initbind\.conf:4:'
           check "kernel log: the bad expect= (/etc/initbind.conf:5)" has "$log" '^DMESG .*initbind: /etc/initbind\.conf:5:'
           check "kernel log: the garbage vfio-pci.ids entry" has "$log" "^DMESG .*initbind: .*vfio-pci\.ids.*'zzzz:1111'" ;;
        7) check "vfio_pci not loaded" not grep -qx 'MOD vfio_pci' "$log"
           check "kernel log: initbind says initbind=off" has "$log" '^DMESG .*initbind: initbind=off' ;;
        8) check "the kernel used the AMD IOMMU" has "$log" 'AMD-Vi' ;;
        access)
           g=$(field "$log" IOMMUGRP 0000:00:03.0)
           check "/dev/vfio/$g owned by 1234:4321, mode 660, in the booted root" grep -qx "VFIOOWN $g 1234:4321 660" "$log"
           check "kernel log: boot mode gave it that owner (the root has no udev)" \
               has "$log" "^DMESG .*initbind: /dev/vfio/$g owned by 1234:4321 \(1234:4321\)"
           check "kernel log: no node it could not give its owner" not has "$log" "^DMESG .*initbind: .*cannot give" ;;
    esac
    check "kernel log: $hook ran $(image_binary "$gen") boot, exit status 0" \
        has "$log" "^DMESG .*initbind: $hook: $(image_binary "$gen") boot exited with status 0"
    check "no warning from the runner (udevd already running?)" not has "$log" "^DMESG .*initbind: $hook: udevd is already running"
    check "no kernel log line dropped by /dev/kmsg rate limiting" not has "$log" '^DMESG .*output lines suppressed due to ratelimiting'
    if [ "$gen" = mkinitcpio-systemd ]; then
        # systemd logs its jobs to the kernel log until journald runs: the unit's order as it
        # happened, not only as the unit file asks for it.
        local t_unit t_modload t_trigger
        t_unit=$(ts_of "$log" 'systemd\[1\]: Finished initbind-boot\.service')
        t_modload=$(ts_of "$log" 'systemd\[1\]: Starting systemd-modules-load\.service')
        t_trigger=$(ts_of "$log" 'systemd\[1\]: Starting systemd-udev-trigger\.service')
        echo "  time  unit finished ${t_unit:-?} s; systemd-modules-load started ${t_modload:-?} s, systemd-udev-trigger ${t_trigger:-?} s"
        check "systemd finished initbind-boot.service before it started systemd-modules-load (MODULES)" ts_before "$t_unit" "$t_modload"
        check "  and before systemd-udev-trigger (coldplug)" ts_before "$t_unit" "$t_trigger"
        check "no runtime hook ran (the systemd form runs none): no 'initbind: early-hook:' line" not has "$log" 'initbind: early-hook:'
    fi

    local t_start t_end t_gpu ran='?'
    t_start=$(ts_of "$log" "^DMESG .*initbind: $hook: running")
    t_end=$(ts_of "$log" "^DMESG .*initbind: $hook: .* boot exited")
    t_gpu=$(ts_of "$log" '^\[ *[0-9.]+\] (bochs-drm |\[drm\] Initialized bochs-drm)')
    if [ -n "$t_start" ] && [ -n "$t_end" ]; then
        ran=$(awk -v a="$t_start" -v b="$t_end" 'BEGIN{printf "%.0f ms", (b-a)*1000}')
        echo "  time  initbind ran $ran (kernel log ${t_start} -> ${t_end} s); bochs-drm first bound at ${t_gpu:-?} s"
        check "initbind finished before udev coldplug loaded the GPU driver" \
            awk -v e="$t_end" -v g="${t_gpu:-0}" 'BEGIN{exit !(g > 0 && e < g)}'
    else
        check "initbind's start and end are in the kernel log" false
    fi
    echo "  initbind's kernel log:"
    grep '^DMESG .*initbind:' "$log" | sed 's/^DMESG /        /' || true
    unit_end "$gen, scenario $s"
    result[$gen,$s]="$([ "$unit_ok" = 1 ] && echo ok || echo FAIL) ${ran// /} ${secs}s"
}

runs=()
for gen in "${generators[@]}"; do
    for s in "${scenarios[@]}"; do
        case $s in many|access) [ "$gen" = initramfs-tools ] || continue ;; esac
        case " ${generator_independent[*]:-} " in *" $s "*) [ "$gen" = initramfs-tools ] || continue ;; esac
        # CI time: these run scenarios 1 and 3 only.
        case $gen in dracut-compressed|mkinitcpio-systemd) case $s in 1|3) ;; *) continue ;; esac ;; esac
        case " ${images_ok[*]:-} " in
            *" $gen "*) runs+=("$gen $s") ;;
            *) echo; echo "FAIL  $gen, scenario $s: not booted, the image failed"; n_fail=$((n_fail + 1)); result[$gen,$s]="FAIL no-image" ;;
        esac
    done
done
echo
echo "run.sh: ${#runs[@]} boots ($JOBS at a time, 20 to 40 s each under TCG)"
running=0
for r in "${runs[@]}"; do
    if [ "$running" -ge "$JOBS" ]; then wait -n || true; running=$((running - 1)); fi
    # shellcheck disable=SC2086
    boot $r &
    running=$((running + 1))
done
wait
# shellcheck disable=SC2086
for r in "${runs[@]}"; do evaluate $r; done

echo
echo "run.sh: result, initbind's run time (kernel log) and boot wall time per generator and scenario"
printf '%-10s' scenario; printf ' %-24s' "${generators[@]}"; echo
for s in "${scenarios[@]}"; do
    printf '%-10s' "$s"
    for gen in "${generators[@]}"; do printf ' %-24s' "${result[$gen,$s]:--}"; done
    echo
done
echo "run.sh: total $(( $(date +%s) - t_all )) s"
# shellcheck disable=SC2154 # n_pass, n_fail: common.sh
echo "$n_pass passed, $n_fail failed"
[ "$n_fail" = 0 ]
