#!/bin/sh
# Make a unified kernel image the way systemd documented before ukify: objcopy adds the sections
# onto systemd-stub (linuxx64.efi.stub from Debian's systemd-boot-efi) at addresses past the
# stub's own. The "kernel" is a stand-in blob: the cases read the image, they do not boot it.
#   make-uki.sh OUT CMDLINE|- [UNAME [STUB_VERSION]]   ("-": no .cmdline section, "" no .uname)
# STUB_VERSION: the systemd-stub version the stub's .sdmagic names instead of the installed
# package's (whether it reads addons depends on it; an expected output must not depend on the host).
set -eu
out=$1 cmdline=$2 uname=${3:-} stub_version=${4:-}
stub=/usr/lib/systemd/boot/efi/linuxx64.efi.stub
[ -r "$stub" ] || { echo "make-uki.sh: $stub missing (systemd-boot-efi)" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/initbind-uki.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
printf 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n' >"$tmp/osrel"
printf 'MZ stand-in kernel\n' >"$tmp/linux"
set -- --add-section .osrel="$tmp/osrel" --change-section-vma .osrel=0x20000
if [ "$cmdline" != - ]; then
        printf '%s' "$cmdline" >"$tmp/cmdline"
        set -- "$@" --add-section .cmdline="$tmp/cmdline" --change-section-vma .cmdline=0x30000
fi
if [ -n "$uname" ]; then
        printf '%s' "$uname" >"$tmp/uname"
        set -- "$@" --add-section .uname="$tmp/uname" --change-section-vma .uname=0x40000
fi
if [ -n "$stub_version" ]; then
        # no longer than the stub's own section (52 bytes): objcopy pads it with NULs
        printf '#### LoaderInfo: systemd-stub %s ####' "$stub_version" >"$tmp/sdmagic"
        set -- "$@" --update-section .sdmagic="$tmp/sdmagic"
fi
objcopy "$@" --add-section .linux="$tmp/linux" --change-section-vma .linux=0x2000000 "$stub" "$out"
