#!/bin/sh
# The hooks as CMake generates them (hooks/generated/, the udev rule): every @PLACEHOLDER@ filled
# in, and each hook that builds an image carries every vfio module of cmake/VfioModules.cmake. In
# their sources (SOURCE_DIR), no path that cmake/InstallLayout.cmake defines is written out.
#
#   generated.sh GENERATED_DIR "MODULE..." SOURCE_DIR [OTHER_GENERATED_FILE...]
set -eu
dir=$1
modules=$2
src=$3
shift 3
status=0

for f in $(find "$dir" -type f | sort) "$@"; do
        if grep -n '@[A-Z_]*@' "$f"; then
                echo "$f: a placeholder left unfilled"
                status=1
        fi
done

for f in initramfs-tools/hooks/initbind dracut/module-setup.sh mkinitcpio/install/initbind; do
        [ -f "$dir/$f" ] || { echo "$f: not generated"; status=1; continue; }
        for m in $modules; do
                grep -qE "(^|[ '\"])${m}([ '\"?;]|\$)" "$dir/$f" || { echo "$f: does not name $m"; status=1; }
        done
done
# Comment lines aside (they may name the usual places); run-boot is installed as it is.
for f in $(cd "$src" && find hooks dracut udev -type f ! -name '*.txt' ! -path hooks/common/run-boot | sort) \
        lib/host/boot_chain.c; do
        if grep -nE '^[^#]*(/etc/initbind\.conf|/s?bin/initbind|/libexec/initbind|initramfs-tools/hooks/initbind|modules\.d/90initbind|initcpio/install)' \
                "$src/$f" | grep -vE '^[0-9]+:\s*(#|/?\*)'; then
                echo "$f: writes out a path of cmake/InstallLayout.cmake instead of its @VARIABLE@"
                status=1
        fi
done
[ $status -eq 0 ] && echo "generated hooks: placeholders filled, every vfio module in each"
exit $status
