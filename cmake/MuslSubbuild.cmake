# MuslSubbuild.cmake - INITBIND_STATIC_MUSL: the initramfs binary that is installed is the musl
# initbind-static (about a fifth of the glibc one's size, and it loads .ko.xz and .ko.zst too),
# built by a nested INITBIND_MUSL build of this same tree in <build>/musl. The glibc
# initbind-static is still built, for the tests, but not installed. Needs musl-gcc (Debian's
# musl-tools) and the musl libkmod of `tools/build-static-kmod.sh --musl <build>` (the default
# KMOD_STATIC_MUSL_PREFIX).

include_guard(GLOBAL)
include(ExternalProject)

set(KMOD_STATIC_MUSL_PREFIX "${CMAKE_BINARY_DIR}/kmod-static-musl" CACHE PATH
    "Prefix of the musl libkmod built by tools/build-static-kmod.sh --musl")
find_program(INITBIND_MUSL_GCC musl-gcc)
if(NOT INITBIND_MUSL_GCC)
  message(FATAL_ERROR "INITBIND_STATIC_MUSL needs musl-gcc (apt-get install musl-tools)")
endif()

set(_musl_build "${CMAKE_BINARY_DIR}/musl")
ExternalProject_Add(initbind-static-musl
  SOURCE_DIR "${PROJECT_SOURCE_DIR}"
  BINARY_DIR "${_musl_build}"
  CMAKE_ARGS -DCMAKE_C_COMPILER=${INITBIND_MUSL_GCC} -DINITBIND_MUSL=ON -DCMAKE_BUILD_TYPE=MinSizeRel
             -DKMOD_STATIC_PREFIX=${KMOD_STATIC_MUSL_PREFIX} -DINITBIND_WERROR=${INITBIND_WERROR}
  BUILD_COMMAND ${CMAKE_COMMAND} --build "${_musl_build}" --target initbind-static
  INSTALL_COMMAND ""
  # The nested build sees the same sources: let its own dependency tracking decide.
  BUILD_ALWAYS ON
  USES_TERMINAL_BUILD ON)
install(PROGRAMS "${_musl_build}/bin/initbind-static" DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/initbind)
