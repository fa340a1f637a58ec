# shellcheck shell=bash
# bash completion for initbind(8) and cmdlinegen(8): subcommands, options, option arguments, and
# PCI addresses from the machine's /sys/bus/pci/devices (below --root when one is given).
#
# Installed as /usr/share/bash-completion/completions/initbind and .../cmdlinegen: bash-completion
# loads the file named after a command the first time it completes it, and this file registers
# both programs.

# The word table of each program. Options that take an argument are listed in *_with_argument;
# subcommands that take a PCI address in *_address_commands.
_initbind_words_initbind=(--root --config --pci-ids --allow --strict --next-boot --kernel --json --verbose -v --quiet -q --help -h --version)
_initbind_with_argument_initbind=" --root --config --pci-ids --allow --kernel "
_initbind_subcommands_initbind=(list boot plan status modules claim release hotplug access rom)
_initbind_address_commands_initbind=" claim release hotplug rom "

_initbind_words_cmdlinegen=(--apply --dry-run --remove --rebuild-initramfs --root --config --kernel --json --isolate-cores
	--isolate-cpus --guest-memory --hugepage-size --acs-override --libvirt --qemu --vcpus --verbose -v --quiet -q --help -h --version)
_initbind_with_argument_cmdlinegen=" --apply --root --config --kernel --isolate-cores --isolate-cpus --guest-memory --hugepage-size --acs-override --vcpus "
_initbind_subcommands_cmdlinegen=(verify guest)
_initbind_address_commands_cmdlinegen=" "

# _initbind_word_start: the index in COMP_WORDS where the word at the cursor begins. bash splits
# words at ':' (it is in COMP_WORDBREAKS), and PCI addresses are full of colons.
_initbind_word_start() {
	local i=$COMP_CWORD
	while ((i > 1)) && [[ ${COMP_WORDS[i]} == : || ${COMP_WORDS[i - 1]} == : ]]; do
		((i--))
	done
	echo "$i"
}

# _initbind_root: the --root given so far (--root DIR or --root=DIR), "~" expanded; else empty.
_initbind_root() {
	local i root=""
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--root=*) root=${COMP_WORDS[i]#--root=} ;;
		--root)
			if [[ ${COMP_WORDS[i + 1]} == = ]]; then
				root=${COMP_WORDS[i + 2]}
			else
				root=${COMP_WORDS[i + 1]}
			fi
			;;
		esac
	done
	[[ $root == "~"* ]] && root=$HOME${root#"~"}
	printf '%s' "$root"
}

# _initbind_reply_addresses CUR: the PCI addresses starting with CUR, without the part of CUR
# up to its last colon (bash replaces only the piece after it).
_initbind_reply_addresses() {
	local cur=$1 root dir
	root=$(_initbind_root)
	local -a addresses=()
	for dir in "${root%/}"/sys/bus/pci/devices/*; do
		[[ -e $dir || -L $dir ]] && addresses+=("${dir##*/}")
	done
	local colon_prefix=${cur%"${cur##*:}"}
	COMPREPLY=()
	local a
	for a in "${addresses[@]}"; do
		[[ $a == "$cur"* ]] && COMPREPLY+=("${a#"$colon_prefix"}")
	done
}

# _initbind_reply_list CUR WORD...: a comma-separated list of WORDs (--allow console,unbind).
_initbind_reply_list() {
	local cur=$1
	shift
	local done_part=${cur%"${cur##*,}"}
	mapfile -t COMPREPLY < <(compgen -P "$done_part" -W "$*" -- "${cur##*,}")
}

_initbind_reply_paths() { # CUR -f|-d
	compopt -o filenames 2>/dev/null
	mapfile -t COMPREPLY < <(compgen "$2" -- "$1")
}

_initbind_complete() {
	local program=${COMP_WORDS[0]##*/}
	case $program in
	initbind | cmdlinegen) ;;
	*) return 0 ;;
	esac
	local -n words=_initbind_words_$program subcommands=_initbind_subcommands_$program
	local -n with_argument=_initbind_with_argument_$program address_commands=_initbind_address_commands_$program

	local start cur="" option i
	start=$(_initbind_word_start)
	for ((i = start; i <= COMP_CWORD; i++)); do
		cur+=${COMP_WORDS[i]}
	done
	# The option whose argument is at the cursor: "--opt ARG", or "--opt=ARG" split at '='.
	option=${COMP_WORDS[start - 1]}
	if [[ $cur == = ]]; then
		cur=""
	elif [[ $option == = ]] && ((start >= 2)); then
		option=${COMP_WORDS[start - 2]}
	fi
	COMPREPLY=()
	case $option in
	--root) _initbind_reply_paths "$cur" -d; return 0 ;;
	--config | --pci-ids) _initbind_reply_paths "$cur" -f; return 0 ;;
	--allow) _initbind_reply_list "$cur" console storage unbind partial-group; return 0 ;;
	--apply) mapfile -t COMPREPLY < <(compgen -W "grub systemd-boot grubby rpm-ostree" -- "$cur"); return 0 ;;
	--hugepage-size) mapfile -t COMPREPLY < <(compgen -W "auto 2M 1G" -- "$cur"); return 0 ;;
	--acs-override) mapfile -t COMPREPLY < <(compgen -W "never if-needed" -- "$cur"); return 0 ;;
	--kernel)
		local root
		root=$(_initbind_root)
		mapfile -t COMPREPLY < <(compgen -W "$(ls "${root%/}/lib/modules" 2>/dev/null)" -- "$cur")
		return 0
		;;
	--isolate-cores | --isolate-cpus | --guest-memory) return 0 ;; # a number, a list, a size: nothing to offer
	esac

	# What is on the line before the cursor: the subcommand, and whether its address is there.
	local subcommand="" has_address=0 w
	for ((i = 1; i < start; i++)); do
		w=${COMP_WORDS[i]}
		if [[ $with_argument == *" $w "* ]]; then
			[[ ${COMP_WORDS[i + 1]} == = ]] && ((i++))
			((i++))
		elif [[ $w == -* || $w == = || $w == : ]]; then
			continue
		elif [[ -z $subcommand ]]; then
			subcommand=$w
		else
			has_address=1
		fi
	done

	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "${words[*]}" -- "$cur")
	elif [[ -z $subcommand ]]; then
		mapfile -t COMPREPLY < <(compgen -W "${subcommands[*]}" -- "$cur")
	elif [[ $address_commands == *" $subcommand "* ]] && ((has_address == 0)); then
		_initbind_reply_addresses "$cur"
	fi
	return 0
}

complete -F _initbind_complete initbind cmdlinegen
