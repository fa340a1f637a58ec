#!/bin/sh
# fetch-kernel.sh: download and unpack Debian's current amd64 kernel for QEMU tests.
#
# Finds the linux-image-VER package that linux-image-amd64 depends on, downloads it
# with `apt-get download` into a cache, unpacks it with `dpkg -x` and runs depmod.
# Idempotent: a second run reuses the cache and only prints the paths.
#
# Usage: tests/e2e/fetch-kernel.sh [--install-deps] [--no-update]
#   --install-deps  apt-get install the host tools the QEMU tests need
#   --no-update     do not run `apt-get update` even when the package is unknown
# Environment: INITBIND_TEST_CACHE (default /var/cache/initbind-tests)
#              INITBIND_KVER (force a version, e.g. 6.1.0-56-amd64)
#
# Output on stdout (shell-sourceable, one KEY=VALUE per line):
#   KVER=6.1.0-56-amd64
#   KDIR=<cache>/kernel-6.1.0-56-amd64          (the dpkg -x root)
#   KERNEL=<KDIR>/boot/vmlinuz-6.1.0-56-amd64
#   KMODDIR=<KDIR>/lib/modules/6.1.0-56-amd64
#   KCONFIG=<KDIR>/boot/config-6.1.0-56-amd64
#   KSYSMAP=<KDIR>/boot/System.map-6.1.0-56-amd64
#   KDEB=<cache>/linux-image-....deb
# Diagnostics go to stderr.
set -eu

CACHE=${INITBIND_TEST_CACHE:-/var/cache/initbind-tests}
install_deps=0
do_update=1
for a in "$@"; do
    case $a in
        --install-deps) install_deps=1 ;;
        --no-update) do_update=0 ;;
        -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
        *) echo "fetch-kernel: unknown argument $a" >&2; exit 2 ;;
    esac
done

log() { echo "fetch-kernel: $*" >&2; }
# first PATH...: the first of the names a glob gave that exists (none when it matched nothing).
first() { [ -e "$1" ] && printf '%s\n' "$1"; }

if [ "$install_deps" = 1 ]; then
    need=""
    for p in qemu-system-x86 busybox-static cpio e2fsprogs kmod gcc binutils; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || need="$need $p"
    done
    if [ -n "$need" ]; then
        log "installing:$need"
        apt-get update -q >&2
        do_update=0
        # shellcheck disable=SC2086 # one word per package
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $need >&2
    fi
fi

mkdir -p "$CACHE"

# Reuse a finished unpack when the version is known (forced, or recorded by a previous run).
KVER=${INITBIND_KVER:-}
if [ -z "$KVER" ] && [ -f "$CACHE/current-kver" ]; then
    cand=$(cat "$CACHE/current-kver")
    # Only trust the record if apt still agrees (or apt cannot tell us anything).
    dep=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: linux-image-\(.*\)$/\1/p' | head -n1)
    if [ -z "$dep" ] || [ "$dep" = "$cand" ]; then KVER=$cand; fi
fi

if [ -z "$KVER" ]; then
    dep=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: linux-image-\(.*\)$/\1/p' | head -n1)
    if [ -z "$dep" ] && [ "$do_update" = 1 ]; then
        log "apt-get update"
        apt-get update -q >&2
        dep=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: linux-image-\(.*\)$/\1/p' | head -n1)
    fi
    [ -n "$dep" ] || { log "cannot find the version linux-image-amd64 depends on"; exit 1; }
    KVER=$dep
fi

KDIR=$CACHE/kernel-$KVER
if [ ! -f "$KDIR/.complete" ]; then
    pkg=linux-image-$KVER
    deb=$(first "$CACHE"/"${pkg}"_*.deb || true)
    if [ -z "$deb" ]; then
        log "downloading $pkg"
        if ! (cd "$CACHE" && apt-get download "$pkg" >&2); then
            [ "$do_update" = 1 ] || exit 1
            apt-get update -q >&2
            (cd "$CACHE" && apt-get download "$pkg" >&2)
        fi
        deb=$(first "$CACHE"/"${pkg}"_*.deb)
    fi
    log "unpacking $deb"
    rm -rf "$KDIR.tmp"
    mkdir -p "$KDIR.tmp"
    dpkg -x "$deb" "$KDIR.tmp"
    # Debian 12 keeps modules under /lib (usrmerge makes /lib a link on the host, not in the deb).
    [ -d "$KDIR.tmp/lib/modules/$KVER" ] || { log "no lib/modules/$KVER in $deb"; exit 1; }
    depmod -b "$KDIR.tmp" "$KVER"
    rm -rf "$KDIR"
    mv "$KDIR.tmp" "$KDIR"
    touch "$KDIR/.complete"
fi
echo "$KVER" > "$CACHE/current-kver"

echo "KVER=$KVER"
echo "KDIR=$KDIR"
echo "KERNEL=$KDIR/boot/vmlinuz-$KVER"
echo "KMODDIR=$KDIR/lib/modules/$KVER"
echo "KCONFIG=$KDIR/boot/config-$KVER"
echo "KSYSMAP=$KDIR/boot/System.map-$KVER"
echo "KDEB=$(first "$CACHE"/linux-image-"$KVER"_*.deb || true)"
