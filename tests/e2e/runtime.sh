#!/bin/bash
# runtime.sh: initbind on a running kernel. One boot of Debian's kernel (tests/e2e/fetch-kernel.sh)
# under QEMU (TCG, q35, intel-iommu with caching-mode=on so that VFIO works inside the guest), with
# identical bochs-display cards on their host driver (bochs-drm), nothing claimed at boot, and a
# bochs-display + intel-hda slot (one IOMMU group). The guest boots a busybox initramfs that
# mounts the host's / read-only over virtio-9p and switches root to it, so the steps run this build's
# binaries with the host's tools (kmod, udev); an overlay on a tmpfs makes that root writable inside the guest: tests/e2e/runtime-guest.sh, one function per step
# (claim, VFIO's verdict and a real VFIO open, release, a second cycle, a GPU+audio group,
# hotplug through the real udev rule with systemd-udevd running, the pre-flight's reset findings
# and option ROM read on real devices).
#
# Usage: tests/e2e/runtime.sh [--install-deps]
# Environment: INITBIND_BUILD (default build/), E2E_WORK (default /var/tmp/initbind-e2e),
#              QEMU (default qemu-system-x86_64), RUNTIME_TIMEOUT (seconds, default 900)
# Prints the guest's "RUNTIME" lines (checks, transcripts, the time of each step), the boot's
# wall-clock time, and "N passed, M failed"; exits 1 when anything failed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

fk_args=()
[ "${1:-}" = --install-deps ] && fk_args+=(--install-deps)
eval "$("$here/fetch-kernel.sh" "${fk_args[@]}")"
QEMU=${QEMU:-qemu-system-x86_64}
BUILD=$(realpath "${INITBIND_BUILD:-$top/build}")
WORK=${E2E_WORK:-/var/tmp/initbind-e2e}/runtime
for f in "$BUILD/bin/initbind" "$BUILD/bin/vfio-open" "$BUILD/initbind/70-initbind.rules"; do
        [ -e "$f" ] || { echo "runtime.sh: no $f; build first (cmake --build build)" >&2; exit 1; }
done
command -v "$QEMU" > /dev/null || { echo "runtime.sh: missing $QEMU (try --install-deps)" >&2; exit 1; }
[ -x /lib/systemd/systemd-udevd ] || { echo "runtime.sh: missing systemd-udevd (apt-get install udev)" >&2; exit 1; }

# The initramfs: static busybox, the modules that reach the host's / (virtio-pci, 9p), and an
# init that mounts it and runs the guest steps in a chroot.
build_initramfs() { # OUTPUT
        local dir=$WORK/initramfs m
        rm -rf "$dir"
        mkdir -p "$dir"/{bin,proc,sys,dev,host,mod}
        cp /bin/busybox "$dir/bin/busybox"
        : > "$dir/modules"
        for m in $(modprobe -d "$KDIR" -S "$KVER" --show-depends -a virtio_pci 9pnet_virtio 9p overlay |
                awk '$1 == "insmod" { print $2 }' | awk '!seen[$0]++'); do
                cp "$m" "$dir/mod/"
                echo "${m##*/}" >> "$dir/modules"
        done
        cat > "$dir/init" << EOF
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in \$(cat /modules); do insmod /mod/\$m; done
mkdir -p /lower /rw
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144 hostroot /lower
# A writable layer over it (the host has no /lib/modules to mount the guest's modules on).
mount -t tmpfs tmpfs /rw
mkdir /rw/upper /rw/work
mount -t overlay overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work /host
mount -t proc proc /host/proc
mount -t sysfs sys /host/sys
mount -t devtmpfs dev /host/dev
mount -t tmpfs tmpfs /host/run
# No tmpfs over /tmp: the tree and its build may be below the host's /tmp (a CI clone there), and
# the overlay already makes /tmp writable.
# The guest kernel's modules where the host's kmod looks for them.
mkdir -p /host/lib/modules/$KVER
mount -o bind /host$KMODDIR /host/lib/modules/$KVER
# switch_root, not chroot: udevadm ignores every request from inside a chroot.
exec switch_root /host /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin BUILD=$BUILD /bin/sh $here/runtime-guest.sh
EOF
        chmod +x "$dir/init"
        (cd "$dir" && find . | cpio -o -H newc --quiet) > "$1"
}

# The pre-flight step's devices (runtime-guest.sh, step_preflight): an e1000e, an NVMe controller
# with a small drive and a bochs-display, each behind a PCIe root port of its own, where the
# kernel's reset_method is "pm bus", "flr bus" and "bus" (as the fixture preflight-resets
# captured); the bochs-display carries QEMU's legacy VGA BIOS as its option ROM.
# shellcheck disable=SC2054 # the commas are QEMU's, inside each option
preflight_devices=(-device pcie-root-port,id=pf1,bus=pcie.0,addr=07.0,chassis=11,multifunction=on
        -device pcie-root-port,id=pf2,bus=pcie.0,addr=07.1,chassis=12
        -device pcie-root-port,id=pf3,bus=pcie.0,addr=07.2,chassis=13
        -netdev user,id=pfnet,restrict=on -device e1000e,bus=pf1,netdev=pfnet
        -drive "file=$WORK/nvme.img,format=raw,if=none,id=pfnvme" -device nvme,bus=pf2,serial=initbind-pf,drive=pfnvme
        -device bochs-display,bus=pf3)

# no_timer_check: on a busy host TCG can miss the kernel's early check that the timer interrupt
# arrives through the interrupt-remapped IO-APIC, and the kernel panics (seen; as in run.sh).
boot() { # INITRAMFS LOG
        timeout "${RUNTIME_TIMEOUT:-900}" "$QEMU" -accel tcg -M q35 -cpu max -smp 1 -m 1024 \
                -nodefaults -display none -no-reboot -monitor none -serial stdio \
                -device intel-iommu,intremap=on,caching-mode=on \
                -device bochs-display,addr=02.0 -device bochs-display,addr=03.0 -device bochs-display,addr=04.0 \
                -device bochs-display,addr=05.0,multifunction=on -device intel-hda,id=hda,addr=05.1 \
                -audiodev none,id=snd0 -device hda-output,bus=hda.0,audiodev=snd0 \
                -fsdev local,id=hostfs,path=/,security_model=none,readonly=on,multidevs=remap \
                -device virtio-9p-pci,fsdev=hostfs,mount_tag=hostroot,addr=06.0 \
                "${preflight_devices[@]}" \
                -kernel "$KERNEL" -initrd "$1" \
                -append "console=ttyS0 panic=-1 loglevel=1 no_timer_check intel_iommu=on" < /dev/null > "$2" 2>&1 || true
}

mkdir -p "$WORK"
rm -f "$WORK/nvme.img"
truncate -s 8M "$WORK/nvme.img"
build_initramfs "$WORK/initramfs.cpio"
start=$(date +%s)
boot "$WORK/initramfs.cpio" "$WORK/console.log"
end=$(date +%s)

grep -a '^RUNTIME' "$WORK/console.log" | sed 's/^RUNTIME //' | tr -d '\r' || true
echo "runtime.sh: one boot (TCG), $((end - start)) s wall clock; console log $WORK/console.log"
passed=$(grep -ac '^RUNTIME PASS' "$WORK/console.log" || true)
failed=$(grep -ac '^RUNTIME FAIL' "$WORK/console.log" || true)
if ! grep -aq '^RUNTIME DONE' "$WORK/console.log"; then
        echo "runtime.sh: the guest did not finish its steps (see $WORK/console.log)"
        failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
