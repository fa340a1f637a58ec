# shellcheck shell=sh
# Sourced by the tests of tests/apply that run a boot tool for real on "--root /": a private mount
# namespace in which directories of the test's stand in for the host's.
#   need_namespace                 exit "cannot run" unless root and unshare -m work
#   in_namespace TMP BINDS CMD...  run CMD with each "NAME:/PATH" of BINDS (one word, blank-
#                                  separated) bound from TMP/NAME over /PATH
need_namespace() {
        [ "$(id -u)" = 0 ] || { echo "cannot run: needs root for a mount namespace"; exit 1; }
        unshare -m true 2>/dev/null || { echo "cannot run: cannot create a mount namespace"; exit 1; }
}

in_namespace() {
        # shellcheck disable=SC2016 # the script is expanded by the inner sh, in the namespace
        unshare -m sh -eu -c '
                tmp=$1 binds=$2; shift 2
                mount --make-rprivate /
                for b in $binds; do mount --bind "$tmp/${b%%:*}" "${b#*:}"; done
                "$@"' sh "$@"
}
