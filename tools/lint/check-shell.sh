#!/bin/sh
# Every shell script git tracks in tools/, tests/, hooks/, dracut/ and .ci/ passes shellcheck, in
# the dialect it runs in: the shebang's (ash and busybox sh are checked as dash, their relative),
# else a first line "# shellcheck shell=X" of a sourced file, else by where it lives (a hook of a generator that sources it without a shebang, a cli case's
# "prepare", a file named *.sh). Run from ctest (lint/shellcheck).
#
# SC1090/SC1091 (a sourced file that is not followed) are off: every sourced script of ours is in
# the list and checked on its own, in its own dialect.
set -eu
cd "$(dirname "$0")/../.."

# Files that fail and are being worked on elsewhere; each is still checked, and one that passes
# must leave this list (so it only shrinks). Empty now.
excluded=""

# dialect FILE: sh, bash or dash, or nothing for a file that is no shell script (or a zsh one,
# which is beyond the checker: tests/completion/zsh-complete.zsh).
dialect() {
        first=$(head -n1 "$1")
        case $first in
        '#!'*zsh*) return ;;
        '#!'*bash*) echo bash; return ;;
        '#!'*ash | '#!'*busybox*) echo dash; return ;;
        '#!'*sh) echo sh; return ;;
        '#!'*) return ;;
        '# shellcheck shell='*) first=${first#'# shellcheck shell='}; echo "${first%% *}"; return ;;
        esac
        case $1 in
        hooks/mkinitcpio/install/*) echo bash ;;
        hooks/mkinitcpio/hooks/*) echo dash ;;
        hooks/initramfs-tools/*) echo sh ;;
        dracut/*/module-setup.sh*) echo bash ;;
        tests/cli/cases/*/prepare | *.sh | *.sh.in) echo sh ;;
        esac
}

is_excluded() {
        for e in $excluded; do
                [ "$e" = "$1" ] && return 0
        done
        return 1
}

status=0
checked=0
# The fixture machines' trees (tests/fixtures/NAME/{sys,proc,boot,dev,etc}) are data.
for file in $(git ls-files tools tests hooks dracut .ci | grep -Ev '^tests/fixtures/[^/]+/(sys|proc|boot|dev|etc|lib|usr|run|var)/'); do
        [ -f "$file" ] || continue
        shell=$(dialect "$file")
        [ -n "$shell" ] || continue
        checked=$((checked + 1))
        if is_excluded "$file"; then
                if shellcheck -s "$shell" -e SC1090,SC1091 "$file" >/dev/null 2>&1; then
                        echo "$file: passes shellcheck now; take it out of the exclusion list in $0"
                        status=1
                fi
                continue
        fi
        shellcheck -s "$shell" -e SC1090,SC1091 -f gcc "$file" || status=1
done
for e in $excluded; do
        [ -f "$e" ] || { echo "$e: in the exclusion list but not in the tree"; status=1; }
done
[ $status -eq 0 ] && echo "check-shell: $checked scripts pass shellcheck (excluded, still failing: $excluded)"
exit $status
