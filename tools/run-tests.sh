#!/bin/sh
# The whole test suite: unit tests (cmocka) and black-box tests of the real binaries on fixture
# machines, once in a normal build (then the clang static analyzer), once under AddressSanitizer
# and UBSan and once in a Release build (a clang build beside it); a source install found by the
# real generators; then real boots of Debian's kernel in QEMU with initramfs images from the real
# mkinitramfs and dracut and from the mkinitcpio harness in its busybox and systemd forms (needs
# root, downloads the kernel package once into /var/cache/initbind-tests), and of what
# cmdlinegen --apply writes into GRUB's and systemd-boot's configuration (tests/e2e/bootloader.sh).
# In between, every libFuzzer target replays its corpus and searches for 20 s (tools/run-fuzz.sh;
# give it more time for a deeper search), and the packages are built and checked
# (tools/package-tests.sh).
set -eu
cd "$(dirname "$0")/.."
jobs=$(nproc)

tools/install-deps.sh
tools/build-static-kmod.sh build >/dev/null

cmake -S . -B build -DINITBIND_STATIC=ON >/dev/null
cmake --build build -j"$jobs"
# The musl initbind-static with its own liblzma and libzstd (docs/building-static.md): the e2e's
# dracut-compressed boots it with .ko.xz and .ko.zst vfio modules.
tools/build-static-kmod.sh --musl build >/dev/null
cmake -S . -B build-musl -DCMAKE_C_COMPILER=musl-gcc -DINITBIND_MUSL=ON -DCMAKE_BUILD_TYPE=MinSizeRel \
        -DKMOD_STATIC_PREFIX="$PWD/build/kmod-static-musl" >/dev/null
cmake --build build-musl -j"$jobs" --target initbind-static
ctest --test-dir build --output-on-failure -j"$jobs"
# The clang static analyzer, minutes even on a fast machine, so not in ctest's lint/tidy.
TIDY_JOBS=$jobs tools/lint/check-tidy.sh --analyzer build

cmake -S . -B build-asan -DINITBIND_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        ctest --test-dir build-asan --output-on-failure -j"$jobs"

# The other standard build types, with -Werror: Release (gcc -O3, whose inlining finds warnings
# -O2 does not), configured for the /usr prefix so that tests/e2e/source-install.sh installs a
# /usr build beside the default /usr/local one of build/; MinSizeRel by clang, built only
# (Debug is build-asan's, RelWithDebInfo build's).
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr -DINITBIND_STATIC=ON \
        -DKMOD_STATIC_PREFIX="$PWD/build/kmod-static" >/dev/null
cmake --build build-release -j"$jobs"
ctest --test-dir build-release --output-on-failure -j"$jobs"
CC=clang cmake -S . -B build-clang -DCMAKE_BUILD_TYPE=MinSizeRel -DINITBIND_STATIC=ON \
        -DKMOD_STATIC_PREFIX="$PWD/build/kmod-static" >/dev/null
cmake --build build-clang -j"$jobs"

tools/run-fuzz.sh 20

# The .deb (with lintian), the RPM and the Arch PKGBUILD, built from copies of the tree.
tools/package-tests.sh

# A source install with the default prefix and with /usr, found by the real mkinitramfs, dracut
# and cmdlinegen.
tests/e2e/source-install.sh --install-deps build build-release

E2E_MUSL_STATIC=$PWD/build-musl/bin/initbind-static INITBIND_BUILD=$PWD/build tests/e2e/run.sh --install-deps
# Runtime switching on a running kernel: one boot, claim/release/VFIO open/hotplug inside it.
INITBIND_BUILD=$PWD/build tests/e2e/runtime.sh
# What cmdlinegen --apply writes, booted through GRUB, systemd-boot and a UKI (also signed, with
# Secure Boot on) in OVMF.
INITBIND_BUILD=$PWD/build tests/e2e/bootloader.sh
