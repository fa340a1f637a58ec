#!/bin/sh
# Output that cannot be written: `list > /dev/full` must fail with "write error", and boot piped
# into `head -c1` must not be killed by SIGPIPE halfway through a group's driver_override writes.
#
#   output-errors.sh BIN_DIR
set -eu
bin_dir=$1
tests_dir=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/initbind-output-errors.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
fail=0
. "$tests_dir/fixtures/machine.sh"

prepare() {
        machine_copy workstation-identical-gpus "$1"
        machine_early_boot "$1"
        mkdir -p "$1/etc" && echo 'claim id=1234:1111' > "$1/etc/initbind.conf"
}

prepare "$work/root"
status=0
"$bin_dir/initbind" --root "$work/root" list > /dev/full 2> "$work/err" || status=$?
if [ "$status" != 1 ]; then echo "list > /dev/full exited $status, expected 1"; fail=1; fi
grep -q 'write error: No space left on device' "$work/err" || { echo "no write error message:"; cat "$work/err"; fail=1; }

# The same boot to a file and into a pipe closed after one byte: the same files written.
prepare "$work/ref"
"$bin_dir/initbind" --root "$work/ref" -v boot > "$work/ref-out" 2>&1 || true
prepare "$work/piped"
# shellcheck disable=SC2094
{ st=0; "$bin_dir/initbind" --root "$work/piped" -v boot 2>&1 || st=$?; echo "$st" > "$work/piped-status"; } | head -c1 > /dev/null
status=$(cat "$work/piped-status")
case $status in 0 | 1) ;; *) echo "piped boot exited $status (killed by a signal?)"; fail=1 ;; esac
for f in "$work"/ref/sys/devices/pci0000:00/*/driver_override; do
        rel=${f#"$work"/ref/}
        if ! cmp -s "$f" "$work/piped/$rel"; then echo "piped boot left $rel different"; fail=1; fi
done
exit $fail
