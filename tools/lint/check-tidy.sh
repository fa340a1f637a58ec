#!/bin/sh
# clang-tidy (.clang-tidy at the top) on every C file of lib/, initbind/ and cmdlinegen/ that git
# tracks, compiled as BUILD_DIR/compile_commands.json says (CMAKE_EXPORT_COMPILE_COMMANDS).
#
#   check-tidy.sh [--analyzer] [BUILD_DIR]     (BUILD_DIR defaults to build)
#
# Without --analyzer the clang-analyzer-* checks are left out: they take minutes, the rest seconds.
# ctest runs it so (lint/tidy); tools/run-tests.sh runs it with --analyzer too.
#
# A function above the cognitive complexity threshold fails the check unless it is listed in
# tools/lint/tidy-known.txt (FILE:FUNCTION), and a listed one that is no longer above it fails too,
# so the list only shrinks. The same for a function longer than 80 lines and
# tools/lint/size-known.txt. Any other finding fails. TIDY_JOBS: how many clang-tidy run at once (2).
#
# With --analyzer, two more things. clang 14 does not model __attribute__((cleanup)), so memory a
# _cleanup_ variable frees looks leaked, and a store into one looks dead: a unix.Malloc leak or a
# DeadStores finding on a variable that the enclosing function declares _cleanup_ is dropped (real
# leaks are what LeakSanitizer finds in the ASan run of tools/run-tests.sh). Every other analyzer
# finding must be listed in tools/lint/analyzer-known.txt (FILE: MESSAGE [CHECK], no line number),
# which only shrinks like the others. Each file gets a clang-tidy of its own there: several files in
# one clang-tidy 14 process give false valist.Uninitialized findings on correct va_start/va_end.
set -eu
cd "$(dirname "$0")/../.."

skip_analyzer='--checks=-clang-analyzer-*'
if [ "${1:-}" = --analyzer ]; then
        skip_analyzer=
        shift
fi
build=${1:-build}
per_run=4
[ -z "$skip_analyzer" ] && per_run=1
known=tools/lint/tidy-known.txt
sizes=tools/lint/size-known.txt
analyzer_known=tools/lint/analyzer-known.txt
if [ ! -f "$build/compile_commands.json" ]; then
        echo "check-tidy: no $build/compile_commands.json (configure the build first)" >&2
        exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/initbind-tidy.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

# The compiler's own warnings are the build's business (gcc with -Werror there): clang's, which
# differ (-Wformat-nonliteral of -Wformat=2 on vasprintf wrappers), are neither errors nor shown,
# and gcc-only options are unknown to clang.
status=0
git ls-files 'lib/*.c' 'initbind/*.c' 'cmdlinegen/*.c' >"$work/files"
xargs -P "${TIDY_JOBS:-2}" -n "$per_run" clang-tidy -p "$build" --quiet ${skip_analyzer:+"$skip_analyzer"} \
        --extra-arg=-Wno-unknown-warning-option --extra-arg=-Wno-error <"$work/files" >"$work/out" 2>"$work/err" || status=1
if [ $status -ne 0 ]; then
        echo "check-tidy: clang-tidy failed:" >&2
        cat "$work/err" "$work/out" >&2
        exit 1
fi

top=$(pwd)
: >"$work/new"
# cleanup_var FINDING: whether FINDING (FILE:LINE:COL: warning: ...) is a leak of, or a dead store to,
# a variable that the function around LINE declares _cleanup_, or a leak of a pointer it sets into
# one ("x = names", "base = strrchr(target, '/')"). clang-format puts the braces of a function body,
# and only those, alone at the start of a line.
cleanup_var() {
        case $1 in
        *"Potential leak of memory pointed to by '"*"' [clang-analyzer-unix.Malloc]") ;;
        *"Value stored to '"*"' is never read [clang-analyzer-deadcode.DeadStores]") ;;
        *) return 1 ;;
        esac
        name=$(echo "$1" | sed "s/^[^']*'\([A-Za-z_0-9]*\).*/\1/")
        file=${1%%:*}
        line=$(echo "$1" | cut -d: -f2)
        leak=0
        case $1 in *"[clang-analyzer-unix.Malloc]") leak=1 ;; esac
        awk -v last="$line" -v name="$name" -v leak=$leak '
                $0 == "{" { n = 0 }
                { body[++n] = $0 }
                $0 == "}" && NR >= last { exit }
                END {
                        for (i = 1; i <= n; i++) {
                                if (body[i] !~ /_cleanup_/)
                                        continue;
                                s = body[i]
                                while (match(s, /[ *][A-Za-z_][A-Za-z_0-9]* *(=|;|,|\[|$)/)) {
                                        v = substr(s, RSTART + 1, RLENGTH - 1)
                                        sub(/[ =;,[]*$/, "", v)
                                        cleanup[v] = 1
                                        s = substr(s, RSTART + RLENGTH)
                                }
                        }
                        if (name in cleanup)
                                exit 0
                        for (i = 1; leak && i <= n; i++) {
                                if (!match(body[i], "[ *(]" name " = [^;]*"))
                                        continue;
                                rhs = substr(body[i], RSTART + length(name) + 4, RLENGTH - length(name) - 4)
                                for (v in cleanup)
                                        if (rhs ~ ("^" v "([^A-Za-z_0-9]|$)") || rhs ~ ("^str[a-z]*\\(" v ","))
                                                exit 0
                        }
                        exit 1
                }' "$file"
}
# allowlist CHECK LIST WHAT: the functions CHECK finds are those LIST names (FILE:FUNCTION), neither
# more nor fewer; WHAT says what CHECK finds in them.
allowlist() {
        sed -n "s|^$top/||; s|^\([^:]*\):[0-9]*:[0-9]*: warning: function '\([^']*\)' .* \[$1\]\$|\1:\2|p" \
                "$work/out" | LC_ALL=C sort -u >"$work/found"
        sed -n 's/^\([^#]*[^ #]\).*/\1/p' "$2" | LC_ALL=C sort -u >"$work/listed"
        LC_ALL=C comm -23 "$work/found" "$work/listed" | while IFS= read -r f; do
                echo "$f: $3; split it (or, in a pinch, list it in $2)"
        done >>"$work/new"
        LC_ALL=C comm -13 "$work/found" "$work/listed" | while IFS= read -r f; do
                echo "$f: listed in $2 but no longer $3: take it out of the list"
        done >>"$work/new"
}
allowlist readability-function-cognitive-complexity "$known" "above the complexity threshold of .clang-tidy"
allowlist readability-function-size "$sizes" "over 80 lines (.clang-tidy)"
grep -E ': (warning|error):' "$work/out" |
        grep -v -e '\[readability-function-cognitive-complexity\]$' -e '\[readability-function-size\]$' |
        sed "s|^$top/||" | LC_ALL=C sort -u >"$work/other" || true
if [ -z "$skip_analyzer" ]; then
        grep -v ' \[clang-analyzer-' "$work/other" >>"$work/new" || true
        grep ' \[clang-analyzer-' "$work/other" | while IFS= read -r finding; do
                cleanup_var "$finding" || echo "$finding"
        done | sed 's/^\([^:]*\):[0-9]*:[0-9]*: warning: /\1: /' | LC_ALL=C sort -u >"$work/found"
        sed -n 's/^\([^#]*[^ #]\).*/\1/p' "$analyzer_known" | LC_ALL=C sort -u >"$work/listed"
        LC_ALL=C comm -23 "$work/found" "$work/listed" | while IFS= read -r f; do
                echo "$f: a new analyzer finding; fix it (a false one: list it in $analyzer_known, with why)"
        done >>"$work/new"
        LC_ALL=C comm -13 "$work/found" "$work/listed" | while IFS= read -r f; do
                echo "$f: listed in $analyzer_known but no longer found: take it out of the list"
        done >>"$work/new"
else
        cat "$work/other" >>"$work/new"
fi

if [ -s "$work/new" ]; then
        cat "$work/new"
        exit 1
fi
echo "check-tidy: $(wc -l <"$work/files") files pass clang-tidy${skip_analyzer:+ (without clang-analyzer-*)};" \
        "$(grep -c '^[^#]' "$known") functions still above the complexity threshold ($known)," \
        "$(grep -c '^[^#]' "$sizes") over 80 lines ($sizes)"
