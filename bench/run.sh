#!/bin/bash
# bench/run.sh: what initbind costs, printed in one run (docs/performance.md explains the figures).
#
#   bench/run.sh [--quick] [--no-images] [--no-boots]
#
# Builds what it needs in build-bench/ (the static libkmod, initbind-static, the fixture
# generator, the timing helper; and the musl build in build-bench-musl/ when musl-gcc exists),
# then prints:
#   1. the static binaries' stripped sizes;
#   2. the bytes initbind's hook adds to the initramfs-tools and dracut images (real mkinitramfs
#      and dracut on Debian's kernel; root only; --no-images skips it);
#   3. `initbind plan` and `initbind boot` on generated machines of 64, 512 and 4096 PCI
#      functions: median wall time of repeated runs, syscalls per function (strace -c -f), peak
#      RSS; the same claim done the way guides do it (bench/guide-bind.sh) and the ratio;
#   3c. the boot scan against its floor (bench/scan-floor.c) at 512 and 4096 functions, under
#      --root and (as root, in a private mount namespace with the machine's sys on /sys) on "/";
#   4. cmdlinegen on the largest generated machine (when build-bench/bin/cmdlinegen exists);
#   5. the real-boot figures from the e2e logs (tests/e2e/run.sh), when they are there;
#   6. boots of one emulated machine, initbind against the kernel's own vfio-pci.ids= way
#      (bench/boot-vs-kernel.sh: BENCH_BOOTS boots each way, default 5, --quick 2; root only;
#      --no-images and --no-boots skip it; it installs and boots the full build-bench build,
#      or INITBIND_BUILD);
#   and a summary: the binary sizes and the three ratios (the guide's shell loop against
#   initbind boot, the boot scan against its floor, initbind's boots against the kernel's way).
# Environment: BENCH_RUNS (timed runs per figure, default 51; --quick: 11), BENCH_TMP (where the
# machines are generated, default /dev/shm), BENCH_E2E_LOGS (default
# /var/cache/initbind-tests/e2e/logs), BENCH_BOOTS; E2E_WORK, E2E_TIMEOUT as tests/e2e/run.sh.
# Not a test: nothing here passes or fails on a figure.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

runs=${BENCH_RUNS:-51}
images=1
boots=1
n_boots=${BENCH_BOOTS:-5}
for a in "$@"; do
        case $a in
        --quick) runs=${BENCH_RUNS:-11} n_boots=${BENCH_BOOTS:-2} ;;
        --no-images) images=0 ;;
        --no-boots) boots=0 ;;
        -h|--help) sed -n '2,/^set -e/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
        *) echo "run.sh: unknown argument $a" >&2; exit 2 ;;
        esac
done
for t in cmake cc strace strip zstd; do
        command -v "$t" >/dev/null || { echo "run.sh: missing $t (tools/install-deps.sh)" >&2; exit 1; }
done

build=$top/build-bench
build_musl=$top/build-bench-musl
tmp=$(mktemp -d "${BENCH_TMP:-/dev/shm}/initbind-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
section() { printf '\n== %s\n' "$*"; }
# What the summary at the end prints: filled by the sections.
declare -a summary_sizes=()
declare -A summary_guide summary_floor
summary_boot="not measured"

# --- build ------------------------------------------------------------------------------------
section "build"
tools/build-static-kmod.sh "$build" > "$tmp/kmod.log" 2>&1 || { cat "$tmp/kmod.log" >&2; exit 1; }
cmake -S . -B "$build" -DINITBIND_STATIC=ON -DCMAKE_BUILD_TYPE=Release > "$tmp/cmake.log" 2>&1 ||
        { cat "$tmp/cmake.log" >&2; exit 1; }
cmake --build "$build" -j2 --target initbind-static gen-synthetic-host bench-scan-floor > "$tmp/build.log" 2>&1 ||
        { cat "$tmp/build.log" >&2; exit 1; }
# cmdlinegen is built when the tree has it; its absence is reported in its section.
cmake --build "$build" -j2 --target cmdlinegen > /dev/null 2>&1 || true
cc -O2 -Wall -Wextra -o "$build/bench-timeit" bench/timeit.c
static_bins=("$build/bin/initbind-static")
if command -v musl-gcc > /dev/null; then
        if tools/build-static-kmod.sh --musl "$build_musl" > "$tmp/kmod-musl.log" 2>&1 &&
           cmake -S . -B "$build_musl" -DCMAKE_C_COMPILER=musl-gcc -DINITBIND_MUSL=ON \
                 -DCMAKE_BUILD_TYPE=MinSizeRel > "$tmp/cmake-musl.log" 2>&1 &&
           cmake --build "$build_musl" -j2 --target initbind-static > "$tmp/build-musl.log" 2>&1; then
                static_bins+=("$build_musl/bin/initbind-static")
        else
                echo "  the musl build failed (logs: tools/build-static-kmod.sh --musl, cmake): skipped"
                tail -n 5 "$tmp/kmod-musl.log" "$tmp/cmake-musl.log" "$tmp/build-musl.log" 2>/dev/null | sed 's/^/    /' || true
        fi
fi
echo "  built: ${static_bins[*]}"
timeit=$build/bench-timeit
bin=$build/bin/initbind-static

# --- 1. sizes ---------------------------------------------------------------------------------
section "1. static binary, stripped (target: at most 262144 bytes = 256 KiB)"
for b in "${static_bins[@]}"; do
        strip -o "$tmp/stripped" "$b"
        printf '  %-44s %8d bytes stripped, %8d bytes zstd -19\n' "${b#"$top"/}" \
                "$(stat -c %s "$tmp/stripped")" "$(zstd -19 -q -c "$tmp/stripped" | wc -c)"
        summary_sizes+=("${b#"$top"/}: $(stat -c %s "$tmp/stripped") bytes stripped")
done

section "2. bytes the hook adds to the initramfs image (the binary stripped, the vfio modules, the script)"
if [ "$images" = 0 ]; then
        echo "  skipped (--no-images)"
elif [ "$(id -u)" != 0 ]; then
        echo "  skipped: needs root (mkinitramfs runs in a private mount namespace)"
else
        for b in "${static_bins[@]}"; do
                echo "  with ${b#"$top"/}:"
                strip -o "$tmp/initbind-static" "$b"
                bench/initramfs-sizes.sh "$tmp/initbind-static" "$tmp/images" ||
                        echo "  failed (see the message above)"
                rm -rf "$tmp/images"
        done
fi

# --- 3. plan and boot on generated machines ---------------------------------------------------
# Every generated machine has identical 10de:2204 GPUs, one of them the boot VGA. The claim is
# the one most guides script: every 10de:2204 GPU but the boot VGA, with its audio function.
claim_id=10de:2204

# make_machine N DIR: a machine of N functions in the state the initramfs sees (only pcieport
# bound, as tests/cli/early-boot.sh leaves it), with the claim configured and an empty kmsg.
make_machine() {
        local n=$1 dir=$2 cpus=16 nodes=2 memory=64G
        case $n in
        512) cpus=64 ;;
        4096) cpus=512 nodes=8 memory=1T ;;
        esac
        "$build/bin/gen-synthetic-host" --out "$dir" --cpus "$cpus" --nodes "$nodes" --memory "$memory" \
                --pci-functions "$n" > /dev/null
        (cd "$dir" && . "$top/tests/cli/early-boot.sh")
        mkdir -p "$dir/etc"
        echo "claim id=$claim_id" > "$dir/etc/initbind.conf"
        : > "$dir/dev/kmsg"
}

# reset_script DIR: writes DIR.reset, a script that puts back the driver_override of every
# function the claim touches ("(null)", as the kernel shows an unset one) and empties kmsg, so
# that each timed run starts from the same machine. The functions are the ones `initbind plan`
# lists as claimed or kept; the guide's loop writes a subset of them.
reset_script() {
        local addr
        {
                "$bin" --root "$1" plan | awk '$1 == "claim" || $1 == "kept" { print $2 }' | while read -r addr; do
                        printf 'echo "(null)" > %s/sys/bus/pci/devices/%s/driver_override\n' "$1" "$addr"
                done
                printf ': > %s/dev/kmsg\n' "$1"
        } > "$1.reset"
        echo "sh $1.reset"
}

# time_of RESET ARGS...: "median_us min_us cpu_us maxrss_kib" of the command ($runs runs after 3
# warm-up runs; TIME_RUNS and TIME_WARMUP override them).
time_of() {
        local reset=$1 out
        shift
        out=$("$timeit" -n "${TIME_RUNS:-$runs}" -w "${TIME_WARMUP:-3}" ${reset:+-r "$reset"} -- "$@")
        echo "$out" | sed -n 's/.*median_us=\([0-9]*\) min_us=\([0-9]*\).*cpu_us=\([0-9]*\) maxrss_kib=\([0-9]*\).*/\1 \2 \3 \4/p'
}

# syscalls_of ARGS...: the total number of system calls of the command and its children.
syscalls_of() {
        strace -f -c -o "$tmp/strace" "$@" > /dev/null 2>&1 || true
        awk '$NF == "total" { print ($4 ~ /^[0-9]+$/) ? $4 : $3 }' "$tmp/strace"
}

us() { awk -v u="$1" 'BEGIN { if (u >= 10000) printf "%.1f ms", u / 1000; else printf "%.3f ms", u / 1000 }'; }

section "3. initbind on generated machines (median of $runs runs; wall time includes fork+exec)"
echo "  load average now: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs (wall times grow with it; CPU times less)"
for b in "${static_bins[@]}"; do
        read -r f_us f_min f_cpu f_rss < <(time_of "" "$b" --version)
        echo "  floor, fork+exec+exit of ${b#"$top"/} --version: median $(us "$f_us"), min $(us "$f_min"), CPU $(us "$f_cpu"), peak RSS ${f_rss} KiB"
done
printf '  %-5s %-24s %10s %10s %10s %9s %8s %12s\n' funcs run "median" "min" "CPU" "syscalls" "/func" "peak RSS"
row() { # N LABEL MEDIAN_US MIN_US CPU_US RSS SYSCALLS
        printf '  %-5s %-24s %10s %10s %10s %9s %8s %8s KiB\n' "$1" "$2" "$(us "$3")" "$(us "$4")" "$(us "$5")" "$7" \
                "$(awk -v s="$7" -v n="$1" 'BEGIN { printf "%.1f", s / n }')" "$6"
}
declare -A ratio_lines same_lines
for n in 64 512 4096; do
        m=$tmp/machine-$n
        make_machine "$n" "$m"
        reset=$(reset_script "$m")
        for b in "${static_bins[@]}"; do
                label=initbind; [ "$b" = "$bin" ] || label="initbind (musl)"
                read -r t t_min cpu rss < <(time_of "" "$b" --root "$m" plan)
                row "$n" "$label plan" "$t" "$t_min" "$cpu" "$rss" "$(syscalls_of "$b" --root "$m" plan)"
                read -r t t_min cpu rss < <(time_of "$reset" "$b" --root "$m" boot)
                $reset
                row "$n" "$label boot" "$t" "$t_min" "$cpu" "$rss" "$(syscalls_of "$b" --root "$m" boot)"
                $reset
                [ "$b" = "$bin" ] && boot_us=$t boot_cpu=$cpu
        done
        for mode in read cat; do
                # A fork per attribute: a few runs are enough to see it.
                mode_runs=$runs mode_warmup=3
                [ "$mode" = cat ] && mode_runs=3 mode_warmup=1
                read -r t t_min cpu rss < <(TIME_RUNS=$mode_runs TIME_WARMUP=$mode_warmup time_of "$reset" sh bench/guide-bind.sh "$mode" "$m/sys/bus/pci/devices" "$claim_id")
                $reset
                row "$n" "guide sh loop ($mode)" "$t" "$t_min" "$cpu" "$rss" "$(syscalls_of sh bench/guide-bind.sh "$mode" "$m/sys/bus/pci/devices" "$claim_id")"
                $reset
                ratio_lines[$n]+=" sh ($mode) / initbind boot: wall $(awk -v a="$t" -v b="$boot_us" 'BEGIN { printf "%.1f", a / b }'), CPU $(awk -v a="$cpu" -v b="$boot_cpu" 'BEGIN { printf "%.1f", a / b }');"
                [ "$mode" = read ] && summary_guide[$n]="CPU $(awk -v a="$cpu" -v b="$boot_cpu" 'BEGIN { printf "%.1f", a / b }'), wall $(awk -v a="$t" -v b="$boot_us" 'BEGIN { printf "%.1f", a / b }')"
        done
        # The comparison is fair only if both claim the same functions: check it.
        sh bench/guide-bind.sh read "$m/sys/bus/pci/devices" "$claim_id"
        (cd "$m/sys/bus/pci/devices" && grep -lx vfio-pci -- */driver_override | sed 's|/driver_override||' | sort) > "$tmp/guide-claims"
        # plan exits 1 for the refusals of the bound GPUs: that is the plan, not a failure.
        { "$bin" --root "$m" plan || [ $? -eq 1 ]; } | awk '$1 == "claim" { print $2 }' | sort > "$tmp/initbind-claims"
        if cmp -s "$tmp/guide-claims" "$tmp/initbind-claims"; then
                same_lines[$n]="both claim the same $(wc -l < "$tmp/initbind-claims") functions"
        else
                same_lines[$n]="NOT the same functions: guide $(wc -l < "$tmp/guide-claims"), initbind $(wc -l < "$tmp/initbind-claims")"
        fi
        $reset
        rm -rf "$m" "$m.reset"
done
for n in 64 512 4096; do echo "  $n functions: ${same_lines[$n]};${ratio_lines[$n]%;}"; done
echo "  (boot under --root writes the overrides, cannot load vfio-pci, and takes each one back:"
echo "   that is two writes and a re-read per claimed function more than a real boot does)"

section "3b. this machine's own /sys (root /, real sysfs; nothing configured, so only the scan)"
n_host=$(find /sys/bus/pci/devices -mindepth 1 -maxdepth 1 | wc -l)
if [ "$n_host" -gt 0 ]; then
        for b in "${static_bins[@]}"; do
                read -r t t_min cpu rss < <(time_of "" "$b" --config /nonexistent plan)
                row "$n_host" "$([ "$b" = "$bin" ] && echo initbind || echo "initbind (musl)") plan /" "$t" "$t_min" "$cpu" "$rss" \
                        "$(syscalls_of "$b" --config /nonexistent plan)"
        done
else
        echo "  no PCI functions in /sys/bus/pci/devices"
fi

# --- 3c. the scan against its floor --------------------------------------------------------------
section "3c. the boot scan against its floor: uevent open+read+close and the iommu_group link per function (target: ratio <= 1.5)"
# in_sys_of MACHINE CMD...: CMD in a private mount namespace with MACHINE's sys on /sys, so that
# the scan runs with root "/" as in the initramfs.
# shellcheck disable=SC2016 # the inner script expands its own arguments
in_sys_of() {
        unshare -m sh -c 'mount --bind "$1/sys" /sys && shift && exec "$@"' sh "$@"
}
# calls_per_function N CMD...: system calls of CMD per function.
calls_per_function() {
        local n=$1
        shift
        "$@" > /dev/null 2>&1 || true
        awk -v n="$n" '$NF == "total" { printf "%.1f", (($4 ~ /^[0-9]+$/) ? $4 : $3) / n }' "$tmp/strace"
}
floor_bin=$build/bin/bench-scan-floor
cpu_ratio_of() { sed -n 's/.*ratio_cpu=\([0-9.]*\).*/\1/p' <<< "$1"; } # scan-floor's output: its CPU ratio
for n in 512 4096; do
        m=$tmp/floor-$n
        make_machine "$n" "$m"
        st=(strace -c -o "$tmp/strace" "$floor_bin" --runs 1 --only)
        out=$("$floor_bin" --runs "$runs" "$m")
        echo "  $n functions, --root: $out;" \
             "calls/function: scan $(calls_per_function "$n" "${st[@]}" scan "$m"), floor $(calls_per_function "$n" "${st[@]}" floor "$m")"
        summary_floor[$n]="--root $(cpu_ratio_of "$out")"
        if [ "$(id -u)" = 0 ]; then
                out=$(in_sys_of "$m" "$floor_bin" --runs "$runs" /)
                echo "  $n functions, root /: $out;" \
                     "calls/function: scan $(calls_per_function "$n" in_sys_of "$m" "${st[@]}" scan /)," \
                     "floor $(calls_per_function "$n" in_sys_of "$m" "${st[@]}" floor /)"
                summary_floor[$n]="root / $(cpu_ratio_of "$out"), ${summary_floor[$n]}"
        fi
        rm -rf "$m"
done

# --- 4. cmdlinegen --------------------------------------------------------------------------
section "4. cmdlinegen on the largest generated machine (512 CPUs, 8 nodes, 4096 functions; target: under 50 ms)"
if [ -x "$build/bin/cmdlinegen" ]; then
        m=$tmp/machine-large
        "$build/bin/gen-synthetic-host" --out "$m" --cpus 512 --nodes 8 --pci-functions 4096 > /dev/null
        if ! read -r t t_min cpu rss < <(time_of "" "$build/bin/cmdlinegen" --root "$m"); then
                echo "  cmdlinegen --root DIR did not run (exit status above 1): $("$build/bin/cmdlinegen" --root "$m" 2>&1 | head -n 3)"
        else
        echo "  cmdlinegen --root: median $(us "$t"), min $(us "$t_min"), CPU $(us "$cpu"), peak RSS ${rss} KiB," \
             "$(syscalls_of "$build/bin/cmdlinegen" --root "$m") syscalls"
        fi
        rm -rf "$m"
else
        echo "  cmdlinegen not built"
fi

# --- 5. real boots ----------------------------------------------------------------------------
section "5. real boots (tests/e2e/run.sh logs: Debian's kernel in QEMU, TCG)"
bench/e2e-times.sh "${BENCH_E2E_LOGS:-/var/cache/initbind-tests/e2e/logs}"

# --- 6. initbind's boots against the kernel's own way ------------------------------------------
section "6. boots: initbind against vfio-pci.ids= with vfio-pci loaded first (target: b/a <= 1.10; QEMU TCG)"
if [ "$images" = 0 ] || [ "$boots" = 0 ]; then
        summary_boot="skipped ($([ "$boots" = 0 ] && echo --no-boots || echo "--no-images: the boots need images"))"
        echo "  $summary_boot"
elif [ "$(id -u)" != 0 ]; then
        summary_boot="skipped: needs root (mkinitramfs runs in a private mount namespace)"
        echo "  $summary_boot"
else
        boot_build=${INITBIND_BUILD:-$build}
        # cmake --install needs every target the build installs.
        if [ "$boot_build" = "$build" ] && ! cmake --build "$build" -j2 > "$tmp/build-all.log" 2>&1; then
                tail -n 20 "$tmp/build-all.log" | sed 's/^/    /'
                echo "  skipped: the full build of $build failed"
        elif INITBIND_BUILD=$boot_build bench/boot-vs-kernel.sh -n "$n_boots" > "$tmp/boots.log" 2>&1; then
                sed 's/^/  /' "$tmp/boots.log"
                summary_boot=$(sed -n 's/^boot-vs-kernel: //p' "$tmp/boots.log")
        else
                sed 's/^/  /' "$tmp/boots.log"
                echo "  failed (bench/boot-vs-kernel.sh, the output above)"
        fi
fi

# --- summary --------------------------------------------------------------------------------
section "summary"
for l in "${summary_sizes[@]}"; do echo "  size: $l"; done
for n in 64 512 4096; do
        echo "  ratio guide sh loop (read) / initbind boot, $n functions: ${summary_guide[$n]:-not measured}"
done
for n in 512 4096; do
        echo "  ratio boot scan / floor, CPU, $n functions: ${summary_floor[$n]:-not measured} (target <= 1.5)"
done
echo "  ratio initbind / kernel's way (boots, medians): $summary_boot"
