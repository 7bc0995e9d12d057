// Encrypted configuration values: a secret (a database password, an API secret) is stored in
// config as "enc:v1:" + base64(nonce || XSalsa20-Poly1305 secret box) and decrypted at start-up
// with the MasterKey, which comes from the environment or a private key file, never from config.
// Invariants: key bytes never appear in messages or logs (errors name a key by its id, a hash
// prefix) and are zeroed when a MasterKey dies; decrypted values are never echoed in errors.
// Thread-safety: a MasterKey is immutable after load; its const methods, encrypt_secret and
// decrypt_secret may be called from any thread.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "core/status.h"

namespace mystocks {

class MasterKey;

// "enc:v1:" + base64(24-byte random nonce || ciphertext with its 16-byte tag).
std::string encrypt_secret(const MasterKey& key, std::string_view plaintext);

// The plaintext of an encrypt_secret value. kInvalidConfig when the value is not encrypted, has
// an unknown version, is truncated, or fails authentication ("cannot decrypt: wrong master key
// or damaged value"); the message names the key's id and never the value.
Result<std::string> decrypt_secret(const MasterKey& key, std::string_view value);

// True for any "enc:" value, including versions this build cannot read: a config loader must send
// those to decrypt_secret (which names the version) rather than use them as a literal password.
bool is_encrypted(std::string_view value);

// A 32-byte key for another purpose (e.g. "mystocks.jwt.v1": the default JWT signing key), derived
// from the master key with keyed BLAKE2b over `context`: the same master key and context always
// give the same key, different contexts unrelated keys. Handle the result as a secret.
std::string derive_key(const MasterKey& key, std::string_view context);

class MasterKey {
 public:
  static constexpr size_t kBytes = 32;
  static constexpr std::string_view kEnvVar = "MYSTOCKS_MASTER_KEY";

  // The key from $MYSTOCKS_MASTER_KEY when set and non-empty (it wins, so a deployment can
  // override a file without editing config), else from `key_file`: base64 text of 32 bytes,
  // surrounding whitespace ignored. The file must be a regular file owned by the current user
  // with mode 0600 or stricter. Every failure is kInvalidConfig naming the variable or file (and
  // the file's mode or owner), never the key; neither source set names both.
  static Result<MasterKey> load(const std::string& key_file);

  // A fresh random key, for `mystocks keygen`-style tooling and tests.
  static MasterKey generate();

  MasterKey(const MasterKey&) = delete;  // one copy of the key bytes per key, zeroed on death
  MasterKey& operator=(const MasterKey&) = delete;
  MasterKey(MasterKey&& other) noexcept;
  MasterKey& operator=(MasterKey&& other) noexcept;
  ~MasterKey();

  // Standard base64 with padding, the format load() reads. Handle the result as a secret.
  std::string to_base64() const;

  // First 8 hex digits of a BLAKE2b hash of the key: safe to log, tells two keys apart.
  const std::string& id() const { return id_; }

 private:
  MasterKey() = default;
  static Result<MasterKey> from_base64(std::string_view text, std::string_view source);
  void set_id();

  friend std::string encrypt_secret(const MasterKey& key, std::string_view plaintext);
  friend Result<std::string> decrypt_secret(const MasterKey& key, std::string_view value);
  friend std::string derive_key(const MasterKey& key, std::string_view context);

  std::array<unsigned char, kBytes> bytes_{};
  std::string id_;
};

}  // namespace mystocks
