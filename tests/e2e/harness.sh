# shellcheck shell=bash
# harness.sh: the real-boot harness's setup, image builds and QEMU boot, sourced by
# tests/e2e/run.sh (the integration tests) and bench/boot-vs-kernel.sh (the boot-time
# comparison), so that both build their images and boot them in one way.
#
#   harness_init NAME INSTALL_DEPS  checks the tools (installs the missing packages when
#                    INSTALL_DEPS is 1), fetches the kernel (fetch-kernel.sh: KVER, KDIR, KERNEL,
#                    KMODDIR, ...), sets QEMU, BUILD, WORK, TIMEOUT, ROOT_DISK and creates $WORK/logs;
#                    NAME prefixes its messages
#   make_root        $WORK/root.img: static busybox and guest-init.sh as /sbin/init
#   install_stage    cmake --install of $BUILD into $WORK/stage: STAGE, PREFIX, STATIC
#   build_initramfs_tools OUTPUT [--no-initbind] [--modules FILE] [--modprobe-conf FILE]
#                    [--extra DIR]
#   build_dracut, build_dracut_systemd, build_dracut_compressed, build_mkinitcpio,
#   build_mkinitcpio_systemd OUTPUT
#   image_with_config IMAGE CONF OUT   IMAGE with CONF as its /etc/initbind.conf
#   qemu_boot LOG INITRD APPEND [QEMU-ARG...]   one boot; the console in LOG
#   ts_of FILE ERE   a kernel log timestamp
# The caller sets `set -euo pipefail` and sources it with `top` set to the source tree.
# Environment: INITBIND_BUILD (default $top/build), INITBIND_TEST_CACHE, E2E_WORK,
# E2E_TIMEOUT, QEMU, E2E_MUSL_STATIC (see tests/e2e/run.sh).

e2e_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

harness_init() { # NAME INSTALL_DEPS
    local name=$1 install_deps=$2 need p t
    [ "$(id -u)" = 0 ] || { echo "$name: run as root (generators run in a private mount namespace)" >&2; exit 1; }
    if [ "$install_deps" = 1 ]; then
        need=""
        for p in initramfs-tools dracut-core systemd udev zstd qemu-system-x86 busybox-static cpio e2fsprogs kmod util-linux binutils; do
            dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || need="$need $p"
        done
        if [ -n "$need" ]; then
            echo "$name: installing:$need" >&2
            apt-get update -q >&2
            # initramfs-tools' trigger may try to build images for installed kernels: harmless.
            # shellcheck disable=SC2086
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $need >&2
        fi
    fi

    QEMU=${QEMU:-qemu-system-x86_64}
    for t in "$QEMU" mkinitramfs unmkinitramfs dracut mkfs.ext4 unshare timeout modinfo cpio zstd cmake; do
        command -v "$t" >/dev/null || { echo "$name: missing $t (try --install-deps)" >&2; exit 1; }
    done
    BUSYBOX=/bin/busybox
    if [ ! -x "$BUSYBOX" ] || ldd "$BUSYBOX" >/dev/null 2>&1; then
        echo "$name: need a static $BUSYBOX (apt-get install busybox-static)" >&2; exit 1
    fi
    BUILD=$(realpath "${INITBIND_BUILD:-$top/build}")
    [ -x "$BUILD/bin/initbind-static" ] || { echo "$name: no $BUILD/bin/initbind-static; build it first (tools/setup.sh)" >&2; exit 1; }

    local fk_args=()
    [ "$install_deps" = 1 ] && fk_args+=(--install-deps)
    eval "$("$e2e_dir/fetch-kernel.sh" "${fk_args[@]}")"
    CACHE=${INITBIND_TEST_CACHE:-/var/cache/initbind-tests}
    WORK=${E2E_WORK:-$CACHE/e2e}
    TIMEOUT=${E2E_TIMEOUT:-420}
    mkdir -p "$WORK/logs"
    # shellcheck disable=SC2034,SC2054 # used by the callers; the commas are QEMU's
    ROOT_DISK=(-drive "file=$WORK/root.img,format=raw,if=none,id=root,snapshot=on"
               -device virtio-blk-pci,drive=root,addr=04.0)
}

# --- the root filesystem: static busybox and an init that reports and powers off ---------
make_root() {
    local rootdir=$WORK/rootdir
    rm -rf "$rootdir" "$WORK/root.img"
    mkdir -p "$rootdir"/{bin,sbin,proc,sys,dev,run,tmp,etc}
    # systemd's switch-root (dracut-systemd) refuses a root without os-release.
    printf '%s\n' 'NAME="initbind e2e root"' 'ID=initbind-e2e' > "$rootdir/etc/os-release"
    cp "$BUSYBOX" "$rootdir/bin/busybox"
    install -m 755 "$e2e_dir/guest-init.sh" "$rootdir/sbin/init"
    truncate -s 16M "$WORK/root.img"
    mkfs.ext4 -q -L e2eroot -d "$rootdir" "$WORK/root.img"
}

# --- initbind installed as a package would be -----------------------------------------------
cache_var() { sed -n "s/^$1:[A-Z]*=//p" "$BUILD/CMakeCache.txt"; } # NAME: its value in the build's cache
install_stage() {
    STAGE=$WORK/stage
    rm -rf "$STAGE"
    DESTDIR=$STAGE cmake --install "$BUILD" > "$WORK/logs/cmake-install.log"
    PREFIX=$(cache_var CMAKE_INSTALL_PREFIX)
    STATIC=$STAGE$PREFIX/libexec/initbind/initbind-static
    [ -x "$STATIC" ] || { echo "harness: cmake --install put no libexec/initbind/initbind-static in $STAGE$PREFIX" >&2; exit 1; }
    case $PREFIX in /usr | /usr/*) ;; *) echo "harness: the build's install prefix $PREFIX is not below /usr" >&2; exit 1 ;; esac
    # The hooks are installed where each generator looks (cmake/InstallLayout.cmake), whatever the
    # prefix: private-system.sh's /usr overlay puts them there.

    # The configuration the images are built with; every boot replaces it (image_with_config).
    echo 'claim 0000:00:02.0' > "$WORK/build-time.conf"
}
# Drivers of the test machine, in every image, loaded by udev coldplug (ext4 for the root).
E2E_DRIVERS="bochs snd_hda_intel e1000 virtio_pci virtio_blk ext4 crc32c_generic"

# in_private CMD...: CMD where the stage is installed, the kernel is the installed one and
# /etc/initbind.conf is the build-time configuration.
in_private() {
    # shellcheck disable=SC2016,SC2153 # the script is the inner sh's; KDIR is fetch-kernel.sh's
    "$e2e_dir/private-system.sh" "$KDIR" "$KVER" "$STAGE" sh -euc '
        cp "$1" /etc/initbind.conf; shift; exec "$@"' in-private "$WORK/build-time.conf" "$@"
}

# build_initramfs_tools OUTPUT [--no-initbind] [--modules FILE] [--modprobe-conf FILE]
#   --no-initbind         initbind not installed (an image without it)
#   --modules FILE        FILE as /etc/initramfs-tools/modules (modules init loads after init-top)
#   --modprobe-conf FILE  FILE in /etc/modprobe.d/, where mkinitramfs copies it from
#   --extra DIR           what DIR holds added to the configuration directory, in its layout
#                         (a caller's own test-only hooks and scripts)
build_initramfs_tools() {
    # A private configuration directory (mkinitramfs -d) whose hooks and init-top scripts are
    # the installed ones (mkinitramfs reads CONFDIR/hooks and CONFDIR/scripts like
    # /usr/share/initramfs-tools/), plus a test-only hook for the machine's drivers.
    local out=$1 d=$WORK/confdir share with_initbind=1 modules=/dev/null modprobe_conf=/dev/null extra=
    shift
    while [ $# -gt 0 ]; do
        case $1 in
            --no-initbind) with_initbind=0 ;;
            --modules) modules=$2; shift ;;
            --modprobe-conf) modprobe_conf=$2; shift ;;
            --extra) extra=$2; shift ;;
            *) echo "build_initramfs_tools: unknown option $1" >&2; return 2 ;;
        esac
        shift
    done
    share=$STAGE$(cache_var INITBIND_INITRAMFS_TOOLS_DIR)
    rm -rf "$d"
    mkdir -p "$d/hooks" "$d/scripts/init-top" "$d/conf.d"
    printf '%s\n' MODULES=list BUSYBOX=auto KEYMAP=n COMPRESS=zstd DEVICE= NFSROOT=auto RUNSIZE=10% FSTYPE=auto > "$d/initramfs.conf"
    cp "$modules" "$d/modules"
    if [ "$with_initbind" = 1 ]; then
        install -m 755 "$share/hooks/initbind" "$d/hooks/initbind"
        install -m 755 "$share/scripts/init-top/initbind" "$d/scripts/init-top/initbind"
    else
        # The stage's hooks would also reach mkinitramfs through /usr/share/initramfs-tools:
        # an empty stage instead, as on a system without initbind.
        local STAGE=$WORK/stage-none
        mkdir -p "$STAGE/usr"
    fi
    cat > "$d/hooks/zz-e2e-drivers" <<HOOK
#!/bin/sh
# test only: the test machine's drivers in the image (MODULES=list adds nothing by itself)
PREREQ=""
prereqs() { echo "\$PREREQ"; }
case "\$1" in prereqs) prereqs; exit 0 ;; esac
. /usr/share/initramfs-tools/hook-functions
manual_add_modules $E2E_DRIVERS
HOOK
    chmod 755 "$d/hooks/zz-e2e-drivers"
    [ -z "$extra" ] || cp -R "$extra/." "$d/"
    # /etc is private to in_private: the file reaches the image, not the host.
    # shellcheck disable=SC2016 # the script is the inner sh's
    in_private sh -euc 'mkdir -p /etc/modprobe.d; [ "$1" = /dev/null ] || cp "$1" /etc/modprobe.d/e2e.conf
        shift; exec "$@"' modprobe-conf "$modprobe_conf" mkinitramfs -d "$d" -o "$out" "$KVER"
}

# compressed_kdir: a copy of the kernel tree (hard links) whose vfio modules are compressed with
# xz (as the kernel's own scripts do it: --check=crc32) and zstd, with depmod run again.
compressed_kdir() {
    local d=$WORK/kernel-compressed m f
    rm -rf "$d"
    cp -al "$KDIR" "$d"
    for m in vfio:xz vfio_iommu_type1:xz vfio-pci:zstd vfio-pci-core:zstd; do
        f=$(modinfo -b "$d" -k "$KVER" -F filename "${m%:*}")
        # Into a new file: the hard link to the original must not be written through.
        case ${m#*:} in
            xz) xz -c --check=crc32 --lzma2=dict=1MiB "$f" > "$f.xz" ;;
            zstd) zstd -q -c -19 "$f" > "$f.zst" ;;
        esac
        rm "$f"
    done
    depmod -b "$d" "$KVER"
    echo "$d"
}
# The stage dracut-compressed installs from: the musl binary in place of the installed one.
compressed_stage() {
    local d=$WORK/stage-compressed
    rm -rf "$d"
    cp -a "$STAGE" "$d"
    [ -z "${E2E_MUSL_STATIC:-}" ] || install -m 755 "$E2E_MUSL_STATIC" "$d$PREFIX/libexec/initbind/initbind-static"
    echo "$d"
}
build_dracut_compressed() { # OUTPUT
    local kdir stage
    kdir=$(compressed_kdir)
    stage=$(compressed_stage)
    KDIR=$kdir STAGE=$stage build_dracut "$1"
}

# dracut finds the module in /usr/lib/dracut/modules.d, where it is installed. A small module
# list keeps the build fast while the image is a real dracut image: its init, its udev, its hook
# points.
dracut_common=(--force --no-hostonly --no-early-microcode --nofscks --compress zstd)
build_dracut() { # OUTPUT
    in_private dracut "${dracut_common[@]}" --modules "bash base udev-rules rootfs-block initbind" \
        --omit "systemd" --drivers "$E2E_DRIVERS" --kver "$KVER" "$1"
}
build_dracut_systemd() { # OUTPUT
    in_private dracut "${dracut_common[@]}" \
        --modules "bash systemd systemd-initrd dracut-systemd base udev-rules rootfs-block initbind" \
        --drivers "$E2E_DRIVERS" --kver "$KVER" "$1"
}
build_mkinitcpio() { # OUTPUT [HOOK...]: the busybox form unless HOOKS are given
    local out=$1 conf=$WORK/mkinitcpio-${1##*/}.conf
    shift
    [ $# -gt 0 ] || set -- base initbind udev e2e-drivers
    printf '%s\n' "MODULES=(ext4)" "HOOKS=($*)" > "$conf"
    in_private "$e2e_dir/mkinitcpio-harness.sh" -k "$KVER" -c "$conf" -D "$e2e_dir/mkinitcpio" -g "$out"
}
# The systemd form without base, which mkinitcpio's systemd hook makes optional: the install
# hook must then bring run-boot's shell itself. autodetect, modconf, block, filesystems and fsck
# are not in the harness; e2e-drivers stands for the drivers they would add.
build_mkinitcpio_systemd() { build_mkinitcpio "$1" systemd initbind e2e-drivers; } # OUTPUT

# image_with_config IMAGE CONF OUT: IMAGE with CONF appended as /etc/initbind.conf in an
# uncompressed newc archive (the kernel unpacks concatenated archives into one rootfs, a later
# file replacing an earlier one).
image_with_config() {
    local d
    d=$(mktemp -d "$WORK/conf.XXXXXX")
    mkdir -p "$d/etc"
    cp "$2" "$d/etc/initbind.conf"
    (cd "$d" && printf 'etc\netc/initbind.conf\n' | cpio --quiet -o -H newc -R 0:0) > "$d.cpio"
    # The kernel takes a cpio archive only at an offset that is a multiple of 4 and skips NUL
    # bytes between archives: pad the compressed image (else "invalid magic at start of
    # compressed archive", and the appended file is silently missing).
    local size
    cp "$1" "$3"
    size=$(stat -c %s "$3")
    truncate -s $(( (size + 3) / 4 * 4 )) "$3"
    cat "$d.cpio" >> "$3"
    rm -rf "$d" "$d.cpio"
}

# qemu_boot LOG INITRD APPEND [QEMU-ARG...]: boots $KERNEL with INITRD on a q35 machine under
# TCG (one CPU, 1 GiB) whose devices are the QEMU-ARGs; "${ROOT_DISK[@]}" among them puts the
# root disk (virtio-blk, 00:04.0, a snapshot of $WORK/root.img) where the caller wants it.
# APPEND follows the harness's own command line. The serial console goes to LOG, CRs removed;
# "QEMU's exit status, wall seconds" to LOG.status.
qemu_boot() {
    local log=$1 initrd=$2 append t0 rc=0
    
    # rd.*: a dracut image that fails reboots (QEMU then exits) rather than waiting for a shell.
    # no_timer_check: on a busy host, TCG can miss the kernel's early check that the timer
    # interrupt arrives through the interrupt-remapped IO-APIC, and the kernel then panics
    # before the initramfs (seen); the check proves nothing about initbind.
    append="console=ttyS0 panic=-1 no_timer_check rd.shell=0 rd.emergency=reboot root=LABEL=e2eroot ro"
    append+=${3:+ $3}
    shift 3
    t0=$(date +%s)
    timeout "$TIMEOUT" "$QEMU" -accel tcg -M q35 -smp 1 -m 1024 \
        -nodefaults -display none -no-reboot -serial stdio -monitor none \
        "$@" \
        -kernel "$KERNEL" -initrd "$initrd" -append "$append" \
        < /dev/null > "$log.tmp" 2>&1 || rc=$?
    # The serial console ends lines with CR LF.
    tr -d '\r' < "$log.tmp" | grep -v "TCG doesn't support requested feature" > "$log" || true
    rm -f "$log.tmp"
    echo "$rc $(( $(date +%s) - t0 ))" > "$log.status"
}

# ts_of FILE ERE: the kernel log timestamp (seconds) of the first line of FILE matching ERE.
ts_of() { grep -E "$2" "$1" | head -n1 | sed -n 's/^\(DMESG \)\{0,1\}\[ *\([0-9]*\.[0-9]*\)\].*/\2/p' || true; }
