#!/bin/sh
# The zsh completion of initbind and cmdlinegen in a real interactive zsh with compinit: each
# line is completed by tests/completion/zsh-complete.zsh and the matches offered are compared.
#
#   zsh-completion.sh COMPLETION_DIR
set -u

completion_dir=$1
here=$(cd "$(dirname "$0")" && pwd)
machine=$(cd "$here/../fixtures/workstation-identical-gpus" && pwd)
failures=0

# check "COMMAND LINE" "EXPECTED MATCHES" (sorted, space-separated)
check() {
	actual=$(timeout 30 zsh "$here/zsh-complete.zsh" "$completion_dir" "$1" | tr '\n' ' ' | sed 's/ *$//')
	if [ "$actual" != "$2" ]; then
		echo "FAIL: '$1': got '$actual', expected '$2'" >&2
		failures=$((failures + 1))
	fi
}

check "initbind " "access boot claim hotplug list modules plan release rom status"
check "initbind --ro" "--root"
check "initbind --root $machine claim " "0000:00:00.0 0000:00:01.0 0000:00:01.1 0000:00:02.0 0000:00:02.1 0000:00:03.0 0000:00:04.0 0000:00:05.0 0000:00:1f.0 0000:00:1f.2 0000:00:1f.3"
check "initbind --root=$machine release 0000:00:1" "0000:00:1f.0 0000:00:1f.2 0000:00:1f.3"
check "initbind --root /nonexistent claim 0000:" ""
check "initbind --root $machine list " ""
check "initbind --root $machine claim 0000:00:02.0 -" "--allow --config --help --json --kernel --next-boot --pci-ids --quiet --strict --verbose --version -h -q -v"
check "initbind --allow console,u" "unbind"
check "cmdlinegen " "guest verify"
check "cmdlinegen --apply " "grub grubby rpm-ostree systemd-boot"
check "cmdlinegen -" "--acs-override --apply --config --dry-run --guest-memory --help --hugepage-size --isolate-cores --isolate-cpus --json --kernel --libvirt --qemu --quiet --rebuild-initramfs --remove --root --vcpus --verbose --version -h -q -v"

if [ "$failures" != 0 ]; then
	echo "zsh-completion: $failures failure(s)" >&2
	exit 1
fi
echo "zsh-completion: ok"
