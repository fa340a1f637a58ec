#!/bin/sh
# The whole test suite: unit tests (cmocka) and black-box tests of the real binaries on fixture
# machines, once in a normal build (then the clang static analyzer) and once under AddressSanitizer
# and UBSan; then real boots of Debian's kernel in QEMU with initramfs images from the real
# mkinitramfs and dracut and from the mkinitcpio harness (needs root, downloads the kernel package
# once into /var/cache/initbind-tests), and of what cmdlinegen --apply writes into GRUB's and
# systemd-boot's configuration (tests/e2e/bootloader.sh).
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
ctest --test-dir build --output-on-failure -j"$jobs"
# The clang static analyzer, minutes even on a fast machine, so not in ctest's lint/tidy.
TIDY_JOBS=$jobs tools/lint/check-tidy.sh --analyzer build

cmake -S . -B build-asan -DINITBIND_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        ctest --test-dir build-asan --output-on-failure -j"$jobs"

tools/run-fuzz.sh 20

# The .deb (with lintian), the RPM and the Arch PKGBUILD, built from copies of the tree.
tools/package-tests.sh

INITBIND_BUILD=$PWD/build tests/e2e/run.sh --install-deps
# What cmdlinegen --apply writes, booted through GRUB, systemd-boot and a UKI in OVMF.
INITBIND_BUILD=$PWD/build tests/e2e/bootloader.sh
