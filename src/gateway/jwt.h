// HS256 JSON Web Tokens (RFC 7519) for access tokens. The server fixes the algorithm: a token is
// accepted only with header alg exactly "HS256" and a kid naming a key in the keyring, so "none",
// HS512 or RS256 tokens (algorithm confusion) are refused before any signature work.
// Invariants: at most max_keys keys, each secret >= 32 bytes; whenever the keyring holds a key,
// exactly one is active for signing, and every key present is accepted for verification (key
// rotation: add the new key, make it active, remove the old one once its tokens have expired).
// Secrets never appear in messages and are wiped when removed.
// Thread-safety: all methods may be called from any thread (a reader-writer lock; sign and verify
// share it, key changes take it exclusively).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace mystocks::gateway {

struct JwtClaims {
  std::string sub;                 // subject: the user id
  std::vector<std::string> roles;  // role names, as granted at sign-in
  int64_t iat = 0;                 // issued at, epoch seconds
  int64_t exp = 0;                 // expires at, epoch seconds
  std::string jti;                 // unique token id (random_token), for revocation lists
  std::string kid;  // key that signed the token: filled by verify(); sign() uses the active key
  // Token purpose, carried in the payload. verify() does not judge it: a caller accepting access
  // tokens must check typ == "access" so a token minted for another purpose is not accepted.
  std::string typ = "access";
  std::string sid;   // login session (refresh-token family) the token belongs to; optional
  std::string name;  // the user's name, for logs and the audit trail; optional
};

class JwtKeyring {
 public:
  static constexpr size_t kMinSecretBytes = 32;   // HMAC-SHA256 key at least as long as its output
  static constexpr size_t kMaxTokenBytes = 8192;  // longer tokens are refused before decoding

  // max_keys: how many keys may be held at once (default 4; two suffice for a rotation).
  explicit JwtKeyring(size_t max_keys = 4);

  // Adds a verification key; the first key added becomes the active one. kid: 1..64 characters
  // of [A-Za-z0-9._-]. kInvalidConfig for a bad kid, a short secret or a full keyring;
  // kAlreadyExists for a kid already present (a secret is never silently replaced).
  Status add_key(std::string kid, std::string secret);
  // Makes `kid` the signing key. kNotFound when absent.
  Status set_active(std::string_view kid);
  // Stops accepting tokens signed with `kid`. kNotFound when absent; kFailedPrecondition for the
  // active key (activate its successor first).
  Status remove_key(std::string_view kid);

  std::string active_kid() const;  // empty when the keyring is empty
  size_t size() const;

  // A compact JWS: base64url(header).base64url(payload).base64url(HMAC-SHA256). Header is
  // {"alg":"HS256","typ":"JWT","kid":<active kid>}; claims.kid is ignored.
  // REQUIRES: at least one key (a programmer error otherwise: asserted; returns "" in release
  // builds, which every verifier refuses).
  std::string sign(const JwtClaims& claims) const;

  // The claims of a token this keyring signed, still valid at now_seconds give or take
  // skew_seconds (clock difference between servers). Every failure is kUnauthenticated with a
  // short reason safe to show to clients: "malformed token: <what>", "algorithm '<alg>' not
  // accepted", "unknown key id '<kid>'", "bad signature", "token expired", "token not yet valid".
  Result<JwtClaims> verify(std::string_view token, int64_t now_seconds,
                           int64_t skew_seconds = 30) const;

 private:
  struct Key {
    std::string kid;
    std::string secret;
    ~Key();  // wipes the secret
  };
  const Key* find(std::string_view kid) const;  // REQUIRES: mutex_ held (shared or exclusive)

  const size_t max_keys_;
  mutable std::shared_mutex mutex_;
  // unique_ptr so a secret never moves (a moved-from buffer would be freed unwiped).
  std::vector<std::unique_ptr<Key>> keys_;  // GUARDED_BY(mutex_)
  std::string active_kid_;                  // GUARDED_BY(mutex_)
};

}  // namespace mystocks::gateway
