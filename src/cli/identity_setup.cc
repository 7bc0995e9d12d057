#include "cli/identity_setup.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include <spdlog/spdlog.h>

#include "core/key_value_list.h"

namespace mystocks::cli {
namespace {

std::string key_file_path(const Config& config) {
  const std::filesystem::path file(config.security.master_key_file);
  return file.is_absolute() ? file.string()
                            : (std::filesystem::path(config.storage.data_dir) / file).string();
}

// O_EXCL: never overwrite a key someone else just wrote; 0600 from the first byte.
Status write_new_key_file(const std::string& path, const MasterKey& key) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return field_error(ErrorCode::kInvalidConfig, "security.master_key_file",
                       "cannot create master key file '{}': {}", path, std::strerror(errno));
  }
  const std::string text = key.to_base64() + "\n";
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                       ::fsync(fd) == 0;
  ::close(fd);
  if (!written) {
    return field_error(ErrorCode::kIoError, "security.master_key_file",
                       "cannot write master key file '{}'", path);
  }
  return Status::ok();
}

Status add_jwt_keys(gateway::JwtKeyring& keyring, const Config& config, const MasterKey& master) {
  const SecurityConfig& security = config.security;
  if (security.jwt_keys.empty()) {
    // One key derived from the master key: tokens survive restarts with nothing to configure.
    return keyring.add_key("mk-" + master.id(), derive_key(master, "mystocks.jwt.v1"));
  }
  Result<KeyValueList> keys = parse_key_value_list(security.jwt_keys, "security.jwt_keys");
  MYSTOCKS_RETURN_IF_ERROR(keys.status());
  for (const auto& [kid, secret] : *keys) {
    if (Status added = keyring.add_key(kid, secret); !added.is_ok()) {
      return field_error(ErrorCode::kInvalidConfig, "security.jwt_keys", "security.jwt_keys: {}",
                         added.message());
    }
  }
  if (!security.jwt_active_kid.empty()) {
    if (Status active = keyring.set_active(security.jwt_active_kid); !active.is_ok()) {
      return field_error(ErrorCode::kInvalidConfig, "security.jwt_active_kid",
                         "security.jwt_active_kid '{}' is not one of security.jwt_keys",
                         security.jwt_active_kid);
    }
  }
  return Status::ok();
}

}  // namespace

Result<MasterKey> open_master_key(const Config& config) {
  const std::string path = key_file_path(config);
  const char* from_env = std::getenv(std::string(MasterKey::kEnvVar).c_str());
  const bool have_env = from_env != nullptr && *from_env != '\0';
  if (!have_env && !std::filesystem::exists(path) && config.security.create_master_key) {
    std::error_code ec;  // the data directory may not exist yet (first `mystocks admin` run)
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
    MasterKey key = MasterKey::generate();
    MYSTOCKS_RETURN_IF_ERROR(write_new_key_file(path, key));
    spdlog::info("created master key {} in '{}' (mode 0600); keep a copy: encrypted values and "
                 "API keys need it",
                 key.id(), path);
  }
  return MasterKey::load(path);
}

Status decrypt_config_secrets(Config& config, const MasterKey& key) {
  auto decrypt = [&key](std::string& value, std::string_view setting) -> Status {
    if (!is_encrypted(value)) return Status::ok();
    Result<std::string> plain = decrypt_secret(key, value);
    if (!plain.is_ok()) {
      return field_error(ErrorCode::kInvalidConfig, std::string(setting), "{}: {}", setting,
                         plain.status().message());
    }
    value = std::move(*plain);
    return Status::ok();
  };
  MYSTOCKS_RETURN_IF_ERROR(decrypt(config.postgres.dsn, "postgres.dsn"));
  if (config.security.jwt_keys.empty()) return Status::ok();
  Result<KeyValueList> keys = parse_key_value_list(config.security.jwt_keys, "security.jwt_keys");
  MYSTOCKS_RETURN_IF_ERROR(keys.status());
  std::string plain_list;
  for (auto& [kid, secret] : *keys) {
    MYSTOCKS_RETURN_IF_ERROR(decrypt(secret, "security.jwt_keys (key '" + kid + "')"));
    plain_list += (plain_list.empty() ? "" : ",") + kid + "=" + secret;
  }
  config.security.jwt_keys = std::move(plain_list);
  return Status::ok();
}

Result<std::unique_ptr<Identity>> Identity::open(const Config& config, MasterKey master_key,
                                                 services::DataManager& data, const Clock& clock,
                                                 MetricsRegistry& metrics) {
  const SecurityConfig& security = config.security;
  std::unique_ptr<Identity> identity(new Identity(std::move(master_key)));
  identity->clock_ = &clock;
  identity->cookie_secure_ = security.cookie_secure;
  MYSTOCKS_RETURN_IF_ERROR(add_jwt_keys(identity->jwt_keys_, config, identity->master_key_));
  Result<std::unique_ptr<gateway::RbacAuthority>> policy =
      gateway::RbacAuthority::open(security.policy_model, security.policy_file);
  MYSTOCKS_RETURN_IF_ERROR(policy.status());
  identity->policy_ = std::move(*policy);
  Result<std::map<std::string, double, std::less<>>> scales =
      parse_number_map(security.role_rate_scale, "security.role_rate_scale");
  MYSTOCKS_RETURN_IF_ERROR(scales.status());

  identity->users_ = std::make_unique<services::UserDirectory>(
      data, clock,
      PasswordHashParams{.ops_limit = static_cast<uint64_t>(security.password_ops_limit),
                         .mem_limit_bytes = static_cast<size_t>(security.password_mem_kib) * 1024});
  identity->sessions_ = std::make_unique<services::SessionService>(
      data, *identity->users_, identity->jwt_keys_, clock,
      services::SessionOptions{.access_ttl_seconds = security.access_token_ttl_seconds,
                               .refresh_ttl_seconds = security.refresh_token_ttl_seconds,
                               .skew_seconds = security.clock_skew_seconds});
  identity->api_keys_ = std::make_unique<services::ApiKeyService>(data, *identity->users_,
                                                                  identity->master_key_, clock);
  identity->throttle_ = std::make_unique<services::LoginThrottle>(
      services::LoginThrottleOptions{.free_failures = security.login_free_failures,
                                     .lock_failures = security.login_lock_failures,
                                     .lock_ms = security.login_lock_ms},
      clock, metrics);
  identity->signatures_ = std::make_unique<gateway::RequestVerifier>(
      gateway::RequestVerifierOptions{.window_ms = security.signature_window_ms,
                                      .max_nonces = static_cast<size_t>(security.nonce_cache_entries)},
      metrics);
  identity->csrf_ = std::make_unique<gateway::CsrfTokens>(
      gateway::CsrfOptions{.ttl_ms = security.csrf_ttl_ms}, metrics);
  identity->audit_ = std::make_unique<services::AuditLog>(data, clock, metrics);
  identity->audit_->start();
  identity->access_ = std::make_unique<services::AccessService>(services::AccessServiceParts{
      .sessions = identity->sessions_.get(),
      .api_keys = identity->api_keys_.get(),
      .signatures = identity->signatures_.get(),
      .policy = identity->policy_.get(),
      .csrf = identity->csrf_.get(),
      .audit = identity->audit_.get(),
      .clock = &clock,
      .role_rate_scale = std::move(*scales)});
  return identity;
}

Identity::~Identity() {
  if (audit_) audit_->stop();
}

api::AuthApi Identity::auth_api() {
  return {.users = users_.get(),
          .sessions = sessions_.get(),
          .api_keys = api_keys_.get(),
          .throttle = throttle_.get(),
          .access = access_.get(),
          .audit = audit_.get(),
          .csrf = csrf_.get(),
          .clock = clock_,
          .cookie_secure = cookie_secure_};
}

Result<std::string> Identity::ensure_demo_users(const std::string& password) {
  for (const auto& [name, role] : {std::pair{"demo", "trader"}, std::pair{"admin", "admin"}}) {
    Result<std::optional<services::User>> existing = users_->find_by_name(name);
    MYSTOCKS_RETURN_IF_ERROR(existing.status());
    if (!existing->has_value()) MYSTOCKS_RETURN_IF_ERROR(users_->create(name, password, role).status());
  }
  Result<std::optional<services::User>> demo = users_->find_by_name("demo");
  MYSTOCKS_RETURN_IF_ERROR(demo.status());
  Result<services::TokenPair> pair = sessions_->start(**demo, "127.0.0.1");
  MYSTOCKS_RETURN_IF_ERROR(pair.status());
  return pair->access_token;
}

}  // namespace mystocks::cli
