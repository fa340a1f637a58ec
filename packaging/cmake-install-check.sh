#!/bin/sh
# ctest packaging/file-list and packaging/pkgbuild-package: what this build installs must be
# exactly what packaging/files.in declares.
#
#   cmake-install-check.sh BUILD_DIR NAME=DIR...
#       `cmake --install` into a temporary DESTDIR
#   cmake-install-check.sh --pkgbuild PKGBUILD BUILD_DIR NAME=DIR...
#       the PKGBUILD's package() on this build, as makepkg runs it ($srcdir holding the build
#       as "build", $pkgdir empty, set -e); what it leaves out on purpose is marked !arch
#
# NAME=DIR: the settings of check-file-list.sh cmake (the build's install directories).
set -eu
pkgbuild=""
if [ "$1" = --pkgbuild ]; then
	pkgbuild=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
	shift 2
fi
build=$(cd "$1" && pwd)
shift
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/initbind-install.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

if [ -z "$pkgbuild" ]; then
	DESTDIR=$work/root cmake --install "$build" >/dev/null
	as=""
else
	mkdir -p "$work/src" "$work/root"
	ln -s "$build" "$work/src/build"
	srcdir=$work/src pkgdir=$work/root bash -ec '. "$1"; cd "$srcdir"; package' PKGBUILD "$pkgbuild" >/dev/null
	as=as=arch
fi
(cd "$work/root" && find . ! -type d | sed 's/^\.//') >"$work/list"
"$here/check-file-list.sh" cmake "$work/list" "$@" $as
