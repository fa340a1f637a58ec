#!/bin/busybox sh
# shellcheck shell=dash
# /init of the initramfs tests/e2e/bootloader.sh boots through GRUB and systemd-boot: no root
# filesystem, only what the host compares, one tagged line each, then power off.
#   BL-CMDLINE <the kernel's /proc/cmdline>
#   BL-ISOLATED <cpu/isolated>, BL-NOHZ <cpu/nohz_full>, BL-HUGEPAGES <size dir> <nr_hugepages>
#   BL-VERIFY <each line of "cmdlinegen verify" on this real sysfs>, BL-VERIFY-STATUS <exit status>
#   BL-SECUREBOOT <the SecureBoot EFI variable's file name in efivarfs> <its bytes in hex>
#   BL-DONE
/bin/busybox --install -s /bin 2>/dev/null
export PATH=/bin:/sbin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null

echo "BL-CMDLINE $(cat /proc/cmdline)"
echo "BL-ISOLATED $(cat /sys/devices/system/cpu/isolated)"
echo "BL-NOHZ $(cat /sys/devices/system/cpu/nohz_full 2>/dev/null)"
for f in /sys/kernel/mm/hugepages/*/nr_hugepages; do
	d=${f%/nr_hugepages}
	echo "BL-HUGEPAGES ${d##*/} $(cat "$f")"
done
status=0
/usr/bin/cmdlinegen verify > /tmp/verify 2>&1 || status=$?
sed 's/^/BL-VERIFY /' /tmp/verify
echo "BL-VERIFY-STATUS $status"
# efivarfs is a module in Debian's kernel (signed: it loads under the lockdown Secure Boot brings).
# The variable by the name efivarfs gives it (EFI_GLOBAL_VARIABLE's GUID), for the host to hand
# to cmdlinegen as it is.
if insmod "/lib/modules/$(uname -r)/kernel/fs/efivarfs/efivarfs.ko" > /tmp/efivars 2>&1 &&
	mount -t efivarfs efivarfs /sys/firmware/efi/efivars >> /tmp/efivars 2>&1; then
	for sb in /sys/firmware/efi/efivars/SecureBoot-*; do
		[ ! -e "$sb" ] || echo "BL-SECUREBOOT ${sb##*/} $(od -An -tx1 "$sb" | tr -s ' \n' '  ' | sed 's/^ //; s/ $//')"
	done
else
	echo "BL-SECUREBOOT-ERROR $(tr '\n' ' ' < /tmp/efivars)"
fi
echo "BL-DONE"
poweroff -f
