#!/bin/sh
# clang-tidy (.clang-tidy at the top) on every C file of lib/, initbind/ and cmdlinegen/ that git
# tracks, compiled as BUILD_DIR/compile_commands.json says (CMAKE_EXPORT_COMPILE_COMMANDS).
#
#   check-tidy.sh [--analyzer] [BUILD_DIR]     (BUILD_DIR defaults to build)
#
# Without --analyzer the clang-analyzer-* checks are left out: they take minutes, the rest seconds.
# ctest runs it so (lint/tidy). --analyzer is run by hand for now: it does not pass yet (.clang-tidy).
#
# A function above the cognitive complexity threshold fails the check unless it is listed in
# tools/lint/tidy-known.txt (FILE:FUNCTION), and a listed one that is no longer above it fails too,
# so the list only shrinks. Any other finding fails. TIDY_JOBS: how many clang-tidy run at once (2).
set -eu
cd "$(dirname "$0")/../.."

skip_analyzer='--checks=-clang-analyzer-*'
if [ "${1:-}" = --analyzer ]; then
        skip_analyzer=
        shift
fi
build=${1:-build}
known=tools/lint/tidy-known.txt
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
xargs -P "${TIDY_JOBS:-2}" -n 4 clang-tidy -p "$build" --quiet ${skip_analyzer:+"$skip_analyzer"} \
        --extra-arg=-Wno-unknown-warning-option --extra-arg=-Wno-error <"$work/files" >"$work/out" 2>"$work/err" || status=1
if [ $status -ne 0 ]; then
        echo "check-tidy: clang-tidy failed:" >&2
        cat "$work/err" "$work/out" >&2
        exit 1
fi

top=$(pwd)
sed -n "s|^$top/||; s|^\([^:]*\):[0-9]*:[0-9]*: warning: function '\([^']*\)' has cognitive complexity.*|\1:\2|p" \
        "$work/out" | LC_ALL=C sort -u >"$work/complex"
sed -n 's/^\([^#]*[^ #]\).*/\1/p' "$known" | LC_ALL=C sort -u >"$work/known"

LC_ALL=C comm -23 "$work/complex" "$work/known" | while IFS= read -r f; do
        echo "$f: cognitive complexity above the threshold of .clang-tidy; split it (or, in a pinch, list it in $known)"
done >"$work/new"
LC_ALL=C comm -13 "$work/complex" "$work/known" | while IFS= read -r f; do
        echo "$f: listed in $known but no longer above the threshold: take it out of the list"
done >>"$work/new"
grep -E ': (warning|error):' "$work/out" | grep -v '\[readability-function-cognitive-complexity\]$' |
        sed "s|^$top/||" >>"$work/new" || true

if [ -s "$work/new" ]; then
        cat "$work/new"
        exit 1
fi
echo "check-tidy: $(wc -l <"$work/files") files pass clang-tidy${skip_analyzer:+ (without clang-analyzer-*)};" \
        "$(wc -l <"$work/known") functions still above the complexity threshold ($known)"
