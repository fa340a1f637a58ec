# Warnings, sanitizers and coverage as build options, applied to every target of the project.
add_compile_options(-Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
                    -Wno-unused-parameter -Wformat=2 -Wvla -fno-strict-aliasing)
if(CMAKE_C_COMPILER_ID STREQUAL "GNU")
  # Messages go into fixed buffers on purpose (no allocation on the boot path); a cut-off
  # sentence is better than a failed log line. (A GCC-only warning: clang does not know it.)
  add_compile_options(-Wno-format-truncation)
endif()
if(INITBIND_WERROR)
  add_compile_options(-Werror)
endif()

if(INITBIND_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined -fno-sanitize-recover=all)
endif()

if(INITBIND_COVERAGE)
  add_compile_options(--coverage -O0)
  add_link_options(--coverage)
endif()
