# Every path initbind's programs, hooks, udev rule and units name, written once. configure_file
# puts them into lib/shared/initbind-paths.h (for the C code) and, as @VARIABLES@, into each hook,
# dracut module, udev rule and unit; the install() rules install to the same places.
#
# Installed on the host, below the install prefix (configure with -DCMAKE_INSTALL_PREFIX=/usr for
# a system install). DESTDIR moves the files, not the paths written inside them; an install-time
# --prefix would move the binaries away from the paths the hooks carry, so the install refuses it
# (the first install rule, in the top-level CMakeLists.txt).
set(SBIN_BINARY ${CMAKE_INSTALL_FULL_SBINDIR}/initbind)
set(STATIC_BINARY ${CMAKE_INSTALL_FULL_LIBEXECDIR}/initbind/initbind-static)
# The libvirt qemu hook's program; /etc/libvirt/hooks/qemu.d/initbind execs it.
set(LIBVIRT_HOOK_BINARY ${CMAKE_INSTALL_FULL_LIBEXECDIR}/initbind/initbind-libvirt-hook)
set(RUN_BOOT_SOURCE ${CMAKE_INSTALL_FULL_LIBEXECDIR}/initbind/run-boot)
set(UNIT_DIR lib/initbind)
set(UNIT_SOURCE ${CMAKE_INSTALL_PREFIX}/${UNIT_DIR}/initbind-boot.service)

# The configuration, on the host and in every image.
set(INITBIND_CONFIG /etc/initbind.conf)

# Inside the initramfs image: the same paths in every generator's image.
set(INITRAMFS_BINARY /usr/bin/initbind)
set(RUN_BOOT /usr/libexec/initbind/run-boot)

# Where each generator, udev and libvirt look for what initbind installs for them. These do not
# follow the install prefix: a generator looks only in its own directories, so a /usr/local
# build installs its hooks into /usr/share/initramfs-tools and /usr/lib/dracut too (their
# contents name the binaries below the prefix). The tool's own pkg-config variable where it has
# one, else the place the tool always looks; a cache variable each, for unusual systems.
find_package(PkgConfig QUIET)
function(initbind_tool_dir variable package pc_variable default description)
  if(DEFINED CACHE{${variable}})
    return()
  endif()
  set(value ${default})
  if(PKG_CONFIG_FOUND AND NOT package STREQUAL "")
    pkg_get_variable(from_pc ${package} ${pc_variable})
    if(from_pc)
      set(value ${from_pc})
    endif()
  endif()
  set(${variable} ${value} CACHE PATH "${description}")
endfunction()
initbind_tool_dir(INITBIND_DRACUT_MODULES_DIR dracut dracutmodulesdir /usr/lib/dracut/modules.d
                  "Where dracut looks for modules (dracut.pc's dracutmodulesdir)")
initbind_tool_dir(INITBIND_UDEV_DIR udev udevdir /usr/lib/udev "udev's directory (udev.pc's udevdir)")
# initramfs-tools, mkinitcpio and libvirt have no .pc file: their fixed directories.
initbind_tool_dir(INITBIND_INITRAMFS_TOOLS_DIR "" "" /usr/share/initramfs-tools
                  "Where initramfs-tools looks for hooks and scripts")
initbind_tool_dir(INITBIND_MKINITCPIO_DIR "" "" /usr/lib/initcpio "Where mkinitcpio looks for install and runtime hooks")
initbind_tool_dir(INITBIND_LIBVIRT_HOOKS_DIR "" "" /etc/libvirt/hooks "Where libvirtd looks for hooks")

set(INITRAMFS_TOOLS_DIR ${INITBIND_INITRAMFS_TOOLS_DIR})
set(DRACUT_MODULE_DIR ${INITBIND_DRACUT_MODULES_DIR}/90initbind)
set(MKINITCPIO_DIR ${INITBIND_MKINITCPIO_DIR})
set(UDEV_RULES_DIR ${INITBIND_UDEV_DIR}/rules.d)
# libvirt 6.5 and later runs every executable in hooks/qemu.d.
set(LIBVIRT_QEMU_HOOK_DIR ${INITBIND_LIBVIRT_HOOKS_DIR}/qemu.d)

# The files cmdlinegen checks for when it asks whether the hook of the system's generator is
# installed (lib/host/boot_chain.c): the installed files themselves.
set(HOOK_INITRAMFS_TOOLS ${INITRAMFS_TOOLS_DIR}/hooks/initbind)
set(HOOK_DRACUT ${DRACUT_MODULE_DIR}/module-setup.sh)
set(HOOK_MKINITCPIO ${MKINITCPIO_DIR}/install/initbind)
