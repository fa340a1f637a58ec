#!/bin/sh
# systemd-boot with the real kernel-install (systemd package): entries written by kernel-install
# into a temporary ESP folder get the parameters; /etc/kernel/cmdline is created from the default
# entry's options (not /proc/cmdline); a kernel installed afterwards gets them from it; a second
# apply changes nothing; --remove takes back exactly what was added; entries of kernels that are
# not installed, and unified kernel images, are left alone (the UKI is reported).
# Usage: sdboot-kernel-install.sh APPLY_DRIVER
set -eu
driver=$1
command -v kernel-install >/dev/null || { echo "cannot run: kernel-install (systemd) not installed"; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
esp=$root/efi
mid=0123456789abcdef0123456789abcdef
mkdir -p "$esp/loader/entries" "$esp/EFI/Linux" "$root/etc/kernel" "$root/usr/lib/modules/6.1.0-18-amd64" \
        "$root/usr/lib/modules/6.1.0-21-amd64"
printf 'layout=bls\n' >"$root/etc/kernel/install.conf"
echo "$mid" >"$root/etc/kernel/entry-token"
printf 'MZ fake kernel\n' >"$tmp/vmlinuz"
sh "$(dirname "$0")/../cli/make-uki.sh" "$esp/EFI/Linux/other-6.5.efi" 'root=UUID=2 ro' # objcopy on systemd-stub
# an entry of another system: must stay as it is
printf 'title Memtest86+\nlinux /memtest.efi\noptions console=ttyS0\n' >"$esp/loader/entries/memtest.conf"

install_kernel() { # VERSION, with CMDLINE_FILE as kernel-install's /etc/kernel/cmdline
        BOOT_ROOT=$esp KERNEL_INSTALL_CONF_ROOT=$1 MACHINE_ID=$mid \
                KERNEL_INSTALL_PLUGINS=/usr/lib/kernel/install.d/90-loaderentry.install \
                kernel-install add "$2" "$tmp/vmlinuz" >/dev/null
}

fail() { echo "FAIL: $*"; exit 1; }
options_of() { sed -n 's/^options[[:space:]]*//p' "$esp/loader/entries/$mid-$1.conf"; }

# The first kernel, installed with a command line of its own (a separate conf root), as an installer does.
mkdir -p "$tmp/install-conf"
printf 'layout=bls\n' >"$tmp/install-conf/install.conf"
echo "$mid" >"$tmp/install-conf/entry-token"
printf 'root=UUID=1234 ro quiet\n' >"$tmp/install-conf/cmdline"
install_kernel "$tmp/install-conf" 6.1.0-18-amd64
# kernel-install adds the machine ID it was given
base="root=UUID=1234 ro quiet systemd.machine_id=$mid"
[ "$(options_of 6.1.0-18-amd64)" = "$base" ] || fail "kernel-install wrote: $(options_of 6.1.0-18-amd64)"

# The parameters added, as the positional parameters: "$@" below.
set -- --add intel_iommu=on --add iommu=pt --add vfio-pci.ids=10de:1b80,10de:10f0
"$driver" --root "$root" --bootloader systemd-boot "$@" >"$tmp/plan" || fail "plan: $(cat "$tmp/plan")"
grep -q 'is a unified kernel image' "$tmp/plan" || fail "the UKI is not reported"
[ ! -e "$root/etc/kernel/cmdline" ] || fail "the dry run wrote /etc/kernel/cmdline"
"$driver" --root "$root" --bootloader systemd-boot "$@" --execute --stamp T1 >/dev/null

want="$base intel_iommu=on iommu=pt vfio-pci.ids=10de:1b80,10de:10f0"
[ "$(cat "$root/etc/kernel/cmdline")" = "$want" ] || fail "/etc/kernel/cmdline: $(cat "$root/etc/kernel/cmdline")"
[ "$(options_of 6.1.0-18-amd64)" = "$want" ] || fail "entry options: $(options_of 6.1.0-18-amd64)"
grep -qx 'options console=ttyS0' "$esp/loader/entries/memtest.conf" || fail "the memtest entry was changed"
[ -e "$esp/loader/entries/$mid-6.1.0-18-amd64.conf.T1.bak" ] || fail "no backup of the entry"

# A kernel installed now takes the parameters from /etc/kernel/cmdline.
install_kernel "$root/etc/kernel" 6.1.0-21-amd64
[ "$(options_of 6.1.0-21-amd64)" = "$want" ] || fail "new kernel's entry: $(options_of 6.1.0-21-amd64)"

# Second apply: nothing to change.
"$driver" --root "$root" --bootloader systemd-boot "$@" >"$tmp/plan2"
grep -q 'nothing to change' "$tmp/plan2" || fail "second apply would change: $(cat "$tmp/plan2")"

# --remove: back to what kernel-install wrote, in every entry of an installed kernel.
"$driver" --root "$root" --bootloader systemd-boot --remove --execute --stamp T2 >/dev/null
[ "$(cat "$root/etc/kernel/cmdline")" = "$base" ] || fail "after remove: $(cat "$root/etc/kernel/cmdline")"
for v in 6.1.0-18-amd64 6.1.0-21-amd64; do
        [ "$(options_of $v)" = "$base" ] || fail "after remove, $v: $(options_of $v)"
done
[ ! -e "$root/var/lib/initbind/cmdline-added" ] || fail "state file left after remove"
echo "PASS"
