// Password hashing with argon2id (libsodium crypto_pwhash_str_alg): a password becomes a PHC
// string ("$argon2id$v=19$m=65536,t=2,p=1$salt$hash") that carries its own salt and parameters,
// so stored hashes stay verifiable after the defaults change and needs_rehash() tells when to
// upgrade one at the next successful login. Passwords are never logged or put in messages.
// Thread-safe: pure functions. Each hash or verify holds mem_limit_bytes of RAM and one core for
// its duration, so callers must bound how many run at once (e.g. the handler pool's size).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace mystocks {

struct PasswordHashParams {
  // libsodium's argon2id "interactive" level (crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE /
  // MEMLIMIT_INTERACTIVE): tens of milliseconds per login on one core, while 64 MiB per guess
  // makes GPU and ASIC cracking costly. Above OWASP's argon2id minimum (19 MiB, 2 passes). The
  // "moderate" level (3 passes, 256 MiB) would cost ~0.7 s and 256 MiB per concurrent login on
  // our 2-core servers. Fixed per process (from config at start-up).
  uint64_t ops_limit = 2;                     // passes over memory; argon2id minimum 1
  size_t mem_limit_bytes = 64 * 1024 * 1024;  // bytes; argon2id minimum 8 KiB
};

// The PHC string for `password`. kInvalidArgument when params are outside libsodium's argon2id
// limits; kResourceExhausted when the memory could not be allocated.
Result<std::string> hash_password(std::string_view password, const PasswordHashParams& params = {});

// True when `password` matches `phc` (constant time in the password). False for a wrong
// password and for a malformed or non-argon2 hash string alike.
bool verify_password(std::string_view phc, std::string_view password);

// True when `phc` was not made by argon2id with exactly `params` (or is malformed): hash the
// password again after the next successful verify.
bool needs_rehash(std::string_view phc, const PasswordHashParams& params = {});

}  // namespace mystocks
