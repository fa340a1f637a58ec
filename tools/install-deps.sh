#!/bin/sh
# Install what building and testing initbind needs on Debian 12, by package name.
# grub-common (grub-mkconfig) and systemd (kernel-install) are for the tests of cmdlinegen --apply;
# installing them changes no boot loader.
# Arch:   pacman -S --needed base-devel cmake pkgconf kmod util-linux-libs pciutils cmocka zlib hwdata
# Fedora: dnf install gcc make cmake pkgconf-pkg-config kmod-devel libblkid-devel pciutils-devel \
#             libcmocka-devel zlib-devel hwdata
set -eu

packages="build-essential cmake pkg-config libkmod-dev libblkid-dev libpci-dev libcmocka-dev zlib1g-dev
pci.ids kmod
grub-common systemd"

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
