#!/bin/sh
# Every --json output stays JSON, in valid UTF-8, whatever bytes the host's text holds: a command
# line with a terminal escape and bytes no UTF-8 sequence starts with, a CPU model with an escape.
# Each document is read by a strict parser (python3: UTF-8 decoding without replacement).
#   json-host-bytes.sh BIN_DIR
set -eu
bin_dir=$1
tests_dir=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/initbind-json.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

root=$work/root
cp -a "$tests_dir/fixtures/workstation-identical-gpus" "$root"
(cd "$root" && . "$tests_dir/cli/early-boot.sh")
printf 'console=ttyS0 \033[2J bad=\377\376 cut=\342\202 initbind.claim=00:04.0,\033[31m\377\n' > "$root/proc/cmdline"
sed 's/^model name\t: \(.*\)$/model name\t: \1 \x1b]0;owned\x07 \xff/' \
        "$tests_dir/fixtures/workstation-identical-gpus/proc/cpuinfo" > "$root/proc/cpuinfo"
mkdir -p "$root/etc"
echo 'claim 0000:00:02.0' > "$root/etc/initbind.conf"

failed=0
check() { # check PROGRAM ARGS...: its standard output is JSON in valid UTF-8
        program=$1
        shift
        "$bin_dir/$program" --root "$root" "$@" > "$work/out" 2> "$work/err" || true
        if ! python3 -c 'import json, sys; json.loads(sys.stdin.buffer.read().decode("utf-8", "strict"))' \
                < "$work/out" 2> "$work/parse"; then
                echo "$program $*: not JSON in valid UTF-8:" >&2
                cat "$work/parse" "$work/err" >&2
                failed=1
        fi
}
check cmdlinegen --json
check initbind --json plan
check initbind --json list
exit $failed
