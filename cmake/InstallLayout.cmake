# Every path initbind's programs, hooks, udev rule and units name, written once. configure_file
# puts them into lib/shared/initbind-paths.h (for the C code) and, as @VARIABLES@, into each hook,
# dracut module, udev rule and unit; the install() rules install to the same places.
#
# Installed on the host, below the install prefix (configure with -DCMAKE_INSTALL_PREFIX=/usr for
# a system install; DESTDIR and an install-time --prefix move the files, not the paths written
# inside them).
set(SBIN_BINARY ${CMAKE_INSTALL_FULL_SBINDIR}/initbind)
set(STATIC_BINARY ${CMAKE_INSTALL_FULL_LIBEXECDIR}/initbind/initbind-static)
# The libvirt qemu hook's program; /etc/libvirt/hooks/qemu.d/initbind execs it.
set(LIBVIRT_HOOK_BINARY ${CMAKE_INSTALL_FULL_LIBEXECDIR}/initbind/initbind-libvirt-hook)
set(RUN_BOOT_SOURCE ${CMAKE_INSTALL_FULL_LIBEXECDIR}/initbind/run-boot)
set(UNIT_DIR lib/initbind)
set(UNIT_SOURCE ${CMAKE_INSTALL_PREFIX}/${UNIT_DIR}/initbind-boot.service)

# The configuration, on the host and in every image.
set(INITBIND_CONFIG /etc/initbind.conf)

# Inside the initramfs image. initramfs-tools' image carries the binary in /sbin, the others in
# /usr/bin, as each hook always did.
set(INITRAMFS_BINARY /usr/bin/initbind)
set(INITRAMFS_TOOLS_BINARY /sbin/initbind)
set(RUN_BOOT /usr/libexec/initbind/run-boot)

# Where each generator looks for hooks, relative to /usr: the install destinations, and the files
# cmdlinegen checks for when it asks whether the hook of the system's generator is installed
# (lib/host/boot_chain.c). They do not follow the prefix: a generator looks only in its own dirs.
set(INITRAMFS_TOOLS_DIR ${CMAKE_INSTALL_DATADIR}/initramfs-tools)
set(DRACUT_MODULE_DIR lib/dracut/modules.d/90initbind)
set(MKINITCPIO_DIR lib/initcpio)
set(HOOK_INITRAMFS_TOOLS /usr/${INITRAMFS_TOOLS_DIR}/hooks/initbind)
set(HOOK_DRACUT /usr/${DRACUT_MODULE_DIR}/module-setup.sh)
set(HOOK_MKINITCPIO /usr/${MKINITCPIO_DIR}/install/initbind)

set(UDEV_RULES_DIR lib/udev/rules.d)
