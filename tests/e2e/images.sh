# shellcheck shell=bash
# shellcheck disable=SC2154 # here, BUILD, WORK, KDIR, KVER, E2E_DRIVERS: the caller's (below)
# initbind installed as a package would be, and initramfs-tools images built with its installed
# hooks: sourced by run.sh and runtime.sh, so both boot images that Debian's real mkinitramfs made.
# The caller sets here (tests/e2e), BUILD, WORK (with WORK/logs), KDIR and KVER (fetch-kernel.sh)
# and, before building an image, E2E_DRIVERS (the test machine's modules, put in every image) and
# WORK/build-time.conf (the image's /etc/initbind.conf).

cache_var() { sed -n "s/^$1:[A-Z]*=//p" "$BUILD/CMakeCache.txt"; } # NAME: its value in the build's cache

# stage_install: `cmake --install` of the build into STAGE=WORK/stage; sets STAGE, PREFIX and
# STATIC (the staged initbind-static), and exits when the prefix is one the images cannot use.
stage_install() {
    STAGE=$WORK/stage
    rm -rf "$STAGE"
    DESTDIR=$STAGE cmake --install "$BUILD" > "$WORK/logs/cmake-install.log"
    PREFIX=$(cache_var CMAKE_INSTALL_PREFIX)
    STATIC=$STAGE$PREFIX/libexec/initbind/initbind-static
    [ -x "$STATIC" ] || { echo "${0##*/}: cmake --install put no libexec/initbind/initbind-static in $STAGE$PREFIX" >&2; exit 1; }
    case $PREFIX in /usr | /usr/*) ;; *) echo "${0##*/}: the build's install prefix $PREFIX is not below /usr" >&2; exit 1 ;; esac
    # The hooks are installed where each generator looks (cmake/InstallLayout.cmake), whatever the
    # prefix: private-system.sh's /usr overlay puts them there.
}

# in_private CMD...: CMD where the stage is installed, the kernel is the installed one and
# /etc/initbind.conf is the build-time configuration.
in_private() {
    # shellcheck disable=SC2016 # the script is the inner sh's
    "$here/private-system.sh" "$KDIR" "$KVER" "$STAGE" sh -euc '
        cp "$1" /etc/initbind.conf; shift; exec "$@"' in-private "$WORK/build-time.conf" "$@"
}

build_initramfs_tools() { # OUTPUT [EXTRA]
    # A private configuration directory (mkinitramfs -d) whose hooks and init-top scripts are
    # the installed ones (mkinitramfs reads CONFDIR/hooks and CONFDIR/scripts like
    # /usr/share/initramfs-tools/), plus a test-only hook for the machine's drivers, and what the
    # directory EXTRA holds (a caller's own test-only scripts, in the same layout).
    local d=$WORK/confdir share
    share=$STAGE$(cache_var INITBIND_INITRAMFS_TOOLS_DIR)
    rm -rf "$d"
    mkdir -p "$d/hooks" "$d/scripts/init-top" "$d/conf.d"
    printf '%s\n' MODULES=list BUSYBOX=auto KEYMAP=n COMPRESS=zstd DEVICE= NFSROOT=auto RUNSIZE=10% FSTYPE=auto > "$d/initramfs.conf"
    : > "$d/modules"
    install -m 755 "$share/hooks/initbind" "$d/hooks/initbind"
    install -m 755 "$share/scripts/init-top/initbind" "$d/scripts/init-top/initbind"
    cat > "$d/hooks/zz-e2e-drivers" <<HOOK
#!/bin/sh
# test only: the test machine's drivers in the image (MODULES=list adds nothing by itself)
PREREQ=""
prereqs() { echo "\$PREREQ"; }
case "\$1" in prereqs) prereqs; exit 0 ;; esac
. /usr/share/initramfs-tools/hook-functions
manual_add_modules $E2E_DRIVERS
HOOK
    chmod 755 "$d/hooks/zz-e2e-drivers"
    [ -z "${2:-}" ] || cp -R "$2/." "$d/"
    in_private mkinitramfs -d "$d" -o "$1" "$KVER"
}
