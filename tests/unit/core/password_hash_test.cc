// argon2id password hashes: verify, refuse wrong passwords and bad strings, and report when a
// stored hash was made with other parameters. Small parameters keep the suite fast; the
// defaults are checked against libsodium's interactive level at compile time in the source.
#include "core/password_hash.h"

#include <gtest/gtest.h>

namespace mystocks {
namespace {

// libsodium's argon2id minimums: 1 pass, 8 KiB.
constexpr PasswordHashParams kFast{.ops_limit = 1, .mem_limit_bytes = 8 * 1024};

TEST(PasswordHashTest, DefaultsAreInteractiveLevel) {
  const PasswordHashParams defaults;
  EXPECT_EQ(defaults.ops_limit, 2u);
  EXPECT_EQ(defaults.mem_limit_bytes, 64u * 1024 * 1024);
}

TEST(PasswordHashTest, HashIsArgon2idPhcStringThatVerifies) {
  Result<std::string> phc = hash_password("correct horse battery staple", kFast);
  ASSERT_TRUE(phc.is_ok()) << phc.status().to_string();
  EXPECT_TRUE(phc->starts_with("$argon2id$v=19$m=8,t=1,p=1$")) << *phc;
  EXPECT_TRUE(verify_password(*phc, "correct horse battery staple"));
}

TEST(PasswordHashTest, WrongPasswordDoesNotVerify) {
  Result<std::string> phc = hash_password("s3cret", kFast);
  ASSERT_TRUE(phc.is_ok());
  EXPECT_FALSE(verify_password(*phc, "s3cret "));
  EXPECT_FALSE(verify_password(*phc, "S3cret"));
  EXPECT_FALSE(verify_password(*phc, ""));
}

TEST(PasswordHashTest, SaltMakesEachHashDifferent) {
  Result<std::string> first = hash_password("same", kFast);
  Result<std::string> second = hash_password("same", kFast);
  ASSERT_TRUE(first.is_ok() && second.is_ok());
  EXPECT_NE(*first, *second);
  EXPECT_TRUE(verify_password(*second, "same"));
}

TEST(PasswordHashTest, MalformedHashStringsNeverVerify) {
  Result<std::string> phc = hash_password("pw", kFast);
  ASSERT_TRUE(phc.is_ok());
  EXPECT_FALSE(verify_password("", "pw"));
  EXPECT_FALSE(verify_password("$argon2id$garbage", "pw"));
  EXPECT_FALSE(verify_password(phc->substr(0, phc->size() - 4), "pw"));
  EXPECT_FALSE(verify_password(*phc + std::string(1, '\0') + "tail", "pw"));
}

TEST(PasswordHashTest, NeedsRehashWhenParametersOrAlgorithmDiffer) {
  Result<std::string> phc = hash_password("pw", kFast);
  ASSERT_TRUE(phc.is_ok());
  EXPECT_FALSE(needs_rehash(*phc, kFast));
  EXPECT_TRUE(needs_rehash(*phc, {.ops_limit = 2, .mem_limit_bytes = kFast.mem_limit_bytes}));
  EXPECT_TRUE(needs_rehash(*phc, {.ops_limit = 1, .mem_limit_bytes = 16 * 1024}));
  EXPECT_TRUE(needs_rehash(*phc));  // the production defaults
  // Same parameters but argon2i: still worth upgrading.
  std::string argon2i = *phc;
  argon2i.replace(0, 10, "$argon2i$");
  EXPECT_TRUE(needs_rehash(argon2i, kFast));
  EXPECT_TRUE(needs_rehash("not a hash", kFast));
}

TEST(PasswordHashTest, OutOfRangeParametersAreInvalidArgument) {
  Result<std::string> no_passes = hash_password("pw", {.ops_limit = 0, .mem_limit_bytes = 8192});
  ASSERT_FALSE(no_passes.is_ok());
  EXPECT_EQ(no_passes.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(no_passes.status().message().find("ops_limit 0"), std::string::npos);
  Result<std::string> tiny = hash_password("pw", {.ops_limit = 1, .mem_limit_bytes = 1024});
  ASSERT_FALSE(tiny.is_ok());
  EXPECT_NE(tiny.status().message().find("mem_limit_bytes 1024"), std::string::npos);
}

}  // namespace
}  // namespace mystocks
