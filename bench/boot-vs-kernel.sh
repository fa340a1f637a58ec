#!/bin/bash
# boot-vs-kernel.sh: initbind against the kernel's own way of claiming devices, on real boots.
#
#   bench/boot-vs-kernel.sh [-n N]      (as root; N boots each way, default 5)
#
# One emulated machine (tests/e2e/harness.sh's QEMU, Debian's kernel, TCG), booted N times each
# way, interleaved (a b a b ...) so that the host's load falls on both alike:
#   a  the kernel's own way: vfio-pci.ids= on the command line, and the image (Debian's real
#      mkinitramfs, no initbind in it) loads vfio-pci before the GPU and audio drivers:
#      vfio vfio_iommu_type1 vfio_pci in /etc/initramfs-tools/modules and "softdep DRIVER pre:
#      vfio-pci" in /etc/modprobe.d, as the passthrough guides write it for initramfs-tools
#   b  initbind: the same mkinitramfs image with initbind's hook and no modules list or softdep,
#      /etc/initbind.conf claiming the same functions by address, no vfio-pci.ids
# The machine: the root disk (virtio-blk) at 00:04.0, a GPU (bochs-display, 1234:1111) with its
# audio function (intel-hda, 8086:2668) at 00:05.0 and 00:05.1, one e1000 at 00:06.0, an Intel
# IOMMU. No other function has the targets' IDs, so vfio-pci.ids takes exactly the functions
# initbind claims; their drivers (bochs, snd_hda_intel) are in both images and udev coldplug
# loads them.
#
# From each boot's kernel log (the whole of it, debug lines included: dyndbg makes the driver
# core log "driver: 'X': driver_bound: bound to device 'ADDR'", and the root's init prints the
# log, e2e.dmesg=all) it takes the timestamps of:
#   start  "Run /init as init process": the kernel starts the initramfs
#   bound  the last target's "driver: 'vfio-pci': driver_bound: bound to device"
#   root   "e2e-root: init running", the root filesystem's init (tests/e2e/guest-init.sh)
# and prints per boot bound - start and root - start with the host's load average, then the
# medians of each way and the ratios b/a of the medians, and the medians of the ratios of each
# pair (a i, b i): the two boots of a pair ran back to back, under about the same load. A boot counts only if every target ended on vfio-pci,
# was bound once and was never probed by another driver (checked in the same log); the others
# are printed and left out. The last line is
#   boot-vs-kernel: b/a bound R1 root R2 (medians of N and M boots; ...; pairs: bound P1 root P2)
# Environment: as tests/e2e/harness.sh (INITBIND_BUILD, E2E_WORK, E2E_TIMEOUT, QEMU).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)

n=5
while [ $# -gt 0 ]; do
    case $1 in
        -n) n=${2:?-n needs a number}; shift ;;
        -h|--help) sed -n '2,/^set -e/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
        *) echo "boot-vs-kernel.sh: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done
case $n in '' | *[!0-9]* | 0) echo "boot-vs-kernel.sh: -n wants a positive number" >&2; exit 2 ;; esac

# shellcheck source=../tests/e2e/harness.sh
. "$top/tests/e2e/harness.sh"
harness_init boot-vs-kernel.sh 0
make_root
install_stage

targets=(0000:00:05.0 0000:00:05.1)
ids=1234:1111,8086:2668
# shellcheck disable=SC2054 # the commas are QEMU's
machine=(-cpu Skylake-Server -device intel-iommu,intremap=on "${ROOT_DISK[@]}"
         -device bochs-display,addr=05.0,multifunction=on -device intel-hda,addr=05.1
         -device e1000,addr=06.0)
# Both ways: the driver core's binding lines, a log buffer that holds them, the log printed.
common_append='intel_iommu=on dyndbg="file drivers/base/dd.c +p" log_buf_len=1M e2e.dmesg=all'

# --- the two images ----------------------------------------------------------------------------
d=$WORK/boot-vs-kernel
rm -rf "$d"
mkdir -p "$d"
printf '%s\n' vfio vfio_iommu_type1 vfio_pci > "$d/modules"
printf '%s\n' 'softdep bochs pre: vfio-pci' 'softdep snd_hda_intel pre: vfio-pci' > "$d/vfio.conf"
printf 'claim %s\n' "${targets[@]}" > "$d/initbind.conf"
echo "boot-vs-kernel.sh: kernel $KVER, build $BUILD, $n boots each way, work $d"
build_initramfs_tools "$d/initrd-a.img" --no-initbind --modules "$d/modules" --modprobe-conf "$d/vfio.conf" \
    > "$d/build-a.log" 2>&1 || { tail -n 20 "$d/build-a.log" >&2; exit 1; }
build_initramfs_tools "$d/initrd-b-built.img" > "$d/build-b.log" 2>&1 || { tail -n 20 "$d/build-b.log" >&2; exit 1; }
image_with_config "$d/initrd-b-built.img" "$d/initbind.conf" "$d/initrd-b.img"
echo "  image a (kernel's way): $(stat -c %s "$d/initrd-a.img") bytes; image b (initbind): $(stat -c %s "$d/initrd-b.img") bytes"
# The image's own copy of the softdep file is what decides the order: check it is there.
mkdir -p "$d/unpacked-a"
unmkinitramfs "$d/initrd-a.img" "$d/unpacked-a"
grep -qx 'softdep bochs pre: vfio-pci' "$d/unpacked-a/etc/modprobe.d/e2e.conf" ||
    { echo "boot-vs-kernel.sh: image a has no softdep line in /etc/modprobe.d" >&2; exit 1; }
# (mkinitramfs writes each line of the modules list with a blank after the name)
grep -qE '^vfio_pci( |$)' "$d/unpacked-a/conf/modules" ||
    { echo "boot-vs-kernel.sh: image a does not load vfio_pci from /conf/modules" >&2; exit 1; }
[ -z "$(find "$d/unpacked-a" -name '*initbind*' -print -quit)" ] ||
    { echo "boot-vs-kernel.sh: image a has initbind in it" >&2; exit 1; }
rm -rf "$d/unpacked-a"

# --- one boot and its figures --------------------------------------------------------------------
# klog_ts_first LOG ERE: the timestamp of the first kernel log line (KLOG: the guest's dmesg)
# matching ERE.
klog_ts_first() { grep -E "^KLOG \[ *[0-9.]+\] $2" "$1" | head -n1 | sed -n 's/^KLOG \[ *\([0-9.]*\)\].*/\1/p'; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# measure LOG: "bound root start" in seconds (the first two from start, start from the kernel's
# own start), or "invalid: REASONS".
measure() {
    local log=$1 start root t a last=0 bad=""
    grep -q '^E2E-DONE' "$log" || { echo "invalid: the guest did not report (E2E-DONE missing)"; return; }
    start=$(klog_ts_first "$log" 'Run /init as init process')
    root=$(klog_ts_first "$log" 'e2e-root: init running')
    { [ -n "$start" ] && [ -n "$root" ]; } || { echo "invalid: no 'Run /init' or 'e2e-root' line in the kernel log"; return; }
    for a in "${targets[@]}"; do
        grep -qx "PCIDRV $a vfio-pci" "$log" || bad+=" $a not on vfio-pci;"
        t=$(klog_ts_first "$log" "driver: 'vfio-pci': driver_bound: bound to device '$(re "$a")'")
        [ -n "$t" ] || { bad+=" no bound line for $a;"; continue; }
        [ "$(grep -cE "^KLOG .*driver_bound: bound to device '$(re "$a")'" "$log")" = 1 ] || bad+=" $a bound more than once;"
        # really_probe logs every driver that probes a device: only vfio-pci may have.
        if grep -E "^KLOG .*really_probe: probing driver [^ ]+ with device $(re "$a")\$" "$log" | grep -qv 'probing driver vfio-pci '; then
            bad+=" $a probed by $(grep -E "^KLOG .*really_probe: probing driver [^ ]+ with device $(re "$a")\$" "$log" | grep -v 'probing driver vfio-pci ' | sed 's/.*probing driver \([^ ]*\).*/\1/' | head -n1);"
        fi
        last=$(awk -v a="$last" -v b="$t" 'BEGIN { print (b > a) ? b : a }')
    done
    [ -z "$bad" ] || { echo "invalid:${bad%;}"; return; }
    echo "$(sub "$start" "$last") $(sub "$start" "$root") $start"
}
re() { printf '%s' "${1//./\\.}"; } # an address as an ERE
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || a == 0) print "-"; else printf "%.2f", b / a }'; } # A B: B/A
# median VALUE...: their median ("-" for none).
median() {
    [ $# -gt 0 ] || { echo -; return; }
    printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

declare -a bound_a=() root_a=() start_a=() bound_b=() root_b=() start_b=() pair_bound=() pair_root=()
for i in $(seq 1 "$n"); do
    declare -A this=()
    for way in a b; do
        log=$d/boot-$way-$i.log
        load=$(cut -d' ' -f1-3 /proc/loadavg)
        case $way in
            a) append="$common_append vfio-pci.ids=$ids" ;;
            b) append=$common_append ;;
        esac
        qemu_boot "$log" "$d/initrd-$way.img" "$append" "${machine[@]}"
        read -r rc secs < "$log.status"
        read -r bound root rest < <(measure "$log")
        start=$rest
        if [ "$bound" = invalid: ] || [ "$rc" != 0 ]; then
            echo "  $way $i: INVALID (QEMU status $rc, $secs s, load $load):${root:+ $root} ${rest:-} (log $log)"
            continue
        fi
        extra=""
        if [ "$way" = b ]; then
            t0=$(klog_ts_first "$log" 'initbind: init-top: running')
            t1=$(klog_ts_first "$log" 'initbind: init-top: .* boot exited')
            [ -n "$t0" ] && [ -n "$t1" ] && extra="; initbind ran $(sub "$t0" "$t1") s"
        fi
        echo "  $way $i: last target on vfio-pci $bound s, root $root s after the initramfs started at $start s (load $load; boot $secs s wall$extra)"
        eval "bound_$way+=(\"\$bound\"); root_$way+=(\"\$root\"); start_$way+=(\"\$start\")"
        this[$way]="$bound $root"
    done
    if [ -n "${this[a]:-}" ] && [ -n "${this[b]:-}" ]; then
        read -r a_bound a_root <<< "${this[a]}"
        read -r b_bound b_root <<< "${this[b]}"
        pair_bound+=("$(ratio "$a_bound" "$b_bound")")
        pair_root+=("$(ratio "$a_root" "$b_root")")
    fi
    unset this
done

ma_b=$(median "${bound_a[@]}"); ma_r=$(median "${root_a[@]}")
mb_b=$(median "${bound_b[@]}"); mb_r=$(median "${root_b[@]}")
echo "  medians, a (vfio-pci.ids, ${#bound_a[@]} boots): last target on vfio-pci $ma_b s, root $ma_r s; initramfs started at $(median "${start_a[@]}") s"
echo "  medians, b (initbind,     ${#bound_b[@]} boots): last target on vfio-pci $mb_b s, root $mb_r s; initramfs started at $(median "${start_b[@]}") s"
echo "  (a boot counts only if both targets are on vfio-pci in the booted root, each bound once, by vfio-pci, probed by no other driver)"
echo "  pairs (a i, b i), b/a: bound ${pair_bound[*]:--}; root ${pair_root[*]:--}"
echo "boot-vs-kernel: b/a bound $(ratio "$ma_b" "$mb_b") root $(ratio "$ma_r" "$mb_r") (medians of ${#bound_a[@]} and ${#bound_b[@]} boots; goal <= 1.10; median of the pairs: bound $(median "${pair_bound[@]}") root $(median "${pair_root[@]}"))"
