#!/bin/sh
# Run one black-box case of the real binaries against a copy of a fixture machine.
#
#   run-case.sh CASE_DIR BIN_DIR [FAULT_SHIM]
#
# A case is a folder:
#   fixture          name of the machine under tests/fixtures/ (copied, so writes are safe)
#   args             the command line: program name (initbind or cmdlinegen) and its arguments;
#                    --root is added by this script
#   prepare          optional shell commands run in the copied machine before the command
#                    (". $TESTS/cli/early-boot.sh" unbinds what udev would only bind later;
#                    $BIN is the build's bin/, with the fixture tools such as make-rom)
#   overlay/         optional files laid over the copied machine (etc/initbind.conf, proc/cmdline)
#   expected.out     the exact standard output
#   expected.err     optional: the exact standard error (default: not compared)
#   expected.status  optional: the exit status (default 0)
#   expected.kmsg    optional: the exact kernel log written to the machine's dev/kmsg
#   faults           optional: rules for the sysfs fault shim (tests/faults/sysfs-faults.c), one per
#                    line, "@ROOT@" for the machine's path: attributes that cannot be read or written,
#                    devices that disappear while initbind reads them
#   expected.files   optional: lines "PATH CONTENT" checked in the machine after the run
#                    (CONTENT "-" means the file must not exist; \n written as-is is the newline)
# "@ROOT@" in expected output stands for the machine's path, "@TESTS@" in args for tests/.
#
# UPDATE_EXPECTED=1: nothing is compared; expected.out, and expected.err, expected.kmsg and
# expected.status where the case has them (expected.status also where the exit status is not 0),
# are rewritten from what the run gave. expected.files is a claim about the machine, not output:
# it is left as it is. Read the diff (git diff) before committing it.
set -eu

case_dir=$1
bin_dir=$2
tests_dir=$(cd "$(dirname "$0")/.." && pwd)
name=$(basename "$case_dir")

work=$(mktemp -d "${TMPDIR:-/tmp}/initbind-cli.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
root="$work/root"
. "$tests_dir/fixtures/machine.sh"

machine_copy "$(cat "$case_dir/fixture")" "$root"
if [ -f "$case_dir/prepare" ]; then
        (cd "$root" && TESTS="$tests_dir" BIN="$bin_dir" . "$case_dir/prepare")
fi
if [ -d "$case_dir/overlay" ]; then
        cp -a "$case_dir/overlay/." "$root/"
fi

read -r program arguments < "$case_dir/args"
arguments=$(printf '%s' "$arguments" | sed "s|@TESTS@|$tests_dir|g")
status=0
if [ -f "$case_dir/faults" ]; then
        # The sanitizer runtime wants to be loaded first; the shim must be, to intercept anything.
        # shellcheck disable=SC2086 # the case's arguments are split as a shell would
        LD_PRELOAD=$3 INITBIND_FAULTS=$(sed "s|@ROOT@|$root|g" "$case_dir/faults" | tr '\n' ';') \
        ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
        "$bin_dir/$program" --root "$root" $arguments > "$work/out" 2> "$work/err" || status=$?
else
        # shellcheck disable=SC2086 # the case's arguments are split as a shell would
        "$bin_dir/$program" --root "$root" $arguments > "$work/out" 2> "$work/err" || status=$?
fi

if [ -n "${UPDATE_EXPECTED:-}" ]; then
        update() { # update ACTUAL EXPECTED
                sed "s|$root|@ROOT@|g" "$1" > "$2"
        }
        update "$work/out" "$case_dir/expected.out"
        [ ! -f "$case_dir/expected.err" ] || update "$work/err" "$case_dir/expected.err"
        [ ! -f "$case_dir/expected.kmsg" ] || update "$root/dev/kmsg" "$case_dir/expected.kmsg"
        if [ -f "$case_dir/expected.status" ] || [ "$status" != 0 ]; then
                echo "$status" > "$case_dir/expected.status"
        fi
        echo "$name: expected output rewritten (UPDATE_EXPECTED)"
        exit 0
fi

failed=0
expect_status=0
[ -f "$case_dir/expected.status" ] && expect_status=$(cat "$case_dir/expected.status")
if [ "$status" != "$expect_status" ]; then
        echo "$name: exit status $status, expected $expect_status" >&2
        failed=1
fi

compare() { # compare EXPECTED ACTUAL LABEL
        sed "s|@ROOT@|$root|g" "$1" > "$work/expected"
        if ! diff -u "$work/expected" "$2" > "$work/diff"; then
                echo "$name: $3 differs from $(basename "$1"):" >&2
                cat "$work/diff" >&2
                failed=1
        fi
}
compare "$case_dir/expected.out" "$work/out" "standard output"
[ -f "$case_dir/expected.err" ] && compare "$case_dir/expected.err" "$work/err" "standard error"
[ -f "$case_dir/expected.kmsg" ] && compare "$case_dir/expected.kmsg" "$root/dev/kmsg" "the kernel log"

if [ -f "$case_dir/expected.files" ]; then
        while read -r path content; do
                [ -n "$path" ] || continue
                if [ "$content" = "-" ]; then
                        if [ -e "$root/$path" ]; then
                                echo "$name: $path exists, expected it not to" >&2
                                failed=1
                        fi
                elif [ "$(cat "$root/$path" 2>/dev/null)" != "$content" ]; then
                        echo "$name: $path holds '$(cat "$root/$path" 2>/dev/null)', expected '$content'" >&2
                        failed=1
                fi
        done < "$case_dir/expected.files"
fi

if [ "$failed" != 0 ]; then
        echo "--- stderr of $name:" >&2
        cat "$work/err" >&2
        exit 1
fi
echo "$name: ok"
