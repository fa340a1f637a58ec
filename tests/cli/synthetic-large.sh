#!/bin/sh
# initbind on the generated large machine (512 CPUs, 8 nodes, 4096 PCI functions): every function
# is listed once, the console GPU is recognized, and a plan by ID keeps the boot VGA for the host.
#   synthetic-large.sh GENERATOR BIN_DIR
set -eu
generator=$1
bin_dir=$2
base=/dev/shm
[ -w "$base" ] || base=${TMPDIR:-/tmp}
work=$(mktemp -d "$base/initbind-synthetic.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

"$generator" --out "$work/root" --cpus 512 --nodes 8 --pci-functions 4096 > /dev/null
"$bin_dir/initbind" --root "$work/root" --pci-ids "$(dirname "$0")/../fixtures/pci.ids" list > "$work/list" 2> "$work/err"

functions=$(grep -cE '^  [0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7] ' "$work/list")
[ "$functions" -eq 4096 ] || { echo "listed $functions functions, expected 4096" >&2; cat "$work/err" >&2; exit 1; }
grep -q '^  0000:01:00.0 .* boot-vga  no: console GPU' "$work/list" ||
        { echo "the boot VGA 0000:01:00.0 is not marked as the console GPU" >&2; exit 1; }

# Claim every function with the boot VGA's ID: it must stay with the host.
id=$(sed -n 's/^  0000:01:00.0  \([0-9a-f]*:[0-9a-f]*\) .*/\1/p' "$work/list")
mkdir -p "$work/root/etc"
echo "claim id=$id" > "$work/root/etc/initbind.conf"
# The other GPUs with that ID are bound to nouveau: refused, so plan exits 1.
status=0
"$bin_dir/initbind" --root "$work/root" plan > "$work/plan" || status=$?
[ "$status" -eq 1 ] || { echo "initbind plan exited $status, expected 1 for its refusals" >&2; exit 1; }
grep -q '^kept  *0000:01:00.0 kept for the host' "$work/plan" ||
        { echo "plan by ID $id does not keep the boot VGA:" >&2; head -20 "$work/plan" >&2; exit 1; }
# cmdlinegen on the same machine: 64 whole cores (128 CPUs) and 96 GiB in 1 GiB pages on node 3.
printf 'isolate-cores 64\nguest-memory 64G node=3\nguest-memory 32G node=3\n' > "$work/root/etc/initbind.conf"
status=0
"$bin_dir/cmdlinegen" --root "$work/root" --json > "$work/proposal" 2> "$work/err" || status=$?
[ "$status" -eq 0 ] || { echo "cmdlinegen exited $status" >&2; cat "$work/err" "$work/proposal" >&2; exit 1; }
isolated=$(sed -n 's/.*"name": *"isolcpus", *"value": *"domain,managed_irq,\([^"]*\)".*/\1/p' "$work/proposal" | head -1)
count=$(echo "$isolated" | tr ',' '\n' | awk -F- '{ n += (NF == 2 ? $2 - $1 + 1 : 1) } END { print n + 0 }')
[ "$count" -eq 128 ] || { echo "isolcpus names $count CPUs ($isolated), expected 128" >&2; exit 1; }
grep -q '"name": *"hugepages", *"value": *"3:96"' "$work/proposal" ||
        { echo "no hugepages=3:96 in the proposal" >&2; cat "$work/proposal" >&2; exit 1; }
echo "synthetic-large: ok ($functions functions, boot VGA kept, cmdlinegen isolates $count CPUs)"
