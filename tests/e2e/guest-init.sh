#!/bin/busybox sh
# shellcheck shell=dash
# /sbin/init of the e2e root filesystem (tests/e2e/run.sh builds it with mkfs.ext4 -d).
# The initramfs (of any generator) mounted this root and switched to it; /proc, /sys and /dev
# were usually moved here by its /init (mounted here otherwise). Prints what the host compares, one tagged line each, then powers
# off:
#   PCIDRV <address> <driver or none>
#   IOMMUGRP <address> <group or none>
#   OVERRIDE <address> <driver_override, "(null)" when unset>
#   VFIODEV <name>                  (each entry of /dev/vfio/)
#   VFIOOWN <name> <uid>:<gid> <mode>  (the same, its owner and octal mode)
#   FB <fbN> <PCI address or none>  (framebuffers: the host console)
#   MOD <module>                    (each loaded module, /proc/modules)
#   DMESG <kernel log line>         (every line of `dmesg` that contains "initbind:")
#   KLOG <kernel log line>          (every line of `dmesg`, debug ones too, when the kernel
#                                   command line has e2e.dmesg=all: bench/boot-vs-kernel.sh)
#   E2E-DONE
# Its first act once /dev is there is a kernel log line, "e2e-root: init running", whose
# timestamp is when the boot reached the root filesystem's init.
/bin/busybox --install -s /bin 2>/dev/null
export PATH=/bin:/sbin
[ -e /proc/self ] || mount -t proc proc /proc
[ -e /sys/bus ] || mount -t sysfs sysfs /sys
[ -e /dev/null ] || mount -t devtmpfs devtmpfs /dev
echo "e2e-root: init running" > /dev/kmsg

echo "E2E-ROOT reached the root filesystem: $(cat /proc/cmdline)"
for d in /sys/bus/pci/devices/*; do
	a=${d##*/}
	drv=none
	[ -L "$d/driver" ] && drv=$(basename "$(readlink "$d/driver")")
	grp=none
	[ -L "$d/iommu_group" ] && grp=$(basename "$(readlink "$d/iommu_group")")
	ovr=$(cat "$d/driver_override" 2>/dev/null)
	echo "PCIDRV $a $drv"
	echo "IOMMUGRP $a $grp"
	echo "OVERRIDE $a ${ovr:-none}"
done
if [ -d /dev/vfio ]; then
	for v in /dev/vfio/*; do
		[ -e "$v" ] || continue
		echo "VFIODEV ${v##*/}"
		echo "VFIOOWN ${v##*/} $(stat -c '%u:%g %a' "$v")"
	done
fi
for f in /sys/class/graphics/fb[0-9]*; do
	[ -e "$f" ] || continue
	dev=none
	[ -L "$f/device" ] && dev=$(basename "$(readlink -f "$f/device")")
	echo "FB ${f##*/} $dev"
done
while read -r m _; do echo "MOD $m"; done < /proc/modules
dmesg | grep 'initbind:' | sed 's/^/DMESG /'
dmesg | grep 'output lines suppressed' | grep -v 'initbind:' | sed 's/^/DMESG /'
case " $(cat /proc/cmdline) " in
*" e2e.dmesg=all "*) dmesg | sed 's/^/KLOG /' ;;
esac
echo "E2E-DONE"
sync
poweroff -f
