#!/bin/sh
# Run one bad-input case: hostile contents in a copy of a fixture machine, fed to the real initbind.
#
#   run-case.sh CASE.sh BIN_DIR
#
# CASE.sh is sourced in the copied machine (the current directory is its root) after the early-boot
# state is made (tests/cli/early-boot.sh): it writes the bad input there, e.g. proc/cmdline or a
# device's uevent. CASE.expected is a transcript: each "$ initbind ARGS" line is a command, run with
# --root on a fresh copy; the lines after it are exactly what it prints (standard output, then
# standard error), then "[exit N]", then one "changed PATH: CONTENT" line per file of the machine the
# command changed (dev/kmsg aside: it repeats the log). No such line means nothing was written.
# "@ROOT@" stands for the machine's path.
#
# Boot never stops the boot: for each "--strict boot" command the same boot without --strict is run
# too, and must exit 0 and print the same.
#
# To write a new case's .expected, start it with the command lines alone and run with
# UPDATE_EXPECTED=1: the transcript is written to CASE.expected instead of compared (SHOW=1 prints
# it). Read every line of it (git diff) before taking it as expected.
set -eu

case_file=$1
bin_dir=$2
tests_dir=$(cd "$(dirname "$0")/.." && pwd)
expected=${case_file%.sh}.expected
fixture=workstation-identical-gpus

work=$(mktemp -d "${TMPDIR:-/tmp}/initbind-bad-input.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
. "$tests_dir/fixtures/machine.sh"

grep '^\$ initbind ' "$expected" | while IFS= read -r command; do
        root=$work/root
        machine_copy "$fixture" "$root"
        machine_early_boot "$root"
        (cd "$root" && . "$case_file")
        machine_snapshot "$root" > "$work/before"

        if [ "${command#*--strict boot}" != "$command" ]; then
                cp -a "$root" "$work/lenient-root"
                lenient_status=0
                # shellcheck disable=SC2046 # the arguments are split as a shell would
                "$bin_dir/initbind" --root "$work/lenient-root" $(printf '%s' "${command#\$ initbind }" | sed 's/--strict //') \
                        > "$work/lenient-out" 2> "$work/lenient-err" || lenient_status=$?
                [ "$lenient_status" = 0 ] || echo "without --strict, boot exited $lenient_status, expected 0"
                sed "s|$work/lenient-root|@ROOT@|g" "$work/lenient-out" "$work/lenient-err" > "$work/lenient-output"
                rm -rf "$work/lenient-root"
        fi

        status=0
        # shellcheck disable=SC2086 # the arguments are split as a shell would
        "$bin_dir/initbind" --root "$root" ${command#\$ initbind } > "$work/out" 2> "$work/err" || status=$?
        if [ -f "$work/lenient-output" ]; then
                sed "s|$root|@ROOT@|g" "$work/out" "$work/err" | cmp -s - "$work/lenient-output" ||
                        echo "without --strict, boot printed something else"
                rm -f "$work/lenient-output"
        fi

        printf '%s\n' "$command"
        sed "s|$root|@ROOT@|g" "$work/out" "$work/err"
        printf '[exit %s]\n' "$status"
        machine_snapshot "$root" > "$work/after"
        machine_changes "$work/before" "$work/after" "$root"
done > "$work/transcript"

transcript_check "$work/transcript" "$expected" "$(basename "$case_file" .sh)"
