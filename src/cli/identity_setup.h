// Identity: the composition of everything identity and access needs (master key, JWT keys,
// users, sessions, API keys, signatures, RBAC policy, CSRF, throttling, audit), built from the
// `security` configuration. The server plugs access() into the router and the realtime server,
// and auth_api() into the auth routes; `mystocks admin` uses users() alone.
// Thread-safety: built and destroyed on the main thread; the parts are thread-safe.
#pragma once

#include <memory>
#include <string>

#include "api/auth_routes.h"
#include "core/config.h"
#include "core/metrics.h"
#include "core/secret_box.h"
#include "gateway/csrf_tokens.h"
#include "gateway/jwt.h"
#include "gateway/rbac_authority.h"
#include "gateway/request_signature.h"
#include "services/identity/access_service.h"

namespace mystocks::cli {

// The master key: MYSTOCKS_MASTER_KEY, else security.master_key_file (relative to data_dir),
// created with mode 0600 when absent and security.create_master_key is on.
Result<MasterKey> open_master_key(const Config& config);

// Replaces enc:v1:... values of secret-bearing keys (postgres.dsn, security.jwt_keys) with their
// plaintext. A value that does not decrypt stops start-up naming the key, never the value.
Status decrypt_config_secrets(Config& config, const MasterKey& key);

class Identity {
 public:
  // `config` must already have its secrets decrypted.
  static Result<std::unique_ptr<Identity>> open(const Config& config, MasterKey master_key,
                                                services::DataManager& data, const Clock& clock,
                                                MetricsRegistry& metrics);
  ~Identity();

  services::AccessService& access() { return *access_; }
  services::UserDirectory& users() { return *users_; }
  services::SessionService& sessions() { return *sessions_; }
  services::AuditLog& audit() { return *audit_; }
  gateway::RbacAuthority& policy() { return *policy_; }
  api::AuthApi auth_api();

  // The demo's accounts: "demo" (trader) and "admin" (admin), created on first start with the
  // given password. Returns a ready access token for "demo".
  Result<std::string> ensure_demo_users(const std::string& password);

 private:
  explicit Identity(MasterKey master_key) : master_key_(std::move(master_key)) {}

  MasterKey master_key_;
  const Clock* clock_ = nullptr;
  std::string cookie_secure_;
  gateway::JwtKeyring jwt_keys_;
  std::unique_ptr<services::UserDirectory> users_;
  std::unique_ptr<services::SessionService> sessions_;
  std::unique_ptr<services::ApiKeyService> api_keys_;
  std::unique_ptr<services::LoginThrottle> throttle_;
  std::unique_ptr<gateway::RequestVerifier> signatures_;
  std::unique_ptr<gateway::RbacAuthority> policy_;
  std::unique_ptr<gateway::CsrfTokens> csrf_;
  std::unique_ptr<services::AuditLog> audit_;
  std::unique_ptr<services::AccessService> access_;
};

}  // namespace mystocks::cli
