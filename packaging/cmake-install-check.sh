#!/bin/sh
# ctest packaging/file-list: `cmake --install` of this build into a temporary DESTDIR must
# install exactly what packaging/files.in declares.
#
#   cmake-install-check.sh BUILD_DIR NAME=DIR...   (the settings of check-file-list.sh cmake)
set -eu
build=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/initbind-install.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
DESTDIR=$work/root cmake --install "$build" >/dev/null
(cd "$work/root" && find . ! -type d | sed 's/^\.//') >"$work/list"
"$here/check-file-list.sh" cmake "$work/list" "$@"
