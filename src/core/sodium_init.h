// libsodium's one-time start-up (CPU feature detection, random generator): every core function
// that calls libsodium runs init_sodium() first, so no caller has to remember a global init.
// Thread-safe: a function-local static, initialised once whichever thread gets there first.
#pragma once

#include <cstdio>
#include <cstdlib>

#include <sodium.h>

namespace mystocks {

inline void init_sodium() {
  // sodium_init() fails only when the system random source cannot be opened; without it no key,
  // nonce or token would be unpredictable, so carrying on would be worse than stopping.
  static const bool ready = sodium_init() >= 0;
  if (!ready) {
    std::fputs("fatal: libsodium could not initialise (no system random source)\n", stderr);
    std::abort();
  }
}

}  // namespace mystocks
