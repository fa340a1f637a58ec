#!/bin/sh
# apply_execute() running grubby for real, against the stand-in tests/stand-ins/grubby (grubby is
# not packaged in Debian 12; the stand-in follows grubby-bls, see its header): in a private mount
# namespace the test's /boot (BLS entries), /etc/kernel and /var/lib stand in for the host's, so
# "--root /" runs the command without touching the machine.
# Checks: grubby writes each entry exactly as the dry run showed it; /etc/kernel/cmdline gets the
# same change; --remove gives every file back byte for byte; entries that disagree on a parameter
# are refused with nothing written; a grubby that cannot run leaves every file as it was.
# Usage: grubby-standin.sh APPLY_DRIVER
set -eu
driver=$(realpath "$1")
standins=$(cd "$(dirname "$0")/../stand-ins" && pwd)

# shellcheck source=tests/apply/private-mounts.sh
. "$(dirname "$0")/private-mounts.sh"
need_namespace

tmp=$(mktemp -d "${TMPDIR:-/tmp}/initbind-grubby.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
mkdir -p "$tmp/boot/loader/entries" "$tmp/kernel" "$tmp/varlib"
entry() { # entry ID VERSION OPTIONS
        # shellcheck disable=SC2016 # "$grub_users" is a literal of the entry, expanded by GRUB
        printf 'title Fedora Linux (%s) 40 (Workstation Edition)\nversion %s\nlinux /vmlinuz-%s\ninitrd /initramfs-%s.img\noptions %s\ngrub_users $grub_users\ngrub_arg --unrestricted\ngrub_class fedora\n' \
                "$2" "$2" "$2" "$2" "$3" >"$tmp/boot/loader/entries/$1.conf"
}
opts='root=UUID=0b1c2d3e-0000-4000-8000-000000000001 ro rootflags=subvol=root rhgb quiet'
entry 6a9f-6.8.5-301.fc40.x86_64 6.8.5-301.fc40.x86_64 "$opts"
entry 6a9f-6.9.4-200.fc40.x86_64 6.9.4-200.fc40.x86_64 "$opts"
entry 6a9f-0-rescue 0-rescue-6a9f "$opts"
printf '%s\n' "$opts" >"$tmp/kernel/cmdline"
cp -a "$tmp/boot" "$tmp/boot.orig"
cp -a "$tmp/kernel" "$tmp/kernel.orig"

fail() { echo "FAIL: $*"; exit 1; }
binds="boot:/boot kernel:/etc/kernel varlib:/var/lib"
run() { PATH=$standins:$PATH in_namespace "$tmp" "$binds" "$driver" --root / --bootloader grubby "$@"; }

add='--add intel_iommu=on --add iommu=pt --add default_hugepagesz=1G --add hugepagesz=1G --add hugepages=4'
# shellcheck disable=SC2086 # the parameters, one word each
run $add >"$tmp/dry" 2>&1 || fail "dry run: $(cat "$tmp/dry")"
grep -q '^then run: grubby --update-kernel=ALL --args=intel_iommu=on iommu=pt default_hugepagesz=1G hugepagesz=1G hugepages=4 --no-etc-grub-update$' \
        "$tmp/dry" || fail "dry run shows another command: $(cat "$tmp/dry")"
# shellcheck disable=SC2086
run $add --execute --regenerate >"$tmp/out" 2>&1 || fail "apply: $(cat "$tmp/out")"
want="options $opts intel_iommu=on iommu=pt default_hugepagesz=1G hugepagesz=1G hugepages=4"
for f in "$tmp"/boot/loader/entries/*.conf; do
        grep -qx "$want" "$f" || fail "$f is not as planned: $(grep '^options' "$f")"
        # the dry run's "+options" line is what grubby wrote
        grep -qx "+$want" "$tmp/dry" || fail "the dry run did not show $want"
done
grep -qx "${want#options }" "$tmp/kernel/cmdline" || fail "/etc/kernel/cmdline: $(cat "$tmp/kernel/cmdline")"
# what grubby --info reports now (the stand-in's --info, as grubby-bls prints it)
PATH=$standins:$PATH in_namespace "$tmp" "$binds" grubby --info=/vmlinuz-6.9.4-200.fc40.x86_64 >"$tmp/info"
grep -qx "args=\"ro rootflags=subvol=root rhgb quiet intel_iommu=on iommu=pt default_hugepagesz=1G hugepagesz=1G hugepages=4\"" \
        "$tmp/info" || fail "grubby --info: $(cat "$tmp/info")"
grep -qx 'root="UUID=0b1c2d3e-0000-4000-8000-000000000001"' "$tmp/info" || fail "grubby --info root: $(cat "$tmp/info")"
grep -q '^grubby intel_iommu=on$' "$tmp/varlib/initbind/cmdline-added" || fail "no record: $(cat "$tmp/varlib/initbind/cmdline-added")"

# a second apply has nothing to do
# shellcheck disable=SC2086
run $add --execute --regenerate >"$tmp/out" 2>&1 || fail "second apply: $(cat "$tmp/out")"
grep -q 'nothing to change' "$tmp/out" || fail "second apply planned changes: $(cat "$tmp/out")"

run --remove --execute --regenerate >"$tmp/out" 2>&1 || fail "remove: $(cat "$tmp/out")"
diff -r -x '*.bak' "$tmp/boot.orig" "$tmp/boot" || fail "--remove did not give the entries back"
diff -r -x '*.bak' "$tmp/kernel.orig" "$tmp/kernel" || fail "--remove did not give /etc/kernel/cmdline back"
[ ! -e "$tmp/varlib/initbind/cmdline-added" ] || fail "the record is left: $(cat "$tmp/varlib/initbind/cmdline-added")"

# entries that disagree on iommu: refused, nothing written
sed -i 's/^options .*/& iommu=on/' "$tmp/boot/loader/entries/6a9f-0-rescue.conf"
cp -a "$tmp/boot" "$tmp/boot.disagree"
if run --add iommu=pt --execute --regenerate >"$tmp/out" 2>&1; then fail "disagreeing entries were not refused"; fi
grep -q "6a9f-0-rescue.conf has 'iommu=on' where the default entry .* has ''" "$tmp/out" || fail "message: $(cat "$tmp/out")"
diff -r "$tmp/boot.disagree" "$tmp/boot" || fail "the refused apply changed the entries"
cp -a "$tmp/boot.orig/." "$tmp/boot/"

# grubby cannot be run: every file stays as it was
if PATH=/usr/bin:/bin in_namespace "$tmp" "$binds" "$driver" --root / --bootloader grubby --add iommu=pt --execute --regenerate \
        >"$tmp/out" 2>&1; then
        fail "a missing grubby was not reported"
fi
grep -q 'grubby could not be run' "$tmp/out" || fail "message: $(cat "$tmp/out")"
diff -r -x '*.bak' "$tmp/boot.orig" "$tmp/boot" || fail "entries changed although grubby did not run"
diff -r -x '*.bak' "$tmp/kernel.orig" "$tmp/kernel" || fail "/etc/kernel/cmdline not restored"
echo "PASS"
