#!/bin/sh
# The real qemu-system-x86_64 accepts what `cmdlinegen guest --qemu` writes: the expected output
# of every tests/cli/cases/guest-*-qemu case (which cli/guest-* checks the program still prints)
# is split as the shell splits it and run, stopped before the guest runs (-S, then "quit" on the
# monitor), with TCG. What this machine does not have is replaced, each for its reason:
#   -cpu host              needs KVM: -cpu max, TCG's model with every feature it emulates;
#   mem-path=              the hugetlbfs mount of the fixture's page size does not exist here, and
#                          reserving 1 GiB pages on a shared CI machine would take its memory: a
#                          directory of a tmpfs (QEMU still creates, sizes and preallocates the file,
#                          with share=on);
#   host-nodes=N           this machine may have fewer NUMA nodes than the fixture: node 0;
#   -device vfio-pci,host= the fixture's devices are not here: the first run replaces each with
#                          pci-testdev; a second run keeps the first vfio-pci device as written, and
#                          QEMU must get as far as looking for it in sysfs ("no such host device", or
#                          "no iommu_group found" where this machine has a device at that address).
#
#   guest-args.sh CASES_DIR
set -eu

cases_dir=$1
qemu=${QEMU:-qemu-system-x86_64}
command -v "$qemu" > /dev/null || { echo "guest-args: $qemu not found (tools/install-deps.sh installs qemu-system-x86)" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/initbind-guest-qemu.XXXXXX")
shm=$(mktemp -d /dev/shm/initbind-guest-qemu.XXXXXX)
trap 'rm -rf "$work" "$shm"' EXIT INT TERM

# run_qemu OUTPUT ARGUMENTS...: stopped before the first instruction, quit from the monitor.
run_qemu() {
        output=$1
        shift
        echo quit | timeout 300 "$qemu" -accel tcg -machine q35 -nodefaults -display none -S -monitor stdio "$@" \
                > "$output" 2>&1
}

checked=0
for case_dir in "$cases_dir"/guest-*-qemu; do
        [ -f "$case_dir/expected.out" ] || continue
        name=$(basename "$case_dir")
        # The shell's own splitting of the printed words, one argument per line.
        words=$(grep -v '^#' "$case_dir/expected.out" | tr '\n' ' ')
        eval "set -- $words"
        first_vfio=
        for arg in "$@"; do
                case $arg in
                host) arg=max ;;
                memory-backend-file,*)
                        arg=$(printf '%s' "$arg" | sed "s|mem-path=[^,]*|mem-path=$shm|; s|host-nodes=[0-9]*|host-nodes=0|") ;;
                vfio-pci,host=*)
                        [ -n "$first_vfio" ] || first_vfio=$arg
                        arg=pci-testdev ;;
                esac
                printf '%s\n' "$arg"
        done > "$work/args"
        for want in '^-smp$' '^-numa$' '^memory-backend-file,.*prealloc=on,share=on'; do
                grep -q "$want" "$work/args" || { echo "$name: no $want in the arguments" >&2; exit 1; }
        done
        # shellcheck disable=SC2046 # one argument per line, none with a blank (checked by the split above)
        if ! run_qemu "$work/out" $(cat "$work/args"); then
                echo "$name: qemu-system-x86_64 refuses the arguments:" >&2
                cat "$work/args" "$work/out" >&2
                exit 1
        fi
        if [ -n "$first_vfio" ]; then
                address=${first_vfio#vfio-pci,host=}
                run_qemu "$work/vfio" -m 128M -device "$first_vfio" && { echo "$name: QEMU started without $address" >&2; exit 1; }
                grep -Eq "vfio (/sys/bus/pci/devices/)?$address: (no such host device|no iommu_group found)" "$work/vfio" ||
                        { echo "$name: -device $first_vfio did not get to the host device lookup:" >&2; cat "$work/vfio" >&2; exit 1; }
        fi
        checked=$((checked + 1))
done
[ "$checked" -gt 0 ] || { echo "guest-args: no guest-*-qemu case in $cases_dir" >&2; exit 1; }
echo "guest-args: $checked argument lists accepted by $qemu"
