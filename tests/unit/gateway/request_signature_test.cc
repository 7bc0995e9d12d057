// API-key request signing: a known-answer vector computed with openssl, the canonical query,
// and the verifier's refusals (stale either way, replay, any altered part, malformed fields).
#include "gateway/request_signature.h"

#include <atomic>
#include <map>
#include <random>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace mystocks::gateway {
namespace {

constexpr std::string_view kSecret = "test-secret-please-change-0123456789";
constexpr int64_t kNow = 1'700'000'000'000;
constexpr int64_t kWindow = 5 * 60 * 1000;

// Computed in a shell, independently of this code:
//   BODY='{"symbol":"600519.SH","quantity":100}'
//   BH=$(printf '%s' "$BODY" | openssl dgst -sha256 -r | cut -d' ' -f1)
//   Q='note=a%%20b&side=buy&symbol=600519.SH'
//   printf "POST\n/api/v1/orders\n$Q\n1700000000000\nn0nce-0001_abc\n%s" "$BH" |
//     openssl dgst -sha256 -hmac "$SECRET" -r
constexpr std::string_view kBody = R"({"symbol":"600519.SH","quantity":100})";
constexpr std::string_view kCanonical =
    "POST\n/api/v1/orders\nnote=a%20b&side=buy&symbol=600519.SH\n1700000000000\nn0nce-0001_abc\n"
    "eba6bd1b0da27505df86fb5c9d7b4dffdf892837c891815f7f7fe18ab898df27";
constexpr std::string_view kSignature =
    "0286ad4fc6967e28a2c3de9561e72bbeddf9da992dbd7bd89e7793e4de8a0b65";
// GET /api/v1/kline, no query, empty body, nonce "abcdefgh", same timestamp and secret.
constexpr std::string_view kEmptySignature =
    "e9bbd48dea34c2df0fb9d4cd05c142e5850f53b44efd2c6882f550ac1c466b72";

const std::multimap<std::string, std::string> kQuery{
    {"symbol", "600519.SH"}, {"side", "buy"}, {"note", "a b"}};

TEST(RequestSignatureTest, KnownAnswerVector) {
  const std::string canonical =
      canonical_request("POST", "/api/v1/orders", kQuery, kNow, "n0nce-0001_abc", kBody);
  EXPECT_EQ(canonical, kCanonical);
  EXPECT_EQ(sign_request(kSecret, canonical), kSignature);
  EXPECT_EQ(
      sign_request(kSecret, canonical_request("GET", "/api/v1/kline", {}, kNow, "abcdefgh", "")),
      kEmptySignature);
}

TEST(RequestSignatureTest, MethodCaseDoesNotMatter) {
  EXPECT_EQ(canonical_request("post", "/p", {}, 1, "abcdefgh", ""),
            canonical_request("POST", "/p", {}, 1, "abcdefgh", ""));
}

TEST(RequestSignatureTest, CanonicalQuerySortsAndEncodes) {
  EXPECT_EQ(canonical_query({}), "");
  EXPECT_EQ(canonical_query({{"b", "2"}, {"a", "2"}, {"a", "1"}, {"c d", "x/y~"}, {"a-b", ""}}),
            "a=1&a=2&a-b=&b=2&c%20d=x%2Fy~");
  EXPECT_EQ(canonical_query({{"q", "é+&="}}), "q=%C3%A9%2B%26%3D");
}

class RequestVerifierTest : public ::testing::Test {
 protected:
  SignedRequest signed_request(std::string nonce = "n0nce-0001_abc", int64_t timestamp = kNow) {
    SignedRequest request{.api_key_id = "key-1",
                          .method = "POST",
                          .path = "/api/v1/orders",
                          .query = kQuery,
                          .timestamp = std::to_string(timestamp),
                          .nonce = std::move(nonce),
                          .body = std::string(kBody)};
    request.signature = sign(request);
    return request;
  }
  static std::string sign(const SignedRequest& request) {
    return sign_request(
        kSecret, canonical_request(request.method, request.path, request.query,
                                   std::stoll(request.timestamp), request.nonce, request.body));
  }
  std::string reason(const SignedRequest& request, int64_t now = kNow) {
    Status status = verifier_.verify(request, kSecret, now);
    if (status.is_ok()) return "OK";
    EXPECT_EQ(status.code(), ErrorCode::kUnauthenticated) << status.to_string();
    return status.message();
  }

  MetricsRegistry metrics_;
  RequestVerifier verifier_{{.window_ms = kWindow}, metrics_};
};

TEST_F(RequestVerifierTest, AcceptsTheKnownAnswerRequest) {
  SignedRequest request = signed_request();
  EXPECT_EQ(request.signature, kSignature);
  EXPECT_EQ(reason(request), "OK");
}

TEST_F(RequestVerifierTest, StaleTimestampEitherDirection) {
  EXPECT_EQ(reason(signed_request("nonce-old-1", kNow - kWindow - 1)), "stale timestamp");
  EXPECT_EQ(reason(signed_request("nonce-new-1", kNow + kWindow + 1)), "stale timestamp");
  EXPECT_EQ(reason(signed_request("nonce-old-2", kNow - kWindow)), "OK");
  EXPECT_EQ(reason(signed_request("nonce-new-2", kNow + kWindow)), "OK");
}

TEST_F(RequestVerifierTest, ReplayedNonceIsRefusedPerKey) {
  SignedRequest request = signed_request();
  EXPECT_EQ(reason(request), "OK");
  EXPECT_EQ(reason(request), "nonce already used");
  EXPECT_EQ(reason(request, kNow + 1000), "nonce already used");
  request.api_key_id = "key-2";  // another key's nonces are its own
  EXPECT_EQ(reason(request), "OK");
}

TEST_F(RequestVerifierTest, NonceIsRememberedWhileItsRequestCouldPass) {
  // Signed 5 minutes ahead: acceptable until kNow + 10 min, so remembered at least as long.
  SignedRequest request = signed_request("nonce-ahead", kNow + kWindow);
  EXPECT_EQ(reason(request), "OK");
  EXPECT_EQ(reason(request, kNow + 2 * kWindow - 1), "nonce already used");
  EXPECT_EQ(reason(request, kNow + 2 * kWindow + 1), "stale timestamp");
}

TEST_F(RequestVerifierTest, AnyAlteredPartIsBadSignature) {
  SignedRequest body = signed_request("nonce-body");
  body.body = R"({"symbol":"600519.SH","quantity":1000})";
  EXPECT_EQ(reason(body), "bad signature");
  SignedRequest query = signed_request("nonce-query");
  query.query.emplace("extra", "1");
  EXPECT_EQ(reason(query), "bad signature");
  SignedRequest value = signed_request("nonce-value");
  value.query.find("side")->second = "sell";
  EXPECT_EQ(reason(value), "bad signature");
  SignedRequest method = signed_request("nonce-method");
  method.method = "PUT";
  EXPECT_EQ(reason(method), "bad signature");
  SignedRequest path = signed_request("nonce-path");
  path.path = "/api/v1/orders/1";
  EXPECT_EQ(reason(path), "bad signature");
  SignedRequest timestamp = signed_request("nonce-time");
  timestamp.timestamp = std::to_string(kNow + 1);
  EXPECT_EQ(reason(timestamp), "bad signature");
  SignedRequest wrong_key = signed_request("nonce-key");
  wrong_key.signature = sign_request("another-secret", kCanonical);
  EXPECT_EQ(reason(wrong_key), "bad signature");
}

TEST_F(RequestVerifierTest, BadSignatureDoesNotSpendTheNonce) {
  SignedRequest forged = signed_request("nonce-spend");
  forged.body = "{}";
  EXPECT_EQ(reason(forged), "bad signature");
  EXPECT_EQ(reason(signed_request("nonce-spend")), "OK");
}

TEST_F(RequestVerifierTest, MalformedFieldsAreNamed) {
  for (const std::string& timestamp :
       std::vector<std::string>{"", "abc", "-1", "+1700000000000", "01700000000000", "1e12",
                                "1700000000000.5", "1234567890123456"}) {
    SignedRequest request = signed_request();
    request.timestamp = timestamp;
    EXPECT_TRUE(reason(request).starts_with("malformed timestamp")) << timestamp;
  }
  for (const std::string& nonce : std::vector<std::string>{"", "short", "has.dot-in-it",
                                                           "space in it", std::string(129, 'n')}) {
    SignedRequest request = signed_request();
    request.nonce = nonce;
    EXPECT_TRUE(reason(request).starts_with("malformed nonce")) << nonce;
  }
  EXPECT_TRUE(is_valid_nonce(std::string(8, 'n')));
  EXPECT_TRUE(is_valid_nonce(std::string(128, 'n')));
  SignedRequest upper = signed_request();
  for (char& c : upper.signature) c = static_cast<char>(std::toupper(c));
  EXPECT_TRUE(reason(upper).starts_with("malformed signature"));
  SignedRequest truncated = signed_request();
  truncated.signature.pop_back();
  EXPECT_TRUE(reason(truncated).starts_with("malformed signature"));
}

TEST_F(RequestVerifierTest, EmptySecretIsAServerError) {
  EXPECT_EQ(verifier_.verify(signed_request(), "", kNow).code(), ErrorCode::kFailedPrecondition);
}

TEST(NonceCacheTest, FullCacheRefusesRatherThanForgets) {
  MetricsRegistry metrics;
  NonceCache cache({.max_entries = 3, .ttl_ms = 1000}, metrics);
  for (const char* key : {"a", "b", "c"}) ASSERT_TRUE(cache.remember(key, 0).is_ok());
  EXPECT_EQ(cache.remember("d", 10).code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(cache.remember("a", 999).code(), ErrorCode::kAlreadyExists);  // not forgotten
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_TRUE(cache.remember("d", 1000).is_ok());  // a, b, c expired
  EXPECT_TRUE(cache.remember("a", 1000).is_ok());
  EXPECT_EQ(cache.size(), 2u);
}

// Property: on random keys and moving time the cache answers exactly as a plain map of
// key -> expiry with the same bound would.
TEST(NonceCacheTest, MatchesASimpleModel) {
  MetricsRegistry metrics;
  constexpr size_t kMax = 50;
  constexpr int64_t kTtl = 100;
  NonceCache cache({.max_entries = kMax, .ttl_ms = kTtl}, metrics);
  std::map<std::string, int64_t> model;  // key -> expires_ms
  std::mt19937 random(20240601);
  int64_t now = 0;
  for (int step = 0; step < 20'000; ++step) {
    now += std::uniform_int_distribution<int64_t>(0, 3)(random);
    std::erase_if(model, [&](const auto& entry) { return entry.second <= now; });
    const std::string key = "k" + std::to_string(std::uniform_int_distribution<int>(0, 80)(random));
    ErrorCode expected = ErrorCode::kOk;
    if (model.contains(key)) {
      expected = ErrorCode::kAlreadyExists;
    } else if (model.size() >= kMax) {
      expected = ErrorCode::kResourceExhausted;
    } else {
      model.emplace(key, now + kTtl);
    }
    ASSERT_EQ(cache.remember(key, now).code(), expected) << "step " << step << " key " << key;
    ASSERT_EQ(cache.size(), model.size()) << "step " << step;
  }
}

TEST(NonceCacheTest, ConcurrentCallersAcceptEachKeyOnce) {
  MetricsRegistry metrics;
  NonceCache cache({.max_entries = 10'000, .ttl_ms = 60'000}, metrics);
  constexpr int kKeys = 2000;
  std::atomic<int> accepted{0};
  std::vector<std::thread> threads;
  for (int thread_idx = 0; thread_idx < 4; ++thread_idx) {
    threads.emplace_back([&] {
      for (int key = 0; key < kKeys; ++key) {
        if (cache.remember("key-" + std::to_string(key), 0).is_ok()) accepted.fetch_add(1);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(accepted.load(), kKeys);
  EXPECT_EQ(cache.size(), static_cast<size_t>(kKeys));
}

}  // namespace
}  // namespace mystocks::gateway
