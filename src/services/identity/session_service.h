// SessionService: login sessions. A login starts a session (a family of refresh tokens) and
// issues an access JWT (short-lived, carries sub, roles, sid) and a refresh token (random, only
// its SHA-256 is stored in `auth_sessions`). refresh() rotates: the presented token becomes
// "rotated" and a new one is issued; presenting a rotated token again means it was stolen (or
// replayed), so the whole family is revoked. logout() revokes the family; access tokens of a
// revoked family are refused from then on (remembered in memory for one access-token lifetime).
// Verified access tokens are remembered until they expire (bounded, sharded), so a client that
// reuses its token pays one hash lookup per request instead of base64, JSON and HMAC work.
// Thread-safety: all methods may be called from any thread; refresh and logout serialise on
// the store's transaction.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.h"
#include "core/status.h"
#include "gateway/jwt.h"
#include "gateway/principal.h"
#include "services/data_manager.h"
#include "services/identity/user_directory.h"

namespace mystocks::services {

struct SessionOptions {
  int64_t access_ttl_seconds = 900;
  int64_t refresh_ttl_seconds = 7 * 24 * 3600;
  int64_t skew_seconds = 30;
};

struct TokenPair {
  std::string access_token;
  int64_t access_expires_at_ms = 0;
  std::string refresh_token;
  int64_t refresh_expires_at_ms = 0;
  std::string session_id;
  User user;
};

class SessionService {
 public:
  SessionService(DataManager& data, UserDirectory& users, const gateway::JwtKeyring& keys,
                 const Clock& clock, SessionOptions options);

  // A new session for `user` (whose password was just checked).
  Result<TokenPair> start(const User& user, std::string_view client_address);
  // Rotates `refresh_token`. kUnauthenticated with a reason for unknown, expired, revoked or
  // reused tokens and for users no longer active.
  Result<TokenPair> refresh(std::string_view refresh_token, std::string_view client_address);
  // Revokes the session (every refresh token of the family, and its access tokens).
  Status revoke(std::string_view session_id);

  // The caller an access token names, or kUnauthenticated with a reason.
  Result<gateway::Principal> verify_access(std::string_view token,
                                           gateway::AuthMethod method) const;

  const SessionOptions& options() const { return options_; }

 private:
  Result<TokenPair> issue(const User& user, const std::string& session_id,
                          std::string_view client_address);
  Status revoke_family(storage::RelationalOps& ops, const std::string& family_id);
  void remember_revoked(const std::string& session_id);
  bool is_revoked(const std::string& session_id) const;
  Result<gateway::Principal> verify_uncached(std::string_view token) const;

  // Tokens that verified, with the caller they name; only ever filled by a successful verify.
  struct VerifiedToken {
    gateway::Principal principal;
    int64_t valid_until_ms = 0;  // exp plus the allowed skew
  };
  // Lets find() take the request's string_view: no allocation per request on the hot path.
  struct TokenHash {
    using is_transparent = void;
    size_t operator()(std::string_view token) const { return std::hash<std::string_view>{}(token); }
  };
  struct VerifiedShard {
    mutable std::mutex mutex;
    std::unordered_map<std::string, VerifiedToken, TokenHash, std::equal_to<>>
        tokens;  // GUARDED_BY(mutex)
  };
  static constexpr size_t kVerifiedShards = 16;
  static constexpr size_t kVerifiedPerShard = 4096;  // 64 Ki tokens, ~40 MB at worst

  DataManager& data_;
  UserDirectory& users_;
  const gateway::JwtKeyring& keys_;
  const Clock& clock_;
  const SessionOptions options_;
  mutable std::mutex revoked_mutex_;
  // Revoked sessions whose access tokens may still be unexpired: session id -> forget after (ms).
  std::unordered_map<std::string, int64_t> revoked_;  // GUARDED_BY(revoked_mutex_)
  mutable std::array<VerifiedShard, kVerifiedShards> verified_;
};

}  // namespace mystocks::services
