#!/bin/sh
# Build the packages from a copy of this tree, the way each distribution builds them, and check
# that each one holds exactly the files packaging/files.in declares:
#   deb   dpkg-buildpackage -us -uc -b, then lintian (its errors fail this script)
#   rpm   rpmbuild -bb from Debian's rpm package, with --nodeps: the spec's BuildRequires are
#         Fedora package names, which rpm cannot see installed on Debian (the Debian packages
#         that provide the same things come from tools/install-deps.sh)
#   arch  the PKGBUILD's build() and package() run as makepkg runs them (makepkg itself is not
#         in Debian): each from $srcdir, with set -e, into $pkgdir
#
#   tools/package-tests.sh [deb] [rpm] [arch]     (default: all three)
#
# Environment: INITBIND_PACKAGE_JOBS (parallel jobs, default nproc); INITBIND_KEEP_PACKAGES=1
# (keep the temporary directory with the packages and build logs, and print where).
#
# Nothing is written to the source tree: dpkg-buildpackage writes into the parent directory of
# the tree it builds, so every build happens in a copy below a temporary directory. The static
# libkmod of the initramfs binary is built inside each package build from Debian's kmod source,
# fetched here once (package builds have no network): see docs/packaging.md.
set -eu
cd "$(dirname "$0")/.."
repo=$PWD
formats=${*:-deb rpm arch}
version=$(sed -n 's/^project(initbind VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
jobs=${INITBIND_PACKAGE_JOBS:-$(nproc)}

work=$(mktemp -d "${TMPDIR:-/tmp}/initbind-packages.XXXXXX")
# INITBIND_KEEP_PACKAGES=1 keeps the builds, logs and packages for a look afterwards.
if [ "${INITBIND_KEEP_PACKAGES:-0}" = 1 ]; then
	echo "package-tests.sh: keeping $work"
else
	trap 'rm -rf "$work"' EXIT INT TERM
fi

step() {
	echo "package-tests.sh: [$(($(date +%s) - t_start))s] $*"
}
t_start=$(date +%s)

# copy_tree DIR: the files git knows (committed or not, ignored ones left out), as a clean clone has.
copy_tree() {
	mkdir -p "$1"
	# shellcheck disable=SC2016 # the loop is the inner sh's, over the names xargs gives it
	git ls-files -z --cached --others --exclude-standard | xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
		tar --null -T - -cf - | tar -xf - -C "$1"
}

step "fetching Debian's kmod source (the source step before every package build)"
tools/build-static-kmod.sh --fetch-source "$work/kmod-source" >"$work/kmod-fetch.log" 2>&1 ||
	{ cat "$work/kmod-fetch.log" >&2; exit 1; }
# AC_INIT([kmod],
#         [30],  ...: the release number is the first bracketed number after AC_INIT.
kmod_version=$(sed -n '/^AC_INIT(/,/)/p' "$work/kmod-source/configure.ac" | grep -o '\[[0-9][0-9]*\]' | head -n 1 | tr -d '[]')
[ -n "$kmod_version" ] || { echo "package-tests.sh: no kmod version in $work/kmod-source/configure.ac" >&2; exit 1; }

build_deb() {
	tree=$work/deb/initbind-$version
	copy_tree "$tree"
	cp -a "$work/kmod-source" "$tree/kmod-source"
	step "deb: dpkg-buildpackage -us -uc -b"
	# nocheck: the test suite ran on this tree already (tools/run-tests.sh); the package build
	# is about the build and the install.
	(cd "$tree" && DEB_BUILD_OPTIONS="nocheck parallel=$jobs" dpkg-buildpackage -us -uc -b) \
		>"$work/deb/build.log" 2>&1 || { tail -n 60 "$work/deb/build.log" >&2; exit 1; }
	deb=$(ls "$work"/deb/initbind_"$version"_*.deb)
	step "deb: $(basename "$deb"), $(stat -c %s "$deb") bytes"
	dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { p = $6; sub(/^\./, "", p); print p }' >"$work/deb/files"
	packaging/check-file-list.sh deb "$work/deb/files"
	dpkg-deb -I "$deb" triggers | grep -qx 'activate-noawait update-initramfs' ||
		{ echo "package-tests.sh: the .deb does not trigger update-initramfs" >&2; exit 1; }
	step "deb: lintian"
	# lintian exits non-zero on errors; warnings and notes are printed for the log.
	lintian --display-info --fail-on error "$work"/deb/initbind_"$version"_*.changes
}

build_rpm() {
	top=$work/rpm
	mkdir -p "$top/SOURCES"
	copy_tree "$top/initbind-$version"
	tar -C "$top" -czf "$top/SOURCES/initbind-$version.tar.gz" "initbind-$version"
	# The spec's Source1 is kmod's release tarball from kernel.org; here the same version's
	# Debian source (with Debian's patches) stands in for it, under the name the spec expects.
	cp -a "$work/kmod-source" "$top/kmod-$kmod_version"
	tar -C "$top" -cJf "$top/SOURCES/kmod-$kmod_version.tar.xz" "kmod-$kmod_version"
	step "rpm: rpmbuild -bb --nodeps (kmod $kmod_version)"
	rpmbuild -bb --nodeps packaging/rpm/initbind.spec \
		--define "_topdir $top" --define "_smp_mflags -j$jobs" --define "kmod_version $kmod_version" \
		--define "debug_package %{nil}" >"$top/build.log" 2>&1 || { tail -n 60 "$top/build.log" >&2; exit 1; }
	rpm=$(ls "$top"/RPMS/*/initbind-"$version"-*.rpm)
	step "rpm: $(basename "$rpm"), $(stat -c %s "$rpm") bytes"
	rpm -qlp --nodigest --nosignature "$rpm" 2>/dev/null >"$top/listed"
	# rpm -ql lists directories the package owns too; the check compares files.
	rpm -qp --nodigest --nosignature --qf '[%{FILEMODES:perms} %{FILENAMES}\n]' "$rpm" 2>/dev/null |
		awk '$1 !~ /^d/ { print $2 }' >"$top/files"
	packaging/check-file-list.sh rpm "$top/files"
	rpm -qp --nodigest --nosignature --scripts "$rpm" 2>/dev/null | grep -q 'dracut -f' ||
		{ echo "package-tests.sh: the rpm's scriptlets do not run dracut -f" >&2; exit 1; }
}

build_arch() {
	srcdir=$work/arch/src
	pkgdir=$work/arch/pkg
	mkdir -p "$srcdir" "$pkgdir"
	copy_tree "$srcdir/initbind-$version"
	cp -a "$work/kmod-source" "$srcdir/kmod-$kmod_version"
	step "arch: PKGBUILD build() and package() (kmod $kmod_version)"
	(
		export srcdir pkgdir
		cd "$srcdir"
		MAKEFLAGS=-j$jobs bash -ec '
			. "$1"
			[ "$pkgver" = "$2" ] || { echo "PKGBUILD pkgver $pkgver, CMakeLists.txt says $2" >&2; exit 1; }
			_kmodver=$3
			cd "$srcdir"; build
			cd "$srcdir"; package
		' PKGBUILD "$repo/packaging/arch/PKGBUILD" "$version" "$kmod_version"
	) >"$work/arch/build.log" 2>&1 || { tail -n 60 "$work/arch/build.log" >&2; exit 1; }
	(cd "$pkgdir" && find . ! -type d | sed 's/^\.//') >"$work/arch/files"
	packaging/check-file-list.sh arch "$work/arch/files"
}

for format in $formats; do
	case $format in
	deb | rpm | arch) "build_$format" ;;
	*) echo "package-tests.sh: unknown format '$format' (deb, rpm or arch)" >&2; exit 2 ;;
	esac
done
step "done: $formats"
