#!/bin/sh
# One case of the libvirt qemu hook, run as libvirtd runs it: the installed wrapper
# (/etc/libvirt/hooks/qemu.d/initbind, generated into the build) with DOMAIN OPERATION SUB-OPERATION
# and "-", the domain XML on standard input, on a copy of a fixture machine.
#
#   run-case.sh CASE.sh WRAPPER BIN_DIR
#
# CASE.sh is sourced with these steps, each of which adds to the transcript:
#   machine NAME                    a fresh copy of tests/fixtures/NAME (workstation-identical-gpus by default)
#   on_vfio ADDR...                 the fixture shows the functions on vfio-pci (claimed at boot, or by a
#                                   claim the kernel completed), with vfio-pci's bind/unbind and drivers_probe
#   on_host DRIVER ADDR...          the fixture shows them on a host driver again (as libvirt's reattach
#                                   or the kernel's reprobe leave them)
#   config TEXT                     etc/initbind.conf
#   record DOMAIN TEXT              the record a prepare begin of DOMAIN left (run/initbind/libvirt)
#   hook DOMAIN OP SUB-OP XML       one hook call: "$ qemu.d/initbind DOMAIN OP SUB-OP - < XML", what it
#                                   printed, "[exit N]", then every file of the machine it changed
#                                   ("changed PATH: CONTENT", "removed PATH"); no such line: nothing written
#   show PATH...                    a file's content
# CASE.expected is the transcript; "@ROOT@" stands for the machine's path. A fixture has no kernel
# behind it: a write to unbind or bind moves no driver link, and vfio-pci cannot be loaded under
# --root, so a claim from a host driver ends rolled back (tests/unit/test_libvirt_hook.c runs the
# whole cycle with a stand-in for the kernel). UPDATE_EXPECTED=1 rewrites CASE.expected (read the
# diff), SHOW=1 prints the transcript.
set -eu

case_file=$1
wrapper=$2
bin_dir=$3
tests_dir=$(cd "$(dirname "$0")/.." && pwd)
domains=$tests_dir/libvirt/domains
expected=${case_file%.sh}.expected

work=$(mktemp -d "${TMPDIR:-/tmp}/initbind-libvirt.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
root=$work/root
. "$tests_dir/fixtures/machine.sh"

machine() {
        machine_copy "${1:-workstation-identical-gpus}" "$root"
        printf '# machine %s\n' "${1:-workstation-identical-gpus}"
}

on_vfio() {
        mkdir -p "$root/sys/bus/pci/drivers/vfio-pci"
        : >"$root/sys/bus/pci/drivers/vfio-pci/bind"
        : >"$root/sys/bus/pci/drivers/vfio-pci/unbind"
        : >"$root/sys/bus/pci/drivers_probe" # the fixture has none; the kernel always does
        on_host vfio-pci "$@"
        for a in "$@"; do
                echo vfio-pci >"$root/sys/bus/pci/devices/$a/driver_override"
        done
}

on_host() {
        driver=$1
        shift
        printf '# on %s: %s\n' "$driver" "$*"
        for a in "$@"; do
                dev=$root/sys/bus/pci/devices/$a
                rm -f "$dev/driver"
                ln -s "../../../bus/pci/drivers/$driver" "$dev/driver"
                sed -i "s/^DRIVER=.*/DRIVER=$driver/" "$dev/uevent"
                [ "$driver" = vfio-pci ] || echo '(null)' >"$dev/driver_override"
        done
}

config() {
        mkdir -p "$root/etc"
        printf '%s\n' "$1" >"$root/etc/initbind.conf"
        printf '# etc/initbind.conf: %s\n' "$(printf '%s' "$1" | paste -sd ';' -)"
}

record() {
        mkdir -p "$root/run/initbind/libvirt"
        printf '%s\n' "$2" >"$root/run/initbind/libvirt/$1.record"
        printf '# record of %s: %s\n' "$1" "$(printf '%s' "$2" | paste -sd ';' -)"
}

hook() {
        printf '$ qemu.d/initbind %s %s %s - < %s\n' "$1" "$2" "$3" "$4"
        machine_snapshot "$root" >"$work/before"
        status=0
        INITBIND_LIBVIRT_HOOK=$bin_dir/initbind-libvirt-hook INITBIND_ROOT=$root \
                sh "$wrapper" "$1" "$2" "$3" - <"$domains/$4" >"$work/out" 2>"$work/err" || status=$?
        sed "s|$root|@ROOT@|g" "$work/out" "$work/err"
        printf '[exit %s]\n' "$status"
        machine_snapshot "$root" >"$work/after"
        machine_changes "$work/before" "$work/after" "$root"
}

show() {
        for path in "$@"; do
                printf '# %s: %s\n' "$path" "$(sed -n l "$root/$path" 2>/dev/null | paste -sd " " - || echo '<missing>')"
        done
}

(. "$case_file") >"$work/transcript"

transcript_check "$work/transcript" "$expected" "$(basename "$case_file" .sh)"
