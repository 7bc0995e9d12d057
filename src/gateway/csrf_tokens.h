// CsrfTokens: single-use anti-CSRF tokens bound to a session. A page gets a token with issue();
// the state-changing request that follows must present it, and consume() accepts it once, for
// the session it was issued to, before it expires.
// Invariants: at most max_per_session live tokens per session and max_tokens overall; when a
// bound is reached the oldest token (of the session, else overall) is dropped. Dropping is safe
// here, unlike for request nonces: a dropped token can only be refused later (the user reloads
// the form), never accepted twice. Consumed and expired tokens are kept for one more TTL, so a
// replay or a late submit gets its own reason instead of "unknown".
// Thread-safety: all methods may be called from any thread (one mutex, O(1) amortised work).
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/metrics.h"
#include "core/status.h"

namespace mystocks::gateway {

struct CsrfOptions {
  int64_t ttl_ms = 10 * 60 * 1000;  // token lifetime in milliseconds; fixed at construction
  size_t max_per_session = 32;      // tokens per session (open forms, tabs), at least 1; fixed
  // All sessions, at least 1; ~250 bytes each (~25 MB). Tokens are held for 2 TTLs, so the
  // default serves ~80 issued tokens per second before live ones are dropped. Fixed.
  size_t max_tokens = 100'000;
};

class CsrfTokens {
 public:
  CsrfTokens(CsrfOptions options, MetricsRegistry& metrics);

  // A fresh token (256 random bits, URL-safe base64) for `session_id`, valid until now_ms + ttl.
  std::string issue(std::string_view session_id, int64_t now_ms);

  // Accepts `token` once for the session it was issued to. kPermissionDenied otherwise, with a
  // reason: "missing CSRF token", "unknown CSRF token", "expired CSRF token", "CSRF token
  // already used", "CSRF token belongs to another session" (the token is then burnt: it leaked).
  Status consume(std::string_view session_id, std::string_view token, int64_t now_ms);

  size_t size() const;

 private:
  struct Entry {
    std::string session_id;
    int64_t expires_ms = 0;
    bool used = false;
    std::list<std::string>::iterator issue_position;  // in issue_order_
  };

  // By value: callers pass keys that live inside the containers erase() edits.
  void erase(std::string token);                  // REQUIRES: mutex_ held
  void expire(int64_t now_ms);                    // REQUIRES: mutex_ held
  void evict(std::string token, int64_t now_ms);  // REQUIRES: mutex_ held

  const CsrfOptions options_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> tokens_;  // GUARDED_BY(mutex_)
  // Oldest first; since the TTL is fixed this is also expiry order.
  std::list<std::string> issue_order_;  // GUARDED_BY(mutex_)
  // Each session's tokens, oldest first (at most max_per_session).
  std::unordered_map<std::string, std::vector<std::string>> by_session_;  // GUARDED_BY(mutex_)
  Gauge& tokens_gauge_;
  Counter& evicted_;  // live tokens dropped to honour a bound before they expired
};

}  // namespace mystocks::gateway
