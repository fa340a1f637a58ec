#!/bin/bash
# mkinitcpio-harness.sh: build an initramfs image from mkinitcpio install hooks, for the e2e
# tests. THIS IS A TEST HARNESS, NOT mkinitcpio: mkinitcpio is not packaged in Debian, so the
# project's mkinitcpio hooks (hooks/mkinitcpio/) are run by this script, which follows
# mkinitcpio's documented build hook API (mkinitcpio(8), "ABOUT INSTALL HOOKS"):
#
#   - each name in HOOKS=() is an install script found in the hook directories (-D, then
#     /etc/initcpio/install and /usr/lib/initcpio/install); it is sourced and its build() runs,
#     in the same shell, so a function one hook defines is there for the hooks after it (as the
#     systemd hook's add_systemd_unit is in mkinitcpio);
#   - add_dir, add_file SRC [DEST] [MODE] (SRC '-': the file's contents from stdin),
#     add_symlink NAME [TARGET], add_binary SRC [DEST] [MODE] (plus every shared library ldd
#     names), add_module NAME (plus its depends= and softdep modules; a trailing '?' makes a
#     missing module no error), add_udev_rule, add_initcpio_binary (from tests/e2e/mkinitcpio,
#     this harness's stand-in for mkinitcpio's library directory), map; BUILDROOT;
#   - add_runscript copies the runtime script of the same name (from the hooks/ directories)
#     to /hooks/NAME and registers each of its run_earlyhook, run_hook, run_latehook and
#     run_cleanuphook functions in /config, in HOOKS order (cleanup hooks in reverse), which
#     the busybox /init reads;
#   - MODULES=() are put in the image and loaded by the busybox /init after the early hooks and
#     before the hooks' run_hook (that is, before the udev hook triggers coldplug);
#   - the image's skeleton as mkinitcpio lays it out: the merged /usr, /etc/os-release and
#     /etc/initrd-release (systemd tells an initrd by the latter), an empty /etc/fstab.
#
# Two forms, as mkinitcpio has them. The busybox form: the test hook base (tests/e2e/mkinitcpio/
# install/base) puts busybox and the harness /init (tests/e2e/mkinitcpio/init) in the image, and
# that /init keeps mkinitcpio's order (early hooks, MODULES, hooks, mount root, late hooks,
# cleanup hooks, switch_root). The systemd form: the test hook systemd (tests/e2e/mkinitcpio/
# install/systemd) defines add_systemd_unit and makes Debian's systemd the image's /init, as
# mkinitcpio's systemd hook does with Arch's; runtime hooks are then never run.
#
# Not implemented (the project's hooks do not use them): add_firmware, add_full_dir,
# add_checked_modules, add_all_modules, autodetect, early (microcode) archives, presets, UKIs.
#
# Usage: tests/e2e/mkinitcpio-harness.sh -k KVER -c CONFIG -g OUTPUT [-D HOOKDIR]...
#   CONFIG  a mkinitcpio.conf-style bash file setting MODULES=() and HOOKS=()
#   HOOKDIR a directory with install/ and hooks/ searched before the system's
# Run it where /usr/lib/modules/KVER is the kernel's module tree (tests/e2e/private-system.sh).
set -euo pipefail

harness_dir=$(cd "$(dirname "$0")" && pwd)
KERNELVERSION='' config='' output=''
hookdirs=()
while getopts 'k:c:g:D:' opt; do
    case $opt in
        k) KERNELVERSION=$OPTARG ;;
        c) config=$OPTARG ;;
        g) output=$(realpath -m "$OPTARG") ;;
        D) hookdirs+=("$(realpath "$OPTARG")") ;;
        *) sed -n '2,/^set -e/{/^#/p}' "$0" >&2; exit 2 ;;
    esac
done
if [ -z "$KERNELVERSION" ] || [ -z "$config" ] || [ -z "$output" ]; then
    sed -n '/^# Usage:/,/^set -e/{/^#/p}' "$0" >&2
    exit 2
fi
moduledir=/lib/modules/$KERNELVERSION
[ -f "$moduledir/modules.dep" ] || { echo "mkinitcpio-harness: no $moduledir/modules.dep" >&2; exit 1; }

_d_install='' _d_hooks=''
for d in "${hookdirs[@]}" /etc/initcpio /usr/lib/initcpio; do
    _d_install+=${_d_install:+:}$d/install
    _d_hooks+=${_d_hooks:+:}$d/hooks
done

declare -A _runhooks=() _addedmodules=() _modpaths=()
_builderrors=0
# error/warning FORMAT ARGS...: printf-style, as mkinitcpio's own.
# shellcheck disable=SC2059 # the first argument is the format
error() { local f=$1; shift; printf "==> ERROR: $f\n" "$@" >&2; _builderrors=$((_builderrors + 1)); }
# shellcheck disable=SC2059 # the first argument is the format
warning() { local f=$1; shift; printf "==> WARNING: $f\n" "$@" >&2; }

BUILDROOT=$(mktemp -d "${TMPDIR:-/tmp}/mkinitcpio-harness.XXXXXX")
trap 'rm -rf "$BUILDROOT"' EXIT
# mkinitcpio's merged layout: everything below /usr, /bin /sbin /lib pointing there.
install -dm755 "$BUILDROOT"/{new_root,proc,sys,dev,run,tmp,etc,usr/{bin,lib}}
ln -s usr/lib "$BUILDROOT/lib"
ln -s usr/bin "$BUILDROOT/bin"
ln -s usr/bin "$BUILDROOT/sbin"
ln -s bin "$BUILDROOT/usr/sbin"
ln -s lib "$BUILDROOT/usr/lib64"
ln -s usr/lib "$BUILDROOT/lib64"
ln -s ../proc/self/mounts "$BUILDROOT/etc/mtab"
: > "$BUILDROOT/etc/fstab"
# systemd runs as the initrd's init only when /etc/initrd-release is there.
install -m644 /etc/os-release "$BUILDROOT/etc/os-release"
ln -s os-release "$BUILDROOT/etc/initrd-release"

# --- the build hook API ------------------------------------------------------------------
map() { # FUNCTION ARG...: FUNCTION on each ARG, failing when one failed
    local f=$1 r=0 a
    shift
    for a in "$@"; do "$f" "$a" || r=1; done
    return "$r"
}

add_dir() { # PATH [MODE]
    [[ $1 == /?* ]] || return 1
    [ -d "$BUILDROOT$1" ] || install -dm"${2:-755}" "$BUILDROOT$1"
}

add_symlink() { # NAME [TARGET]: TARGET defaults to what NAME points to on this system
    local name=$1 target=${2:-$1}
    if [ "$name" = "$target" ]; then
        target=$(readlink -- "$name") || { error "invalid symlink: '%s'" "$name"; return 1; }
    fi
    add_dir "${name%/*}"
    ln -sfn "$target" "$BUILDROOT$name"
}

add_file() { # SRC [DEST] [MODE]: one file, no dependencies; a symlink SRC brings its target
    local src=$1 dest=${2:-$1} mode=${3:-} real
    if [ "$src" = - ]; then
        [[ $dest == /?* ]] || { error "add_file -: no destination"; return 1; }
        add_dir "${dest%/*}"
        cat > "$BUILDROOT$dest"
        chmod "${mode:-644}" "$BUILDROOT$dest"
        return
    fi
    [ -f "$src" ] || { error "file not found: '%s'" "$src"; return 1; }
    if [ -L "$src" ]; then
        real=$(realpath -- "$src")
        if [ "$real" != "$dest" ]; then
            add_file "$real" "$real" "$mode"
            add_symlink "$dest" "$real"
            return
        fi
    fi
    add_dir "${dest%/*}"
    if [ -z "$mode" ]; then
        cp --remove-destination --preserve=mode "$src" "$BUILDROOT$dest"
    else
        install -Dm"$mode" "$src" "$BUILDROOT$dest"
    fi
}

add_binary() { # SRC [DEST] [MODE]: SRC and every shared library it loads
    local bin=$1 line lib
    if [[ $bin != /* ]]; then
        bin=$(type -P "$bin") || { error "binary not found: '%s'" "$1"; return 1; }
    fi
    add_file "$bin" "${2:-$bin}" "${3:-}" || return 1
    # A static binary or a script: ldd fails, nothing more to add.
    local deps
    deps=$(ldd "$bin" 2>/dev/null) || return 0
    while read -r line; do
        case $line in
            *'not found'*) error "binary dependency '%s' not found for '%s'" "${line%% *}" "$bin"; continue ;;
        esac
        lib=$(sed -n 's|^\(.* \)\{0,1\}\(/[^ ]*\) (0x[0-9a-f]*)$|\2|p' <<<"$line")
        [ -n "$lib" ] && [ ! -e "$BUILDROOT$lib" ] && add_file "$lib"
    done <<<"$deps"
    return 0
}

add_module() { # NAME[?]: a module of KERNELVERSION with its dependencies and soft dependencies
    local target=$1 optional=0 field value found=0 deps m
    if [[ $target == *\? ]]; then optional=1; target=${target%\?}; fi
    target=${target%.ko*}; target=${target//-/_}
    [ "${_addedmodules[$target]:-0}" = 1 ] && return 0
    while IFS=':= ' read -r -d '' field value; do
        case $field in
            filename)
                if [[ $value == /* ]]; then
                    found=1
                    _modpaths[$value]=1
                    m=${value##*/}; m=${m%.ko*}
                    _addedmodules[${m//-/_}]=1
                fi ;;
            depends)
                IFS=',' read -r -a deps <<<"$value"
                [ ${#deps[@]} -eq 0 ] || map add_module "${deps[@]}" ;;
            softdep)
                read -r -a deps <<<"$value"
                for m in "${deps[@]}"; do [[ $m == *: ]] || add_module "$m?"; done ;;
        esac
    done < <(modinfo -k "$KERNELVERSION" -0 "$target" 2>/dev/null)
    if [ "$found" = 0 ]; then
        [ "$optional" = 1 ] || [ "${_addedmodules[$target]:-0}" = 1 ] && return 0
        error "module not found: '%s'" "$target"
        return 1
    fi
    # mkinitcpio's quirk: ext4 asks the crypto API for crc32c at mount time, no depends= names it.
    [ "$target" != ext4 ] || add_module 'crypto-crc32c?'
}

add_udev_rule() { # RULES: a rules file by path or by name (from /usr/lib/udev/rules.d)
    local rules=$1
    [[ $rules == /* ]] || rules=$(PATH=/usr/lib/udev/rules.d type -P "$rules") || return 1
    add_file "$rules" "/usr/lib/udev/rules.d/${rules##*/}"
}

add_initcpio_binary() { # NAME [DEST] [MODE]: a file of the harness's library directory
    add_binary "$harness_dir/mkinitcpio/$1" "${2:-/$1}" "${3:-}"
}

add_runscript() { # the runtime script named like the install hook that calls this
    local hookname=${BASH_SOURCE[1]##*/} script fn
    script=$(PATH=$_d_hooks type -P "$hookname") || { error "runtime script for '%s' not found" "$hookname"; return 1; }
    add_binary "$(realpath -- "$script")" "/hooks/$hookname" 755
    # shellcheck disable=SC2013 # function names: one word each
    for fn in $(awk '/^[[:space:]]*run_[[:alnum:]_]+[[:space:]]*\(\)/ { sub(/\(.*/, "", $1); print $1 }' "$script"); do
        case $fn in
            run_earlyhook) _runhooks[early]+=" $hookname" ;;
            run_hook) _runhooks[hooks]+=" $hookname" ;;
            run_latehook) _runhooks[late]+=" $hookname" ;;
            run_cleanuphook) _runhooks[cleanup]="$hookname ${_runhooks[cleanup]:-}" ;;
        esac
    done
}

run_build_hook() { # HOOK: source install/HOOK and run its build()
    local hook=$1 script
    script=$(PATH=$_d_install type -P "$hook") || { error "Hook '%s' cannot be found" "$hook"; return 1; }
    unset -f build
    # shellcheck disable=SC1090
    . "$script"
    declare -f build >/dev/null || { error "Hook '%s' has no build function" "$script"; return 1; }
    echo "==> Running build hook: [$script]" >&2
    build
}

# --- the build ---------------------------------------------------------------------------
MODULES=() HOOKS=()
# shellcheck disable=SC1090
. "$config"
for hook in "${HOOKS[@]}"; do run_build_hook "$hook" || true; done
[ ${#MODULES[@]} -eq 0 ] || map add_module "${MODULES[@]}" || true

for f in "${!_modpaths[@]}"; do add_file "$f" "$moduledir${f#*"$moduledir"}"; done
for f in modules.builtin modules.builtin.modinfo modules.order; do
    [ -f "$moduledir/$f" ] && add_file "$moduledir/$f"
done
depmod -b "$BUILDROOT" "$KERNELVERSION"

{
    echo "EARLYHOOKS='${_runhooks[early]:-}'"
    echo "HOOKS='${_runhooks[hooks]:-}'"
    echo "LATEHOOKS='${_runhooks[late]:-}'"
    echo "CLEANUPHOOKS='${_runhooks[cleanup]:-}'"
    echo "MODULES='${MODULES[*]//\?/}'"
} > "$BUILDROOT/config"
# /init is base's (the busybox form) or systemd's (the systemd form, a link to systemd).
[ -e "$BUILDROOT/init" ] || error "no /init in the image: HOOKS needs 'base' or 'systemd'"

if [ "$_builderrors" != 0 ]; then
    echo "mkinitcpio-harness: $_builderrors error(s); no image written" >&2
    exit 1
fi
(cd "$BUILDROOT" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort |
    cpio --quiet -o -H newc -R 0:0 | zstd -q -T0 -3) > "$output.tmp"
mv "$output.tmp" "$output"
echo "==> Image generation successful: $output" >&2
