#!/bin/bash
# initramfs-sizes.sh: the bytes initbind's hook adds to each generator's image.
#
#   bench/initramfs-sizes.sh STATIC_BINARY WORKDIR
#
# Builds four images of Debian's kernel (tests/e2e/fetch-kernel.sh; downloaded once into
# /var/cache/initbind-tests): with the real mkinitramfs (through tests/e2e/private-system.sh with
# nothing installed, MODULES=list, COMPRESS=zstd) and with the real dracut (non-hostonly, modules "base" only,
# zstd), each once without and once with initbind's integration, which puts STATIC_BINARY
# in the image with the vfio modules. No /etc/initbind.conf is added (it is a few bytes).
# Prints one line per generator: compressed and uncompressed image sizes without and with
# the hook, and the difference. Must run as root (mkinitramfs in a private mount namespace).
# Takes about 1-2 minutes on 2 cores.
set -euo pipefail
work=$2
top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$work/bin" "$work/empty-stage/usr"
work=$(realpath "$work")
# The hooks take the runner from beside the binary, as it is installed.
binary=$work/bin/initbind-static
install -m 755 "$1" "$binary"
install -m 755 "$top/hooks/common/run-boot" "$work/bin/run-boot"

eval "$("$top/tests/e2e/fetch-kernel.sh" --no-update)"

# uncompressed SIZE of an image: the zstd stream(s) after any uncompressed early cpio.
uncompressed_size() {
        local img=$1 offset=0 magic
        magic=$(head -c 6 "$img")
        if [ "$magic" = 070701 ]; then
                # An early (microcode) archive precedes the compressed one: skip to zstd's magic.
                offset=$(grep -obUaP '\x28\xb5\x2f\xfd' "$img" | head -n1 | cut -d: -f1)
        fi
        tail -c +"$((offset + 1))" "$img" | zstd -dc | wc -c
}

report() { # GENERATOR WITHOUT WITH
        local c0 c1 u0 u1
        c0=$(stat -c %s "$2"); c1=$(stat -c %s "$3")
        u0=$(uncompressed_size "$2"); u1=$(uncompressed_size "$3")
        printf '    %-16s compressed %9d -> %9d  (+%d bytes)   uncompressed %9d -> %9d  (+%d bytes)\n' \
                "$1" "$c0" "$c1" $((c1 - c0)) "$u0" "$u1" $((u1 - u0))
}

# fill TEMPLATE OUT: a hook's @PLACEHOLDERS@ filled in as CMake's configure_file would
# (cmake/InstallLayout.cmake, cmake/VfioModules.cmake), with STATIC_BINARY as the binary.
vfio_required=$(sed -n 's/^set(INITBIND_VFIO_MODULES_REQUIRED \(.*\))$/\1/p' "$top/cmake/VfioModules.cmake" |
        sed -e 's/${VFIO_IOMMU_MODULE}/vfio_iommu_type1/' -e 's/${VFIO_PCI_MODULE}/vfio-pci/')
vfio_modules="$vfio_required $(sed -n 's/^set(INITBIND_VFIO_MODULES_OPTIONAL \(.*\))$/\1/p' "$top/cmake/VfioModules.cmake")"
fill() {
        sed -e "s|@STATIC_BINARY@|$binary|g" -e "s|@RUN_BOOT_SOURCE@|${binary%/*}/run-boot|g" \
                -e 's|@INITRAMFS_BINARY@|/usr/bin/initbind|g' -e 's|@HOOK_INITRAMFS_TOOLS@|/usr/share/initramfs-tools/hooks/initbind|g' \
                -e 's|@RUN_BOOT@|/usr/libexec/initbind/run-boot|g' -e 's|@INITBIND_CONFIG@|/etc/initbind.conf|g' \
                -e "s|@VFIO_MODULES@|$vfio_modules|g" -e "s|@VFIO_MODULES_REQUIRED@|$vfio_required|g" "$1" > "$2"
        chmod 755 "$2"
}

# --- initramfs-tools ------------------------------------------------------------------------
confdir() { # DIR WITH_HOOK
        rm -rf "$1"
        mkdir -p "$1/hooks" "$1/scripts/init-top" "$1/conf.d"
        printf 'MODULES=list\nBUSYBOX=auto\nKEYMAP=n\nCOMPRESS=zstd\nDEVICE=\nNFSROOT=auto\nRUNSIZE=10%%\nFSTYPE=auto\n' \
                > "$1/initramfs.conf"
        : > "$1/modules"
        if [ "$2" = 1 ]; then
                fill "$top/hooks/initramfs-tools/hooks/initbind.in" "$1/hooks/initbind"
                fill "$top/hooks/initramfs-tools/scripts/init-top/initbind.in" "$1/scripts/init-top/initbind"
        fi
}
for with in 0 1; do
        confdir "$work/itools-conf-$with" "$with"
        INITBIND_STATIC=$binary INITBIND_CONFIG=/nonexistent/initbind.conf \
                "$top/tests/e2e/private-system.sh" "$KDIR" "$KVER" "$work/empty-stage" \
                mkinitramfs -d "$work/itools-conf-$with" -o "$work/itools-$with.img" "$KVER" > "$work/itools-$with.log" 2>&1 ||
                { echo "mkinitramfs failed (log: $work/itools-$with.log)" >&2; exit 1; }
done

# --- dracut -----------------------------------------------------------------------------------
# dracut reads its modules from $dracutbasedir: a private copy of /usr/lib/dracut with
# initbind's module added, its @PLACEHOLDERS@ filled in as CMake's configure_file would.
base=$work/dracut-base
rm -rf "$base"
cp -a /usr/lib/dracut "$base"
mkdir -p "$base/modules.d/90initbind"
for f in module-setup.sh initbind-pre-udev.sh; do
        fill "$top/dracut/90initbind/$f.in" "$base/modules.d/90initbind/$f"
done
dracut_modules=(base "base initbind")
for with in 0 1; do
        dracutbasedir=$base dracut --quiet --force --no-hostonly --no-early-microcode --zstd \
                --modules "${dracut_modules[$with]}" --kver "$KVER" --kmoddir "$KDIR/lib/modules/$KVER" \
                "$work/dracut-$with.img" > "$work/dracut-$with.log" 2>&1 ||
                { echo "dracut failed (log: $work/dracut-$with.log)" >&2; exit 1; }
done
lsinitrd "$work/dracut-1.img" > "$work/dracut-1.list" 2>/dev/null || true
if ! grep -q ' usr/bin/initbind$' "$work/dracut-1.list"; then
        echo "dracut image with the hook has no /usr/bin/initbind (log: $work/dracut-1.log)" >&2
        exit 1
fi

echo "    kernel $KVER (images built in $work)"
report initramfs-tools "$work/itools-0.img" "$work/itools-1.img"
report dracut "$work/dracut-0.img" "$work/dracut-1.img"
