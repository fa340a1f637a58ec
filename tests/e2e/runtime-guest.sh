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
        rm -f "$T/hold"
        mkfifo "$T/hold"
        "$VFIO_OPEN" "$g" $TWIN_A --hold < "$T/hold" > "$T/vfio-open.out" 2>&1 &
        holder=$!
        exec 3> "$T/hold"
        i=0
        while ! grep -q ': match' "$T/vfio-open.out" && kill -0 $holder 2>/dev/null && [ $i -lt 600 ]; do
                sleep 0.1
                i=$((i + 1))
        done
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
        exec 3>&-
        wait $holder
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
        echo > /sys/bus/pci/devices/$SLOT_GPU/driver_override
        echo $SLOT_GPU > /sys/bus/pci/drivers/vfio-pci/unbind
        echo $SLOT_GPU > /sys/bus/pci/drivers_probe
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
STEPS="$STEPS preflight" # the pre-flight's own step, last
say "START uptime $(cut -d' ' -f1 /proc/uptime) s"
for s in $STEPS; do
        run_step "$s"
done
say "DONE passed=$passed failed=$failed"
dmesg | grep initbind | sed 's/^/RUNTIME dmesg: /'
[ $$ != 1 ] || busybox poweroff -f
