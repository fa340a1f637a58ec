#!/bin/sh
# One command from a fresh Debian 12 to built programs: packages, the static libkmod the
# initramfs binary links, initbind (both builds) and cmdlinegen, then `cmdlinegen` on this
# machine: read-only, it proposes and checks the kernel parameters for passthrough here.
#
#   tools/setup.sh [--install [--prefix DIR]]
#   --install  then install it (as root): the programs below DIR (default /usr/local), the hooks
#              where initramfs-tools, dracut, mkinitcpio, udev and libvirt look whatever DIR is
#              (cmake/InstallLayout.cmake), and rebuild the initramfs images so the next boot
#              runs initbind; cmdlinegen then runs the installed program.
set -eu
cd "$(dirname "$0")/.."
install=0 prefix=/usr/local
while [ $# -gt 0 ]; do
	case $1 in
	--install) install=1 ;;
	--prefix) prefix=${2:?setup.sh: --prefix needs a directory}; shift ;;
	*) echo "setup.sh: unknown argument '$1' (--install [--prefix DIR])" >&2; exit 2 ;;
	esac
	shift
done

tools/install-deps.sh
tools/build-static-kmod.sh build >/dev/null
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DINITBIND_STATIC=ON -DCMAKE_INSTALL_PREFIX="$prefix" >/dev/null
cmake --build build -j"$(nproc)"
cmdlinegen=build/bin/cmdlinegen
if [ "$install" = 1 ]; then
	cmake --install build
	cmdlinegen=$prefix/bin/cmdlinegen
	# The hooks take effect in the next image: rebuild with the system's generator.
	if command -v update-initramfs >/dev/null && [ -e /etc/initramfs-tools/initramfs.conf ]; then
		update-initramfs -u -k all
	elif command -v dracut >/dev/null; then
		dracut -f --regenerate-all
	elif command -v mkinitcpio >/dev/null; then
		echo "setup.sh: add 'initbind' to HOOKS in /etc/mkinitcpio.conf, before 'udev' (busybox init) or after 'systemd' (systemd init), then run mkinitcpio -P"
	fi
fi
echo
# cmdlinegen exits 1 when it finds problems with the machine (no IOMMU, no /dev/kvm, ...):
# that is its report, not a failed set-up.
"$cmdlinegen" || [ $? -eq 1 ]
