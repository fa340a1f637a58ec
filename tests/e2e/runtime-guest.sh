#!/bin/sh
# runtime-guest.sh: the steps of tests/e2e/runtime.sh, run inside the booted guest as its init, on
# the host's / (shared read-only by virtio-9p), with the guest's /proc, /sys, /dev and a tmpfs on
# /run. It powers the guest off at the end. Every check prints "RUNTIME PASS|FAIL STEP: what"; every step "RUNTIME TIME STEP SECONDS".
# One function per step (step_*), run in the order of STEPS at the bottom: a new step is a new
# function and a word in that list.
#
# Environment: BUILD (the build tree: bin/initbind, bin/vfio-open, initbind/70-initbind.rules).
set -u

IB="$BUILD/bin/initbind"
VFIO_OPEN="$BUILD/bin/vfio-open"
TWIN_A=0000:00:02.0 # claimed and released
TWIN_B=0000:00:03.0 # its identical twin: must never move
HOTPLUG=0000:00:04.0 # a third twin, the configured device of the hotplug step
SLOT_GPU=0000:00:05.0 # a GPU with its audio function: one IOMMU group
SLOT_AUDIO=0000:00:05.1
T=/run/initbind-test
mkdir -p "$T"
: > "$T/empty.conf" # no claims at boot, none configured: every move is the command's own
passed=0
failed=0
step=setup

ok() { echo "RUNTIME PASS $step: $1"; passed=$((passed + 1)); }
bad() { echo "RUNTIME FAIL $step: $1"; failed=$((failed + 1)); }
check() { # DESCRIPTION COMMAND...
        d=$1
        shift
        if "$@"; then ok "$d"; else bad "$d"; fi
}
ib() { "$IB" --config "$T/empty.conf" "$@"; }
drv() { # ADDRESS: its driver, or "none"
        l=$(readlink "/sys/bus/pci/devices/$1/driver" 2>/dev/null) && echo "${l##*/}" || echo none
}
on() { [ "$(drv "$1")" = "$2" ]; } # on ADDRESS DRIVER
group_of() { l=$(readlink "/sys/bus/pci/devices/$1/iommu_group") && echo "${l##*/}"; }
drm_card() { # ADDRESS: the name of its DRM card, or nothing
        for c in "/sys/bus/pci/devices/$1/drm/"card*; do
                [ -e "$c" ] && echo "${c##*/}" && return
        done
}
has_card() { [ -n "$(drm_card "$1")" ]; }
contains() { printf '%s' "$1" | grep -qF -- "$2"; } # contains TEXT FIXED-STRING
now() { date +%s%N; }
wait_for() { # ADDRESS DRIVER SECONDS: until ADDRESS is on DRIVER, at most SECONDS
        i=0
        while ! on "$1" "$2" && [ $i -lt $(($3 * 10)) ]; do
                sleep 0.1
                i=$((i + 1))
        done
}
say() { echo "RUNTIME $*"; }

# run_step NAME: step_NAME, timed.
run_step() {
        step=$1
        t0=$(now)
        "step_$1"
        t1=$(now)
        say "TIME $1 $(((t1 - t0) / 1000000)) ms"
}

step_setup() {
        modprobe bochs
        modprobe snd_hda_intel
        for a in $TWIN_A $TWIN_B $HOTPLUG $SLOT_GPU; do wait_for "$a" bochs-drm 30; done
        wait_for $SLOT_AUDIO snd_hda_intel 30
        for a in $TWIN_A $TWIN_B $HOTPLUG $SLOT_GPU; do
                check "$a on bochs-drm with its DRM card at start" sh -c "[ \"\$(readlink /sys/bus/pci/devices/$a/driver)\" ] && ls /sys/bus/pci/devices/$a/drm | grep -q card"
        done
        check "$SLOT_AUDIO on snd_hda_intel at start" on $SLOT_AUDIO snd_hda_intel
        check "$TWIN_A and $TWIN_B in IOMMU groups of their own" [ "$(group_of $TWIN_A)" != "$(group_of $TWIN_B)" ]
        check "$SLOT_GPU and $SLOT_AUDIO in one IOMMU group" [ "$(group_of $SLOT_GPU)" = "$(group_of $SLOT_AUDIO)" ]
}

step_claim_twin() {
        card_b=$(drm_card $TWIN_B)
        out=$(ib claim $TWIN_A 2>&1)
        say "transcript: initbind claim $TWIN_A: $out"
        check "claim without --allow unbind refuses, naming the option" contains "$out" "pass --allow unbind"
        check "the refusal gives no boot-time reason" not_contains "$out" "loaded before initbind"
        out=$(ib --allow unbind claim $TWIN_A 2>&1)
        check "initbind --allow unbind claim $TWIN_A exits 0" [ $? -eq 0 ]
        say "transcript: initbind --allow unbind claim $TWIN_A: $(echo "$out" | tr '\n' '|')"
        check "$TWIN_A is on vfio-pci" on $TWIN_A vfio-pci
        g=$(group_of $TWIN_A)
        check "/dev/vfio/$g exists" [ -c "/dev/vfio/$g" ]
        check "$TWIN_B is still on bochs-drm" on $TWIN_B bochs-drm
        check "$TWIN_B keeps its DRM card ($card_b)" [ "$(drm_card $TWIN_B)" = "$card_b" ]
        check "the kernel log records the claim" sh -c "dmesg | grep -q 'initbind: $TWIN_A claimed: bound to vfio-pci'"
}
not_contains() { ! contains "$@"; }

step_status_viable() {
        g=$(group_of $TWIN_A)
        out=$(ib status --json)
        say "transcript: initbind status --json: $out"
        check "status --json: group $g viable, not open" contains "$out" "\"group\":$g,\"usable\":true,\"blocked_by\":null,\"vfio\":\"viable\",\"viable\":true,\"open\":false"
        # The device cdev only where the kernel makes one (6.6+); 6.1 has vfio-dev/ in sysfs alone.
        cdev=null
        for d in "/sys/bus/pci/devices/$TWIN_A/vfio-dev/"vfio*; do
                [ -c "/dev/vfio/devices/${d##*/}" ] && cdev="\"/dev/vfio/devices/${d##*/}\""
        done
        check "status --json: cdev $cdev" contains "$out" "\"address\":\"$TWIN_A\",\"driver\":\"vfio-pci\",\"cdev\":$cdev"
}

step_vfio_in_use() {
        g=$(group_of $TWIN_A)
        hold_open $TWIN_A
        say "transcript: $(cat "$T/vfio-open.out")"
        check "vfio-open: container, group, type-1 IOMMU, device fd, IDs through the config region = sysfs" grep -q ': match' "$T/vfio-open.out"
        out=$(ib status --json)
        check "status --json while it is held: group $g open" contains "$out" "\"vfio\":\"open\",\"viable\":null,\"open\":true"
        out=$(ib status)
        say "transcript: initbind status: $(echo "$out" | tr '\n' '|')"
        out=$(ib release $TWIN_A 2>&1)
        rc=$?
        say "transcript: initbind release $TWIN_A: $out"
        check "release refuses while a process holds the group" [ $rc -ne 0 ]
        check "the refusal says the group is open by another process" contains "$out" "is open by another process"
        check "$TWIN_A is still on vfio-pci" on $TWIN_A vfio-pci
        hold_close
        check "vfio-open exits 0 after closing" [ $? -eq 0 ]
}

step_release_twin() {
        g=$(group_of $TWIN_A)
        out=$(ib release $TWIN_A 2>&1)
        check "initbind release $TWIN_A exits 0" [ $? -eq 0 ]
        say "transcript: initbind release $TWIN_A: $out"
        check "$TWIN_A is back on bochs-drm" on $TWIN_A bochs-drm
        check "$TWIN_A has its DRM card back" has_card $TWIN_A
        check "/dev/vfio/$g is gone" [ ! -e "/dev/vfio/$g" ]
        check "the kernel log records the release" sh -c "dmesg | grep -q 'initbind: $TWIN_A released: now on bochs-drm'"
}

step_second_cycle() {
        ib --allow unbind claim $TWIN_A > /dev/null 2>&1
        check "second claim: $TWIN_A on vfio-pci" on $TWIN_A vfio-pci
        check "second claim: VFIO opens it" sh -c "'$VFIO_OPEN' $(group_of $TWIN_A) $TWIN_A | grep -q ': match'"
        ib release $TWIN_A > /dev/null 2>&1
        check "second release: $TWIN_A on bochs-drm with its DRM card" sh -c "[ \"\$(readlink /sys/bus/pci/devices/$TWIN_A/driver | sed 's|.*/||')\" = bochs-drm ] && ls /sys/bus/pci/devices/$TWIN_A/drm | grep -q card"
        check "$TWIN_B never moved" on $TWIN_B bochs-drm
}

step_gpu_audio_slot() {
        out=$(ib --allow unbind claim $SLOT_GPU 2>&1)
        check "claim of the slot's GPU exits 0" [ $? -eq 0 ]
        say "transcript: initbind --allow unbind claim $SLOT_GPU: $(echo "$out" | tr '\n' '|')"
        check "$SLOT_GPU on vfio-pci" on $SLOT_GPU vfio-pci
        check "$SLOT_AUDIO (its group companion) on vfio-pci" on $SLOT_AUDIO vfio-pci
        g=$(group_of $SLOT_GPU)
        check "VFIO opens group $g" sh -c "'$VFIO_OPEN' $g $SLOT_GPU | grep -q ': match'"
        # libvirt's managed mode gives the named device back itself; the companion is left over.
        libvirt_reattach $SLOT_GPU
        out=$(ib release $SLOT_GPU 2>&1)
        check "release of the handed-back GPU exits 0" [ $? -eq 0 ]
        say "transcript: initbind release $SLOT_GPU: $(echo "$out" | tr '\n' '|')"
        check "$SLOT_GPU back on bochs-drm" on $SLOT_GPU bochs-drm
        check "$SLOT_AUDIO back on snd_hda_intel" on $SLOT_AUDIO snd_hda_intel
}

step_hotplug() {
        conf="$T/hotplug.conf"
        echo "claim $HOTPLUG expect=1234:1111" > "$conf"
        mkdir -p /run/udev/rules.d
        # The tree's rule as built, pointed at this build's binary and the test's config.
        sed "s|RUN+=\"[^ ]*initbind |RUN+=\"$IB --config $conf |" "$BUILD/initbind/70-initbind.rules" \
                > /run/udev/rules.d/70-initbind.rules
        grep RUN /run/udev/rules.d/70-initbind.rules | sed 's/^/RUNTIME rule: /'
        /lib/systemd/systemd-udevd &
        udevd=$!
        udevadm settle --timeout=60
        check "$HOTPLUG on bochs-drm before" on $HOTPLUG bochs-drm
        echo 1 > /sys/bus/pci/devices/$HOTPLUG/remove
        echo 1 > /sys/bus/pci/rescan
        between=$(drv $HOTPLUG)
        say "between rescan and initbind: $HOTPLUG on $between"
        udevadm settle --timeout=120
        wait_for $HOTPLUG vfio-pci 120
        check "after udev ran initbind hotplug: $HOTPLUG on vfio-pci" on $HOTPLUG vfio-pci
        dmesg | grep "initbind: .*$HOTPLUG" | sed 's/^/RUNTIME kmsg: /'
        out=$("$IB" --config "$conf" release $HOTPLUG 2>&1)
        rc=$?
        say "transcript: initbind release $HOTPLUG: $out"
        check "release refuses what the config claims" [ $rc -ne 0 ]
        check "the refusal names --release-configured" contains "$out" "--release-configured"
        "$IB" --config "$conf" release --release-configured $HOTPLUG > /dev/null 2>&1
        check "release --release-configured: $HOTPLUG on bochs-drm" on $HOTPLUG bochs-drm
        kill $udevd
        wait $udevd
}

# --- the libvirt hook, installed as a package installs it and run as libvirt runs it ------------
# STAGE (a `cmake --install` DESTDIR) and PREFIX come from runtime.sh; BOOT_CLAIM is the device the
# image's /etc/initbind.conf claims at boot.
HOOK=/etc/libvirt/hooks/qemu.d/initbind
RECORDS=/run/initbind/libvirt
domain_xml() { # NAME MANAGED ADDRESS...: T/NAME.xml, a domain with one PCI hostdev per ADDRESS
        name=$1 managed=$2
        shift 2
        {
                echo "<domain type='kvm'><name>$name</name>"
                # Not a device: the hook reads only <devices>/<hostdev>, never <metadata>.
                echo "<metadata><hostdev mode='subsystem' type='pci'><source>$(address_xml $TWIN_B)</source></hostdev></metadata>"
                echo "<devices>"
                for a in "$@"; do
                        echo "<hostdev mode='subsystem' type='pci' managed='$managed'><source>$(address_xml "$a")</source></hostdev>"
                done
                echo "</devices></domain>"
        } > "$T/$name.xml"
}
address_xml() { # DDDD:BB:SS.F: its libvirt <address/>
        bdf=${1#*:}
        sf=${bdf#*:}
        echo "<address domain='0x${1%%:*}' bus='0x${bdf%%:*}' slot='0x${sf%.*}' function='0x${sf#*.}'/>"
}
# hook NAME OPERATION SUB-OPERATION: what libvirtd runs, the domain XML on standard input; sets
# rc (its exit status), out (what it wrote to standard error, where libvirt looks) and kmsg (the
# lines it added to the kernel log), and prints them as a transcript line.
hook() {
        n0=$(dmesg | wc -l)
        out=$("$HOOK" "$1" "$2" "$3" - < "$T/$1.xml" 2>&1)
        rc=$?
        kmsg=$(dmesg | tail -n +$((n0 + 1)) | grep 'initbind-libvirt: ' | sed 's/^\[[^]]*\] //')
        say "transcript: qemu.d/initbind $1 $2 $3 - [exit $rc]: $(echo "$out" | tr '\n' '|')"
}
recorded() { grep -qx "$2" "$RECORDS/$1.record" 2> /dev/null; } # recorded DOMAIN LINE
unrecorded() { [ ! -e "$RECORDS/$1.record" ]; }
on_with_card() { on "$1" "$2" && has_card "$1"; }
rc_and() { [ "$rc" -eq 0 ] && "$@"; } # rc_and COMMAND...: the hook exited 0 and COMMAND succeeds
slot_on_host() { on $SLOT_GPU bochs-drm && on $SLOT_AUDIO snd_hda_intel; }
# hold_open ADDRESS: vfio-open holds its group open, as a running guest's QEMU does, until
# hold_close; sets holder (its pid) and leaves its output in T/vfio-open.out.
hold_open() {
        rm -f "$T/hold"
        mkfifo "$T/hold"
        "$VFIO_OPEN" "$(group_of "$1")" "$1" --hold < "$T/hold" > "$T/vfio-open.out" 2>&1 &
        holder=$!
        exec 3> "$T/hold"
        i=0
        while ! grep -q ': match' "$T/vfio-open.out" && kill -0 $holder 2> /dev/null && [ $i -lt 600 ]; do
                sleep 0.1
                i=$((i + 1))
        done
}
hold_close() { exec 3>&-; wait "$holder"; }
# What libvirt does for a managed='yes' hostdev after the guest stops: the device back to its
# host driver (virPCIDeviceReattach), before it runs release end.
libvirt_reattach() {
        echo > "/sys/bus/pci/devices/$1/driver_override"
        echo "$1" > /sys/bus/pci/drivers/vfio-pci/unbind
        echo "$1" > /sys/bus/pci/drivers_probe
}

# machine_config [LINE...]: /etc/initbind.conf as the image's (the hook reads it, initbind read it
# at boot), and LINEs.
machine_config() {
        echo "claim $BOOT_CLAIM" > /etc/initbind.conf
        for l in "$@"; do echo "$l" >> /etc/initbind.conf; done
}

step_hook_install() {
        mkdir -p "${HOOK%/*}" "$PREFIX/libexec/initbind"
        install -m 755 "$STAGE$HOOK" "$HOOK"
        install -m 755 "$STAGE$PREFIX/libexec/initbind/initbind-libvirt-hook" "$PREFIX/libexec/initbind/"
        machine_config
        check "the installed $HOOK execs the installed program" grep -q "$PREFIX/libexec/initbind/initbind-libvirt-hook" "$HOOK"
        check "initbind ran in the mkinitramfs image (init-top)" sh -c "dmesg | grep -q 'initbind: init-top: /usr/bin/initbind boot exited with status 0'"
        check "$BOOT_CLAIM on vfio-pci since the initramfs" on "$BOOT_CLAIM" vfio-pci
        dmesg | grep "initbind: .*$BOOT_CLAIM" | sed 's/^/RUNTIME kmsg: /'
        check "the kernel log has the initramfs's claim of $BOOT_CLAIM" sh -c "dmesg | grep -q 'initbind: $BOOT_CLAIM claimed: bound to vfio-pci'"
}

step_hook_unmanaged() {
        domain_xml vm-unmanaged no $TWIN_A
        hook vm-unmanaged prepare begin
        check "prepare begin exits 0" [ $rc -eq 0 ]
        check "$TWIN_A on vfio-pci" on $TWIN_A vfio-pci
        check "recorded: claimed $TWIN_A" recorded vm-unmanaged "claimed $TWIN_A"
        check "the kernel log has what it wrote to stderr" [ "$kmsg" = "$out" ]
        check "VFIO opens it" sh -c "'$VFIO_OPEN' $(group_of $TWIN_A) $TWIN_A | grep -q ': match'"
        check "$TWIN_B (named only in <metadata>) still on bochs-drm" on $TWIN_B bochs-drm
        hook vm-unmanaged started begin
        hook vm-unmanaged stopped end
        check "stopped end: $TWIN_A back on bochs-drm with its DRM card" on_with_card $TWIN_A bochs-drm
        hook vm-unmanaged release end
        check "release end exits 0, the record removed" rc_and unrecorded vm-unmanaged
        check "$TWIN_A still on bochs-drm" on $TWIN_A bochs-drm
}

step_hook_managed() {
        domain_xml vm-managed yes $TWIN_A
        hook vm-managed prepare begin
        check "prepare begin exits 0, $TWIN_A on vfio-pci" rc_and on $TWIN_A vfio-pci
        check "recorded: claimed $TWIN_A managed" recorded vm-managed "claimed $TWIN_A managed"
        hook vm-managed stopped end
        check "stopped end leaves a managed device to libvirt: $TWIN_A still on vfio-pci" on $TWIN_A vfio-pci
        libvirt_reattach $TWIN_A
        check "libvirt's reattach: $TWIN_A on bochs-drm" on $TWIN_A bochs-drm
        hook vm-managed release end
        check "release end exits 0 and moves nothing: $TWIN_A on bochs-drm with its DRM card" rc_and on_with_card $TWIN_A bochs-drm
        check "release end says it has nothing to give back" contains "$out" "$TWIN_A is on bochs-drm already: nothing to give back"
        check "the record removed" unrecorded vm-managed
}

# libvirt runs prepare begin before its own "in use by another domain" check, and release end
# after every failed start: guest B's start must not take guest A's device.
step_hook_in_use() {
        domain_xml guest-a no $TWIN_A
        domain_xml guest-b no $TWIN_A
        hook guest-a prepare begin
        check "guest A: prepare begin exits 0, $TWIN_A on vfio-pci" rc_and on $TWIN_A vfio-pci
        hold_open $TWIN_A
        check "guest A's QEMU (vfio-open --hold) has group $(group_of $TWIN_A) open" grep -q ': match' "$T/vfio-open.out"
        hook guest-b prepare begin
        check "guest B: prepare begin refuses (exit 1)" [ $rc -eq 1 ]
        check "the refusal names guest A as the holder" contains "$out" "$TWIN_A is held by domain 'guest-a', which is running"
        check "guest B has no record" unrecorded guest-b
        hook guest-b stopped end
        hook guest-b release end
        check "guest B: release end exits 0" [ $rc -eq 0 ]
        check "$TWIN_A still on vfio-pci after guest B's release end" on $TWIN_A vfio-pci
        check "group $(group_of $TWIN_A) still open (status --json)" contains "$(ib status --json)" "\"vfio\":\"open\",\"viable\":null,\"open\":true"
        check "guest A's QEMU still holds it" kill -0 $holder
        check "guest A's record untouched" recorded guest-a "claimed $TWIN_A"
        hold_close
        hook guest-a stopped end
        hook guest-a release end
        check "guest A stopped: $TWIN_A back on bochs-drm with its DRM card" on_with_card $TWIN_A bochs-drm
}

# All or nothing: a domain with one device it may take and one it may not touches neither.
step_hook_all_or_nothing() {
        domain_xml mixed no $TWIN_A $SLOT_GPU
        hook mixed prepare begin
        check "prepare begin refuses (exit 1)" [ $rc -eq 1 ]
        check "the refusal names the unnamed group companion on its host driver" contains "$out" "$SLOT_AUDIO is bound to the host driver snd_hda_intel and the domain does not name it"
        check "it says no device was touched" contains "$out" "no device was touched"
        check "$TWIN_A (the device it may take) untouched on bochs-drm with its DRM card" on_with_card $TWIN_A bochs-drm
        check "$SLOT_GPU on bochs-drm, $SLOT_AUDIO on snd_hda_intel" slot_on_host
        check "no record" unrecorded mixed
        hook mixed stopped end
        hook mixed release end
        check "release end after the failed start exits 0, $TWIN_A untouched" rc_and on_with_card $TWIN_A bochs-drm
        check "$SLOT_GPU and $SLOT_AUDIO untouched" slot_on_host
}

# managed='yes' on a GPU with its audio function, which the configuration lends to guests (the
# domain names the GPU only): libvirt reattaches the GPU itself, the hook gives back the audio.
step_hook_managed_slot() {
        machine_config "unbind-for-guests $SLOT_AUDIO"
        domain_xml vm-slot yes $SLOT_GPU
        hook vm-slot prepare begin
        check "prepare begin exits 0, $SLOT_GPU on vfio-pci" rc_and on $SLOT_GPU vfio-pci
        check "$SLOT_AUDIO (lent, not named) on vfio-pci with it" on $SLOT_AUDIO vfio-pci
        check "recorded: claimed $SLOT_GPU managed, claimed $SLOT_AUDIO" sh -c "grep -qx 'claimed $SLOT_GPU managed' $RECORDS/vm-slot.record && grep -qx 'claimed $SLOT_AUDIO' $RECORDS/vm-slot.record"
        hook vm-slot stopped end
        check "stopped end: $SLOT_AUDIO back on snd_hda_intel" on $SLOT_AUDIO snd_hda_intel
        check "stopped end: $SLOT_GPU left to libvirt, still on vfio-pci" on $SLOT_GPU vfio-pci
        libvirt_reattach $SLOT_GPU
        hook vm-slot release end
        check "release end exits 0: $SLOT_GPU on bochs-drm, $SLOT_AUDIO on snd_hda_intel" rc_and slot_on_host
        check "the record removed" unrecorded vm-slot
        machine_config
}

# A device the configuration claims at boot is the host's, not the guest's: never given back.
step_hook_boot_claim() {
        domain_xml uses-boot-claim no "$BOOT_CLAIM"
        hook uses-boot-claim prepare begin
        check "prepare begin exits 0" [ $rc -eq 0 ]
        check "it claims nothing: the device is on vfio-pci already" contains "$out" "0 PCI functions claimed for the guest, 1 on vfio-pci already"
        check "recorded: held $BOOT_CLAIM" recorded uses-boot-claim "held $BOOT_CLAIM"
        hook uses-boot-claim stopped end
        hook uses-boot-claim release end
        check "release end exits 0, the record removed" rc_and unrecorded uses-boot-claim
        check "$BOOT_CLAIM still on vfio-pci (the boot's claim)" on "$BOOT_CLAIM" vfio-pci
}

# find_device VENDOR DEVICE: the first function with these IDs behind a bridge (not on bus 00).
find_device() {
        for d in /sys/bus/pci/devices/*; do
                case ${d##*/} in 0000:00:*) continue ;; esac
                [ "$(cat "$d/vendor")" = "0x$1" ] && [ "$(cat "$d/device")" = "0x$2" ] && echo "${d##*/}" && return
        done
}

# The pre-flight on real devices, each on its host driver: plan and status show the kernel's own
# reset_method, and initbind rom reads a real ROM through sysfs (enable, read, disable).
step_preflight() {
        modprobe e1000e
        modprobe nvme
        nic=$(find_device 8086 10d3)
        nvme=$(find_device 1b36 0010)
        gpu=$(find_device 1234 1111)
        say "pre-flight devices: e1000e $nic, nvme $nvme, bochs-display $gpu"
        wait_for "$nic" e1000e 30
        wait_for "$nvme" nvme 30
        wait_for "$gpu" bochs-drm 30
        conf="$T/preflight.conf"
        printf 'claim %s allow=unbind\nclaim %s allow=unbind,storage\nclaim %s allow=unbind\nrom-check %s\n' \
                "$nic" "$nvme" "$gpu" "$gpu" > "$conf"
        plan=$("$IB" --config "$conf" plan 2>&1)
        say "transcript: initbind plan: $(echo "$plan" | grep -E '^(claim|reset|rom)' | tr '\n' '|')"
        status=$("$IB" --config "$conf" status 2>&1)
        for pair in "$nic:pm bus" "$nvme:flr bus" "$gpu:bus"; do
                a=${pair%:*}
                want=${pair##*:}
                real=$(cat "/sys/bus/pci/devices/$a/reset_method" 2>/dev/null)
                say "reset_method of $a ($(drv "$a")): $real"
                check "$a: the kernel's reset_method is '$want'" [ "$real" = "$want" ]
                check "plan: $a resets by the kernel's '$real'" contains "$plan" "$a  info: resets by $real (the kernel's reset_method)"
                check "status: $a resets by the kernel's '$real'" contains "$status" "$a  info: resets by $real (the kernel's reset_method)"
        done
        check "plan: $gpu's ROM is not read while bochs-drm is bound" contains "$plan" "$gpu  info: not read: bochs-drm is bound"
        check "nothing moved: $nic $nvme $gpu on their drivers" sh -c "[ $(drv "$nic") = e1000e ] && [ $(drv "$nvme") = nvme ] && [ $(drv "$gpu") = bochs-drm ]"

        echo "$gpu" > "/sys/bus/pci/devices/$gpu/driver/unbind"
        out=$("$IB" -v rom "$gpu" 2>&1)
        rc=$?
        say "transcript: initbind -v rom $gpu: $(echo "$out" | tr '\n' '|')"
        check "initbind rom $gpu (unbound) exits 0" [ $rc -eq 0 ]
        check "it wrote 1 and then 0 to the sysfs rom" sh -c "printf '%s' \"\$1\" | grep -q 'rom: 1' && printf '%s' \"\$1\" | grep -q 'rom: 0'" sh "$out"
        check "the ROM read through sysfs" contains "$out" "read through sysfs rom (enabled, read, disabled again)"
        check "QEMU's VGA BIOS: an x86 BIOS image, the last one" contains "$out" "x86 BIOS"
        check "a display device without a UEFI image is a warning" contains "$out" "no UEFI image, so OVMF shows nothing"
        check "the ROM is disabled again (a read of rom fails)" sh -c "! cat /sys/bus/pci/devices/$gpu/rom > /dev/null 2>&1"
        echo "$gpu" > /sys/bus/pci/drivers_probe
        wait_for "$gpu" bochs-drm 30
        check "$gpu back on bochs-drm" on "$gpu" bochs-drm
}

STEPS="setup claim_twin status_viable vfio_in_use release_twin second_cycle gpu_audio_slot hotplug"
STEPS="$STEPS hook_install hook_unmanaged hook_managed hook_in_use hook_all_or_nothing hook_managed_slot hook_boot_claim"
STEPS="$STEPS preflight" # the pre-flight's own step, last
say "START uptime $(cut -d' ' -f1 /proc/uptime) s"
for s in $STEPS; do
        run_step "$s"
done
say "DONE passed=$passed failed=$failed"
dmesg | grep initbind | sed 's/^/RUNTIME dmesg: /'
[ $$ != 1 ] || busybox poweroff -f
