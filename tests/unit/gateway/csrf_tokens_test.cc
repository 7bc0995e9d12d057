// CSRF tokens: single use, bound to their session, expiring, and bounded per session and overall.
#include "gateway/csrf_tokens.h"

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace mystocks::gateway {
namespace {

constexpr int64_t kNow = 1'700'000'000'000;
constexpr int64_t kTtl = 10 * 60 * 1000;

class CsrfTokensTest : public ::testing::Test {
 protected:
  std::string reason(std::string_view session, std::string_view token, int64_t now = kNow) {
    Status status = tokens_.consume(session, token, now);
    if (status.is_ok()) return "OK";
    EXPECT_EQ(status.code(), ErrorCode::kPermissionDenied);
    return status.message();
  }

  MetricsRegistry metrics_;
  CsrfTokens tokens_{{.ttl_ms = kTtl, .max_per_session = 3, .max_tokens = 5}, metrics_};
};

TEST_F(CsrfTokensTest, TokenIsAcceptedOnce) {
  const std::string token = tokens_.issue("session-a", kNow);
  EXPECT_EQ(token.size(), 43u);  // 32 random bytes, URL-safe base64
  EXPECT_EQ(
      token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
      std::string::npos);
  EXPECT_EQ(reason("session-a", token), "OK");
  EXPECT_EQ(reason("session-a", token), "CSRF token already used");
}

TEST_F(CsrfTokensTest, MissingAndUnknownTokensAreRefused) {
  EXPECT_EQ(reason("session-a", ""), "missing CSRF token");
  EXPECT_EQ(reason("session-a", "made-up-token"), "unknown CSRF token");
}

TEST_F(CsrfTokensTest, AnotherSessionsTokenIsRefusedAndBurnt) {
  const std::string token = tokens_.issue("session-a", kNow);
  EXPECT_EQ(reason("session-b", token), "CSRF token belongs to another session");
  EXPECT_EQ(reason("session-a", token), "unknown CSRF token");
}

TEST_F(CsrfTokensTest, TokenExpiresAfterTtl) {
  const std::string fresh = tokens_.issue("session-a", kNow);
  const std::string stale = tokens_.issue("session-a", kNow);
  EXPECT_EQ(reason("session-a", fresh, kNow + kTtl - 1), "OK");
  EXPECT_EQ(reason("session-a", stale, kNow + kTtl), "expired CSRF token");
  EXPECT_EQ(reason("session-a", stale, kNow + 2 * kTtl - 1), "expired CSRF token");
  // One more TTL later both are purged, and the bound counts only what is held.
  const std::string late = tokens_.issue("session-b", kNow + 2 * kTtl);
  EXPECT_EQ(tokens_.size(), 1u);
  EXPECT_EQ(reason("session-a", stale, kNow + 2 * kTtl), "unknown CSRF token");
  EXPECT_EQ(reason("session-b", late, kNow + 3 * kTtl), "expired CSRF token");
}

TEST_F(CsrfTokensTest, PerSessionBoundDropsThatSessionsOldest) {
  std::vector<std::string> issued;
  for (int form = 0; form < 4; ++form) issued.push_back(tokens_.issue("session-a", kNow + form));
  const std::string other = tokens_.issue("session-b", kNow + 4);
  EXPECT_EQ(tokens_.size(), 4u);
  EXPECT_EQ(reason("session-a", issued[0]), "unknown CSRF token");
  for (int form = 1; form < 4; ++form) EXPECT_EQ(reason("session-a", issued[form]), "OK");
  EXPECT_EQ(reason("session-b", other), "OK");
}

TEST_F(CsrfTokensTest, GlobalBoundDropsTheOldest) {
  std::vector<std::string> issued;
  for (int session = 0; session < 6; ++session) {
    issued.push_back(tokens_.issue("session-" + std::to_string(session), kNow + session));
  }
  EXPECT_EQ(tokens_.size(), 5u);
  EXPECT_EQ(reason("session-0", issued[0]), "unknown CSRF token");
  for (int session = 1; session < 6; ++session) {
    EXPECT_EQ(reason("session-" + std::to_string(session), issued[session]), "OK");
  }
}

TEST_F(CsrfTokensTest, TokensAreUnique) {
  std::set<std::string> seen;
  for (int draw = 0; draw < 1000; ++draw) seen.insert(tokens_.issue("s", kNow));
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_EQ(tokens_.size(), 3u);
}

TEST(CsrfTokensConcurrencyTest, ParallelSessionsEachConsumeTheirOwn) {
  MetricsRegistry metrics;
  CsrfTokens tokens({}, metrics);
  std::atomic<int> accepted{0};
  std::vector<std::thread> threads;
  for (int thread_idx = 0; thread_idx < 4; ++thread_idx) {
    threads.emplace_back([&, thread_idx] {
      const std::string session = "session-" + std::to_string(thread_idx);
      for (int form = 0; form < 500; ++form) {
        const std::string token = tokens.issue(session, kNow);
        if (tokens.consume(session, token, kNow).is_ok()) accepted.fetch_add(1);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(accepted.load(), 2000);
}

}  // namespace
}  // namespace mystocks::gateway
