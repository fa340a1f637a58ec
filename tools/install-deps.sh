#!/bin/sh
# Install what building and testing initbind needs on Debian 12, by package name.
# Arch:   pacman -S --needed base-devel cmake pkgconf kmod util-linux-libs pciutils cmocka zlib hwdata
# Fedora: dnf install gcc make cmake pkgconf-pkg-config kmod-devel libblkid-devel pciutils-devel \
#             libcmocka-devel zlib-devel hwdata
set -eu

packages="build-essential cmake pkg-config libkmod-dev libblkid-dev libpci-dev libcmocka-dev zlib1g-dev
pci.ids kmod"
# The real boots of tests/e2e (QEMU, the generators, the guest's root filesystem).
packages="$packages qemu-system-x86 busybox-static cpio e2fsprogs zstd binutils util-linux
initramfs-tools dracut-core systemd udev"

missing=""
for p in $packages; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
        if [ "$(id -u)" != 0 ]; then
                echo "install-deps.sh: run as root to install:$missing" >&2
                exit 1
        fi
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
fi
echo "install-deps.sh: build dependencies present"
