# Compiler settings shared by every target: warnings, ccache, sanitizers.
find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM)
  # Cache keys independent of where the tree is cloned: paths under the source tree are hashed
  # relative to it and the build directory is not hashed, so a fresh clone elsewhere (CI) reuses
  # what an earlier build compiled. Flags that embed absolute paths (-D...="/path") still differ.
  set(CMAKE_CXX_COMPILER_LAUNCHER
      ${CMAKE_COMMAND} -E env CCACHE_BASEDIR=${PROJECT_SOURCE_DIR} CCACHE_NOHASHDIR=1
      ${CCACHE_PROGRAM})
endif()

add_compile_options(-Wall -Wextra -Wpedantic -Wno-missing-field-initializers)
if(CMAKE_BUILD_TYPE STREQUAL "Release")
  add_compile_options(-O2)
endif()

if(MYSTOCKS_FUZZ)
  # libFuzzer needs clang. Every library is instrumented for coverage without libFuzzer's main
  # (fuzzer-no-link); only the fuzz_* executables link the fuzzer runtime (tests/fuzz). UB aborts
  # so that libFuzzer records it as a crash instead of printing and going on.
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "MYSTOCKS_FUZZ needs clang: CC=clang CXX=clang++ cmake ... -DMYSTOCKS_FUZZ=ON")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
elseif(MYSTOCKS_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
if(MYSTOCKS_TSAN)
  # ThreadSanitizer for the concurrency tests (scripts/tsan); cannot be combined with ASan.
  if(MYSTOCKS_SANITIZE OR MYSTOCKS_FUZZ)
    message(FATAL_ERROR "MYSTOCKS_TSAN excludes MYSTOCKS_SANITIZE and MYSTOCKS_FUZZ")
  endif()
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
endif()

# Makes the layer rule a build error: mystocks_layer(NAME SOURCES ... DEPS ...) creates a static
# library whose include root is src/, so every include names its layer ("core/symbol.h").
function(mystocks_layer name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(mystocks_${name} STATIC ${ARG_SOURCES})
  target_include_directories(mystocks_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(mystocks_${name} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
endfunction()
