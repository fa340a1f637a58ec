# shellcheck shell=bash
# Helpers the real-boot scripts share (sourced by run.sh and bootloader.sh): one check per line,
# checks grouped into units that pass or fail, and the totals.

n_pass=0; n_fail=0
unit_ok=1
check() { # DESCRIPTION COMMAND [ARG...]: one check, passed when COMMAND succeeds
    local d=$1; shift
    if "$@"; then echo "  ok    $d"; else echo "  FAIL  $d"; unit_ok=0; fi
}
not() { ! "$@"; }
has() { grep -qE "$2" "$1"; } # has FILE ERE
unit_begin() { unit_ok=1; echo; echo "== $1"; }
unit_end() { # NAME
    if [ "$unit_ok" = 1 ]; then n_pass=$((n_pass + 1)); echo "PASS  $1"
    else n_fail=$((n_fail + 1)); echo "FAIL  $1"; fi
}
