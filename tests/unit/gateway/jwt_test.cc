// HS256 JWTs: round trips, a token computed independently with openssl, the classic attacks
// (alg none, algorithm swap, wrong or unknown key, tampering, expiry) and key rotation.
#include "gateway/jwt.h"

#include <atomic>
#include <limits>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "core/base64.h"
#include "gateway/hmac_sha256.h"

namespace mystocks::gateway {
namespace {

constexpr std::string_view kSecret1 = "k1-secret-0123456789abcdef0123456789";
constexpr std::string_view kSecret2 = "k2-secret-abcdefghijklmnopqrstuvwxyz012345";
constexpr int64_t kNow = 1'700'000'100;

// Computed in a shell, independently of this code:
//   b64u() { basenc --base64url -w0 | tr -d '='; }
//   H=$(printf '%s' '{"alg":"HS256","typ":"JWT","kid":"k1"}' | b64u)
//   P=$(printf '%s' '{"sub":"alice","roles":["viewer","trader"],"iat":1700000000,
//       "exp":1700000900,"jti":"jti-1","typ":"access"}' | b64u)   # on one line
//   S=$(printf '%s.%s' "$H" "$P" | openssl dgst -sha256 -hmac "$KSECRET1" -binary | b64u)
constexpr std::string_view kOpensslToken =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImsxIn0."
    "eyJzdWIiOiJhbGljZSIsInJvbGVzIjpbInZpZXdlciIsInRyYWRlciJdLCJpYXQiOjE3MDAwMDAwMDAsImV4cCI6MTcw"
    "MDAwMDkwMCwianRpIjoianRpLTEiLCJ0eXAiOiJhY2Nlc3MifQ."
    "2oqc3DnKx14aLMBr5q9D9jeptm2ucKynF3aT2KHucE0";

std::string b64u(std::string_view bytes) {
  return base64_encode(bytes, Base64Variant::kUrlSafeNoPadding);
}

// A token with any header and payload, signed with HMAC-SHA256 under `secret`: lets tests
// build what an attacker (or a buggy issuer) could send.
std::string forge(std::string_view header, std::string_view payload, std::string_view secret) {
  const std::string input = b64u(header) + "." + b64u(payload);
  const Sha256Digest mac = hmac_sha256(secret, input);
  return input + "." + b64u({reinterpret_cast<const char*>(mac.data()), mac.size()});
}

JwtClaims alice(int64_t iat = 1'700'000'000, int64_t exp = 1'700'000'900) {
  return {.sub = "alice", .roles = {"viewer", "trader"}, .iat = iat, .exp = exp, .jti = "jti-1"};
}

constexpr std::string_view kPayload =
    R"({"sub":"alice","roles":["viewer"],"iat":1700000000,"exp":1700000900,"jti":"j","typ":"access"})";

class JwtTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(keyring_.add_key("k1", std::string(kSecret1)).is_ok()); }

  // The reason a token is refused, or "OK".
  std::string reason(std::string_view token, int64_t now = kNow, int64_t skew = 30) const {
    Result<JwtClaims> claims = keyring_.verify(token, now, skew);
    if (claims.is_ok()) return "OK";
    EXPECT_EQ(claims.status().code(), ErrorCode::kUnauthenticated);
    return claims.status().message();
  }

  JwtKeyring keyring_;
};

TEST_F(JwtTest, SignedTokenVerifiesWithAllClaims) {
  Result<JwtClaims> claims = keyring_.verify(keyring_.sign(alice()), kNow);
  ASSERT_TRUE(claims.is_ok()) << claims.status().to_string();
  EXPECT_EQ(claims->sub, "alice");
  EXPECT_EQ(claims->roles, (std::vector<std::string>{"viewer", "trader"}));
  EXPECT_EQ(claims->iat, 1'700'000'000);
  EXPECT_EQ(claims->exp, 1'700'000'900);
  EXPECT_EQ(claims->jti, "jti-1");
  EXPECT_EQ(claims->kid, "k1");
  EXPECT_EQ(claims->typ, "access");
}

TEST_F(JwtTest, MatchesTokenComputedWithOpenssl) {
  EXPECT_EQ(keyring_.sign(alice()), kOpensslToken);
  EXPECT_EQ(reason(kOpensslToken), "OK");
}

TEST_F(JwtTest, AlgNoneIsRefusedEvenWithEmptySignature) {
  const std::string header = b64u(R"({"alg":"none","typ":"JWT","kid":"k1"})");
  EXPECT_EQ(reason(header + "." + b64u(kPayload) + "."), "algorithm 'none' not accepted");
  const std::string no_kid = b64u(R"({"alg":"none"})");
  EXPECT_EQ(reason(no_kid + "." + b64u(kPayload) + "."), "algorithm 'none' not accepted");
}

TEST_F(JwtTest, OtherAlgorithmsAreRefused) {
  // Even correctly keyed: the server, not the token, decides the algorithm.
  EXPECT_EQ(reason(forge(R"({"alg":"HS512","typ":"JWT","kid":"k1"})", kPayload, kSecret1)),
            "algorithm 'HS512' not accepted");
  EXPECT_EQ(reason(forge(R"({"alg":"RS256","kid":"k1"})", kPayload, kSecret1)),
            "algorithm 'RS256' not accepted");
  EXPECT_EQ(reason(forge(R"({"alg":"hs256","kid":"k1"})", kPayload, kSecret1)),
            "algorithm 'hs256' not accepted");
  // Client-chosen text in a reason is cut short and stripped of control characters.
  EXPECT_EQ(reason(forge(R"({"alg":"x\n'y","kid":"k1"})", kPayload, kSecret1)),
            "algorithm 'x??y' not accepted");
}

TEST_F(JwtTest, WrongKeyIsBadSignature) {
  JwtKeyring other;
  ASSERT_TRUE(other.add_key("k1", std::string(kSecret2)).is_ok());
  EXPECT_EQ(reason(other.sign(alice())), "bad signature");
}

TEST_F(JwtTest, UnknownKeyIdIsNamed) {
  JwtKeyring other;
  ASSERT_TRUE(other.add_key("k9", std::string(kSecret1)).is_ok());
  EXPECT_EQ(reason(other.sign(alice())), "unknown key id 'k9'");
}

TEST_F(JwtTest, ExpiryAllowsSkewAndNoMore) {
  EXPECT_EQ(reason(keyring_.sign(alice(kNow - 100, kNow - 29))), "OK");
  EXPECT_EQ(reason(keyring_.sign(alice(kNow - 100, kNow - 30))), "token expired");
  EXPECT_EQ(reason(keyring_.sign(alice(kNow - 100, kNow - 31))), "token expired");
  EXPECT_EQ(reason(keyring_.sign(alice(kNow - 100, kNow + 1)), kNow, 0), "OK");
  EXPECT_EQ(reason(keyring_.sign(alice(kNow - 100, kNow)), kNow, 0), "token expired");
}

TEST_F(JwtTest, TokenIssuedInTheFutureBeyondSkewIsRefused) {
  EXPECT_EQ(reason(keyring_.sign(alice(kNow + 30, kNow + 900))), "OK");
  EXPECT_EQ(reason(keyring_.sign(alice(kNow + 31, kNow + 900))), "token not yet valid");
}

TEST_F(JwtTest, ExtremeTimesDoNotOverflow) {
  const int64_t max = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(reason(keyring_.sign(alice(kNow, max))), "OK");
  EXPECT_EQ(reason(keyring_.sign(alice(std::numeric_limits<int64_t>::min(), kNow - 60))),
            "token expired");
}

TEST_F(JwtTest, TamperedPayloadOrSignatureIsBadSignature) {
  const std::string token = keyring_.sign(alice());
  const size_t first = token.find('.');
  const size_t second = token.find('.', first + 1);
  const std::string admin = b64u(
      R"({"sub":"alice","roles":["admin"],"iat":1700000000,"exp":1700000900,"jti":"jti-1","typ":"access"})");
  EXPECT_EQ(reason(token.substr(0, first + 1) + admin + token.substr(second)), "bad signature");
  std::string flipped = token;
  flipped[second + 5] = flipped[second + 5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(reason(flipped), "bad signature");
  EXPECT_EQ(reason(token.substr(0, second + 1)), "bad signature");  // signature removed
  EXPECT_EQ(reason(token + "="), "bad signature");                  // padding is not base64url
}

TEST_F(JwtTest, GarbageIsMalformed) {
  for (const std::string& garbage :
       {std::string(), std::string("abc"), std::string("a.b"), std::string("a.b.c.d"),
        std::string("!!!.e30.x"), b64u("not json") + ".e30.x", b64u("[1]") + ".e30.x",
        std::string(JwtKeyring::kMaxTokenBytes + 1, 'a')}) {
    EXPECT_TRUE(reason(garbage).starts_with("malformed token")) << garbage.substr(0, 40);
  }
  EXPECT_EQ(reason(forge(R"({"alg":"HS256"})", kPayload, kSecret1)),
            "malformed token: header has no 'kid'");
  EXPECT_EQ(reason(forge(R"({"alg":"HS256","kid":"k1","crit":["b64"]})", kPayload, kSecret1)),
            "malformed token: critical header extensions are not supported");
}

TEST_F(JwtTest, SignedButIncompleteClaimsAreMalformed) {
  const std::string header = R"({"alg":"HS256","typ":"JWT","kid":"k1"})";
  EXPECT_EQ(
      reason(forge(header, R"({"sub":"a","roles":[],"iat":1,"jti":"j","typ":"access"})", kSecret1)),
      "malformed token: claim 'exp' missing or not an integer");
  EXPECT_EQ(
      reason(forge(header, R"({"sub":"a","roles":[],"iat":1,"exp":1.5e9,"jti":"j","typ":"access"})",
                   kSecret1)),
      "malformed token: claim 'exp' missing or not an integer");
  EXPECT_EQ(
      reason(forge(header, R"({"sub":"a","roles":[7],"iat":1,"exp":2,"jti":"j","typ":"access"})",
                   kSecret1)),
      "malformed token: claim 'roles' holds a non-string");
  EXPECT_EQ(reason(forge(header, R"({"sub":"","roles":[],"iat":1,"exp":2,"jti":"j","typ":"a"})",
                         kSecret1)),
            "malformed token: claim 'sub' is empty");
  EXPECT_EQ(reason(forge(header, "[]", kSecret1)), "malformed token: payload is not a JSON object");
}

TEST_F(JwtTest, RotationAcceptsOldAndNewKeysUntilTheOldIsRemoved) {
  const std::string old_token = keyring_.sign(alice());
  ASSERT_TRUE(keyring_.add_key("k2", std::string(kSecret2)).is_ok());
  EXPECT_EQ(keyring_.active_kid(), "k1");  // adding does not switch signing
  ASSERT_TRUE(keyring_.set_active("k2").is_ok());
  const std::string new_token = keyring_.sign(alice());
  Result<JwtClaims> old_claims = keyring_.verify(old_token, kNow);
  Result<JwtClaims> new_claims = keyring_.verify(new_token, kNow);
  ASSERT_TRUE(old_claims.is_ok() && new_claims.is_ok());
  EXPECT_EQ(old_claims->kid, "k1");
  EXPECT_EQ(new_claims->kid, "k2");

  ASSERT_TRUE(keyring_.remove_key("k1").is_ok());
  EXPECT_EQ(reason(old_token), "unknown key id 'k1'");
  EXPECT_EQ(reason(new_token), "OK");
  EXPECT_EQ(keyring_.size(), 1u);
}

TEST_F(JwtTest, KeyringRefusesBadKeys) {
  Status short_secret = keyring_.add_key("k2", "too-short-secret");
  EXPECT_EQ(short_secret.code(), ErrorCode::kInvalidConfig);
  EXPECT_NE(short_secret.message().find("at least 32 bytes"), std::string::npos);
  EXPECT_EQ(short_secret.message().find("too-short-secret"), std::string::npos);
  EXPECT_EQ(keyring_.add_key("k1", std::string(kSecret2)).code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(keyring_.add_key("bad kid", std::string(kSecret2)).code(), ErrorCode::kInvalidConfig);
  EXPECT_EQ(keyring_.add_key("", std::string(kSecret2)).code(), ErrorCode::kInvalidConfig);
  EXPECT_EQ(keyring_.set_active("k7").code(), ErrorCode::kNotFound);
  EXPECT_EQ(keyring_.remove_key("k7").code(), ErrorCode::kNotFound);
  EXPECT_EQ(keyring_.remove_key("k1").code(), ErrorCode::kFailedPrecondition);

  JwtKeyring small(2);
  ASSERT_TRUE(small.add_key("a", std::string(kSecret1)).is_ok());
  ASSERT_TRUE(small.add_key("b", std::string(kSecret2)).is_ok());
  EXPECT_EQ(small.add_key("c", std::string(kSecret2)).code(), ErrorCode::kInvalidConfig);
}

TEST_F(JwtTest, VerifiesWhileKeysRotateConcurrently) {
  std::atomic<bool> done{false};
  std::thread rotator([&] {
    while (!done.load()) {
      ASSERT_TRUE(keyring_.add_key("k2", std::string(kSecret2)).is_ok());
      ASSERT_TRUE(keyring_.remove_key("k2").is_ok());
    }
  });
  std::vector<std::thread> verifiers;
  std::atomic<int> verified{0};
  for (int thread_idx = 0; thread_idx < 2; ++thread_idx) {
    verifiers.emplace_back([&] {
      for (int round = 0; round < 500; ++round) {
        if (keyring_.verify(keyring_.sign(alice()), kNow).is_ok()) verified.fetch_add(1);
      }
    });
  }
  for (std::thread& thread : verifiers) thread.join();
  done.store(true);
  rotator.join();
  EXPECT_EQ(verified.load(), 1000);
}

}  // namespace
}  // namespace mystocks::gateway
