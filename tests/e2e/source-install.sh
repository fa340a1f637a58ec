#!/bin/bash
# source-install.sh: a build installed from source, as the README's quick start does it, is found
# by the real generators and by cmdlinegen, whatever its install prefix.
#
# For each BUILD (a CMake build directory configured with -DINITBIND_STATIC=ON and built; its
# prefix below /usr, e.g. the default /usr/local or /usr): `cmake --install` with DESTDIR into a
# fresh root; the hooks must be where initramfs-tools, dracut, mkinitcpio, udev and libvirt look
# (not below the prefix); then the real mkinitramfs and the real dracut build an image from that
# install (tests/e2e/private-system.sh: the root's /usr overlaid on the host's /usr in a private
# mount namespace, the test kernel as the installed one), and each image must hold initbind, its
# runner and the vfio modules of the kernel. Last, cmdlinegen --root on that root (a fixture
# machine's /sys and /proc added) must report each generator's hook as installed.
#
# Usage: tests/e2e/source-install.sh [--install-deps] BUILD...   (as root)
# Prints one line per check and "source install: N passed, M failed"; exits 1 when one failed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
fk_args=()
if [ "${1:-}" = --install-deps ]; then fk_args+=(--install-deps); shift; fi
[ $# -gt 0 ] || { sed -n '2,15p' "$0" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "source-install.sh: run as root (private mount namespace)" >&2; exit 1; }
eval "$("$here/fetch-kernel.sh" "${fk_args[@]}")"

work=$(mktemp -d "${TMPDIR:-/var/tmp}/initbind-source-install.XXXXXX")
trap 'rm -rf "$work"' EXIT
n_pass=0 n_fail=0
check() { # DESCRIPTION COMMAND [ARG...]
    local d=$1; shift
    if "$@"; then echo "  ok    $d"; n_pass=$((n_pass + 1)); else echo "  FAIL  $d"; n_fail=$((n_fail + 1)); fi
}
listed() { grep -qxE "$2" "$1"; } # listed LISTING ERE: a line of LISTING is exactly ERE
# vfio_modules: the module files (below lib/modules/KVER) of the vfio chain in the test kernel.
vfio_modules() {
    local m f
    for m in vfio vfio_iommu_type1 vfio-pci vfio-pci-core; do
        f=$(modinfo -b "$KDIR" -k "$KVER" -F filename "$m" 2>/dev/null | head -n1 || true)
        case $f in '' | '(builtin)') ;; *) echo "${f#"$KDIR"/lib/modules/"$KVER"/}" ;; esac
    done
}

# check_image IMAGE LISTING: initbind, run-boot and every vfio module of the kernel in IMAGE.
check_image() {
    lsinitramfs "$1" | sed 's|^\./||; s|^/||' | sed 's|^lib/modules/|usr/lib/modules/|' >"$2"
    check "  usr/bin/initbind in the image" listed "$2" 'usr/bin/initbind'
    check "  usr/libexec/initbind/run-boot in the image" listed "$2" 'usr/libexec/initbind/run-boot'
    local rel
    for rel in $(vfio_modules); do
        check "  ${rel##*/} in the image" listed "$2" "usr/lib/modules/$KVER/${rel//./\\.}"
    done
}

# not_elsewhere: `cmake --install --prefix` another prefix fails, saying why, and copies nothing.
not_elsewhere() {
    rm -rf "$work/elsewhere"
    ! DESTDIR=$work/elsewhere cmake --install "$build" --prefix /opt/initbind-elsewhere >"$work/elsewhere.log" 2>&1 &&
        grep -q "configured for the prefix $prefix" "$work/elsewhere.log" &&
        [ -z "$(find "$work/elsewhere" -type f 2>/dev/null)" ]
}

# readiness ROOT GENERATOR_CONFIG HOOK: cmdlinegen --root ROOT, with only GENERATOR_CONFIG in
# its /etc, reports HOOK as installed.
readiness() {
    rm -f "$1/etc/initramfs-tools/initramfs.conf" "$1/etc/dracut.conf"
    mkdir -p "$1/etc/initramfs-tools"
    : >"$1$2"
    "$build/bin/cmdlinegen" --root "$1" >"$work/readiness.out" 2>&1 || true
    grep -qE "^  ok +initramfs +[a-z-]+, with initbind's hook \($3\)" "$work/readiness.out" ||
        { sed 's/^/        /' "$work/readiness.out" | grep -i initramfs; return 1; }
}

for build in "$@"; do
    build=$(realpath "$build")
    cache() { sed -n "s/^$1:[A-Z]*=//p" "$build/CMakeCache.txt"; }
    prefix=$(cache CMAKE_INSTALL_PREFIX)
    echo "== install of $build (prefix $prefix)"
    root=$work/root
    rm -rf "$root"
    mkdir -p "$root"
    if ! DESTDIR=$root cmake --install "$build" >"$work/install.log" 2>&1; then
        echo "  FAIL  cmake --install"; sed 's/^/        /' "$work/install.log"; n_fail=$((n_fail + 1)); continue
    fi
    # Where each tool looks, not below the prefix (cmake/InstallLayout.cmake's defaults).
    check "initramfs-tools hook in /usr/share/initramfs-tools/hooks" test -x "$root/usr/share/initramfs-tools/hooks/initbind"
    check "initramfs-tools boot script in /usr/share/initramfs-tools/scripts/init-top" \
        test -x "$root/usr/share/initramfs-tools/scripts/init-top/initbind"
    check "dracut module in $(cache INITBIND_DRACUT_MODULES_DIR) (dracut.pc's dracutmodulesdir)" \
        test -x "$root$(cache INITBIND_DRACUT_MODULES_DIR)/90initbind/module-setup.sh"
    check "mkinitcpio install hook in /usr/lib/initcpio/install" test -f "$root/usr/lib/initcpio/install/initbind"
    check "udev rule in $(cache INITBIND_UDEV_DIR)/rules.d (udev.pc's udevdir)" \
        test -f "$root$(cache INITBIND_UDEV_DIR)/rules.d/70-initbind.rules"
    check "libvirt hook in /etc/libvirt/hooks/qemu.d" test -x "$root/etc/libvirt/hooks/qemu.d/initbind"
    check "the hook copies the static binary of the prefix ($prefix/libexec/initbind/initbind-static)" \
        grep -q "^INITBIND_STATIC=\${INITBIND_STATIC:-$prefix/libexec/initbind/initbind-static}\$" \
        "$root/usr/share/initramfs-tools/hooks/initbind"
    check "cmake --install --prefix elsewhere is refused" not_elsewhere

    # The real generators, from that install only.
    confdir=$work/confdir
    rm -rf "$confdir"
    mkdir -p "$confdir/hooks" "$confdir/scripts" "$confdir/conf.d"
    printf '%s\n' MODULES=list BUSYBOX=auto KEYMAP=n COMPRESS=zstd RUNSIZE=10% FSTYPE=auto >"$confdir/initramfs.conf"
    : >"$confdir/modules"
    img=$work/initrd-initramfs-tools.img
    if "$here/private-system.sh" "$KDIR" "$KVER" "$root" mkinitramfs -d "$confdir" -o "$img" "$KVER" >"$work/mk.log" 2>&1; then
        echo "  ok    mkinitramfs built $(du -h "$img" | cut -f1)"
        check_image "$img" "$work/initramfs-tools.list"
        check "  the init-top boot script in the image" listed "$work/initramfs-tools.list" 'scripts/init-top/initbind'
    else
        echo "  FAIL  mkinitramfs"; tail -n 20 "$work/mk.log" | sed 's/^/        /'; n_fail=$((n_fail + 1))
    fi
    img=$work/initrd-dracut.img
    if "$here/private-system.sh" "$KDIR" "$KVER" "$root" dracut --force --no-hostonly --no-early-microcode --nofscks \
        --compress zstd --modules "bash base initbind" --kver "$KVER" "$img" >"$work/dracut.log" 2>&1; then
        echo "  ok    dracut built $(du -h "$img" | cut -f1)"
        check_image "$img" "$work/dracut.list"
    else
        echo "  FAIL  dracut"; tail -n 20 "$work/dracut.log" | sed 's/^/        /'; n_fail=$((n_fail + 1))
    fi

    # cmdlinegen on that root, a fixture machine's kernel interfaces added.
    cp -a "$top/tests/fixtures/workstation-identical-gpus/." "$root/"
    check "cmdlinegen --root finds the initramfs-tools hook" \
        readiness "$root" /etc/initramfs-tools/initramfs.conf /usr/share/initramfs-tools/hooks/initbind
    check "cmdlinegen --root finds the dracut module" \
        readiness "$root" /etc/dracut.conf "$(cache INITBIND_DRACUT_MODULES_DIR)/90initbind/module-setup.sh"
done
echo "source install: $n_pass passed, $n_fail failed"
[ "$n_fail" = 0 ]
