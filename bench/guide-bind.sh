#!/bin/sh
# guide-bind.sh: the vfio-pci claim the way most guides write it, for comparison with initbind.
#
#   guide-bind.sh read|cat DEVICES_DIR VENDOR:DEVICE
#
# A POSIX sh loop over DEVICES_DIR (/sys/bus/pci/devices, or a fixture machine's copy) that reads
# vendor, device, class and boot_vga of every function and writes "vfio-pci" into the
# driver_override of every VGA function with the given ID that is not the boot VGA, and of the
# audio function in the same slot (".1"), as the Arch wiki's vfio-pci-override.sh does.
# "read" reads each attribute with the shell's read builtin (no process per file, the cheapest a
# shell can do); "cat" uses $(cat FILE) as most guides do (one fork and exec per attribute).
# It checks nothing else: no IOMMU group, no bridge, no driver, no verification.
set -eu
mode=$1 devices=$2 want=$3
want_vendor=0x${want%%:*}
want_device=0x${want#*:}

for dev in "$devices"/*; do
        if [ "$mode" = cat ]; then
                vendor=$(cat "$dev/vendor")
                device=$(cat "$dev/device")
                class=$(cat "$dev/class")
                boot_vga=0
                [ -e "$dev/boot_vga" ] && boot_vga=$(cat "$dev/boot_vga")
        else
                read -r vendor < "$dev/vendor"
                read -r device < "$dev/device"
                read -r class < "$dev/class"
                boot_vga=0
                [ -e "$dev/boot_vga" ] && read -r boot_vga < "$dev/boot_vga"
        fi
        if [ "$vendor" = "$want_vendor" ] && [ "$device" = "$want_device" ] &&
           [ "$class" = 0x030000 ] && [ "$boot_vga" = 0 ]; then
                echo vfio-pci > "$dev/driver_override"
                audio=${dev%.0}.1
                if [ -e "$audio/driver_override" ]; then
                        echo vfio-pci > "$audio/driver_override"
                fi
        fi
done
exit 0
