#!/bin/bash
# runtime.sh: initbind on a running kernel. One boot of Debian's kernel (tests/e2e/fetch-kernel.sh)
# under QEMU (TCG, q35, intel-iommu with caching-mode=on so that VFIO works inside the guest), with
# identical bochs-display cards on their host driver (bochs-drm), not claimed at boot, a
# bochs-display + intel-hda slot (one IOMMU group), and one more bochs-display that the image's
# configuration claims at boot. The guest boots an initramfs that Debian's mkinitramfs built with
# initbind's installed hooks (initbind runs in it, as on a real machine), whose test-only boot
# method mounts the host's / read-only over virtio-9p as the root, so the steps run this build's
# binaries with the host's tools (kmod, udev); an overlay on a tmpfs makes that root writable
# inside the guest: tests/e2e/runtime-guest.sh, one function per step (claim, VFIO's verdict and a
# real VFIO open, release, a second cycle, a GPU+audio group, hotplug through the real udev rule
# with systemd-udevd running, the installed libvirt hook run as libvirt runs it, the pre-flight's
# reset findings and option ROM read on real devices).
#
# Usage: tests/e2e/runtime.sh [--install-deps]   (as root: mkinitramfs runs in a private mount
#        namespace, tests/e2e/private-system.sh)
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
for t in mkinitramfs zstd unshare; do # the image (harness.sh, private-system.sh)
        command -v $t > /dev/null || { echo "runtime.sh: missing $t (apt-get install initramfs-tools zstd util-linux)" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "runtime.sh: run as root (mkinitramfs runs in a private mount namespace)" >&2; exit 1; }
# shellcheck source=harness.sh
. "$here/harness.sh"

# The initramfs: Debian's real mkinitramfs with initbind's installed hooks (harness.sh, as run.sh
# builds them), whose /etc/initbind.conf claims BOOT_CLAIM at boot, plus a test-only boot method,
# boot=e2e9p (initramfs-tools sources /scripts/$BOOT and calls its mountroot): the host's / over
# virtio-9p, read-only, under a tmpfs overlay (the host has no /lib/modules to mount the guest's
# modules on), as the root. initramfs-tools then moves /dev, /run, /sys and /proc onto it and
# starts WORK/guest-init there, which runs the guest steps with a clean environment.
BOOT_CLAIM=0000:00:07.0
build_initramfs() { # OUTPUT
        local extra=$WORK/e2e9p
        rm -rf "$extra"
        mkdir -p "$extra/scripts" "$WORK/logs"
        install_stage
        echo "claim $BOOT_CLAIM" > "$WORK/build-time.conf"
        # The 9p root's modules; the machine's host drivers are loaded from the root by the steps.
        # shellcheck disable=SC2034 # read by build_initramfs_tools (harness.sh)
        E2E_DRIVERS="virtio_pci 9pnet_virtio 9p overlay"
        cat > "$extra/scripts/e2e9p" << EOF
# test only (tests/e2e/runtime.sh): boot=e2e9p, the host's / over virtio-9p as the root
mount_top() { :; }
mount_premount() { :; }
mount_bottom() { :; }
mountroot() {
        for m in virtio_pci 9pnet_virtio 9p overlay; do modprobe \$m; done
        mkdir -p /e2e/lower /e2e/rw
        i=0 # the virtio device may still be probing
        until mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144 hostroot /e2e/lower; do
                i=\$((i + 1))
                [ \$i -lt 50 ] || panic "e2e9p: cannot mount the host's / over virtio-9p"
                sleep 0.2
        done
        mount -t tmpfs tmpfs /e2e/rw
        mkdir /e2e/rw/upper /e2e/rw/work
        mount -t overlay overlay -o lowerdir=/e2e/lower,upperdir=/e2e/rw/upper,workdir=/e2e/rw/work "\$rootmnt"
        # No tmpfs over /tmp: the tree and its build may be below the host's /tmp (a CI clone
        # there), and the overlay already makes /tmp writable.
        # The guest kernel's modules where the host's kmod looks for them.
        mkdir -p "\$rootmnt/lib/modules/$KVER"
        mount -o bind "\$rootmnt$KMODDIR" "\$rootmnt/lib/modules/$KVER"
}
EOF
        # initramfs-tools' run-init switches root (not a chroot: udevadm ignores every request
        # from inside one); the steps run this build's binaries and the staged libvirt hook.
        cat > "$WORK/guest-init" << EOF
#!/bin/sh
exec /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin BUILD=$BUILD STAGE=$STAGE PREFIX=$PREFIX BOOT_CLAIM=$BOOT_CLAIM /bin/sh $here/runtime-guest.sh
EOF
        chmod 755 "$WORK/guest-init"
        build_initramfs_tools "$1" --extra "$extra"
}

# The pre-flight step's devices (runtime-guest.sh, step_preflight): an e1000e, an NVMe controller
# with a small drive and a bochs-display, each behind a PCIe root port of its own, where the
# kernel's reset_method is "pm bus", "flr bus" and "bus" (as the fixture preflight-resets
# captured); the bochs-display carries QEMU's legacy VGA BIOS as its option ROM.
# shellcheck disable=SC2054 # the commas are QEMU's, inside each option
preflight_devices=(-device pcie-root-port,id=pf1,bus=pcie.0,addr=08.0,chassis=11,multifunction=on
        -device pcie-root-port,id=pf2,bus=pcie.0,addr=08.1,chassis=12
        -device pcie-root-port,id=pf3,bus=pcie.0,addr=08.2,chassis=13
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
                -device bochs-display,addr=07.0 \
                -audiodev none,id=snd0 -device hda-output,bus=hda.0,audiodev=snd0 \
                -fsdev local,id=hostfs,path=/,security_model=none,readonly=on,multidevs=remap \
                -device virtio-9p-pci,fsdev=hostfs,mount_tag=hostroot,addr=06.0 \
                "${preflight_devices[@]}" \
                -kernel "$KERNEL" -initrd "$1" \
                -append "console=ttyS0 panic=-1 loglevel=1 no_timer_check intel_iommu=on boot=e2e9p init=$WORK/guest-init" < /dev/null > "$2" 2>&1 || true
}

mkdir -p "$WORK"
image_start=$(date +%s)
rm -f "$WORK/nvme.img"
truncate -s 8M "$WORK/nvme.img"
build_initramfs "$WORK/initramfs.cpio"
start=$(date +%s)
echo "runtime.sh: mkinitramfs image $(stat -c %s "$WORK/initramfs.cpio") bytes, staged and built in $((start - image_start)) s"
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
