#!/bin/sh
# mkinitramfs-private.sh: run Debian's real mkinitramfs for an unpacked kernel that is not
# installed, without touching the host's /lib/modules or /boot.
#
# Usage: tests/e2e/mkinitramfs-private.sh KDIR KVER CONFDIR OUTPUT [MKINITRAMFS-ARGS...]
#   KDIR     the dpkg -x root of the kernel package (tests/e2e/fetch-kernel.sh prints it)
#   KVER     its version (KDIR/lib/modules/KVER must exist, depmod already run)
#   CONFDIR  an initramfs-tools configuration directory (initramfs.conf, modules, conf.d,
#            hooks/, scripts/), passed as mkinitramfs -d
#   OUTPUT   the image to write
#
# mkinitramfs and hook-functions hard-code /lib/modules/$version and /boot/config-$version.
# This script gives them both in a private mount namespace (unshare -m, root only): an
# overlay over /usr/lib whose upper layer is a scratch directory, with KDIR/lib/modules/KVER
# bind-mounted at /usr/lib/modules/KVER, and KDIR/boot bind-mounted on /boot. Everything
# disappears when mkinitramfs exits; the host's /usr/lib and /boot are never written.
#
# Where mount namespaces or overlayfs are not available, E2E_SYSTEM_MODULES=1 makes it fall
# back to symlinks /lib/modules/KVER -> KDIR/lib/modules/KVER and /boot/config-KVER ->
# KDIR/boot/config-KVER on the real system (created once, left in place, idempotent).
set -eu

[ $# -ge 4 ] || { sed -n '2,8p' "$0" >&2; exit 2; }
KDIR=$(realpath "$1"); KVER=$2; CONFDIR=$(realpath "$3"); OUTPUT=$(realpath -m "$4")
shift 4
KMODDIR=$KDIR/lib/modules/$KVER
[ -f "$KMODDIR/modules.dep" ] || { echo "mkinitramfs-private: no $KMODDIR/modules.dep (run depmod)" >&2; exit 1; }
[ -f "$KDIR/boot/config-$KVER" ] || { echo "mkinitramfs-private: no $KDIR/boot/config-$KVER" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "mkinitramfs-private: must run as root" >&2; exit 1; }

if [ "${E2E_SYSTEM_MODULES:-0}" = 1 ]; then
	# Fallback: visible, persistent links on the host (idempotent).
	mkdir -p /lib/modules
	if [ ! -e "/lib/modules/$KVER" ]; then
		ln -s "$KMODDIR" "/lib/modules/$KVER"
	elif [ "$(realpath "/lib/modules/$KVER")" != "$KMODDIR" ]; then
		echo "mkinitramfs-private: /lib/modules/$KVER exists and is not $KMODDIR; not touching it" >&2
		exit 1
	fi
	[ -e "/boot/config-$KVER" ] || ln -s "$KDIR/boot/config-$KVER" "/boot/config-$KVER"
	exec mkinitramfs -d "$CONFDIR" -o "$OUTPUT" "$@" "$KVER"
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/mkinitramfs-private.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/upper" "$scratch/work"

# Everything below runs in the new mount namespace; the mounts vanish with it.
# shellcheck disable=SC2016
unshare --mount --propagation private sh -eu -c '
	scratch=$1 KDIR=$2 KVER=$3 CONFDIR=$4 OUTPUT=$5
	shift 5
	mount -t overlay initbind-e2e -o "lowerdir=/usr/lib,upperdir=$scratch/upper,workdir=$scratch/work" /usr/lib
	mkdir -p "/usr/lib/modules/$KVER"
	mount --bind "$KDIR/lib/modules/$KVER" "/usr/lib/modules/$KVER"
	mount --bind "$KDIR/boot" /boot
	exec mkinitramfs -d "$CONFDIR" -o "$OUTPUT" "$@" "$KVER"
' mkinitramfs-private "$scratch" "$KDIR" "$KVER" "$CONFDIR" "$OUTPUT" "$@"
