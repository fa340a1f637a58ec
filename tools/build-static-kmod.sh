#!/usr/bin/env bash
# build-static-kmod.sh - build a static libkmod (libkmod.a) for the static initbind.
#
# Debian 12 ships libkmod only as a shared library, and kmod's own configure
# refuses --enable-static. This script builds libkmod.a from Debian's own kmod
# source package (same version and Debian patches as the system's libkmod2).
#
# Usage:
#   tools/build-static-kmod.sh [--force] [OUTDIR]
#   tools/build-static-kmod.sh [--force] --prefix DIR
#   tools/build-static-kmod.sh --fetch-source SRCDIR
#   tools/build-static-kmod.sh [--force] --source SRCDIR (OUTDIR | --prefix DIR)
#   tools/build-static-kmod.sh --musl [--force] [OUTDIR | --prefix DIR]
#
#   OUTDIR  normally the CMake binary dir (also $KMOD_STATIC_OUTDIR; default
#           <repo>/build). The result goes to OUTDIR/kmod-static:
#             include/libkmod.h
#             lib/libkmod.a                 (libkmod + kmod's internal helpers)
#             lib/pkgconfig/libkmod.pc      (static flags, for non-CMake users)
#             share/kmod-static/buildinfo   (version, features, dependencies)
#           Scratch files (private apt state, source, build tree) go to
#           OUTDIR/kmod-static-work and can be deleted afterwards.
#   --prefix DIR  install into DIR itself instead (scratch: DIR-work).
#   --force       rebuild even if the prefix is already complete.
#   --fetch-source SRCDIR  only download and unpack Debian's kmod source (with its
#                 patches) into SRCDIR, then stop: the step before a build without
#                 network (package builds, see docs/packaging.md).
#   --source SRCDIR  build from that kmod source tree (any kmod release with
#                 configure.ac) instead of downloading; installs no packages: the
#                 build dependencies below must be there (Build-Depends).
#   --musl        build with musl-gcc (Debian's musl-tools) for the INITBIND_MUSL build of
#                 initbind (docs/building-static.md), into OUTDIR/kmod-static-musl, with
#                 liblzma.a and libzstd.a built for musl from Debian's sources beside it.
#
#   A second run with a complete prefix does nothing (no apt, no network).
#   cmake/StaticKmod.cmake turns the prefix into the IMPORTED target kmod-static.
#
# Environment (all optional):
#   KMOD_STATIC_OUTDIR    OUTDIR when no argument is given
#   KMOD_DEBIAN_MIRROR    Debian archive URI (default: the system's bookworm mirror
#                         read from /etc/apt/sources.list{,.d/*})
#   KMOD_DEBIAN_SUITE     default: VERSION_CODENAME from /etc/os-release
#   KMOD_SOURCE_VERSION   pin the source version, e.g. 30+20221128-1
#   KMOD_STATIC_CFLAGS    default: -O2 -fstack-protector-strong -D_FORTIFY_SOURCE=2
#   KMOD_STATIC_JOBS      make -j value (default: nproc)
#   KMOD_STATIC_NO_APT_INSTALL=1  never run apt-get install, only check packages
#   KMOD_STATIC_KEEP_WORK=1       keep the build tree and apt lists in the scratch dir
#
# Toolchain: glibc by default. A musl libkmod.a was tried and builds fine (with
# liblzma/libzstd rebuilt for musl from their Debian sources, ~25 s more), but it
# cannot be linked into initbind: initbind is compiled with the system gcc against
# glibc headers and also links libblkid (and libpci), which exist only for glibc.
# Mixing a musl-compiled archive into a glibc program is an ABI mismatch (struct
# stat, FILE, errno, ...). Switching to musl means building all of initbind and its
# other libraries with musl-gcc; until then we link statically against glibc, using
# liblzma.a (liblzma-dev) and libzstd.a (libzstd-dev) from Debian. libkmod itself
# needs no NSS or dlopen() from glibc, so the glibc static-link caveats
# (getpwnam, getaddrinfo, iconv) do not apply to it.
# --musl builds the whole of initbind-static with musl-gcc (cmake -DINITBIND_MUSL=ON), which
# needs only libkmod and its decompressors. Debian ships no musl liblzma or libzstd, so they are
# built here from Debian's xz-utils and libzstd source packages, decoders only (section 2b), and
# installed into the prefix beside libkmod.a: the musl binary loads .ko, .ko.xz and .ko.zst.
# musl-gcc sees no kernel headers of its own, so the build gets
# /usr/include/{linux,asm,asm-generic} through a directory of links.
#
# Build dependencies are installed by name with apt-get (root or passwordless
# sudo). The kmod source is fetched with `apt-get source` through a PRIVATE apt
# configuration (own sources.list with one deb-src line, own state/cache/list
# dirs under the scratch dir), so the system's apt setup is not touched.

set -euo pipefail

RECIPE=3   # bump when the build recipe changes: forces a rebuild of old prefixes
# The musl libraries' size switches: one section per function and object for --gc-sections, and
# no unwind tables (.eh_frame): this is C that never unwinds, and the tables were an eighth of
# the binary.
musl_size_flags="-ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -fno-unwind-tables"
PKG=kmod
BUILD_DEPS=(dpkg-dev xz-utils autoconf automake libtool pkg-config make gcc libc6-dev
            binutils liblzma-dev libzstd-dev)

me=${0##*/}
log() { printf '%s: %s\n' "$me" "$*" >&2; }
die() { printf '%s: error: %s\n' "$me" "$*" >&2; exit 1; }

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

force=0 prefix="" outdir="" source_in="" fetch_out="" musl=0
while [ $# -gt 0 ]; do
	case $1 in
	--force) force=1 ;;
	--musl) musl=1 ;;
	--source) [ $# -ge 2 ] || die "--source needs a directory"; source_in=$2; shift ;;
	--fetch-source) [ $# -ge 2 ] || die "--fetch-source needs a directory"; fetch_out=$2; shift ;;
	--prefix) [ $# -ge 2 ] || die "--prefix needs a directory"; prefix=$2; shift ;;
	--prefix=*) prefix=${1#--prefix=} ;;
	-h|--help) sed -n '2,/^$/{s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
	-*) die "unknown option: $1 (see --help)" ;;
	*) [ -z "$outdir" ] || die "only one OUTDIR may be given"; outdir=$1 ;;
	esac
	shift
done
[ -z "$source_in" ] || [ -z "$fetch_out" ] || die "give either --source or --fetch-source, not both"
if [ -n "$fetch_out" ]; then
	# Only the download: scratch space beside the destination, no prefix.
	mkdir -p "$(dirname "$fetch_out")"
	fetch_out=$(cd "$(dirname "$fetch_out")" && pwd)/$(basename "$fetch_out")
	prefix=$fetch_out.prefix-unused
fi
[ "$musl" = 0 ] || BUILD_DEPS+=(musl-tools linux-libc-dev)
if [ -z "$prefix" ]; then
	outdir=${outdir:-${KMOD_STATIC_OUTDIR:-$repo_root/build}}
	prefix=$outdir/kmod-static
	[ "$musl" = 0 ] || prefix=$outdir/kmod-static-musl
elif [ -n "$outdir" ]; then
	die "give either OUTDIR or --prefix, not both"
fi
mkdir -p "$(dirname "$prefix")"
prefix=$(cd "$(dirname "$prefix")" && pwd)/$(basename "$prefix")
work=$prefix-work
apt_dir=$work/apt   # private apt state of the source download (none with --source)
info=$prefix/share/kmod-static/buildinfo

summary() {
	local a=$prefix/lib/libkmod.a
	printf '%s: libkmod %s (Debian source %s), %s, features %s\n' "$me" \
		"$(sed -n 's/^kmod_version=//p' "$info")" \
		"$(sed -n 's/^debian_source_version=//p' "$info")" \
		"$(sed -n 's/^toolchain=//p' "$info")" \
		"$(sed -n 's/^features=//p' "$info")"
	printf '%s:   %s (%s bytes)\n' "$me" "$a" "$(stat -c %s "$a")"
	printf '%s:   %s\n' "$me" "$prefix/include/libkmod.h"
	printf '%s:   link also: %s\n' "$me" "$(sed -n 's/^static_deps=//p' "$info")"
}

is_complete() {
	[ "$force" = 0 ] && [ -f "$info" ] && [ -f "$prefix/lib/libkmod.a" ] &&
		[ -f "$prefix/include/libkmod.h" ] && grep -qx "recipe=$RECIPE" "$info" &&
		[ "$(grep -c '^toolchain=musl' "$info")" = "$musl" ]
}

if [ -z "$fetch_out" ] && is_complete; then
	log "up to date, nothing to do: $prefix"
	summary
	exit 0
fi

mkdir -p "$work"
# Serialise concurrent runs on the same prefix (parallel CI jobs).
if command -v flock >/dev/null; then
	exec 9>"$work/.lock"
	flock 9
	if [ -z "$fetch_out" ] && is_complete; then
		log "built by a concurrent run: $prefix"
		summary
		exit 0
	fi
fi

t_start=$(date +%s)
step() { log "[$(( $(date +%s) - t_start ))s] $*"; }

# --- 1. build dependencies ----------------------------------------------------
install_build_deps() {
	missing=()
	for p in "${BUILD_DEPS[@]}"; do
		st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
		[ "$st" = installed ] || missing+=("$p")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		step "installing build dependencies: ${missing[*]}"
		[ "${KMOD_STATIC_NO_APT_INSTALL:-0}" = 1 ] &&
			die "missing packages: ${missing[*]} (run: apt-get install ${missing[*]})"
		sudo=()
		if [ "$(id -u)" != 0 ]; then
			sudo -n true 2>/dev/null ||
				die "missing packages and no root: run 'sudo apt-get install ${missing[*]}' first"
			sudo=(sudo -n)
		fi
		inst=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -y
		      -o DPkg::Lock::Timeout=600 install --no-install-recommends "${missing[@]}")
		if ! "${inst[@]}"; then
			# Typically a CI image whose package lists were deleted.
			log "apt-get install failed; refreshing the system package lists once and retrying"
			"${sudo[@]}" apt-get -q -o DPkg::Lock::Timeout=600 update
			"${inst[@]}"
		fi
	fi
}

# --- 2. private apt configuration and source download --------------------------
# Sets srcdir (the unpacked, Debian-patched source) and source_origin.
download_source() {
	# shellcheck disable=SC1091
	suite=${KMOD_DEBIAN_SUITE:-$(. /etc/os-release && echo "${VERSION_CODENAME:-}")}
	[ -n "$suite" ] || die "cannot tell the Debian suite; set KMOD_DEBIAN_SUITE (e.g. bookworm)"

	# Print "URI KEYRING" of the first enabled deb/deb-src entry for $suite in the
	# system's apt sources (deb822 .sources files and one-line .list files).
	system_mirror() {
		local f files=()
		for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
			[ -f "$f" ] && files+=("$f")
		done
		[ ${#files[@]} -gt 0 ] || return 0
		awk -v suite="$suite" '
		function has(list, w,   n, a, i) { n = split(list, a, /[ \t]+/); for (i = 1; i <= n; i++) if (a[i] == w) return 1; return 0 }
		function flush() {
			if (types != "" && enabled != "no" && (has(types, "deb") || has(types, "deb-src")) && has(suites, suite) && uris != "") {
				split(uris, u, /[ \t]+/); print u[1], (key ~ /^\// ? key : ""); found = 1; exit
			}
			types = uris = suites = key = enabled = ""
		}
		FNR == 1 { if (NR > 1) flush(); deb822 = (FILENAME ~ /\.sources$/) }
		deb822 {
			if ($0 ~ /^[ \t]*$/) { flush(); next }
			if ($0 ~ /^#/ || $0 ~ /^[ \t]/) next
			k = tolower($1); sub(/^[^:]*:[ \t]*/, "")
			if (k == "types:") types = $0; else if (k == "uris:") uris = $0
			else if (k == "suites:") suites = $0; else if (k == "signed-by:") key = $0
			else if (k == "enabled:") enabled = tolower($0)
			next
		}
		/^[ \t]*deb(-src)?[ \t]/ {
			line = $0; sub(/#.*/, "", line); opts = ""
			if (match(line, /\[[^]]*\]/)) { opts = substr(line, RSTART + 1, RLENGTH - 2); line = substr(line, 1, RSTART - 1) substr(line, RSTART + RLENGTH) }
			n = split(line, w, /[ \t]+/); i = (w[1] == "") ? 2 : 1
			if (n >= i + 2 && w[i + 2] == suite) {
				k = ""; if (match(opts, /signed-by=[^ \t]+/)) k = substr(opts, RSTART + 10, RLENGTH - 10)
				print w[i + 1], k; found = 1; exit
			}
		}
		END { if (!found) flush() }
		' "${files[@]}"
	}

	read -r sys_uri sys_key < <(system_mirror) || true
	mirror=${KMOD_DEBIAN_MIRROR:-${sys_uri:-}}
	[ -n "$mirror" ] ||
		die "no '$suite' entry found in /etc/apt/sources.list{,.d/*}; set KMOD_DEBIAN_MIRROR (e.g. http://deb.debian.org/debian)"
	keyring=${sys_key:-/usr/share/keyrings/debian-archive-keyring.gpg}
	[ -r "$keyring" ] || die "archive keyring $keyring not readable (package debian-archive-keyring)"

	mkdir -p "$apt_dir"/etc/sources.list.d "$apt_dir"/etc/preferences.d \
		"$apt_dir"/state/lists/partial "$apt_dir"/cache/archives/partial
	printf 'deb-src [signed-by=%s] %s %s main\n' "$keyring" "$mirror" "$suite" >"$apt_dir/etc/sources.list"
	# The system's apt.conf.d still applies (proxies etc.), but its hooks must not
	# run for our private update: they would refresh system caches (appstream, packagekit).
	cat >"$apt_dir/apt.conf" <<-'EOF'
	#clear APT::Update::Pre-Invoke;
	#clear APT::Update::Post-Invoke;
	#clear APT::Update::Post-Invoke-Success;
	#clear DPkg::Pre-Invoke;
	#clear DPkg::Post-Invoke;
	EOF
	apt_private=(-c "$apt_dir/apt.conf"
		-o "Dir::Etc::SourceList=$apt_dir/etc/sources.list"
		-o "Dir::Etc::SourceParts=$apt_dir/etc/sources.list.d"
		-o "Dir::Etc::Preferences=$apt_dir/etc/preferences"
		-o "Dir::Etc::PreferencesParts=$apt_dir/etc/preferences.d"
		-o "Dir::State=$apt_dir/state"
		-o "Dir::State::Lists=$apt_dir/state/lists"
		-o "Dir::State::status=/var/lib/dpkg/status"
		-o "Dir::Cache=$apt_dir/cache"
		-o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache="
		-o "Acquire::Languages=none"
		-o "APT::Get::Only-Source=true")
	if [ "$(id -u)" = 0 ]; then
		# The _apt sandbox user cannot write into the scratch dir. Downloads are
		# still checked against the hashes in the signed (InRelease) Sources index.
		apt_private+=(-o "APT::Sandbox::User=root")
	fi

	step "apt-get update (private lists: deb-src $mirror $suite main)"
	apt-get -q "${apt_private[@]}" update >"$work/apt-update.log" 2>&1 ||
		{ cat "$work/apt-update.log" >&2; die "private apt-get update failed"; }

	srcdir=$(fetch_source_package "$PKG" "${KMOD_SOURCE_VERSION:-}")
	[ -f "$srcdir/configure.ac" ] || die "$srcdir has no configure.ac"
	source_origin="deb-src $mirror $suite main"
}

# fetch_source_package NAME [VERSION]: apt-get source NAME through the private apt configuration
# of download_source; prints the unpacked tree's path.
fetch_source_package() {
	local spec=$1${2:+=$2} dl=$work/source tree
	rm -rf "${dl:?}/$1"-*/
	mkdir -p "$dl"
	step "apt-get source $spec"
	(cd "$dl" && apt-get -q "${apt_private[@]}" source "$spec") >"$work/apt-source-$1.log" 2>&1 ||
		{ cat "$work/apt-source-$1.log" >&2; die "apt-get source $spec failed"; }
	tree=$(find "$dl" -mindepth 1 -maxdepth 1 -type d -name "$1-*" | head -n1)
	[ -n "$tree" ] || die "no unpacked source tree of $1 in $dl"
	echo "$tree"
}

# --- 2b. --musl: liblzma and libzstd for musl, decoders only ---------------------
# Debian ships both only for glibc. They are built from Debian's own source packages (the same
# versions and patches as liblzma5 and libzstd1), with musl-gcc, static, and only what libkmod
# calls: the .xz decoder (LZMA2, which needs LZMA1, and the x86 BCJ filter, CRC32/CRC64 checks; the kernel's
# scripts compress modules with --check=crc32) and zstd's streaming decompressor with its
# size-over-speed switches (ZSTD_LIB_MINIFY). Into $work/deps: include/, lib/, lib/pkgconfig/.
build_musl_compressors() {
	local deps=$work/deps xz_src zstd_src
	rm -rf "$deps"
	mkdir -p "$deps/lib/pkgconfig" "$deps/include"
	xz_src=$(fetch_source_package xz-utils)
	zstd_src=$(fetch_source_package libzstd)
	step "liblzma for musl ($(basename "$xz_src"))"
	mkdir -p "$work/xz-build"
	(cd "$work/xz-build" && "$xz_src/configure" --prefix="$deps" --disable-shared --enable-static \
		--disable-xz --disable-xzdec --disable-lzmadec --disable-lzmainfo --disable-lzma-links \
		--disable-scripts --disable-doc --disable-nls --disable-threads --enable-small \
		--disable-encoders --enable-decoders=lzma1,lzma2,x86 --enable-checks=crc32,crc64 \
		CC=musl-gcc CFLAGS="-Os $musl_size_flags -ffile-prefix-map=$xz_src=xz" &&
		make -j"$jobs" && make install) >"$work/xz-build.log" 2>&1 ||
		{ tail -n 30 "$work/xz-build.log" >&2; die "liblzma for musl failed (log: $work/xz-build.log)"; }
	step "libzstd for musl ($(basename "$zstd_src"))"
	# MOREFLAGS, not CFLAGS: a CFLAGS on make's command line would override every switch that
	# zstd's libzstd.mk adds to it (ZSTD_LIB_MINIFY's -Os, -DHUF_FORCE_DECOMPRESS_X1, ...).
	make -C "$zstd_src/lib" -j"$jobs" libzstd.a CC=musl-gcc \
		MOREFLAGS="$musl_size_flags -ffile-prefix-map=$zstd_src=zstd" \
		ZSTD_LIB_COMPRESSION=0 ZSTD_LIB_DICTBUILDER=0 ZSTD_LIB_DEPRECATED=0 ZSTD_LEGACY_SUPPORT=0 \
		ZSTD_LIB_MINIFY=1 >"$work/zstd-build.log" 2>&1 ||
		{ tail -n 30 "$work/zstd-build.log" >&2; die "libzstd for musl failed (log: $work/zstd-build.log)"; }
	install -m 644 "$zstd_src/lib/libzstd.a" "$deps/lib/"
	install -m 644 "$zstd_src/lib/zstd.h" "$zstd_src/lib/zstd_errors.h" "$deps/include/"
	cat >"$deps/lib/pkgconfig/libzstd.pc" <<-EOF
	Name: zstd
	Description: zstd decompression for musl (tools/build-static-kmod.sh)
	Version: $(sed -n 's/^#define ZSTD_VERSION_\(MAJOR\|MINOR\|RELEASE\) *\([0-9]*\).*/\2/p' "$zstd_src/lib/zstd.h" | paste -sd.)
	Libs: -L$deps/lib -lzstd
	Cflags: -I$deps/include
	EOF
	compressor_deps=$deps
}

if [ -n "$source_in" ]; then
	# Offline, as in a package build: the given tree is copied, as autoreconf writes into it.
	[ -f "$source_in/configure.ac" ] || die "--source $source_in: no configure.ac there (not a kmod source tree)"
	step "copying the kmod source $source_in"
	srcdir=$work/source/kmod-src
	rm -rf "$srcdir"
	mkdir -p "$work/source"
	cp -a "$source_in" "$srcdir"
	source_origin="local tree $(cd "$source_in" && pwd)"
	[ "$musl" = 0 ] || die "--musl cannot be built from --source: it also needs Debian's xz-utils and libzstd sources"
else
	install_build_deps
	download_source
	jobs=${KMOD_STATIC_JOBS:-$(nproc 2>/dev/null || echo 2)}
	[ "$musl" = 0 ] || build_musl_compressors
fi
if [ -f "$srcdir/debian/changelog" ] && command -v dpkg-parsechangelog >/dev/null; then
	deb_version=$(dpkg-parsechangelog -l "$srcdir/debian/changelog" -S Version)
else
	deb_version=none
fi
if [ -n "$fetch_out" ]; then
	rm -rf "$fetch_out"
	cp -a "$srcdir" "$fetch_out"
	rm -rf "$work"
	log "kmod source ($deb_version) unpacked in $fetch_out; build offline with --source $fetch_out"
	exit 0
fi

# --- 3. configure and build -----------------------------------------------------
step "autoreconf ($PKG $deb_version)"
# The upstream snapshot has no configure script. gtk-doc is not installed and
# not wanted: an empty gtk-doc.make disables the API docs (as autogen.sh does).
[ -f "$srcdir/libkmod/docs/gtk-doc.make" ] || : >"$srcdir/libkmod/docs/gtk-doc.make"
(cd "$srcdir" && autoreconf --force --install) >"$work/autoreconf.log" 2>&1 ||
	{ cat "$work/autoreconf.log" >&2; die "autoreconf failed"; }

build=$work/build
rm -rf "$build"
mkdir -p "$build"
step "configure"
# --prefix=/usr --sysconfdir=/etc as in Debian: SYSCONFDIR is compiled in
#   (/etc/modprobe.d); nothing is installed from this build tree with make.
# --with-xz --with-zstd: real kernels ship .ko.xz / .ko.zst modules.
# --without-openssl: openssl would only be used to describe module signatures
#   (signer, key id, ...) in modinfo output; initbind never needs that, and it
#   would drag a static libcrypto into the initramfs binary.
# --without-zlib: no .ko.gz on the kernels we target. --disable-tools,
#   --disable-manpages, --disable-test-modules, --disable-python: library only.
# -ffile-prefix-map: the same bytes whatever the scratch dir (assert() paths).
# kmod's configure rejects --enable-static; the PIC objects of its internal
# convenience library are archived into libkmod.a below instead.
# --musl: musl-gcc, sized for the initramfs (-Os, one section per function for --gc-sections),
#   the musl liblzma and libzstd of section 2b, and the kernel headers through links.
cc=gcc compression=(--with-xz --with-zstd)
cflags=${KMOD_STATIC_CFLAGS:--O2 -fstack-protector-strong -D_FORTIFY_SOURCE=2}
if [ "$musl" = 1 ]; then
	kheaders=$work/kernel-headers
	rm -rf "$kheaders"
	mkdir -p "$kheaders"
	ln -s /usr/include/linux /usr/include/asm-generic "$kheaders/"
	ln -s "/usr/include/$(gcc -print-multiarch)/asm" "$kheaders/asm"
	cc="musl-gcc"
	cflags="${KMOD_STATIC_CFLAGS:--Os $musl_size_flags} -isystem $kheaders"
	# configure finds the musl liblzma and libzstd, and only them; kmod's Makefile does not pass
	# their pkg-config Cflags to libkmod-file.c, so their headers are named here too.
	export PKG_CONFIG_LIBDIR=$compressor_deps/lib/pkgconfig
	cflags+=" -I$compressor_deps/include"
fi
(cd "$build" && "$srcdir/configure" \
	--prefix=/usr --sysconfdir=/etc \
	--disable-maintainer-mode \
	--disable-tools --disable-manpages --disable-test-modules --disable-python \
	"${compression[@]}" --without-zlib --without-openssl \
	CC="$cc" CFLAGS="$cflags -ffile-prefix-map=$srcdir=kmod") \
	>"$work/configure.log" 2>&1 ||
	{ tail -n 40 "$work/configure.log" >&2; die "configure failed (full log: $work/configure.log)"; }
for d in ENABLE_XZ ENABLE_ZSTD; do
	grep -q "^#define $d 1" "$build/config.h" || die "$d not set in config.h: decompression support missing"
done
features=$(sed -n 's/^#define KMOD_FEATURES "\(.*\)"$/\1/p' "$build/config.h")
kmod_version=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' "$build/config.h")

jobs=${KMOD_STATIC_JOBS:-$(nproc 2>/dev/null || echo 2)}
step "make -j$jobs libkmod"
make -C "$build" -j"$jobs" libkmod/libkmod-internal.la >"$work/make.log" 2>&1 ||
	{ tail -n 40 "$work/make.log" >&2; die "make failed (full log: $work/make.log)"; }

# --- 4. archive ------------------------------------------------------------------
# Merge libkmod and kmod's shared/ helpers into one relocatable object and keep
# only the public kmod_* API (libkmod.sym) global: the helpers have generic
# names (hash_new, array_append, mkdir_p, read_str_safe, ...) that must not
# clash with initbind's own symbols in a static link.
step "archiving libkmod.a"
objs=("$build"/libkmod/.libs/*.o "$build"/shared/.libs/*.o)
[ -f "${objs[0]}" ] || die "no objects found in $build/libkmod/.libs"
grep -oE '^[[:space:]]*kmod_[A-Za-z0-9_]+;' "$srcdir/libkmod/libkmod.sym" | tr -d ' \t;' | sort -u \
	>"$work/exports.txt"
ld -r -o "$work/libkmod-merged.o" "${objs[@]}"
objcopy --keep-global-symbols="$work/exports.txt" "$work/libkmod-merged.o" "$work/libkmod.o"
for s in lzma_stream_decoder ZSTD_decompressStream; do
	nm -u "$work/libkmod.o" | grep -qw "$s" || die "libkmod does not reference $s: decompression not compiled in"
done

# Static dependencies (glibc flavour from Debian's -dev packages).
multiarch=$(gcc -print-multiarch 2>/dev/null || true)
static_deps=""
deps=(liblzma.a libzstd.a)
for l in "${deps[@]}"; do
	if [ "$musl" = 1 ]; then
		# Installed beside libkmod.a, so the prefix is complete on its own.
		static_deps+="${static_deps:+ }$prefix/lib/$l"
		continue
	fi
	p=$(gcc -print-file-name="$l")
	[ "$p" != "$l" ] || die "$l not found (packages liblzma-dev libzstd-dev)"
	[ -f "$p" ] || die "$l not found (packages liblzma-dev libzstd-dev)"
	static_deps+="${static_deps:+ }$(readlink -f "$p")"
done

stage=$prefix.tmp.$$
trap 'rm -rf "$stage"' EXIT
rm -rf "$stage"
mkdir -p "$stage/lib/pkgconfig" "$stage/include" "$stage/share/kmod-static"
ar rcsD "$stage/lib/libkmod.a" "$work/libkmod.o"
if [ "$musl" = 1 ]; then
	install -m 644 "$compressor_deps/lib/liblzma.a" "$compressor_deps/lib/libzstd.a" "$stage/lib/"
fi
install -m 644 "$srcdir/libkmod/libkmod.h" "$stage/include/libkmod.h"
install -m 644 "$srcdir/libkmod/COPYING" "$stage/share/kmod-static/COPYING.libkmod"
cat >"$stage/lib/pkgconfig/libkmod.pc" <<EOF
# Static libkmod built by tools/build-static-kmod.sh; use pkg-config --static.
prefix=$prefix
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: libkmod
Description: Library to deal with kernel modules (static, $features)
Version: $kmod_version
Requires.private: liblzma libzstd
Libs: -L\${libdir} -lkmod
Cflags: -I\${includedir}
EOF

# --- 5. smoke test: the archive links into a -static program and runs ----------
step "smoke test (static link)"
cat >"$work/smoke.c" <<'EOF'
#include <stdio.h>
#include <libkmod.h>
int main(void)
{
	struct kmod_ctx *ctx = kmod_new("/nonexistent", NULL);
	if (!ctx)
		return 1;
	kmod_unref(ctx);
	puts("ok");
	return 0;
}
EOF
# shellcheck disable=SC2086 # static_deps is a list of paths without spaces
$cc -static -o "$work/smoke" "$work/smoke.c" -I"$stage/include" "$stage/lib/libkmod.a" ${static_deps//$prefix/$stage} \
	2>"$work/smoke.log" || { cat "$work/smoke.log" >&2; die "static smoke link failed"; }
[ "$("$work/smoke")" = ok ] || die "static smoke test did not run"

cat >"$stage/share/kmod-static/buildinfo" <<EOF
recipe=$RECIPE
kmod_version=$kmod_version
debian_source_version=$deb_version
source=$source_origin
toolchain=$(if [ "$musl" = 1 ]; then echo "musl $(dpkg-query -W -f='${Version}' musl-dev 2>/dev/null)"; else echo "glibc $(ldd --version 2>/dev/null | sed -n '1s/.* //p')${multiarch:+ ($multiarch)}"; fi)
compiler=$(gcc -dumpfullversion 2>/dev/null || gcc -dumpversion)
cflags=$cflags
features=$features
static_deps=$static_deps
built=$(date -u +%Y-%m-%dT%H:%M:%SZ)
EOF

rm -rf "$prefix"
mv "$stage" "$prefix"
if [ "${KMOD_STATIC_KEEP_WORK:-0}" != 1 ]; then
	# Keep the logs and the downloaded source package (~270 KiB), drop the rest (~30 MiB).
	rm -rf "$apt_dir/state" "$apt_dir/cache" "$build" "$srcdir" "$work"/libkmod*.o "$work/smoke"
fi
step "done in $(( $(date +%s) - t_start ))s"
summary
