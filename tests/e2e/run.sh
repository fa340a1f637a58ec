#!/bin/bash
# run.sh: prove the initramfs-tools integration on a real kernel.
#
# Builds initramfs images with Debian's real mkinitramfs and the project's hooks
# (hooks/initramfs-tools/), checks what is in them (the binary, the config, the vfio modules,
# and that /scripts/init-top/ORDER runs initbind before udev), then boots Debian's current
# kernel with each image in QEMU (TCG, q35, intel-iommu) on a machine with three identical
# 1234:1111 display devices, and compares the driver of each PCI function, /dev/vfio and the
# kernel log with what each scenario expects. The GPU driver (bochs) is in the image and is
# loaded by udev coldplug, so initbind really races it.
#
# Usage: tests/e2e/run.sh [--install-deps] [SCENARIO...]
#   SCENARIO  1, 2, 7 and many (the default: all four)
#     1  config `claim 0000:00:03.0`: 00:03.0 on vfio-pci, 00:01.0 and 00:02.0 on bochs-drm
#     2  no config, vfio-pci.ids=1234:1111: 00:01.0 (boot VGA) kept on bochs-drm and the log
#        says why, 00:02.0 and 00:03.0 on vfio-pci
#     7  the config of 1 and initbind=off: nothing on vfio-pci
#     many  scenario 2 with seven bochs-display cards: all on vfio-pci, and every line initbind
#        logs reaches the kernel log (the kernel rate-limits each open /dev/kmsg to 10 lines
#        per 5 s; initbind reopens it every 10 lines)
#   --install-deps  apt-get install what is missing (run as root)
# Must run as root (mkinitramfs in a private mount namespace, see mkinitramfs-private.sh).
# Environment:
#   INITBIND_STATIC   the static binary to put in the images (default build/bin/initbind-static)
#   INITBIND_TEST_CACHE  kernel cache (see fetch-kernel.sh); E2E_WORK scratch dir (default
#                     $INITBIND_TEST_CACHE/e2e): images, root.img, logs/<scenario>.log
#   E2E_MODULES       MODULES= of the images: list (default: only what the hooks add, small
#                     and fast) or most (Debian's default, 31 MB, about 10 s more per boot)
#   E2E_JOBS          boots run in parallel (default 1: on a 2-CPU machine two TCG guests
#                     side by side each took twice as long, so nothing was won); E2E_TIMEOUT seconds
#                     per boot (default 300); QEMU (default qemu-system-x86_64)
# Prints one line per check, the initbind run time of each boot from kernel log timestamps,
# and a closing "N passed, M failed"; exits 1 when anything failed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

install_deps=0
scenarios=()
for a in "$@"; do
    case $a in
        --install-deps) install_deps=1 ;;
        1|2|7|many) scenarios+=("$a") ;;
        -h|--help) sed -n '2,/^set -e/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
        *) echo "run.sh: unknown argument $a (scenarios: 1 2 7 many)" >&2; exit 2 ;;
    esac
done
[ ${#scenarios[@]} -gt 0 ] || scenarios=(1 2 7 many)

[ "$(id -u)" = 0 ] || { echo "run.sh: run as root (mkinitramfs needs a private mount namespace)" >&2; exit 1; }

if [ "$install_deps" = 1 ]; then
    need=""
    for p in initramfs-tools zstd qemu-system-x86 busybox-static cpio e2fsprogs kmod util-linux; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || need="$need $p"
    done
    if [ -n "$need" ]; then
        echo "run.sh: installing:$need" >&2
        apt-get update -q >&2
        # initramfs-tools' trigger may try to build images for installed kernels: harmless.
        # shellcheck disable=SC2086
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $need >&2
    fi
fi

QEMU=${QEMU:-qemu-system-x86_64}
for t in "$QEMU" mkinitramfs lsinitramfs unmkinitramfs mkfs.ext4 unshare timeout modinfo; do
    command -v "$t" >/dev/null || { echo "run.sh: missing $t (try --install-deps)" >&2; exit 1; }
done
BUSYBOX=/bin/busybox
if [ ! -x "$BUSYBOX" ] || ldd "$BUSYBOX" >/dev/null 2>&1; then
    echo "run.sh: need a static $BUSYBOX (apt-get install busybox-static)" >&2; exit 1
fi
INITBIND_STATIC=${INITBIND_STATIC:-$top/build/bin/initbind-static}
if [ ! -x "$INITBIND_STATIC" ]; then
    echo "run.sh: no $INITBIND_STATIC; build it first (tools/setup.sh)" >&2; exit 1
fi
INITBIND_STATIC=$(realpath "$INITBIND_STATIC")

fk_args=()
[ "$install_deps" = 1 ] && fk_args+=(--install-deps)
eval "$("$here/fetch-kernel.sh" "${fk_args[@]}")"
CACHE=${INITBIND_TEST_CACHE:-/var/cache/initbind-tests}
WORK=${E2E_WORK:-$CACHE/e2e}
MODULES_MODE=${E2E_MODULES:-list}
JOBS=${E2E_JOBS:-1}
TIMEOUT=${E2E_TIMEOUT:-300}
case $MODULES_MODE in list|most) ;; *) echo "run.sh: E2E_MODULES must be list or most" >&2; exit 2 ;; esac
mkdir -p "$WORK/logs"
t_all=$(date +%s)

n_pass=0; n_fail=0
summary=()
unit_ok=1
check() { # DESCRIPTION COMMAND [ARG...]: one check, passed when COMMAND succeeds
    local d=$1; shift
    if "$@"; then echo "  ok    $d"; else echo "  FAIL  $d"; unit_ok=0; fi
}
not() { ! "$@"; }
unit_begin() { unit_ok=1; echo; echo "== $1"; }
unit_end() { # NAME
    if [ "$unit_ok" = 1 ]; then n_pass=$((n_pass + 1)); echo "PASS  $1"
    else n_fail=$((n_fail + 1)); echo "FAIL  $1"; fi
}

echo "run.sh: kernel $KVER, initbind $INITBIND_STATIC, MODULES=$MODULES_MODE, work $WORK"

# --- the root filesystem: static busybox and an init that reports and powers off ---------
rootdir=$WORK/rootdir
rm -rf "$rootdir" "$WORK/root.img"
mkdir -p "$rootdir"/{bin,sbin,proc,sys,dev,run,tmp}
cp "$BUSYBOX" "$rootdir/bin/busybox"
install -m 755 "$here/guest-init.sh" "$rootdir/sbin/init"
truncate -s 16M "$WORK/root.img"
mkfs.ext4 -q -L e2eroot -d "$rootdir" "$WORK/root.img"

# --- initramfs images ----------------------------------------------------------------------
# make_confdir DIR: a private initramfs-tools configuration whose hooks and init-top scripts
# are the project's, as `cmake --install` puts them into /usr/share/initramfs-tools/ (mkinitramfs
# treats CONFDIR/hooks and CONFDIR/scripts exactly like those), plus a test-only hook that puts
# the GPU driver (bochs) into the image for udev coldplug to load.
make_confdir() {
    local d=$1
    rm -rf "$d"
    mkdir -p "$d/hooks" "$d/scripts/init-top" "$d/conf.d"
    cat > "$d/initramfs.conf" <<EOF
MODULES=$MODULES_MODE
BUSYBOX=auto
KEYMAP=n
COMPRESS=zstd
DEVICE=
NFSROOT=auto
RUNSIZE=10%
FSTYPE=auto
EOF
    : > "$d/modules"
    install -m 755 "$top/hooks/initramfs-tools/hooks/initbind" "$d/hooks/initbind"
    install -m 755 "$top/hooks/initramfs-tools/scripts/init-top/initbind" "$d/scripts/init-top/initbind"
    local extra="bochs"
    # MODULES=list adds nothing by itself: the root disk's driver and filesystem too.
    [ "$MODULES_MODE" = list ] && extra="$extra virtio_pci virtio_blk ext4 crc32c_generic"
    cat > "$d/hooks/zz-e2e-drivers" <<EOF
#!/bin/sh
# test only: the host GPU driver (and with MODULES=list the root disk) in the image
PREREQ=""
prereqs() { echo "\$PREREQ"; }
case "\$1" in prereqs) prereqs; exit 0 ;; esac
. /usr/share/initramfs-tools/hook-functions
manual_add_modules $extra
EOF
    chmod 755 "$d/hooks/zz-e2e-drivers"
}

# build_image NAME CONFIG: CONFIG is a file to install as /etc/initbind.conf, or "" for none.
build_image() {
    local name=$1 conf=$2 t0 log=$WORK/logs/mkinitramfs-$1.log
    make_confdir "$WORK/confdir-$name"
    t0=$(date +%s)
    if ! INITBIND_STATIC=$INITBIND_STATIC INITBIND_CONFIG=${conf:-$WORK/no-such-initbind.conf} \
        "$here/mkinitramfs-private.sh" "$KDIR" "$KVER" "$WORK/confdir-$name" "$WORK/initrd-$name.img" \
        > "$log" 2>&1; then
        echo "  FAIL  mkinitramfs for image $name (log: $log)"; tail -n 20 "$log" | sed 's/^/        /'
        return 1
    fi
    echo "  mkinitramfs: image $name, $(du -h "$WORK/initrd-$name.img" | cut -f1), $(( $(date +%s) - t0 )) s"
    if grep -q '^W: initbind' "$log"; then sed -n 's/^W: initbind/        hook warning: initbind/p' "$log"; fi
}

# check_image NAME CONFIG
check_image() {
    local name=$1 conf=$2 img=$WORK/initrd-$1.img dir=$WORK/unpacked-$1 main m f order
    lsinitramfs "$img" > "$WORK/list-$name"
    rm -rf "$dir"
    unmkinitramfs "$img" "$dir"
    # unmkinitramfs puts the main archive in main/ when an early (microcode) one precedes it.
    main=$dir; [ -d "$dir/main" ] && main=$dir/main
    check "/sbin/initbind in the image" grep -qx usr/sbin/initbind "$WORK/list-$name"
    check "/sbin/initbind is $INITBIND_STATIC" cmp -s "$INITBIND_STATIC" "$main/usr/sbin/initbind"
    check "scripts/init-top/initbind in the image" grep -qx scripts/init-top/initbind "$WORK/list-$name"
    if [ -n "$conf" ]; then
        check "/etc/initbind.conf in the image, same content" cmp -s "$conf" "$main/etc/initbind.conf"
    else
        check "no /etc/initbind.conf in the image (none given)" not test -e "$main/etc/initbind.conf"
    fi
    for m in vfio vfio_iommu_type1 vfio-pci vfio-pci-core vfio_virqfd irqbypass bochs; do
        f=$(modinfo -b "$KDIR" -k "$KVER" -F filename "$m" 2>/dev/null | head -n1 || true)
        case $f in
            '') echo "  -     $m: not a module of $KVER" ;;
            '(builtin)') echo "  -     $m: built into $KVER" ;;
            *) check "module $m in the image (${f#"$KDIR"/})" test -f "$main/usr${f#"$KDIR"}" ;;
        esac
    done
    order=$(sed -n 's|^/scripts/init-top/\([^ ]*\) .*|\1|p' "$main/scripts/init-top/ORDER" | tr '\n' ' ')
    echo "  /scripts/init-top/ORDER: ${order% }"
    check "ORDER runs initbind before udev" runs_before initbind udev "$order"
}
# runs_before A B LIST: A and B are both in the space-separated LIST, A first.
runs_before() {
    local i=0 a=0 b=0 x
    for x in $3; do
        i=$((i + 1))
        [ "$x" = "$1" ] && a=$i
        [ "$x" = "$2" ] && b=$i
    done
    [ "$a" -gt 0 ] && [ "$b" -gt 0 ] && [ "$a" -lt "$b" ]
}

echo 'claim 0000:00:03.0' > "$WORK/initbind-claim.conf"
need_claim=0; need_noconf=0
for s in "${scenarios[@]}"; do
    case $s in 1|7) need_claim=1 ;; 2|many) need_noconf=1 ;; esac
done
images_ok=1
if [ "$need_claim" = 1 ]; then
    unit_begin "image claim: mkinitramfs with /etc/initbind.conf = 'claim 0000:00:03.0'"
    if build_image claim "$WORK/initbind-claim.conf"; then check_image claim "$WORK/initbind-claim.conf"; else unit_ok=0; fi
    unit_end "image claim"
    [ "$unit_ok" = 1 ] || images_ok=0
fi
if [ "$need_noconf" = 1 ]; then
    unit_begin "image noconf: mkinitramfs without /etc/initbind.conf"
    if build_image noconf ""; then check_image noconf ""; else unit_ok=0; fi
    unit_end "image noconf"
    [ "$unit_ok" = 1 ] || images_ok=0
fi

# --- boots ----------------------------------------------------------------------------------
# The machine of issue 4 scenario 1: the default VGA at 00:01.0 (1234:1111, class 0300, boot
# VGA) and two bochs-display (1234:1111, class 0380) at 00:02.0 and 00:03.0, each in its own
# IOMMU group, plus the root disk (virtio-blk) at 00:04.0. "many" has five more bochs-display
# at 00:05.0 to 00:09.0.
scenario_image() { case $1 in 1|7) echo claim ;; 2|many) echo noconf ;; esac; }
scenario_append() {
    case $1 in 1) echo "" ;; 2|many) echo "vfio-pci.ids=1234:1111" ;; 7) echo "initbind=off" ;; esac
}
scenario_gpus() { # the bochs-display slots
    case $1 in many) echo 02 03 05 06 07 08 09 ;; *) echo 02 03 ;; esac
}
scenario_title() {
    case $1 in
        1) echo "scenario 1: identical GPUs, /etc/initbind.conf claims 0000:00:03.0" ;;
        2) echo "scenario 2: identical GPUs, no config, vfio-pci.ids=1234:1111" ;;
        7) echo "scenario 7: the config of 1 with initbind=off" ;;
        many) echo "scenario many: seven identical bochs-display and the boot VGA, vfio-pci.ids=1234:1111" ;;
    esac
}

boot() { # SCENARIO
    local s=$1 img append log=$WORK/logs/scenario-$1.log t0 slot gpus=()
    for slot in $(scenario_gpus "$s"); do gpus+=(-device "bochs-display,addr=$slot.0"); done
    img=$WORK/initrd-$(scenario_image "$s").img
    append="console=ttyS0 panic=-1 intel_iommu=on root=LABEL=e2eroot ro $(scenario_append "$s")"
    t0=$(date +%s)
    local rc=0
    timeout "$TIMEOUT" "$QEMU" -accel tcg -M q35 -cpu Skylake-Server -smp 1 -m 1024 \
        -nodefaults -display none -no-reboot -serial stdio -monitor none \
        -device intel-iommu,intremap=on \
        -device VGA,addr=01.0 \
        "${gpus[@]}" \
        -drive "file=$WORK/root.img,format=raw,if=none,id=root,snapshot=on" \
        -device virtio-blk-pci,drive=root,addr=04.0 \
        -kernel "$KERNEL" -initrd "$img" -append "${append% }" \
        < /dev/null > "$log.tmp" 2>&1 || rc=$?
    # The serial console ends lines with CR LF.
    tr -d '\r' < "$log.tmp" | grep -v "TCG doesn't support requested feature" > "$log" || true
    rm -f "$log.tmp"
    echo "$rc $(( $(date +%s) - t0 ))" > "$log.status"
}

# ts_of FILE ERE: the kernel log timestamp (seconds) of the first line of FILE matching ERE.
ts_of() { grep -E "$2" "$1" | head -n1 | sed -n 's/^\(DMESG \)\{0,1\}\[ *\([0-9]*\.[0-9]*\)\].*/\2/p' || true; }

# has LOG ERE: a line of LOG matches.
has() { grep -qE "$2" "$1"; }

evaluate() { # SCENARIO
    local s=$1 log=$WORK/logs/scenario-$1.log rc secs a want got g o t_start t_end t_gpu
    read -r rc secs < "$log.status"
    unit_begin "$(scenario_title "$s")  [boot ${secs} s, log $log]"
    check "QEMU exited normally (status $rc; 124 = timeout after $TIMEOUT s)" test "$rc" = 0
    check "the guest reached the root filesystem and reported" has "$log" '^E2E-DONE'
    check "no kernel panic, BUG, WARN or oops" not has "$log" 'Kernel panic|BUG:|WARNING: CPU:|cut here|Oops|Call Trace'

    declare -A want_drv=([0000:00:01.0]=bochs-drm)
    local slot addrs=(0000:00:01.0)
    for slot in $(scenario_gpus "$s"); do
        a=0000:00:$slot.0
        addrs+=("$a")
        case $s in
            1) [ "$slot" = 03 ] && want_drv[$a]=vfio-pci || want_drv[$a]=bochs-drm ;;
            2|many) want_drv[$a]=vfio-pci ;;
            7) want_drv[$a]=bochs-drm ;;
        esac
    done
    for a in "${addrs[@]}"; do
        want=${want_drv[$a]}
        got=$(awk -v a="$a" '$1=="PCIDRV" && $2==a {print $3; exit}' "$log")
        g=$(awk -v a="$a" '$1=="IOMMUGRP" && $2==a {print $3; exit}' "$log")
        o=$(awk -v a="$a" '$1=="OVERRIDE" && $2==a {print $3; exit}' "$log")
        check "$a on ${got:-?} (IOMMU group ${g:-?}, driver_override ${o:-?}), expected $want" test "$got" = "$want"
        if [ "$want" = vfio-pci ]; then
            check "/dev/vfio/$g exists for $a" grep -qx "VFIODEV $g" "$log"
        fi
    done
    check "the host console (fb0) is on the boot VGA 0000:00:01.0" grep -qx 'FB fb0 0000:00:01.0' "$log"
    local n_want=0
    for a in "${addrs[@]}"; do [ "${want_drv[$a]}" = vfio-pci ] && n_want=$((n_want + 1)); done
    if [ "$n_want" -gt 0 ]; then
        for a in "${addrs[@]}"; do
            [ "${want_drv[$a]}" = vfio-pci ] || continue
            check "kernel log: $a claimed" has "$log" "^DMESG .*initbind: ${a//./\\.} claimed: bound to vfio-pci"
        done
        check "kernel log: initbind's summary ($n_want claimed)" has "$log" "^DMESG .*initbind: done: $n_want claimed, 0 failed"
    fi
    if [ "$n_want" -gt 0 ]; then
        check "vfio_iommu_type1 loaded (a softdep only: initbind must load it)" grep -qx 'MOD vfio_iommu_type1' "$log"
    else
        check "vfio_pci not loaded" not grep -qx 'MOD vfio_pci' "$log"
    fi
    case $s in
        2|many) check "kernel log says why 0000:00:01.0 was kept" \
               has "$log" '^DMESG .*initbind: .*0000:00:01\.0.*kept for the host.*(console|boot VGA)' ;;
        7) check "no PCI function on vfio-pci" not has "$log" '^PCIDRV [^ ]+ vfio-pci$'
           check "kernel log: initbind says initbind=off" has "$log" '^DMESG .*initbind: initbind=off' ;;
    esac
    check "initbind boot exited with status 0" \
        has "$log" '^DMESG .*initbind: init-top: /sbin/initbind boot exited with status 0'
    check "no warning from the boot script (udevd already running?)" \
        not has "$log" '^DMESG .*initbind: init-top: udevd is already running'
    check "no kernel log line dropped by /dev/kmsg rate limiting" \
        not has "$log" '^DMESG .*output lines suppressed due to ratelimiting'

    t_start=$(ts_of "$log" '^DMESG .*initbind: init-top: running')
    t_end=$(ts_of "$log" '^DMESG .*initbind: init-top: /sbin/initbind boot exited')
    t_gpu=$(ts_of "$log" '^\[ *[0-9.]+\] (bochs-drm |\[drm\] Initialized bochs-drm)')
    local ran='?'
    [ -n "$t_start" ] && [ -n "$t_end" ] && ran=$(awk -v a="$t_start" -v b="$t_end" 'BEGIN{printf "%.0f ms", (b-a)*1000}')
    local drivers=""
    for a in "${addrs[@]}"; do
        drivers+=" ${a#0000:}=$(awk -v a="$a" '$1=="PCIDRV" && $2==a {print $3; exit}' "$log")"
    done
    summary+=("scenario $s:$drivers; initbind ran $ran; boot ${secs} s")
    if [ -n "$t_start" ] && [ -n "$t_end" ]; then
        echo "  time  initbind ran $ran" \
             "(kernel log ${t_start} -> ${t_end} s); bochs-drm first bound at ${t_gpu:-?} s"
        check "initbind finished before udev coldplug loaded the GPU driver" \
            awk -v e="$t_end" -v g="${t_gpu:-0}" 'BEGIN{exit !(g > 0 && e < g)}'
    else
        check "initbind's start and end are in the kernel log" false
    fi
    echo "  initbind's kernel log:"
    grep '^DMESG .*initbind:' "$log" | sed 's/^DMESG /        /' || true
    unit_end "scenario $s"
}

if [ "$images_ok" = 1 ]; then
    echo
    echo "run.sh: booting scenario(s) ${scenarios[*]} ($JOBS at a time, about 30 s each under TCG)"
    running=0
    for s in "${scenarios[@]}"; do
        if [ "$running" -ge "$JOBS" ]; then wait -n || true; running=$((running - 1)); fi
        boot "$s" &
        running=$((running + 1))
    done
    wait
    for s in "${scenarios[@]}"; do evaluate "$s"; done
else
    for s in "${scenarios[@]}"; do
        echo; echo "FAIL  scenario $s: not booted, an image failed"; n_fail=$((n_fail + 1))
    done
fi

echo
for line in "${summary[@]}"; do echo "run.sh: $line"; done
echo "run.sh: total $(( $(date +%s) - t_all )) s"
echo "$n_pass passed, $n_fail failed"
[ "$n_fail" = 0 ]
