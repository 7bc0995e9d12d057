# Debian packages only (scripts/setup installs them); nothing vendored.
set(Boost_NO_WARN_NEW_VERSIONS ON)
find_package(Boost 1.81 EXACT REQUIRED COMPONENTS json url)
find_package(Threads REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(yaml-cpp REQUIRED)
# Cryptography comes from these two libraries only: OpenSSL for HMAC/SHA-2 (gateway), libsodium
# for secret boxes, argon2id and randomness (core). Debian ships no CMake config for libsodium.
find_package(OpenSSL 3 REQUIRED COMPONENTS Crypto)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium>=1.0.18)
if(MYSTOCKS_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(MYSTOCKS_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
