#!/bin/sh
# e2e-times.sh: initbind's real-boot figures from the logs tests/e2e/run.sh leaves behind.
#
#   bench/e2e-times.sh LOGDIR        (default LOGDIR: /var/cache/initbind-tests/e2e/logs)
#
# Reads LOGDIR/initramfs-tools-SCENARIO.log (run.sh's log of each boot of the initramfs-tools
# image: the guest's serial console and its kernel log, "DMESG [...]", with their timestamps) and
# prints, per scenario, from the kernel log timestamps:
#   start      "initbind: init-top: running /usr/bin/initbind boot" (the boot script, just before exec)
#   last write the last "reserved for vfio-pci" / "pinned to" line (each logged right after its
#              driver_override write)
#   on vfio    the last "claimed: bound to vfio-pci" (logged when initbind reads the driver link
#              back: an upper bound of when the last target was bound)
#   exit       "initbind boot exited"
# and the span from the last write to the first "claimed" line, which is loading the vfio
# modules and vfio-pci's probes. Only reads files; runs nothing.
set -eu
logs=${1:-/var/cache/initbind-tests/e2e/logs}

# ts FILE ERE first|last: the kernel timestamp (seconds) of the first or last matching line.
ts() {
        grep -E "^(DMESG )?\[ *[0-9]+\.[0-9]+\] $2" "$1" | { if [ "$3" = last ]; then tail -n 1; else head -n 1; fi; } |
                sed -n 's/^\(DMESG \)\{0,1\}\[ *\([0-9]*\.[0-9]*\)\].*/\2/p'
}
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f ms", (b - a) * 1000 }'; }

found=0
for log in "$logs"/initramfs-tools-*.log; do
        [ -f "$log" ] || continue
        found=1
        name=$(basename "$log" .log)
        start=$(ts "$log" 'initbind: init-top: running' first)
        write=$(ts "$log" 'initbind: .*(reserved for vfio-pci|driver_override pinned to)' last)
        bound_first=$(ts "$log" 'initbind: .* claimed: bound to vfio-pci' first)
        bound=$(ts "$log" 'initbind: .* claimed: bound to vfio-pci' last)
        end=$(ts "$log" 'initbind: init-top: /usr/bin/initbind boot exited' first)
        n=$(grep -cE '^(DMESG )?\[ *[0-9.]+\] initbind: .* claimed: bound to vfio-pci' "$log" || true)
        if [ -z "$start" ] || [ -z "$end" ]; then
                echo "  $name: initbind's start or end is not in the log"
                continue
        fi
        line="  $name: $n on vfio-pci; start -> exit $(ms "$start" "$end")"
        [ -n "$write" ] && line="$line; start -> last write $(ms "$start" "$write")"
        [ -n "$bound" ] && line="$line; start -> last target on vfio-pci $(ms "$start" "$bound")"
        [ -n "$write" ] && [ -n "$bound_first" ] &&
                line="$line; of which module load + probe (last write -> first bound) $(ms "$write" "$bound_first")"
        echo "$line"
done
if [ "$found" = 0 ]; then
        echo "  no real-boot logs in $logs: run tests/e2e/run.sh (as root) first"
fi
# The same work without initbind (vfio-pci.ids= and modprobe, the kernel's own way) is not in
# these logs: bench/boot-vs-kernel.sh boots it beside initbind (bench/run.sh section 6).
echo "  without initbind (vfio-pci.ids=, vfio-pci loaded by modprobe): section 6, bench/boot-vs-kernel.sh"
