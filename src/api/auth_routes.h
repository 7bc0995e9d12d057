// Identity routes: login, refresh, logout, me, CSRF tokens (auth_routes.cc), the caller's API
// keys and the admin audit log (api_key_routes.cc). Thin: parameters in, a call to
// services/identity, serialisation out. Login and refresh answer tokens in the body, or as
// HttpOnly SameSite=Strict cookies when the body asks for {"cookie": true} (browsers).
// Thread-safety: the handlers run on the handler pool (argon2id is slow on purpose).
#pragma once

#include <string>

#include "core/clock.h"
#include "core/status.h"
#include "gateway/csrf_tokens.h"
#include "gateway/route_registry.h"
#include "services/identity/access_service.h"
#include "services/identity/api_key_service.h"
#include "services/identity/audit_log.h"
#include "services/identity/login_throttle.h"
#include "services/identity/session_service.h"
#include "services/identity/user_directory.h"

namespace mystocks::api {

struct AuthApi {
  services::UserDirectory* users = nullptr;
  services::SessionService* sessions = nullptr;
  services::ApiKeyService* api_keys = nullptr;
  services::LoginThrottle* throttle = nullptr;
  services::AccessService* access = nullptr;
  services::AuditLog* audit = nullptr;
  gateway::CsrfTokens* csrf = nullptr;
  const Clock* clock = nullptr;
  std::string cookie_secure = "auto";  // auto | always | never (security.cookie_secure)
};

Status register_auth_routes(gateway::RouteRegistry& registry, const AuthApi& api);
Status register_api_key_routes(gateway::RouteRegistry& registry, const AuthApi& api);

}  // namespace mystocks::api
