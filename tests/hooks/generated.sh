#!/bin/sh
# The hooks as CMake generates them (hooks/generated/): every @PLACEHOLDER@ filled in, and each
# hook that builds an image carries every vfio module of cmake/VfioModules.cmake.
#
#   generated.sh GENERATED_DIR "MODULE..."
set -eu
dir=$1
modules=$2
status=0

for f in $(find "$dir" -type f | sort); do
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
[ $status -eq 0 ] && echo "generated hooks: placeholders filled, every vfio module in each"
exit $status
