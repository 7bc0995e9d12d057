#include "gateway/csrf_tokens.h"

#include <algorithm>

#include "core/random_token.h"
#include "gateway/hmac_sha256.h"

namespace mystocks::gateway {
namespace {

constexpr size_t kTokenBytes = 32;

Status denied(std::string_view reason) {
  return Status(ErrorCode::kPermissionDenied, std::string(reason));
}

CsrfOptions at_least_one(CsrfOptions options) {
  options.max_per_session = std::max<size_t>(options.max_per_session, 1);
  options.max_tokens = std::max<size_t>(options.max_tokens, 1);
  return options;
}

}  // namespace

CsrfTokens::CsrfTokens(CsrfOptions options, MetricsRegistry& metrics)
    : options_(at_least_one(options)),
      tokens_gauge_(metrics.gauge("mystocks_gateway_csrf_tokens", "CSRF tokens held.").get()),
      evicted_(metrics
                   .counter("mystocks_gateway_csrf_evicted_total",
                            "CSRF tokens dropped before expiry to stay within a bound.")
                   .get()) {}

void CsrfTokens::erase(std::string token) {
  auto found = tokens_.find(token);
  if (found == tokens_.end()) return;
  auto session = by_session_.find(found->second.session_id);
  if (session != by_session_.end()) {
    std::erase(session->second, token);
    if (session->second.empty()) by_session_.erase(session);
  }
  issue_order_.erase(found->second.issue_position);
  tokens_.erase(found);
}

void CsrfTokens::expire(int64_t now_ms) {
  while (!issue_order_.empty()) {
    auto oldest = tokens_.find(issue_order_.front());
    if (oldest->second.expires_ms + options_.ttl_ms > now_ms) break;
    erase(issue_order_.front());
  }
}

void CsrfTokens::evict(std::string token, int64_t now_ms) {
  const Entry& entry = tokens_.at(token);
  if (!entry.used && entry.expires_ms > now_ms) evicted_.inc();
  erase(std::move(token));
}

std::string CsrfTokens::issue(std::string_view session_id, int64_t now_ms) {
  std::string token = random_token(kTokenBytes);
  std::lock_guard lock(mutex_);
  expire(now_ms);
  if (auto session = by_session_.find(std::string(session_id));
      session != by_session_.end() && session->second.size() >= options_.max_per_session) {
    evict(session->second.front(), now_ms);
  }
  if (tokens_.size() >= options_.max_tokens) evict(issue_order_.front(), now_ms);
  issue_order_.push_back(token);
  tokens_.emplace(token, Entry{.session_id = std::string(session_id),
                               .expires_ms = now_ms + options_.ttl_ms,
                               .issue_position = std::prev(issue_order_.end())});
  by_session_[std::string(session_id)].push_back(token);
  tokens_gauge_.set(static_cast<double>(tokens_.size()));
  return token;
}

Status CsrfTokens::consume(std::string_view session_id, std::string_view token, int64_t now_ms) {
  if (token.empty()) return denied("missing CSRF token");
  std::lock_guard lock(mutex_);
  expire(now_ms);
  tokens_gauge_.set(static_cast<double>(tokens_.size()));
  auto found = tokens_.find(std::string(token));
  if (found == tokens_.end()) return denied("unknown CSRF token");
  Entry& entry = found->second;
  if (entry.expires_ms <= now_ms) return denied("expired CSRF token");
  // Constant time: the stored id is another user's session secret and the caller picks the other.
  if (!constant_time_equal(entry.session_id, session_id)) {
    erase(found->first);
    return denied("CSRF token belongs to another session");
  }
  if (entry.used) return denied("CSRF token already used");
  entry.used = true;
  return Status::ok();
}

size_t CsrfTokens::size() const {
  std::lock_guard lock(mutex_);
  return tokens_.size();
}

}  // namespace mystocks::gateway
