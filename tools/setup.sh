#!/bin/sh
# One command from a fresh Debian 12 to a built initbind: packages, the static libkmod the
# initramfs binary links, both builds of initbind, then `initbind list` on this machine.
set -eu
cd "$(dirname "$0")/.."

tools/install-deps.sh
tools/build-static-kmod.sh build >/dev/null
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DINITBIND_STATIC=ON >/dev/null
cmake --build build -j"$(nproc)"
echo
build/bin/initbind list
