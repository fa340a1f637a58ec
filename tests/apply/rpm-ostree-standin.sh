#!/bin/sh
# apply_execute() running "rpm-ostree kargs" for real, against the stand-in tests/stand-ins/rpm-ostree
# (rpm-ostree is not packaged in Debian 12; the stand-in follows rpm-ostree(1), see its header): in
# a private mount namespace the test's /boot, /run and /var/lib stand in for the host's.
# Checks: the staged deployment gets exactly the planned arguments and /boot/loader/entries is not
# touched; while a deployment is staged a plan is refused; after its boot (the test writes its
# entry, as ostree-finalize-staged would) --remove stages a deployment with the original arguments.
# Usage: rpm-ostree-standin.sh APPLY_DRIVER
set -eu
driver=$(realpath "$1")
standins=$(cd "$(dirname "$0")/../stand-ins" && pwd)

# shellcheck source=tests/apply/private-mounts.sh
. "$(dirname "$0")/private-mounts.sh"
need_namespace

tmp=$(mktemp -d "${TMPDIR:-/tmp}/initbind-ostree.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
mkdir -p "$tmp/boot/loader/entries" "$tmp/run" "$tmp/varlib"
: >"$tmp/run/ostree-booted"
opts='rhgb quiet root=UUID=0b1c2d3e-0000-4000-8000-000000000001 rootflags=subvol=root rw'
entry() { # entry N OPTIONS
        printf 'title Fedora Linux 40 (Silverblue) (ostree:%s)\nversion %s\nlinux /ostree/fedora-4f3c/vmlinuz-6.9.4-200.fc40.x86_64\ninitrd /ostree/fedora-4f3c/initramfs-6.9.4-200.fc40.x86_64.img\noptions %s ostree=/ostree/boot.1/fedora/4f3c/%s\n' \
                "$1" "$1" "$2" "$1" >"$tmp/boot/loader/entries/ostree-$1-fedora.conf"
}
entry 1 "$opts"
entry 2 "$opts"
cp -a "$tmp/boot" "$tmp/boot.orig"

fail() { echo "FAIL: $*"; exit 1; }
run() { PATH=$standins:$PATH in_namespace "$tmp" "boot:/boot run:/run varlib:/var/lib" "$driver" --root / --bootloader rpm-ostree "$@"; }
words() { tr ' ' '\n' | sed '/^$/d' | sort; }

run --add iommu=pt --add hugepagesz=1G --add hugepages=4 --execute --regenerate >"$tmp/out" 2>&1 ||
        fail "apply: $(cat "$tmp/out")"
grep -q '^then run: rpm-ostree kargs --append-if-missing=iommu=pt --append-if-missing=hugepagesz=1G --append-if-missing=hugepages=4$' \
        "$tmp/out" || fail "another command: $(cat "$tmp/out")"
sed -n 's/^command line after: //p' "$tmp/out" | words >"$tmp/want"
words <"$tmp/run/ostree/staged-deployment" | diff -u "$tmp/want" - || fail "the staged deployment has other arguments"
diff -r "$tmp/boot.orig" "$tmp/boot" || fail "/boot/loader/entries was changed"
grep -q '^rpm-ostree iommu=pt$' "$tmp/varlib/initbind/cmdline-added" || fail "no record"

if run --remove --execute --regenerate >"$tmp/out" 2>&1; then fail "a staged deployment was not refused"; fi
grep -q 'a deployment is staged (/run/ostree/staged-deployment)' "$tmp/out" || fail "message: $(cat "$tmp/out")"

# the staged deployment boots: its entry is written, as ostree-finalize-staged does at shutdown
entry 3 "$(sed 's| ostree=[^ ]*||' "$tmp/run/ostree/staged-deployment")"
rm "$tmp/run/ostree/staged-deployment"
run --remove --execute --regenerate >"$tmp/out" 2>&1 || fail "remove: $(cat "$tmp/out")"
printf '%s ostree=/ostree/boot.1/fedora/4f3c/3\n' "$opts" | words >"$tmp/want"
words <"$tmp/run/ostree/staged-deployment" | diff -u "$tmp/want" - || fail "--remove staged other arguments"
[ ! -e "$tmp/varlib/initbind/cmdline-added" ] || fail "the record is left"
echo "PASS"
