#include "core/password_hash.h"

#include <array>

#include <sodium.h>

#include "core/sodium_init.h"

namespace mystocks {
namespace {

// The header states the defaults as numbers (no libsodium include there); keep them in step.
static_assert(PasswordHashParams{}.ops_limit == crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE);
static_assert(PasswordHashParams{}.mem_limit_bytes == crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE);

constexpr std::string_view kArgon2idPrefix = "$argon2id$";

}  // namespace

Result<std::string> hash_password(std::string_view password, const PasswordHashParams& params) {
  init_sodium();
  if (params.ops_limit < crypto_pwhash_argon2id_OPSLIMIT_MIN ||
      params.ops_limit > crypto_pwhash_argon2id_OPSLIMIT_MAX) {
    return error(ErrorCode::kInvalidArgument, "password hash ops_limit {} is out of range {}..{}",
                 params.ops_limit, crypto_pwhash_argon2id_OPSLIMIT_MIN,
                 crypto_pwhash_argon2id_OPSLIMIT_MAX);
  }
  if (params.mem_limit_bytes < crypto_pwhash_argon2id_MEMLIMIT_MIN ||
      params.mem_limit_bytes > crypto_pwhash_argon2id_MEMLIMIT_MAX) {
    return error(ErrorCode::kInvalidArgument,
                 "password hash mem_limit_bytes {} is out of range {}..{}", params.mem_limit_bytes,
                 crypto_pwhash_argon2id_MEMLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MAX);
  }
  std::array<char, crypto_pwhash_STRBYTES> phc{};
  if (crypto_pwhash_str_alg(phc.data(), password.data(), password.size(), params.ops_limit,
                            params.mem_limit_bytes, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    // The parameters were checked above, so the only failure left is the allocation.
    return error(ErrorCode::kResourceExhausted,
                 "password hashing could not allocate {} bytes of memory", params.mem_limit_bytes);
  }
  return std::string(phc.data());
}

bool verify_password(std::string_view phc, std::string_view password) {
  init_sodium();
  // libsodium reads the hash as a C string; an embedded NUL would make it verify a prefix.
  if (phc.empty() || phc.size() >= crypto_pwhash_STRBYTES ||
      phc.find('\0') != std::string_view::npos) {
    return false;
  }
  const std::string terminated(phc);
  return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

bool needs_rehash(std::string_view phc, const PasswordHashParams& params) {
  init_sodium();
  // crypto_pwhash_str_needs_rehash compares only the parameters of whichever argon2 variant the
  // string names, so an argon2i hash with equal parameters would pass: check the variant here.
  if (!phc.starts_with(kArgon2idPrefix) || phc.size() >= crypto_pwhash_STRBYTES ||
      phc.find('\0') != std::string_view::npos) {
    return true;
  }
  const std::string terminated(phc);
  return crypto_pwhash_str_needs_rehash(terminated.c_str(), params.ops_limit,
                                        params.mem_limit_bytes) != 0;
}

}  // namespace mystocks
