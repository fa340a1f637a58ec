#!/bin/sh
# Install what building and testing initbind needs on Debian 12, by package name.
# grub-common (grub-mkconfig) and systemd (kernel-install) are for the tests of cmdlinegen --apply;
# installing them changes no boot loader.
# Arch:   pacman -S --needed base-devel cmake pkgconf kmod util-linux-libs pciutils libxml2 cmocka zlib hwdata clang compiler-rt
# Fedora: dnf install gcc make cmake pkgconf-pkg-config kmod-devel libblkid-devel pciutils-devel libxml2-devel \
#             libcmocka-devel zlib-devel hwdata clang compiler-rt
set -eu

# clang and its runtimes (libFuzzer, the sanitizers; Debian 12 ships them apart from clang) build
# the fuzz targets that tools/run-fuzz.sh runs. musl-tools: the INITBIND_MUSL build of initbind-static (docs/building-static.md);
# strace, zstd: bench/run.sh (docs/performance.md).
packages="build-essential cmake pkg-config libkmod-dev libblkid-dev libpci-dev libxml2-dev libcmocka-dev zlib1g-dev
pci.ids kmod grub-common systemd clang libclang-rt-14-dev zsh musl-tools linux-libc-dev strace zstd"
# The lint tests: clang-format and clang-tidy (tools/lint/check-format.sh, check-tidy.sh), shellcheck.
packages="$packages clang-format clang-tidy shellcheck"
# libvirt's schema checker and its test driver: the domains cmdlinegen guest writes (tests/libvirt/guest-domains.sh).
packages="$packages libvirt-clients"
# Building the packages (tools/package-tests.sh): debhelper and lintian for the .deb, Debian's rpm
# for rpmbuild, and what the static libkmod build inside each package needs.
packages="$packages debhelper dpkg-dev lintian rpm autoconf automake libtool liblzma-dev libzstd-dev xz-utils"
# The unified kernel images of the cmdlinegen --apply systemd-boot cases: objcopy (binutils) puts
# sections onto systemd-stub from systemd-boot-efi, the documented way before ukify.
packages="$packages systemd-boot-efi"
# The real boots of tests/e2e (QEMU, the generators, the guest's root filesystem).
packages="$packages qemu-system-x86 busybox-static cpio e2fsprogs binutils util-linux
initramfs-tools dracut-core udev"
# The boot loader boots of tests/e2e/bootloader.sh: the firmware, GRUB's EFI modules (for
# grub-mkstandalone), systemd-boot and its EFI stub (for the UKI), sbsign and openssl (Secure
# Boot). Files only: installing them changes no boot loader of this machine.
packages="$packages ovmf grub-efi-amd64-bin systemd-boot-efi sbsigntool openssl"

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
        # shellcheck disable=SC2086 # one word per package
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
fi
echo "install-deps.sh: build dependencies present"
