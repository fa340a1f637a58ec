#!/bin/sh
# Run the examples of one guide in docs/ against a fixture machine, so the guides cannot go stale.
#
#   check-guide.sh GUIDE.md BIN_DIR
#
# A guide marks what is checked with HTML comments, which Markdown renderers do not show:
#
#   <!-- machine: NAME -->      start over on a fresh copy of tests/fixtures/NAME
#   <!-- file: PATH -->         the next fenced block is written to PATH below the machine
#                               (e.g. /etc/initbind.conf, /proc/cmdline)
#   <!-- run -->                the next fenced block is a session: every "$ " or "# " line is a
#                               command of initbind or cmdlinegen, run with --root MACHINE; the
#                               lines up to the next command are its exact output (stdout and
#                               stderr together); a line "..." stands for any number of lines
#
# Every command is checked; the first difference fails the guide with a diff.
set -eu

guide=$1
bin_dir=$(cd "$2" && pwd)
tests_dir=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/initbind-guide.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
. "$tests_dir/fixtures/machine.sh"
name=$(basename "$guide")

# Split the guide into steps: one file per directive, numbered in order.
awk -v dir="$work" '
        function start(kind, arg) { n++; file = sprintf("%s/step.%03d", dir, n); print kind " " arg > file; close(file); pending = kind }
        /^<!-- machine: .* -->$/ { n++; f = sprintf("%s/step.%03d", dir, n); print "machine " $3 > f; close(f); next }
        /^<!-- file: .* -->$/ { start("file", $3); next }
        /^<!-- run -->$/ { start("run", ""); next }
        /^```/ {
                if (inblock) { inblock = 0; pending = ""; next }
                if (pending != "") { inblock = 1 }
                next
        }
        inblock { print >> file; close(file) }
' "$guide"

machine=
checked=0
# Compare actual output with expected lines, where "..." matches any run of lines.
matches() { # EXPECTED ACTUAL
        awk -v exp_file="$1" '
                BEGIN { while ((getline line < exp_file) > 0) want[nw++] = line }
                { got[ng++] = $0 }
                function m(i, j,    k) {
                        if (i == nw) return j == ng
                        if (want[i] == "...") { for (k = j; k <= ng; k++) if (m(i + 1, k)) return 1; return 0 }
                        return j < ng && want[i] == got[j] && m(i + 1, j + 1)
                }
                END { exit m(0, 0) ? 0 : 1 }
        ' "$2"
}

run_command() { # COMMAND EXPECTED_FILE
        set -- "$1" "$2"
        program=${1%% *}
        args=${1#"$program"}
        case $program in
        initbind|cmdlinegen) ;;
        *) echo "$name: '$1': only initbind and cmdlinegen are run" >&2; exit 1 ;;
        esac
        # shellcheck disable=SC2086 # the guide's arguments are split as a shell would
        (cd "$work" && "$bin_dir/$program" --root "$machine" $args) > "$work/actual" 2>&1 || true
        sed -i "s|$machine|/|g; s|//|/|g" "$work/actual"
        if ! matches "$2" "$work/actual"; then
                echo "$name: the output of '$1' differs from the guide:" >&2
                diff -u "$2" "$work/actual" >&2 || true
                exit 1
        fi
        checked=$((checked + 1))
}

for step in "$work"/step.*; do
        read -r kind arg < "$step"
        case $kind in
        machine)
                machine_copy "$arg" "$work/machine"
                machine=$work/machine
                ;;
        file)
                [ -n "$machine" ] || { echo "$name: a file before any machine" >&2; exit 1; }
                mkdir -p "$machine$(dirname "$arg")"
                tail -n +2 "$step" > "$machine$arg"
                ;;
        run)
                [ -n "$machine" ] || { echo "$name: a session before any machine" >&2; exit 1; }
                command=
                : > "$work/expected"
                tail -n +2 "$step" > "$work/session"
                while IFS= read -r line; do
                        case $line in
                        '$ '*|'# '*)
                                [ -z "$command" ] || run_command "$command" "$work/expected"
                                command=${line#??}
                                : > "$work/expected"
                                ;;
                        *) printf '%s\n' "$line" >> "$work/expected" ;;
                        esac
                done < "$work/session"
                [ -z "$command" ] || run_command "$command" "$work/expected"
                ;;
        esac
done
[ "$checked" -gt 0 ] || { echo "$name: no examples marked to check" >&2; exit 1; }
echo "$name: $checked example commands checked"
