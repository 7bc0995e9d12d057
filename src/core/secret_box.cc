#include "core/secret_box.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/base64.h"
#include "core/sodium_init.h"

namespace mystocks {
namespace {

constexpr std::string_view kPrefix = "enc:";
constexpr std::string_view kPrefixV1 = "enc:v1:";
// A key file holds one base64 line (44 characters); anything much larger is the wrong file.
constexpr size_t kMaxKeyFileBytes = 4096;

// Zeroes a buffer that held key material or plaintext when it goes out of scope.
struct Wiped {
  std::string bytes;
  ~Wiped() { sodium_memzero(bytes.data(), bytes.size()); }
};

struct FileDescriptor {
  int fd;
  ~FileDescriptor() {
    if (fd >= 0) ::close(fd);
  }
};

std::string_view trim(std::string_view text) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

// Checks ownership and mode on the opened descriptor (not the path), so the file that is read is
// the file that was checked.
Status check_key_file(int fd, const std::string& path) {
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    return error(ErrorCode::kInvalidConfig, "cannot stat master key file '{}': {}", path,
                 std::strerror(errno));
  }
  if (!S_ISREG(info.st_mode)) {
    return error(ErrorCode::kInvalidConfig, "master key file '{}' is not a regular file", path);
  }
  if (info.st_uid != ::geteuid()) {
    return error(ErrorCode::kInvalidConfig,
                 "master key file '{}' is owned by uid {}, not by the user running mystocks (uid "
                 "{}); chown it to that user",
                 path, info.st_uid, ::geteuid());
  }
  const unsigned mode = info.st_mode & 07777;
  if ((mode & 077) != 0) {
    return error(ErrorCode::kInvalidConfig,
                 "master key file '{}' has mode {:04o}, readable or writable by other users; it "
                 "must be 0600 or stricter (chmod 600 '{}')",
                 path, mode, path);
  }
  return Status::ok();
}

Result<std::string> read_key_file(const std::string& path) {
  FileDescriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY)};
  if (file.fd < 0) {
    return error(ErrorCode::kInvalidConfig, "cannot open master key file '{}': {}", path,
                 std::strerror(errno));
  }
  MYSTOCKS_RETURN_IF_ERROR(check_key_file(file.fd, path));
  std::string text(kMaxKeyFileBytes + 1, '\0');
  size_t filled = 0;
  while (filled < text.size()) {
    const ssize_t got = ::read(file.fd, text.data() + filled, text.size() - filled);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      sodium_memzero(text.data(), text.size());
      return error(ErrorCode::kInvalidConfig, "cannot read master key file '{}': {}", path,
                   std::strerror(errno));
    }
    if (got == 0) break;
    filled += static_cast<size_t>(got);
  }
  if (filled > kMaxKeyFileBytes) {
    sodium_memzero(text.data(), text.size());
    return error(ErrorCode::kInvalidConfig,
                 "master key file '{}' is larger than {} bytes; it must hold one base64 line", path,
                 kMaxKeyFileBytes);
  }
  text.resize(filled);
  return text;
}

}  // namespace

Result<MasterKey> MasterKey::load(const std::string& key_file) {
  if (const char* env = std::getenv(std::string(kEnvVar).c_str()); env != nullptr && *env != '\0') {
    return from_base64(env, fmt::format("environment variable {}", kEnvVar));
  }
  if (key_file.empty()) {
    return error(ErrorCode::kInvalidConfig,
                 "no master key: set the environment variable {} or configure a master key file "
                 "(base64 of 32 random bytes, e.g. from `openssl rand -base64 32`)",
                 kEnvVar);
  }
  Result<std::string> text = read_key_file(key_file);
  if (!text.is_ok()) return text.status();
  Wiped wiped{std::move(text).value()};
  return from_base64(wiped.bytes, fmt::format("master key file '{}'", key_file));
}

Result<MasterKey> MasterKey::from_base64(std::string_view text, std::string_view source) {
  init_sodium();
  text = trim(text);
  MasterKey key;
  size_t length = 0;
  // Decodes straight into the key array so no other buffer holds the key bytes.
  const int rc = sodium_base642bin(key.bytes_.data(), key.bytes_.size(), text.data(), text.size(),
                                   nullptr, &length, nullptr, sodium_base64_VARIANT_ORIGINAL);
  if (rc != 0 || length != kBytes) {
    return error(ErrorCode::kInvalidConfig,
                 "{} is not a master key: expected standard base64 of exactly {} bytes "
                 "(e.g. from `openssl rand -base64 32`)",
                 source, kBytes);
  }
  key.set_id();
  return key;
}

MasterKey MasterKey::generate() {
  init_sodium();
  MasterKey key;
  crypto_secretbox_keygen(key.bytes_.data());
  key.set_id();
  return key;
}

MasterKey::MasterKey(MasterKey&& other) noexcept : bytes_(other.bytes_), id_(std::move(other.id_)) {
  sodium_memzero(other.bytes_.data(), other.bytes_.size());
}

MasterKey& MasterKey::operator=(MasterKey&& other) noexcept {
  if (this != &other) {
    bytes_ = other.bytes_;
    id_ = std::move(other.id_);
    sodium_memzero(other.bytes_.data(), other.bytes_.size());
  }
  return *this;
}

MasterKey::~MasterKey() { sodium_memzero(bytes_.data(), bytes_.size()); }

std::string MasterKey::to_base64() const {
  return base64_encode(
      std::string_view(reinterpret_cast<const char*>(bytes_.data()), bytes_.size()),
      Base64Variant::kStandard);
}

std::string derive_key(const MasterKey& key, std::string_view context) {
  std::string derived(32, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(derived.data()), derived.size(),
                     reinterpret_cast<const unsigned char*>(context.data()), context.size(),
                     key.bytes_.data(), key.bytes_.size());
  return derived;
}

void MasterKey::set_id() {
  // Keyed with a fixed context string, so the id is specific to this use and cannot be matched
  // against a plain hash of the same bytes published elsewhere. 4 of 32 bytes are shown: enough
  // to tell keys apart, far too few to help guess one.
  static constexpr std::string_view kContext = "mystocks master key id";
  std::array<unsigned char, crypto_generichash_BYTES> digest{};
  crypto_generichash(digest.data(), digest.size(), bytes_.data(), bytes_.size(),
                     reinterpret_cast<const unsigned char*>(kContext.data()), kContext.size());
  std::array<char, 9> hex{};
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), 4);
  id_.assign(hex.data(), 8);
}

std::string encrypt_secret(const MasterKey& key, std::string_view plaintext) {
  init_sodium();
  std::string box(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plaintext.size(), '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(box.data());
  // XSalsa20's 24-byte nonce is long enough that random nonces never collide in practice, so no
  // counter has to be persisted between runs.
  randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
                        nonce, key.bytes_.data());
  return std::string(kPrefixV1) + base64_encode(box, Base64Variant::kStandard);
}

Result<std::string> decrypt_secret(const MasterKey& key, std::string_view value) {
  init_sodium();
  if (!is_encrypted(value)) {
    return error(ErrorCode::kInvalidConfig, "value is not encrypted: expected the prefix '{}'",
                 kPrefixV1);
  }
  if (!value.starts_with(kPrefixV1)) {
    return error(ErrorCode::kInvalidConfig,
                 "encrypted value has an unsupported format version; this build reads '{}'",
                 kPrefixV1);
  }
  std::optional<std::string> box =
      base64_decode(value.substr(kPrefixV1.size()), Base64Variant::kStandard);
  constexpr size_t kOverhead = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES;
  if (!box || box->size() < kOverhead) {
    return error(ErrorCode::kInvalidConfig,
                 "cannot decrypt: the text after '{}' is not base64 of a secret box (truncated or "
                 "damaged)",
                 kPrefixV1);
  }
  const auto* nonce = reinterpret_cast<const unsigned char*>(box->data());
  const unsigned char* sealed = nonce + crypto_secretbox_NONCEBYTES;
  Wiped plain{std::string(box->size() - kOverhead, '\0')};
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.bytes.data()), sealed,
                                 box->size() - crypto_secretbox_NONCEBYTES, nonce,
                                 key.bytes_.data()) != 0) {
    return error(ErrorCode::kInvalidConfig,
                 "cannot decrypt: wrong master key or damaged value (tried master key id '{}')",
                 key.id());
  }
  return std::string(plain.bytes);
}

bool is_encrypted(std::string_view value) { return value.starts_with(kPrefix); }

}  // namespace mystocks
