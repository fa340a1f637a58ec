#!/bin/sh
# The libvirt qemu hook, run as libvirtd runs it (arguments GUEST OPERATION SUB-OPERATION -, the
# domain XML on standard input) against copies of a fixture machine, with the real initbind.
#
#   qemu-hook.sh HOOK BIN_DIR
#
# A fixture has no kernel behind it: vfio-pci cannot be loaded under --root, and a write to
# unbind moves no driver link. So a claim of a device on its host driver is checked by its
# writes (the host driver's unbind file, driver_override) and ends rolled back; a device the
# fixture shows on vfio-pci already is the successful claim; release is checked by its writes.
set -eu

hook=$1
bin_dir=$2
tests_dir=$(cd "$(dirname "$0")/.." && pwd)
domains=$tests_dir/libvirt/domains

work=$(mktemp -d "${TMPDIR:-/tmp}/initbind-libvirt.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
failures=0
. "$tests_dir/fixtures/machine.sh"

fail() {
	echo "FAIL: $case_name: $*" >&2
	echo "--- hook output:" >&2
	cat "$work/err" >&2
	failures=$((failures + 1))
}

# new_machine: a fresh copy of the workstation (two identical GPUs at 00:01 and 00:02, each
# with an audio function, on their host drivers as on a running host).
new_machine() {
	root=$work/root
	machine_copy workstation-identical-gpus "$root"
}

# on_vfio ADDR...: the fixture shows the functions bound to vfio-pci, as after a claim.
on_vfio() {
	mkdir -p "$root/sys/bus/pci/drivers/vfio-pci"
	: >"$root/sys/bus/pci/drivers/vfio-pci/bind"
	: >"$root/sys/bus/pci/drivers/vfio-pci/unbind"
	for a in "$@"; do
		dev=$root/sys/bus/pci/devices/$a
		rm -f "$dev/driver"
		ln -s ../../../bus/pci/drivers/vfio-pci "$dev/driver"
		sed -i 's/^DRIVER=.*/DRIVER=vfio-pci/' "$dev/uevent"
		echo vfio-pci >"$dev/driver_override"
	done
}

# run_hook CASE XML OPERATION SUB-OPERATION: runs the hook, status in $status.
run_hook() {
	case_name=$1
	status=0
	INITBIND=$bin_dir/initbind INITBIND_ROOT=$root INITBIND_SYSLOG=0 \
		sh "$hook" "$case_name" "$3" "$4" - <"$domains/$2" >"$work/out" 2>"$work/err" || status=$?
}

expect_status() {
	[ "$status" = "$1" ] || fail "exit status $status, expected $1"
}

expect_log() {
	grep -qF -- "$1" "$work/err" || fail "no log line containing: $1"
}

expect_no_log() {
	! grep -qF -- "$1" "$work/err" || fail "unexpected log line containing: $1"
}

# expect_file PATH CONTENT: the fixture file's content ("" is an empty file or one newline).
expect_file() {
	actual=$(cat "$root/$1" 2>/dev/null) || actual="<missing>"
	[ "$actual" = "$2" ] || fail "$1 holds '$actual', expected '$2'"
}

# A GPU on its host driver: the hook claims the host-side address (not the guest's bus 0x07, not
# the USB device, not the hostdev in the comment) and its audio function; the fixture cannot
# bind it, so the claim fails, is rolled back, and the start is stopped.
new_machine
run_hook claim-host-driver gpu-slot2.xml prepare begin
expect_status 1
expect_log "initbind-libvirt: claim-host-driver: prepare begin: initbind claim 0000:00:02.0"
expect_log "0000:00:02.0 reserved for vfio-pci (named by initbind claim)"
expect_log "0000:00:02.1 reserved for vfio-pci (completes IOMMU group 2 of 0000:00:02.0)"
expect_log "0000:00:02.0: claim failed (initbind exit status 1)"
expect_log "not starting: a PCI hostdev could not be claimed"
expect_no_log "0000:07:00.0"
expect_no_log "0000:00:01.0"
expect_file sys/bus/pci/drivers/bochs-drm/unbind 0000:00:02.0
expect_file sys/bus/pci/drivers/snd_hda_intel/unbind 0000:00:02.1
expect_file sys/bus/pci/devices/0000:00:02.0/driver_override ""
expect_file sys/bus/pci/devices/0000:00:02.1/driver_override ""

# The console GPU, single quotes, managed='no': initbind refuses it, nothing is written, the
# start is stopped and libvirt gets the reason on standard error.
new_machine
run_hook console-refused console-gpu.xml prepare begin
expect_status 1
expect_log "initbind claim 0000:00:01.0"
expect_log "0000:00:01.0 not claimed: it drives the console"
expect_log "console-refused: not starting"
expect_file sys/bus/pci/devices/0000:00:01.0/driver_override "(null)"
expect_file sys/bus/pci/drivers/bochs-drm/unbind ""

# Devices on vfio-pci already (claimed at boot): the claim succeeds and the guest may start.
# Decimal, octal and hex numbers, spaces around '=', no mode attribute: both functions found.
new_machine
on_vfio 0000:00:02.0 0000:00:02.1
run_hook claim-done numbers-decimal-octal.xml prepare begin
expect_status 0
expect_log "initbind claim 0000:00:02.0"
expect_log "initbind claim 0000:00:02.1"
expect_log "0000:00:02.0: claim done"
expect_log "0000:00:02.1: claim done"
expect_file sys/bus/pci/drivers/bochs-drm/unbind ""

# release end: the group goes back (override cleared, unbound from vfio-pci, reprobed); the
# fixture's links stay, so initbind reports it still on vfio-pci, which is logged, and the
# status is 0 (there is nothing left for libvirt to stop).
new_machine
on_vfio 0000:00:02.0 0000:00:02.1
: >"$root/sys/bus/pci/drivers_probe"
run_hook release gpu-slot2.xml release end
expect_status 0
expect_log "release: release end: initbind release 0000:00:02.0"
expect_file sys/bus/pci/devices/0000:00:02.0/driver_override ""
expect_file sys/bus/pci/devices/0000:00:02.1/driver_override ""
expect_file sys/bus/pci/drivers/vfio-pci/unbind 0000:00:02.1
expect_file sys/bus/pci/drivers_probe 0000:00:02.1

# A device given back by libvirt already (managed='yes' reattaches before release end).
new_machine
run_hook release-not-claimed gpu-slot2.xml release end
expect_status 0
expect_log "0000:00:02.0 is not claimed by vfio-pci (driver: bochs-drm); nothing to release"

# XML that names a PCI hostdev the hook cannot read: the start is stopped, naming what is wrong.
new_machine
run_hook bad-bus bad-bus.xml prepare begin
expect_status 1
expect_log "cannot read the domain XML: hostdev 1: <address bus='0x1ff'> in <source> is not a number from 0 to 0xff"
expect_no_log "initbind claim"
run_hook no-source-address no-source-address.xml prepare begin
expect_status 1
expect_log "cannot read the domain XML: hostdev 1 (type pci) has no <address> in its <source>"
expect_no_log "initbind claim"

# No hostdevs, or an operation the hook does not handle: nothing is run, status 0.
run_hook no-hostdev no-hostdev.xml prepare begin
expect_status 0
[ ! -s "$work/err" ] || fail "logged something for a domain without PCI hostdevs"
run_hook other-operation gpu-slot2.xml started begin
expect_status 0
[ ! -s "$work/err" ] || fail "logged something for 'started begin'"
expect_file sys/bus/pci/devices/0000:00:02.0/driver_override "(null)"

if [ "$failures" != 0 ]; then
	echo "qemu-hook: $failures failure(s)" >&2
	exit 1
fi
echo "qemu-hook: ok"
