#!/bin/sh
# Compare the files a package (or a DESTDIR install) holds with packaging/files.in.
#
#   check-file-list.sh FORMAT LISTING [NAME=DIR...]
#
# LISTING: one absolute path per line, files and symlinks (no directories).
# FORMAT:  deb, rpm or arch: that format's install directories fill in files.in's @VARIABLES@,
#          and what the format adds by itself is left out of the comparison (the package's
#          doc directory, Debian's lintian overrides, rpm's /usr/lib/.build-id links,
#          compressed man pages);
#          cmake: the directories are given as NAME=DIR (prefix, bindir, sbindir, libexecdir, datadir,
#          mandir, sysconfdir, zshcompdir, and the tools' directories initramfstoolsdir,
#          dracutmodulesdir, mkinitcpiodir, udevdir, libvirthooksdir; static=OFF drops the static binary; as=FORMAT leaves out what
#          FORMAT leaves out, for a format's recipe run on this build).
set -eu

format=$1
listing=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)

prefix=/usr bindir=/usr/bin sbindir=/usr/sbin libexecdir=/usr/libexec datadir=/usr/share mandir=/usr/share/man
sysconfdir=/etc static=ON as=$format zshcompdir=/usr/share/zsh/site-functions
# Where the generators, udev and libvirt look, the same for every format.
initramfstoolsdir=/usr/share/initramfs-tools dracutmodulesdir=/usr/lib/dracut/modules.d mkinitcpiodir=/usr/lib/initcpio
udevdir=/usr/lib/udev libvirthooksdir=/etc/libvirt/hooks
case $format in
deb) zshcompdir=/usr/share/zsh/vendor-completions # Debian's zsh does not read site-functions
	udevdir=/lib/udev ;; # Debian 12's udev.pc (udevdir), which the package build takes
rpm) ;;
arch) sbindir=/usr/bin libexecdir=/usr/lib ;; # Arch has no /usr/sbin or /usr/libexec
cmake)
	for setting; do
		case $setting in
		prefix=* | bindir=* | sbindir=* | libexecdir=* | datadir=* | mandir=* | sysconfdir=* | zshcompdir=* | static=* | as=* | \
			initramfstoolsdir=* | dracutmodulesdir=* | mkinitcpiodir=* | udevdir=* | libvirthooksdir=*)
			eval "${setting%%=*}=\${setting#*=}" ;;
		*) echo "check-file-list.sh: unknown setting '$setting'" >&2; exit 2 ;;
		esac
	done
	;;
*) echo "check-file-list.sh: unknown format '$format' (deb, rpm, arch or cmake)" >&2; exit 2 ;;
esac

work=$(mktemp -d "${TMPDIR:-/tmp}/initbind-files.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

grep -v '^#' "$here/files.in" | grep -v '^$' | grep -v " !$as\( \|$\)" | sed 's/ .*//' |
	sed -e "s|@PREFIX@|$prefix|" -e "s|@BINDIR@|$bindir|" -e "s|@SBINDIR@|$sbindir|" -e "s|@LIBEXECDIR@|$libexecdir|" \
	    -e "s|@DATADIR@|$datadir|" -e "s|@MANDIR@|$mandir|" -e "s|@SYSCONFDIR@|$sysconfdir|" \
	    -e "s|@ZSHCOMPDIR@|$zshcompdir|" -e "s|@INITRAMFSTOOLSDIR@|$initramfstoolsdir|" \
	    -e "s|@DRACUTMODULESDIR@|$dracutmodulesdir|" -e "s|@MKINITCPIODIR@|$mkinitcpiodir|" -e "s|@UDEVDIR@|$udevdir|" \
	    -e "s|@LIBVIRTHOOKSDIR@|$libvirthooksdir|" |
	{ if [ "$static" = OFF ]; then grep -v '/initbind-static$'; else cat; fi; } |
	sort >"$work/declared"

# Man pages are compressed by every format's build (dh_compress, brp-compress, makepkg).
uncompress_man="s#^\\($mandir/.*\\)\\.\\(gz\\|xz\\|zst\\)\$#\\1#"
sed -e 's|^\([^/]\)|/\1|' -e "$uncompress_man" "$listing" |
	grep -v -e '^/usr/share/doc/initbind\(-[^/]*\)\{0,1\}/' -e '^/usr/share/lintian/overrides/' -e '^/usr/lib/\.build-id/' |
	sort >"$work/packaged"

if ! diff -u "$work/declared" "$work/packaged" >"$work/diff"; then
	echo "check-file-list.sh: the $format package does not hold what packaging/files.in declares" >&2
	echo "(- declared only, + packaged only; update files.in when the install changed on purpose):" >&2
	tail -n +3 "$work/diff" >&2
	exit 1
fi
echo "check-file-list.sh: $format: $(wc -l <"$work/packaged") files, as declared"
