#include "gateway/request_signature.h"

#include <algorithm>
#include <charconv>
#include <utility>
#include <vector>

#include "gateway/hmac_sha256.h"

namespace mystocks::gateway {
namespace {

constexpr size_t kMinNonceLength = 8;
constexpr size_t kMaxNonceLength = 128;
// 15 digits reach the year 33658 and keep now - timestamp far from int64 overflow.
constexpr size_t kMaxTimestampDigits = 15;

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  encoded.reserve(text.size());
  for (unsigned char c : text) {
    if (is_unreserved(c)) {
      encoded += static_cast<char>(c);
    } else {
      encoded += '%';
      encoded += kHex[c >> 4];
      encoded += kHex[c & 0xF];
    }
  }
  return encoded;
}

bool is_lower_hex(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// Strict: decimal digits only, no sign, no leading zeros, so exactly one text signs a timestamp.
bool parse_timestamp(std::string_view text, int64_t& timestamp_ms) {
  if (text.empty() || text.size() > kMaxTimestampDigits || (text.size() > 1 && text[0] == '0')) {
    return false;
  }
  if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return false;
  }
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), timestamp_ms);
  return ec == std::errc() && end == text.data() + text.size();
}

Status unauthenticated(std::string_view reason) {
  return Status(ErrorCode::kUnauthenticated, std::string(reason));
}

}  // namespace

std::string canonical_query(const std::multimap<std::string, std::string>& params) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(params.size());
  for (const auto& [name, value] : params)
    encoded.emplace_back(percent_encode(name), percent_encode(value));
  std::sort(encoded.begin(), encoded.end());
  std::string query;
  for (const auto& [name, value] : encoded) {
    if (!query.empty()) query += '&';
    query += name;
    query += '=';
    query += value;
  }
  return query;
}

std::string canonical_request(std::string_view method, std::string_view path,
                              const std::multimap<std::string, std::string>& query,
                              int64_t timestamp_ms, std::string_view nonce, std::string_view body) {
  std::string canonical;
  for (char c : method) canonical += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  canonical += '\n';
  canonical += path;
  canonical += '\n';
  canonical += canonical_query(query);
  canonical += '\n';
  canonical += std::to_string(timestamp_ms);
  canonical += '\n';
  canonical += nonce;
  canonical += '\n';
  canonical += to_hex(sha256(body));
  return canonical;
}

std::string sign_request(std::string_view secret, std::string_view canonical) {
  return to_hex(hmac_sha256(secret, canonical));
}

bool is_valid_nonce(std::string_view nonce) {
  return nonce.size() >= kMinNonceLength && nonce.size() <= kMaxNonceLength &&
         std::all_of(nonce.begin(), nonce.end(), [](char c) {
           return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '-';
         });
}

RequestVerifier::RequestVerifier(RequestVerifierOptions options, MetricsRegistry& metrics)
    : options_(options),
      // A nonce must be remembered while its request could still pass the window check: until
      // timestamp + window, which is at most now + 2 * window when it is first seen.
      nonces_({.max_entries = options.max_nonces, .ttl_ms = 2 * options.window_ms}, metrics) {}

Status RequestVerifier::verify(const SignedRequest& request, std::string_view secret,
                               int64_t now_ms) {
  if (secret.empty()) {
    return error(ErrorCode::kFailedPrecondition, "API key '{}' has an empty secret",
                 request.api_key_id);
  }
  if (request.api_key_id.empty()) return unauthenticated("malformed api key id: empty");
  if (!is_valid_nonce(request.nonce)) {
    return unauthenticated("malformed nonce: expected 8..128 characters of [A-Za-z0-9_-]");
  }
  int64_t timestamp_ms = 0;
  if (!parse_timestamp(request.timestamp, timestamp_ms)) {
    return unauthenticated("malformed timestamp: expected epoch milliseconds as decimal digits");
  }
  if (request.signature.size() != 64 || !is_lower_hex(request.signature)) {
    return unauthenticated("malformed signature: expected 64 lowercase hex digits");
  }
  if (timestamp_ms < now_ms - options_.window_ms || timestamp_ms > now_ms + options_.window_ms) {
    return unauthenticated("stale timestamp");
  }
  const std::string expected =
      sign_request(secret, canonical_request(request.method, request.path, request.query,
                                             timestamp_ms, request.nonce, request.body));
  if (!constant_time_equal(expected, request.signature)) return unauthenticated("bad signature");
  // Only a correctly signed request may spend a nonce: otherwise anyone could fill the cache or
  // burn a client's nonces without knowing its secret. Nonces cannot hold '\n', so the key is
  // unambiguous whatever the key id contains.
  Status remembered = nonces_.remember(request.api_key_id + '\n' + request.nonce, now_ms);
  if (remembered.code() == ErrorCode::kAlreadyExists) return unauthenticated("nonce already used");
  return remembered;
}

}  // namespace mystocks::gateway
