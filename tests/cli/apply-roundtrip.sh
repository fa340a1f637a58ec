#!/bin/sh
# cmdlinegen --apply grub end to end on a copy of a fixture machine with a GRUB configuration:
# the dry run writes nothing; the apply writes the drop-in and the record; the real sh, reading
# the files as grub-mkconfig does, gives the proposed parameters (and no longer the no-op
# amd_iommu=on); a second apply changes nothing; --remove takes back every parameter it added
# (the no-op it took out stays out).
#   apply-roundtrip.sh BIN_DIR
set -eu
bin_dir=$1
tests_dir=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/initbind-apply.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
root=$work/root
fail() { echo "apply-roundtrip: $*" >&2; exit 1; }

. "$tests_dir/fixtures/machine.sh"
machine_copy amd-ivrs "$root"
mkdir -p "$root/etc/default/grub.d" "$root/etc/initramfs-tools"
: > "$root/etc/initramfs-tools/initramfs.conf"
cat > "$root/etc/default/grub" <<'GRUB'
# A user's file: comments, single quotes, a reference to another variable.
GRUB_DEFAULT=0
GRUB_TIMEOUT=5
GRUB_DISTRIBUTOR=`lsb_release -i -s 2> /dev/null || echo Debian`
MY_OPTS='mitigations=auto'
GRUB_CMDLINE_LINUX_DEFAULT="quiet $MY_OPTS amd_iommu=on"
GRUB_CMDLINE_LINUX=""
GRUB
printf 'claim 0000:00:03.0\nisolate-cores 2\n' > "$root/etc/initbind.conf"
cp -a "$root/etc/default" "$work/default.orig"

# What grub-mkconfig would compute: the files sourced in its order by the real sh.
effective() {
        sh -c 'set -e; . "$1/etc/default/grub"; for f in "$1"/etc/default/grub.d/*.cfg; do [ -e "$f" ] && . "$f"; done
               printf "%s\n" "$GRUB_CMDLINE_LINUX $GRUB_CMDLINE_LINUX_DEFAULT"' sh "$root" 2>/dev/null
}
words() { tr -s ' ' '\n' | sed '/^$/d' | sort; }

"$bin_dir/cmdlinegen" --root "$root" --apply grub --dry-run > "$work/dry" 2>&1 || fail "dry run failed: $(cat "$work/dry")"
diff -r "$work/default.orig" "$root/etc/default" > /dev/null || fail "the dry run changed /etc/default"
[ ! -e "$root/var/lib/initbind" ] || fail "the dry run wrote the record"
grep -q '^+++ b/etc/default/grub.d/zz-initbind.cfg' "$work/dry" || fail "the dry run shows no drop-in: $(cat "$work/dry")"

"$bin_dir/cmdlinegen" --root "$root" --apply grub > "$work/apply" 2>&1 || fail "apply failed: $(cat "$work/apply")"
proposed=$("$bin_dir/cmdlinegen" --root "$root" --json 2>/dev/null | sed -n 's/.*"next_boot_cmdline":"\([^"]*\)".*/\1/p')
printf '%s\n' "quiet mitigations=auto iommu=pt isolcpus=domain,managed_irq,2-3 nohz_full=2-3 rcu_nocbs=2-3 irqaffinity=0-1 initbind.claim=0000:00:03.0" | words > "$work/want"
effective | words > "$work/got"
diff -u "$work/want" "$work/got" || fail "the real sh reads another command line than the one planned"
printf '%s\n' "$proposed" | words | diff -u "$work/want" - || fail "cmdlinegen reads the applied files differently from sh"
ls "$root/etc/default/grub".*.bak > /dev/null 2>&1 || fail "no backup of /etc/default/grub"

cp -a "$root/etc/default" "$work/default.applied"
"$bin_dir/cmdlinegen" --root "$root" --apply grub > "$work/again" 2>&1 || fail "second apply failed: $(cat "$work/again")"
grep -q 'nothing to change' "$work/again" || fail "the second apply planned changes: $(cat "$work/again")"
diff -r -x '*.bak' "$work/default.applied" "$root/etc/default" > /dev/null || fail "the second apply changed files"

"$bin_dir/cmdlinegen" --root "$root" --apply grub --remove > "$work/remove" 2>&1 || fail "--remove failed: $(cat "$work/remove")"
[ ! -e "$root/etc/default/grub.d/zz-initbind.cfg" ] || fail "--remove left the drop-in"
effective | words > "$work/got"
printf '%s\n' "quiet mitigations=auto" | words | diff -u - "$work/got" || fail "--remove left parameters behind"
echo "apply-roundtrip: ok (dry run, apply read back by sh, idempotent, removed)"
