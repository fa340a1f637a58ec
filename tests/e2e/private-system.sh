#!/bin/sh
# private-system.sh: run a command (an initramfs generator) as if initbind were installed and an
# unpacked kernel were the installed one, without touching the host's /usr, /etc or /boot.
#
# Usage: tests/e2e/private-system.sh KDIR KVER STAGE COMMAND [ARG...]
#   KDIR     the dpkg -x root of the kernel package (tests/e2e/fetch-kernel.sh prints it)
#   KVER     its version (KDIR/lib/modules/KVER must exist, depmod already run)
#   STAGE    a DESTDIR that `cmake --install` filled: STAGE/usr appears merged into /usr
#
# Generators hard-code /lib/modules/$version, /boot/config-$version and their own hook
# directories below /usr. COMMAND runs in a private mount namespace (unshare -m, root only)
# where /usr is an overlay: STAGE/usr above the host's /usr, with a scratch upper layer for
# what the command (or the caller, through it) creates there, KDIR/lib/modules/KVER bind-mounted
# at /usr/lib/modules/KVER and KDIR/boot bind-mounted on /boot; /etc is an overlay of the host's
# with its own scratch upper layer. Everything disappears when COMMAND exits; the host's /usr,
# /etc and /boot are never written.
set -eu

[ $# -ge 4 ] || { sed -n '2,8p' "$0" >&2; exit 2; }
KDIR=$(realpath "$1"); KVER=$2; STAGE=$(realpath "$3")
shift 3
KMODDIR=$KDIR/lib/modules/$KVER
[ -f "$KMODDIR/modules.dep" ] || { echo "private-system: no $KMODDIR/modules.dep (run depmod)" >&2; exit 1; }
[ -f "$KDIR/boot/config-$KVER" ] || { echo "private-system: no $KDIR/boot/config-$KVER" >&2; exit 1; }
[ -d "$STAGE/usr" ] || { echo "private-system: no $STAGE/usr (cmake --install with DESTDIR=$STAGE)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "private-system: must run as root" >&2; exit 1; }

scratch=$(mktemp -d "${TMPDIR:-/tmp}/private-system.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/upper" "$scratch/work" "$scratch/etc-upper" "$scratch/etc-work"

# Everything below runs in the new mount namespace; the mounts vanish with it.
# shellcheck disable=SC2016
unshare --mount --propagation private sh -eu -c '
	scratch=$1 KDIR=$2 KVER=$3 STAGE=$4
	shift 4
	mount -t overlay initbind-e2e -o "lowerdir=$STAGE/usr:/usr,upperdir=$scratch/upper,workdir=$scratch/work" /usr
	# /etc too: the image builds write /etc/initbind.conf (and generators may write their own
	# state); none of it may reach the host.
	mount -t overlay initbind-e2e-etc -o "lowerdir=/etc,upperdir=$scratch/etc-upper,workdir=$scratch/etc-work" /etc
	mkdir -p "/usr/lib/modules/$KVER"
	mount --bind "$KDIR/lib/modules/$KVER" "/usr/lib/modules/$KVER"
	mount --bind "$KDIR/boot" /boot
	exec "$@"
' private-system "$scratch" "$KDIR" "$KVER" "$STAGE" "$@"
