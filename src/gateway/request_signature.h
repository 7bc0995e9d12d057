// HMAC-SHA256 signing of API-key requests. The client signs a canonical string
//   METHOD \n path \n canonical query \n timestamp ms \n nonce \n hex(SHA-256(body))
// with its API secret; the server rebuilds it and checks the signature, the timestamp window and
// that the nonce is fresh, so a captured request cannot be altered, delayed or replayed.
// Canonical query: decoded parameters, each name and value percent-encoded with everything but
// RFC 3986 unreserved characters (A-Z a-z 0-9 - . _ ~) escaped as %XX (upper-case hex), sorted
// by encoded name then encoded value, joined as name=value with '&'; empty without parameters.
// Thread-safety: the free functions are pure; RequestVerifier::verify may be called from any
// thread (its NonceCache is synchronised).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "core/metrics.h"
#include "core/status.h"
#include "gateway/nonce_cache.h"

namespace mystocks::gateway {

// The signed parts of one request, as received. A value type: the server copies these out of its
// HttpRequest (bodies are bounded by the server's body limit).
struct SignedRequest {
  std::string api_key_id;  // which key signed; also scopes the nonce
  std::string method;      // any case: "get" and "GET" sign alike
  std::string path;        // as sent, escapes intact, without '?' and the query
  std::multimap<std::string, std::string> query;  // decoded parameters (HttpRequest::query)
  std::string timestamp;  // epoch milliseconds as decimal digits, exactly as sent
  std::string nonce;      // 8..128 characters of [A-Za-z0-9_-], unique per key within the window
  std::string body;       // raw bytes
  std::string signature;  // 64 lowercase hex digits of sign_request(secret, canonical_request)
};

std::string canonical_query(const std::multimap<std::string, std::string>& params);

std::string canonical_request(std::string_view method, std::string_view path,
                              const std::multimap<std::string, std::string>& query,
                              int64_t timestamp_ms, std::string_view nonce, std::string_view body);

// Lowercase hex HMAC-SHA256 of `canonical` keyed with `secret`.
std::string sign_request(std::string_view secret, std::string_view canonical);

bool is_valid_nonce(std::string_view nonce);

struct RequestVerifierOptions {
  // Largest accepted |now - timestamp| in milliseconds, either direction (client clocks run
  // ahead too). Default 5 minutes; fixed at construction.
  int64_t window_ms = 5 * 60 * 1000;
  // Bound of the nonce cache (see NonceCacheOptions). Fixed at construction.
  size_t max_nonces = 1'000'000;
};

class RequestVerifier {
 public:
  RequestVerifier(RequestVerifierOptions options, MetricsRegistry& metrics);

  // OK when `request` is signed with `secret`, its timestamp is within the window of now_ms and
  // its nonce has not been used by this API key. Failures are kUnauthenticated with a reason
  // safe to show to the client: "malformed nonce: ...", "malformed timestamp: ...", "malformed
  // signature: ...", "stale timestamp", "bad signature", "nonce already used";
  // kResourceExhausted when the nonce cache is full; kFailedPrecondition for an empty secret.
  Status verify(const SignedRequest& request, std::string_view secret, int64_t now_ms);

 private:
  const RequestVerifierOptions options_;
  NonceCache nonces_;
};

}  // namespace mystocks::gateway
