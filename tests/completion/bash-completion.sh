#!/bin/bash
# The bash completion of initbind and cmdlinegen, called as bash calls it: COMP_WORDS split as
# bash splits a command line (COMP_WORDBREAKS has ':' and '='), COMP_CWORD the word at the
# cursor; COMPREPLY is compared with what a user must be offered.
#
#   bash-completion.sh COMPLETION_FILE
set -u

completion=$1
fixtures=$(cd "$(dirname "$0")/../fixtures" && pwd)
machine=$fixtures/workstation-identical-gpus
# shellcheck source=/dev/null
source "$completion"

failures=0

# check "COMMAND LINE" "EXPECTED REPLIES": the line is split at blanks, ':' and '=' as bash does
# (a trailing blank means the cursor is on a new, empty word); replies are compared sorted.
check() {
	local line=$1 expected=$2
	local split
	split=$(printf '%s' "$line" | sed 's/\([:=]\)/ \1 /g')
	read -r -a COMP_WORDS <<<"$split"
	[[ $line == *" " ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE=$line
	COMP_POINT=${#line}
	COMPREPLY=()
	_initbind_complete
	local actual
	actual=$(printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ *$//')
	if [[ $actual != "$expected" ]]; then
		echo "FAIL: '$line': got '$actual', expected '$expected'" >&2
		failures=$((failures + 1))
	fi
}

check "initbind " "access boot claim hotplug list modules plan release rom status"
check "initbind st" "status"
check "initbind --ro" "--root"
check "initbind --root $machine -" "--allow --config --help --json --kernel --next-boot --pci-ids --quiet --root --strict --verbose --version -h -q -v"
check "initbind --root $machine claim " "0000:00:00.0 0000:00:01.0 0000:00:01.1 0000:00:02.0 0000:00:02.1 0000:00:03.0 0000:00:04.0 0000:00:05.0 0000:00:1f.0 0000:00:1f.2 0000:00:1f.3"
# Within an address only the piece after the last colon is replaced.
check "initbind --root $machine claim 0000:00:0" "00.0 01.0 01.1 02.0 02.1 03.0 04.0 05.0"
check "initbind --root=$machine -v release 0000:00:1" "1f.0 1f.2 1f.3"
check "initbind --root $machine rom 0000:00:1" "1f.0 1f.2 1f.3"
check "initbind --root $machine --allow unbind hotplug 0000:" "00:00.0 00:01.0 00:01.1 00:02.0 00:02.1 00:03.0 00:04.0 00:05.0 00:1f.0 00:1f.2 00:1f.3"
check "initbind --root $machine claim 0000:00:02.0 " ""
check "initbind --root $machine list " ""
check "initbind --root /nonexistent claim " ""
check "initbind --allow console,u" "console,unbind"
check "initbind --allow=" "console partial-group storage unbind"
check "initbind --root $fixtures/workstation-identical" "$fixtures/workstation-identical-gpus"
check "initbind --config $machine/MACHINE." "$machine/MACHINE.md"
check "cmdlinegen " "guest verify"
check "cmdlinegen --apply " "grub grubby rpm-ostree systemd-boot"
check "cmdlinegen --apply=sys" "systemd-boot"
check "cmdlinegen --isolate-cores " ""
check "cmdlinegen --isolate-cores 4 --re" "--rebuild-initramfs --remove"
check "cmdlinegen --guest-memory 8G -" "--acs-override --apply --config --dry-run --guest-memory --help --hugepage-size --isolate-cores --isolate-cpus --json --kernel --libvirt --qemu --quiet --rebuild-initramfs --remove --root --vcpus --verbose --version -h -q -v"
check "cmdlinegen guest --vcpus " ""
check "cmdlinegen --hugepage-size " "1G 2M auto"
check "cmdlinegen --acs-override i" "if-needed"
check "initbind plan --next" "--next-boot"

# Registered for both programs.
for program in initbind cmdlinegen; do
	[[ $(complete -p "$program") == "complete -F _initbind_complete $program" ]] ||
		{ echo "FAIL: no completion registered for $program" >&2; failures=$((failures + 1)); }
done

if ((failures)); then
	echo "bash-completion: $failures failure(s)" >&2
	exit 1
fi
echo "bash-completion: ok"
