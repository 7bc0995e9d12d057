// Encrypted config values: round trips, wrong keys and damaged values fail without echoing the
// value, and the master key loads from the environment (which wins) or a private key file.
#include "core/secret_box.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/base64.h"

namespace mystocks {
namespace {

namespace fs = std::filesystem;

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

// Each test starts without the variable and with its own directory; both are restored after.
class SecretBoxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* saved = std::getenv("MYSTOCKS_MASTER_KEY")) saved_env_ = saved;
    ::unsetenv("MYSTOCKS_MASTER_KEY");
    std::string pattern = (fs::temp_directory_path() / "mystocks-secret-box-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    if (saved_env_) {
      ::setenv("MYSTOCKS_MASTER_KEY", saved_env_->c_str(), 1);
    } else {
      ::unsetenv("MYSTOCKS_MASTER_KEY");
    }
    fs::remove_all(dir_);
  }

  std::string write_key_file(const std::string& text, mode_t mode) {
    const std::string path = (dir_ / "master.key").string();
    std::ofstream(path, std::ios::trunc) << text;
    EXPECT_EQ(::chmod(path.c_str(), mode), 0);
    return path;
  }

  std::optional<std::string> saved_env_;
  fs::path dir_;
};

TEST_F(SecretBoxTest, RoundTripsAnyPlaintext) {
  const MasterKey key = MasterKey::generate();
  for (const std::string& plaintext : {std::string(), std::string("p@ss word"),
                                       std::string("\0binary\xff", 8), std::string(10000, 'x')}) {
    const std::string sealed = encrypt_secret(key, plaintext);
    EXPECT_TRUE(sealed.starts_with("enc:v1:")) << sealed;
    EXPECT_TRUE(is_encrypted(sealed));
    Result<std::string> opened = decrypt_secret(key, sealed);
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    EXPECT_EQ(*opened, plaintext);
  }
}

TEST_F(SecretBoxTest, SameSecretEncryptsDifferentlyEachTime) {
  const MasterKey key = MasterKey::generate();
  EXPECT_NE(encrypt_secret(key, "hunter2"), encrypt_secret(key, "hunter2"));
}

TEST_F(SecretBoxTest, WrongKeyFailsNamingTheKeyNotTheValue) {
  const MasterKey right = MasterKey::generate();
  const MasterKey wrong = MasterKey::generate();
  const std::string sealed = encrypt_secret(right, "db-password-42");
  Result<std::string> opened = decrypt_secret(wrong, sealed);
  ASSERT_FALSE(opened.is_ok());
  EXPECT_EQ(opened.status().code(), ErrorCode::kInvalidConfig);
  const std::string& message = opened.status().message();
  EXPECT_TRUE(contains(message, "cannot decrypt: wrong master key or damaged value")) << message;
  EXPECT_TRUE(contains(message, wrong.id())) << message;
  EXPECT_FALSE(contains(message, "db-password-42"));
  EXPECT_FALSE(contains(message, sealed.substr(7)));
}

TEST_F(SecretBoxTest, TamperedCiphertextIsRefused) {
  const MasterKey key = MasterKey::generate();
  const std::string sealed = encrypt_secret(key, "api-secret");
  std::string box = *base64_decode(sealed.substr(7), Base64Variant::kStandard);
  box.back() ^= 0x01;  // one bit of the ciphertext
  Result<std::string> opened =
      decrypt_secret(key, "enc:v1:" + base64_encode(box, Base64Variant::kStandard));
  ASSERT_FALSE(opened.is_ok());
  EXPECT_TRUE(contains(opened.status().message(), "wrong master key or damaged value"));
}

TEST_F(SecretBoxTest, TruncatedOrForeignValuesAreRefused) {
  const MasterKey key = MasterKey::generate();
  const std::string sealed = encrypt_secret(key, "api-secret");
  EXPECT_TRUE(contains(decrypt_secret(key, sealed.substr(0, 20)).status().message(),
                       "truncated or damaged"));
  EXPECT_TRUE(contains(decrypt_secret(key, "enc:v1:not base64!").status().message(),
                       "truncated or damaged"));
  EXPECT_TRUE(contains(decrypt_secret(key, "enc:v2:AAAA").status().message(),
                       "unsupported format version"));
  EXPECT_TRUE(contains(decrypt_secret(key, "plain").status().message(), "not encrypted"));
  EXPECT_FALSE(is_encrypted("plain"));
  EXPECT_TRUE(is_encrypted("enc:v2:AAAA"));  // so a loader never uses it as a literal
}

TEST_F(SecretBoxTest, KeyIdIsShortHexAndStable) {
  const MasterKey key = MasterKey::generate();
  EXPECT_EQ(key.id().size(), 8u);
  EXPECT_EQ(key.id().find_first_not_of("0123456789abcdef"), std::string::npos);
  ::setenv("MYSTOCKS_MASTER_KEY", key.to_base64().c_str(), 1);
  Result<MasterKey> loaded = MasterKey::load("");
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  EXPECT_EQ(loaded->id(), key.id());
  EXPECT_NE(MasterKey::generate().id(), key.id());
}

TEST_F(SecretBoxTest, LoadsPrivateKeyFile) {
  const MasterKey key = MasterKey::generate();
  const std::string path = write_key_file(key.to_base64() + "\n", 0600);
  Result<MasterKey> loaded = MasterKey::load(path);
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  EXPECT_EQ(loaded->id(), key.id());
  Result<std::string> opened = decrypt_secret(*loaded, encrypt_secret(key, "shared"));
  ASSERT_TRUE(opened.is_ok());
  EXPECT_EQ(*opened, "shared");
  ASSERT_EQ(::chmod(path.c_str(), 0400), 0);
  EXPECT_TRUE(MasterKey::load(path).is_ok());
}

TEST_F(SecretBoxTest, GroupOrWorldReadableKeyFileIsRefused) {
  const MasterKey key = MasterKey::generate();
  const std::string path = write_key_file(key.to_base64(), 0644);
  Result<MasterKey> loaded = MasterKey::load(path);
  ASSERT_FALSE(loaded.is_ok());
  EXPECT_EQ(loaded.status().code(), ErrorCode::kInvalidConfig);
  const std::string& message = loaded.status().message();
  EXPECT_TRUE(contains(message, path)) << message;
  EXPECT_TRUE(contains(message, "0644")) << message;
  EXPECT_TRUE(contains(message, "0600")) << message;
  EXPECT_FALSE(contains(message, key.to_base64()));
  ASSERT_EQ(::chmod(path.c_str(), 0640), 0);
  EXPECT_TRUE(contains(MasterKey::load(path).status().message(), "0640"));
}

TEST_F(SecretBoxTest, EnvironmentWinsOverKeyFile) {
  const MasterKey from_env = MasterKey::generate();
  const MasterKey from_file = MasterKey::generate();
  const std::string path = write_key_file(from_file.to_base64(), 0600);
  ::setenv("MYSTOCKS_MASTER_KEY", from_env.to_base64().c_str(), 1);
  Result<MasterKey> loaded = MasterKey::load(path);
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  EXPECT_EQ(loaded->id(), from_env.id());
}

TEST_F(SecretBoxTest, MissingOrInvalidKeyNamesTheSource) {
  Result<MasterKey> none = MasterKey::load("");
  ASSERT_FALSE(none.is_ok());
  EXPECT_EQ(none.status().code(), ErrorCode::kInvalidConfig);
  EXPECT_TRUE(contains(none.status().message(), "MYSTOCKS_MASTER_KEY"));
  EXPECT_TRUE(contains(none.status().message(), "key file"));

  const std::string absent = (dir_ / "absent.key").string();
  EXPECT_TRUE(contains(MasterKey::load(absent).status().message(), absent));

  const std::string short_key = base64_encode(std::string(16, 'k'), Base64Variant::kStandard);
  ::setenv("MYSTOCKS_MASTER_KEY", short_key.c_str(), 1);
  Result<MasterKey> bad_env = MasterKey::load("");
  ASSERT_FALSE(bad_env.is_ok());
  EXPECT_TRUE(contains(bad_env.status().message(), "environment variable MYSTOCKS_MASTER_KEY"));
  EXPECT_TRUE(contains(bad_env.status().message(), "32 bytes"));
  EXPECT_FALSE(contains(bad_env.status().message(), short_key));
  ::unsetenv("MYSTOCKS_MASTER_KEY");

  const std::string path = write_key_file("not a key", 0600);
  Result<MasterKey> bad_file = MasterKey::load(path);
  ASSERT_FALSE(bad_file.is_ok());
  EXPECT_TRUE(contains(bad_file.status().message(), path));
  EXPECT_FALSE(contains(bad_file.status().message(), "not a key"));
}

TEST_F(SecretBoxTest, MovedKeyStillDecrypts) {
  MasterKey key = MasterKey::generate();
  const std::string id = key.id();
  const std::string sealed = encrypt_secret(key, "moved");
  MasterKey moved = std::move(key);
  EXPECT_EQ(moved.id(), id);
  Result<std::string> opened = decrypt_secret(moved, sealed);
  ASSERT_TRUE(opened.is_ok());
  EXPECT_EQ(*opened, "moved");
}

}  // namespace
}  // namespace mystocks
