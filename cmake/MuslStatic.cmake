# MuslStatic.cmake - the INITBIND_MUSL build: initbind-static alone, compiled and linked with
# musl-gcc against the musl libkmod of `tools/build-static-kmod.sh --musl`, sized for the
# initramfs. Configure a build directory of its own:
#
#   tools/build-static-kmod.sh --musl build-musl
#   cmake -S . -B build-musl -DCMAKE_C_COMPILER=musl-gcc -DINITBIND_MUSL=ON -DCMAKE_BUILD_TYPE=MinSizeRel
#   cmake --build build-musl --target initbind-static
#
# Only initbind-static is built: the host programs (libpci, libblkid), the tests (cmocka) and
# kernel_config.c (zlib) need libraries Debian ships for glibc only.

include_guard(GLOBAL)

if(NOT CMAKE_C_COMPILER MATCHES "musl")
  message(FATAL_ERROR "INITBIND_MUSL needs the musl compiler wrapper: -DCMAKE_C_COMPILER=musl-gcc "
                      "(Debian package musl-tools), not ${CMAKE_C_COMPILER}")
endif()
set(INITBIND_STATIC ON CACHE BOOL "" FORCE)
set(INITBIND_TESTS OFF CACHE BOOL "" FORCE)
set(KMOD_STATIC_PREFIX "${CMAKE_BINARY_DIR}/kmod-static-musl" CACHE PATH
    "Prefix of the static libkmod built by tools/build-static-kmod.sh --musl")

# musl-gcc searches musl's headers only: the kernel's uapi headers (linux/openat2.h) come from
# linux-libc-dev through a directory holding just linux/, asm/ and asm-generic/, so that no
# glibc header can be picked up.
execute_process(COMMAND gcc -print-multiarch OUTPUT_VARIABLE _musl_multiarch OUTPUT_STRIP_TRAILING_WHITESPACE)
set(_musl_kheaders "${CMAKE_BINARY_DIR}/kernel-headers")
file(MAKE_DIRECTORY "${_musl_kheaders}")
foreach(_pair IN ITEMS "linux=/usr/include/linux" "asm-generic=/usr/include/asm-generic"
                       "asm=/usr/include/${_musl_multiarch}/asm")
  string(REPLACE "=" ";" _pair "${_pair}")
  list(GET _pair 0 _name)
  list(GET _pair 1 _target)
  if(NOT EXISTS "${_target}")
    message(FATAL_ERROR "${_target} not found: install linux-libc-dev")
  endif()
  if(NOT EXISTS "${_musl_kheaders}/${_name}")
    file(CREATE_LINK "${_target}" "${_musl_kheaders}/${_name}" SYMBOLIC)
  endif()
endforeach()
include_directories(SYSTEM "${_musl_kheaders}")

# Size: every function and object in its own section, and the linker drops the unused ones; no
# unwind tables (.eh_frame), which C that never unwinds does not read (15 KB of initbind's own,
# as much again in libkmod, liblzma and libzstd: tools/build-static-kmod.sh drops those).
add_compile_options(-ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -fno-unwind-tables)
add_link_options(-Wl,--gc-sections)

include(${CMAKE_CURRENT_LIST_DIR}/StaticKmod.cmake)
set(KMOD_INCLUDE_DIRS "${KMOD_STATIC_PREFIX}/include")
