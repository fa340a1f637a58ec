#!/bin/sh
# One command from a fresh Debian 12 to built programs: packages, the static libkmod the
# initramfs binary links, initbind (both builds) and cmdlinegen, then `cmdlinegen` on this
# machine: read-only, it proposes and checks the kernel parameters for passthrough here.
set -eu
cd "$(dirname "$0")/.."

tools/install-deps.sh
tools/build-static-kmod.sh build >/dev/null
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DINITBIND_STATIC=ON >/dev/null
cmake --build build -j"$(nproc)"
echo
# cmdlinegen exits 1 when it finds problems with the machine (no IOMMU, no /dev/kvm, ...):
# that is its report, not a failed set-up.
build/bin/cmdlinegen || [ $? -eq 1 ]
