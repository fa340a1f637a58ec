#!/bin/sh
# The real grub-mkconfig (grub-common) regenerating from files the apply library wrote, and
# apply_execute()'s regeneration, read-back and rollback run for real: in a private mount namespace
# the test's /etc/default, an empty /boot holding a kernel image, and a private /var/lib stand in
# for the host's, so "--root /" can be used without touching the machine.
# Checks: the first (default) entry carries the parameters and the recovery entry does not; a
# failing grub-mkconfig (a broken /etc/grub.d script) restores every file.
# Usage: grub-mkconfig.sh APPLY_DRIVER
set -eu
driver=$(realpath "$1")

[ "$(id -u)" = 0 ] || { echo "cannot run: needs root for a mount namespace"; exit 1; }
command -v grub-mkconfig >/dev/null || { echo "cannot run: grub-mkconfig (grub-common) not installed"; exit 1; }
unshare -m true 2>/dev/null || { echo "cannot run: cannot create a mount namespace"; exit 1; }

# on the root file system: grub-probe must find a device for / and /boot (a tmpfs has none)
tmp=$(mktemp -d /var/tmp/initbind-grub-mkconfig.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/default/grub.d" "$tmp/boot" "$tmp/varlib"
cat >"$tmp/default/grub" <<'X'
GRUB_DEFAULT=0
GRUB_TIMEOUT=5
GRUB_DISTRIBUTOR=`lsb_release -i -s 2> /dev/null || echo Debian`
GRUB_CMDLINE_LINUX_DEFAULT="quiet"
GRUB_CMDLINE_LINUX=""
GRUB_DISABLE_OS_PROBER=true
X
cp -a "$tmp/default" "$tmp/default.orig"

# Inside the namespace: our files over the host's, then run what is given.
in_namespace() {
        # shellcheck disable=SC2016 # the script is expanded by the inner sh, in the namespace
        unshare -m sh -eu -c '
                tmp=$1; shift
                mount --make-rprivate /
                mount --bind "$tmp/default" /etc/default
                mount --bind "$tmp/boot" /boot
                mkdir -p /boot/grub
                printf "MZ not a kernel\n" >/boot/vmlinuz-6.1.0-18-amd64
                mount --bind "$tmp/varlib" /var/lib
                [ -z "${GRUB_D:-}" ] || mount --bind "$GRUB_D" /etc/grub.d
                "$@"
                cp /boot/grub/grub.cfg "$tmp/grub.cfg" 2>/dev/null || true' sh "$tmp" "$@"
}

fail() { echo "FAIL: $*"; exit 1; }

in_namespace "$driver" --root / --bootloader grub --add intel_iommu=on --add iommu=pt --add default_hugepagesz=1G \
        --add hugepagesz=1G --add hugepages=4 --execute --regenerate >"$tmp/out" 2>&1 ||
        fail "apply with regeneration: $(cat "$tmp/out")"
[ -e "$tmp/default/grub.d/zz-initbind.cfg" ] || fail "no drop-in written: $(cat "$tmp/out")"
first=$(grep -m1 '^[[:space:]]*linux[[:space:]]' "$tmp/grub.cfg")
recovery=$(grep 'linux.*single' "$tmp/grub.cfg" | head -n1)
for p in intel_iommu=on iommu=pt default_hugepagesz=1G hugepagesz=1G hugepages=4 quiet; do
        case " $first " in *" $p "*) ;; *) fail "default entry lacks $p: $first" ;; esac
done
case "$recovery" in *intel_iommu*) fail "the recovery entry got the parameters: $recovery" ;; "") fail "no recovery entry" ;; esac

# grub-mkconfig fails: every file goes back, the error is reported.
mkdir -p "$tmp/grub.d"
cp /etc/grub.d/00_header /etc/grub.d/10_linux "$tmp/grub.d/"
printf '#!/bin/sh\necho "broken script" >&2\nexit 1\n' >"$tmp/grub.d/15_broken"
chmod +x "$tmp/grub.d/15_broken"
cp -a "$tmp/default" "$tmp/default.applied"
if GRUB_D=$tmp/grub.d in_namespace "$driver" --root / --bootloader grub --add vfio-pci.ids=10de:1b80 --execute --regenerate \
        >"$tmp/out" 2>&1; then
        fail "a failing grub-mkconfig was not reported"
fi
grep -q 'grub-mkconfig failed' "$tmp/out" || fail "message: $(cat "$tmp/out")"
diff -r -x '*.bak' "$tmp/default.applied" "$tmp/default" || fail "files not restored after the failed regeneration"

# --remove, regenerated: the entry is back to what it was.
in_namespace "$driver" --root / --bootloader grub --remove --execute --regenerate >"$tmp/out" 2>&1 ||
        fail "remove: $(cat "$tmp/out")"
first=$(grep -m1 '^[[:space:]]*linux[[:space:]]' "$tmp/grub.cfg")
case "$first" in *intel_iommu*|*hugepages*) fail "after remove: $first" ;; esac
diff -r -x '*.bak' "$tmp/default.orig" "$tmp/default" || fail "remove did not restore /etc/default"
echo "PASS"
