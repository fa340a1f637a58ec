# StaticKmod.cmake - the static libkmod built by tools/build-static-kmod.sh as an
# IMPORTED target.
#
#   include(cmake/StaticKmod.cmake)
#   target_link_libraries(initbind PRIVATE kmod-static)   # plus -static at link time
#
# Input (cache variable):
#   KMOD_STATIC_PREFIX  the prefix the script installed into
#                       (default: ${CMAKE_BINARY_DIR}/kmod-static, which is what
#                       `tools/build-static-kmod.sh ${CMAKE_BINARY_DIR}` produces)
# Output:
#   kmod-static           IMPORTED STATIC library: libkmod.a, with the static
#                         liblzma.a and libzstd.a it needs and libkmod.h's include dir
#   KMOD_STATIC_VERSION   e.g. 30
#   KMOD_STATIC_FEATURES  e.g. "+ZSTD +XZ -ZLIB -LIBCRYPTO -EXPERIMENTAL"
#
# A missing or incomplete prefix is a configure error that names the command to run.

include_guard(GLOBAL)

set(KMOD_STATIC_PREFIX "${CMAKE_BINARY_DIR}/kmod-static" CACHE PATH
    "Prefix of the static libkmod built by tools/build-static-kmod.sh")

get_filename_component(_kmod_static_script "${CMAKE_CURRENT_LIST_DIR}/../tools/build-static-kmod.sh" ABSOLUTE)
get_filename_component(_kmod_static_prefix "${KMOD_STATIC_PREFIX}" ABSOLUTE BASE_DIR "${CMAKE_BINARY_DIR}")
get_filename_component(_kmod_static_parent "${_kmod_static_prefix}" DIRECTORY)
get_filename_component(_kmod_static_name "${_kmod_static_prefix}" NAME)
set(_kmod_static_musl_flag "")
if(INITBIND_MUSL)
  set(_kmod_static_musl_flag "--musl ")
endif()
if(_kmod_static_name MATCHES "^kmod-static(-musl)?$")
  set(_kmod_static_cmd "${_kmod_static_script} ${_kmod_static_musl_flag}${_kmod_static_parent}")
else()
  set(_kmod_static_cmd "${_kmod_static_script} ${_kmod_static_musl_flag}--prefix ${_kmod_static_prefix}")
endif()

set(_kmod_static_lib "${_kmod_static_prefix}/lib/libkmod.a")
set(_kmod_static_inc "${_kmod_static_prefix}/include")
set(_kmod_static_info "${_kmod_static_prefix}/share/kmod-static/buildinfo")

if(NOT EXISTS "${_kmod_static_lib}" OR NOT EXISTS "${_kmod_static_inc}/libkmod.h"
   OR NOT EXISTS "${_kmod_static_info}")
  message(FATAL_ERROR
    "Static libkmod not found in KMOD_STATIC_PREFIX=${_kmod_static_prefix}\n"
    "(needs lib/libkmod.a, include/libkmod.h and share/kmod-static/buildinfo).\n"
    "Build it first (Debian 12 has no libkmod.a; takes about 30 s, installs build "
    "dependencies with apt-get and downloads Debian's kmod source):\n"
    "  ${_kmod_static_cmd}\n"
    "then re-run cmake, or point -DKMOD_STATIC_PREFIX=<dir> at an existing prefix.")
endif()

file(STRINGS "${_kmod_static_info}" _kmod_static_lines)
set(KMOD_STATIC_VERSION "")
set(KMOD_STATIC_FEATURES "")
set(_kmod_static_toolchain "")
set(_kmod_static_deps "")
foreach(_line IN LISTS _kmod_static_lines)
  if(_line MATCHES "^kmod_version=(.*)$")
    set(KMOD_STATIC_VERSION "${CMAKE_MATCH_1}")
  elseif(_line MATCHES "^features=(.*)$")
    set(KMOD_STATIC_FEATURES "${CMAKE_MATCH_1}")
  elseif(_line MATCHES "^toolchain=(.*)$")
    set(_kmod_static_toolchain "${CMAKE_MATCH_1}")
  elseif(_line MATCHES "^static_deps=(.*)$")
    separate_arguments(_kmod_static_deps UNIX_COMMAND "${CMAKE_MATCH_1}")
  endif()
endforeach()

# Both builds load .ko.xz and .ko.zst, as Fedora's, Arch's and Ubuntu's kernels ship them.
foreach(_feature IN ITEMS XZ ZSTD)
  if(NOT " ${KMOD_STATIC_FEATURES} " MATCHES " \\+${_feature} ")
    message(FATAL_ERROR
      "The static libkmod in ${_kmod_static_prefix} lacks ${_feature} module decompression "
      "(features: ${KMOD_STATIC_FEATURES}). Rebuild it:\n  ${_kmod_static_cmd} --force")
  endif()
endforeach()

if(INITBIND_MUSL)
  set(_kmod_static_want "musl")
else()
  set(_kmod_static_want "glibc")
endif()
if(NOT _kmod_static_toolchain MATCHES "^${_kmod_static_want}")
  message(FATAL_ERROR "Static libkmod in ${_kmod_static_prefix} was built for '${_kmod_static_toolchain}', "
                      "this build needs ${_kmod_static_want}: the C libraries must match. Build it with:\n"
                      "  ${_kmod_static_cmd}")
endif()

# liblzma.a / libzstd.a: the ones the script linked its smoke test with, else (glibc only)
# wherever the compiler finds them (liblzma-dev, libzstd-dev). The musl ones are in the prefix
# and nowhere else: a glibc archive must never be taken for them.
set(_kmod_static_dep_libs "")
set(_kmod_static_dep_names lzma zstd)
set(_kmod_static_dep_search "")
if(INITBIND_MUSL)
  set(_kmod_static_dep_search NO_DEFAULT_PATH)
endif()
foreach(_dep IN LISTS _kmod_static_dep_names)
  string(TOUPPER "${_dep}" _DEP)
  set(_hints "")
  foreach(_path IN LISTS _kmod_static_deps)
    if(_path MATCHES "/lib${_dep}\\.a$")
      get_filename_component(_dir "${_path}" DIRECTORY)
      list(APPEND _hints "${_dir}")
    endif()
  endforeach()
  find_library(KMOD_STATIC_${_DEP}_LIBRARY NAMES lib${_dep}.a HINTS ${_hints} ${_kmod_static_dep_search}
               DOC "Static lib${_dep} for the static libkmod")
  if(NOT KMOD_STATIC_${_DEP}_LIBRARY)
    message(FATAL_ERROR
      "lib${_dep}.a not found; the static libkmod needs it. Install it with:\n"
      "  apt-get install lib${_dep}-dev\n"
      "or set -DKMOD_STATIC_${_DEP}_LIBRARY=/path/to/lib${_dep}.a")
  endif()
  list(APPEND _kmod_static_dep_libs "${KMOD_STATIC_${_DEP}_LIBRARY}")
endforeach()

if(NOT TARGET kmod-static)
  add_library(kmod-static STATIC IMPORTED GLOBAL)
  set_target_properties(kmod-static PROPERTIES
    IMPORTED_LOCATION "${_kmod_static_lib}"
    IMPORTED_LINK_INTERFACE_LANGUAGES "C"
    INTERFACE_INCLUDE_DIRECTORIES "${_kmod_static_inc}"
    INTERFACE_LINK_LIBRARIES "${_kmod_static_dep_libs}")
endif()

message(STATUS "Static libkmod ${KMOD_STATIC_VERSION} (${KMOD_STATIC_FEATURES}; "
               "${_kmod_static_toolchain}): ${_kmod_static_lib}")

unset(_kmod_static_lines)
unset(_kmod_static_deps)
unset(_kmod_static_dep_libs)
