#!/bin/sh
# Build the libFuzzer targets of fuzz/ with clang into build-fuzz/ and run each one for SECONDS
# (default 10) on a copy of its seed corpus, so that runs never write into fuzz/corpus/.
# Prints the executions of each target and in total. Exits 1 when any target crashed, broke a
# property, leaked, timed out or ran out of memory; the input that did it and the log are kept in
# build-fuzz/artifacts/TARGET/ (reproduce with: build-fuzz/bin/fuzz-TARGET FILE).
#
# Usage: tools/run-fuzz.sh [SECONDS_PER_TARGET [TARGET...]]     e.g. tools/run-fuzz.sh 600 kcmdline
set -eu
cd "$(dirname "$0")/.."
repo=$(pwd)
build=$repo/build-fuzz
seconds=${1:-10}
[ $# -gt 0 ] && shift
case $seconds in
''|*[!0-9]*) echo "usage: tools/run-fuzz.sh [SECONDS_PER_TARGET [TARGET...]]" >&2; exit 2 ;;
esac

work=$(mktemp -d "${TMPDIR:-/tmp}/initbind-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

# clang with its libFuzzer and sanitizer runtimes: tools/install-deps.sh installs them.
if ! command -v clang >/dev/null 2>&1 ||
   ! printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }\n' |
     clang -x c -fsanitize=fuzzer,address,undefined -o "$work/probe" - >/dev/null 2>&1; then
        echo "run-fuzz.sh: clang cannot build a libFuzzer program; run tools/install-deps.sh (as root)" >&2
        exit 2
fi

if ! grep -q 'add_subdirectory(fuzz)' CMakeLists.txt; then
        echo "run-fuzz.sh: CMakeLists.txt does not add fuzz/ when INITBIND_FUZZ is on (see docs/fuzzing.md)" >&2
        exit 2
fi

# Debug keeps the library's assert()s; -O1 is what the sanitizers are fastest with. No -Werror:
# clang warns about flags and formats gcc is fine with, and this build hunts bugs, not warnings.
mkdir -p "$build"
if ! { cmake -S . -B "$build" -DCMAKE_C_COMPILER=clang -DINITBIND_FUZZ=ON -DINITBIND_TESTS=OFF \
              -DINITBIND_WERROR=OFF -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS_DEBUG="-O1 -g" &&
       cmake --build "$build" --target fuzz -j"$(nproc)"; } >"$build/build.log" 2>&1; then
        tail -n 40 "$build/build.log" >&2
        echo "run-fuzz.sh: build failed, see $build/build.log" >&2
        exit 2
fi

if [ $# -eq 0 ]; then
        for source in fuzz/fuzz-*.c; do
                name=${source#fuzz/fuzz-}
                set -- "$@" "${name%.c}"
        done
fi

total=0
failed=0
printf '%-12s %12s  %s\n' target executions result
for name in "$@"; do
        binary=$build/bin/fuzz-$name
        [ -x "$binary" ] || { echo "run-fuzz.sh: no fuzz target '$name'" >&2; exit 2; }
        corpus=$work/$name/corpus
        artifacts=$build/artifacts/$name
        mkdir -p "$corpus" "$work/$name/tmp"
        rm -rf "$artifacts" && mkdir -p "$artifacts"
        if [ -d "fuzz/corpus/$name" ]; then
                cp -R "fuzz/corpus/$name/." "$corpus/"
        fi

        # Targets that make files (the sysfs tree) make them in their own TMPDIR, removed with it.
        rc=0
        TMPDIR=$work/$name/tmp UBSAN_OPTIONS=print_stacktrace=1 \
                "$binary" -max_total_time="$seconds" -timeout=25 -print_final_stats=1 \
                -artifact_prefix="$artifacts/" "$corpus" >"$work/$name/log" 2>&1 || rc=$?

        # The final stats are missing after a crash: then the last status line has the count.
        execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$name/log" | tail -n 1)
        [ -n "$execs" ] || execs=$(sed -n 's/^#\([0-9][0-9]*\).*/\1/p' "$work/$name/log" | tail -n 1)
        execs=${execs:-0}
        total=$((total + execs))

        if [ "$rc" -eq 0 ]; then
                printf '%-12s %12s  ok\n' "$name" "$execs"
                rmdir "$artifacts" 2>/dev/null || true
                continue
        fi
        failed=$((failed + 1))
        cp "$work/$name/log" "$artifacts/log"
        unit=$(sed -n 's/.*Test unit written to //p' "$work/$name/log" | tail -n 1)
        printf '%-12s %12s  FAILED (exit %s) %s\n' "$name" "$execs" "$rc" "${unit:-see $artifacts/log}"
        # The report itself: from the first property or sanitizer message, without libFuzzer's
        # and libc's own frames.
        sed -n '/property failed\|ERROR: \|runtime error\|WARNING: /,$p' "$work/$name/log" |
                grep -v 'fuzzer::\|libc\.so\|libc_start\|in _start\|__sanitizer_print_stack_trace\|pthread_kill\|raise\.c\|abort\.c\|^NOTE: \|Combine libFuzzer\|stat::\| in main \|^ *$' |
                head -n 20 | sed 's/^/    /'
done
printf '%-12s %12s\n' total "$total"
[ "$failed" -eq 0 ]
