#!/bin/sh
# GRUB defaults files as users have them, edited by the apply library (through apply-driver), and
# read back by the real sh exactly as grub-mkconfig sources them: /etc/default/grub, then
# /etc/default/grub.d/*.cfg in glob order. For every case: the planned command line is the one sh
# computes after the write, a second apply changes nothing, and --remove brings back the original
# files byte for byte (our drop-in deleted). The base file is Debian's own /etc/default/grub from
# the grub2-common package, downloaded at test time (apt-get download; cached).
# Usage: grub-files.sh APPLY_DRIVER
# Environment: INITBIND_TEST_CACHE (default /var/cache/initbind-tests)
set -eu
driver=$1
cache=${INITBIND_TEST_CACHE:-/var/cache/initbind-tests}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Debian's default file, from the package of the release we run on.
debian_grub=
for f in "$cache"/grub2-common-*/usr/share/grub/default/grub; do
        [ -e "$f" ] && { debian_grub=$f; break; }
done
if [ -z "$debian_grub" ]; then
        mkdir -p "$cache"
        if ! (cd "$tmp" && apt-get download grub2-common >/dev/null 2>&1); then
                echo "cannot run: cannot download grub2-common (no Debian archive reachable)"
                exit 1
        fi
        for deb in "$tmp"/grub2-common_*.deb; do :; done
        ver=$(dpkg-deb -f "$deb" Version)
        dpkg-deb -x "$deb" "$cache/grub2-common-$ver"
        debian_grub=$cache/grub2-common-$ver/usr/share/grub/default/grub
fi
grep -q '^GRUB_CMDLINE_LINUX_DEFAULT="quiet"' "$debian_grub" || { echo "FAIL: unexpected $debian_grub"; exit 1; }

# The parameters every case adds, as the positional parameters: "$@" below.
set -- --add intel_iommu=on --add iommu=pt --add isolcpus=managed_irq,domain,2-7 --add vfio-pci.ids=10de:1b80,10de:10f0 \
        --add default_hugepagesz=1G --add hugepagesz=1G --add hugepages=16
failures=0
fail() { echo "FAIL [$case]: $*"; failures=$((failures + 1)); }

# What grub-mkconfig's 10_linux gives normal entries, by the real sh, words joined by one space.
effective() {
        (cd "$1" && LC_ALL=C sh -c '
                . ./etc/default/grub
                if [ -d ./etc/default/grub.d ]; then
                        for x in ./etc/default/grub.d/*.cfg; do [ -e "$x" ] && . "$x"; done
                fi
                printf "%s\n" "$GRUB_CMDLINE_LINUX $GRUB_CMDLINE_LINUX_DEFAULT"' 2>/dev/null) | xargs -r -n1 printf '%s\n' | paste -sd' '
}
normalize() { printf '%s\n' "$1" | xargs -r -n1 printf '%s\n' | paste -sd' '; }

# new_root NAME: a root with Debian's file; the case's set-up edits it.
new_root() {
        case=$1
        root=$tmp/$1
        mkdir -p "$root/etc/default"
        cp "$debian_grub" "$root/etc/default/grub"
}

# check PARAMS...: apply, compare with sh, apply again, remove, compare with the original.
check() {
        cp -a "$root" "$root.orig"
        before=$(effective "$root")
        if ! "$driver" --root "$root" --bootloader grub "$@" >"$root.plan" 2>"$root.err"; then
                fail "plan: $(cat "$root.err")"
                return
        fi
        planned=$(sed -n 's/^command line after: //p' "$root.plan")
        diff -r "$root" "$root.orig" >/dev/null || fail "the dry run wrote something"
        "$driver" --root "$root" --bootloader grub "$@" --execute --stamp T1 >/dev/null 2>"$root.err" ||
                { fail "execute: $(cat "$root.err")"; return; }
        after=$(effective "$root")
        [ "$after" = "$(normalize "$planned")" ] || fail "sh reads '$after', the plan said '$planned'"
        for p in "$@"; do
                [ "$p" = --add ] && continue
                case " $after " in *" $p "*) ;; *) fail "$p missing from '$after'" ;; esac
        done
        "$driver" --root "$root" --bootloader grub "$@" >"$root.plan2" 2>&1 || fail "second plan: $(cat "$root.plan2")"
        grep -q '^nothing to change' "$root.plan2" || fail "second apply would change: $(cat "$root.plan2")"
        "$driver" --root "$root" --bootloader grub --remove --execute --stamp T2 >/dev/null 2>"$root.err" ||
                { fail "remove: $(cat "$root.err")"; return; }
        find "$root" -name '*.bak' -delete
        [ -z "$(ls -A "$root/var/lib/initbind" 2>/dev/null)" ] && rm -rf "${root:?}/var"
        if [ -n "${expect_restored-1}" ]; then
                diff -ru "$root.orig" "$root" >"$root.diff" || fail "remove did not restore the files: $(cat "$root.diff")"
        fi
        [ "$(effective "$root")" = "$before" ] || [ -z "${expect_restored-1}" ] || fail "after remove sh reads '$(effective "$root")'"
}

# Debian as shipped: grub-mkconfig reads grub.d, so a drop-in of ours.
new_root debian-dropin
mkdir -p "$root/etc/default/grub.d"
check "$@"
[ -e "$root/etc/default/grub.d/zz-initbind.cfg" ] && fail "drop-in left after remove"

# No grub.d: /etc/default/grub edited in place, the lsb_release line and the comments kept.
new_root debian-in-place
check "$@"

new_root single-quotes
sed -i "s/^GRUB_CMDLINE_LINUX_DEFAULT=.*/GRUB_CMDLINE_LINUX_DEFAULT='quiet splash'/" "$root/etc/default/grub"
check "$@"

new_root unquoted
sed -i 's/^GRUB_CMDLINE_LINUX_DEFAULT=.*/GRUB_CMDLINE_LINUX_DEFAULT=quiet/' "$root/etc/default/grub"
expect_restored='' check "$@"   # the word gets quotes to hold a space: same value, not the same bytes
expect_restored=

new_root continued-lines
sed -i 's/^GRUB_CMDLINE_LINUX_DEFAULT=.*/GRUB_CMDLINE_LINUX_DEFAULT="quiet \\\n    splash \\\n    loglevel=3"/' "$root/etc/default/grub"
check "$@"

new_root references
cat >>"$root/etc/default/grub" <<'X'
COMMON="mitigations=auto"
export GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT ${COMMON} splash"
X
check "$@"

new_root duplicates
sed -i 's/^GRUB_CMDLINE_LINUX_DEFAULT=.*/GRUB_CMDLINE_LINUX_DEFAULT="quiet iommu=soft intel_iommu=on iommu=pt iommu=soft"/' \
        "$root/etc/default/grub"
expect_restored='' check "$@"   # the duplicates are gone for good: nothing of ours to take back
expect_restored=

new_root conflicts-in-linux
sed -i 's/^GRUB_CMDLINE_LINUX=.*/GRUB_CMDLINE_LINUX="isolcpus=1 hugepagesz=2M hugepages=100 console=ttyS0"/' \
        "$root/etc/default/grub"
expect_restored='' check "$@"   # replaced values are edited where they are written, put back at the end
expect_restored=
grep -q '^GRUB_CMDLINE_LINUX="console=ttyS0"$' "$root/etc/default/grub" || fail "GRUB_CMDLINE_LINUX: $(grep ^GRUB_CMDLINE_LINUX= "$root/etc/default/grub")"
[ "$(effective "$root")" = "console=ttyS0 quiet isolcpus=1 hugepagesz=2M hugepages=100" ] || fail "after remove: $(effective "$root")"

new_root existing-dropins
mkdir -p "$root/etc/default/grub.d"
printf 'GRUB_CMDLINE_LINUX_DEFAULT="console=tty1 console=ttyS0"\n' >"$root/etc/default/grub.d/50-cloudimg-settings.cfg"
printf 'GRUB_TIMEOUT=0\n' >"$root/etc/default/grub.d/init-select.cfg"
check "$@"

# A drop-in after ours that sets the value outright: refused, nothing written.
new_root later-override
mkdir -p "$root/etc/default/grub.d"
printf 'GRUB_CMDLINE_LINUX_DEFAULT="quiet"\n' >"$root/etc/default/grub.d/zzz-local.cfg"
cp -a "$root" "$root.orig"
if "$driver" --root "$root" --bootloader grub "$@" --execute >"$root.out" 2>&1; then
        fail "a later override was not refused"
fi
grep -q 'zzz-local.cfg:1:1 sets GRUB_CMDLINE_LINUX_DEFAULT after\|would still give' "$root.out" ||
        fail "message: $(cat "$root.out")"
diff -r "$root" "$root.orig" >/dev/null || fail "files written although refused"

# Values that cannot be known without running commands: refused with file:line:column.
new_root command-substitution
# shellcheck disable=SC2016 # the $(...) is the text put into the file, not to be expanded here
sed -i 's/^GRUB_CMDLINE_LINUX_DEFAULT=.*/GRUB_CMDLINE_LINUX_DEFAULT="quiet $(cat \/etc\/extra)"/' "$root/etc/default/grub"
if "$driver" --root "$root" --bootloader grub "$@" >"$root.out" 2>&1; then fail "not refused"; fi
grep -q '/etc/default/grub:9:35: the value comes from a command substitution' "$root.out" || fail "message: $(cat "$root.out")"

new_root unterminated
sed -i 's/^GRUB_CMDLINE_LINUX_DEFAULT=.*/GRUB_CMDLINE_LINUX_DEFAULT="quiet/' "$root/etc/default/grub"
if "$driver" --root "$root" --bootloader grub "$@" >"$root.out" 2>&1; then fail "not refused"; fi
grep -q '/etc/default/grub:[0-9]*:[0-9]*: unterminated double quote' "$root.out" || fail "message: $(cat "$root.out")"

new_root conditional
printf 'if [ -e /etc/vfio ]; then\n  GRUB_CMDLINE_LINUX_DEFAULT="quiet vfio"\nfi\n' >>"$root/etc/default/grub"
if "$driver" --root "$root" --bootloader grub "$@" >"$root.out" 2>&1; then fail "not refused"; fi
grep -q 'grub:[0-9]*:3: GRUB_CMDLINE_LINUX_DEFAULT is assigned inside if' "$root.out" || fail "message: $(cat "$root.out")"

# Taking out a no-op the user had (amd_iommu=on does not exist in the kernel).
new_root take-out
sed -i 's/^GRUB_CMDLINE_LINUX_DEFAULT=.*/GRUB_CMDLINE_LINUX_DEFAULT="amd_iommu=on quiet"/' "$root/etc/default/grub"
"$driver" --root "$root" --bootloader grub --take-out amd_iommu=on --add iommu=pt --execute >/dev/null 2>&1 || fail "take-out"
grep -q '^GRUB_CMDLINE_LINUX_DEFAULT="quiet iommu=pt"$' "$root/etc/default/grub" || fail "$(grep ^GRUB_CMDLINE_LINUX_DEFAULT "$root/etc/default/grub")"

if [ "$failures" -gt 0 ]; then
        echo "$failures failures"
        exit 1
fi
echo "PASS"
