// AccessService: the gateway's AccessControl over MyStocks' identities. A request proves who
// sent it with one of: `Authorization: Bearer <access JWT>`, a signed API-key request
// (X-API-Key, X-Timestamp, X-Nonce, X-Signature), or the `mystocks_access` session cookie of a
// browser login; without any it is anonymous. The RBAC policy then decides per route (and per
// Socket.IO room or event), cookie sessions need a CSRF token on unsafe methods, and writes and
// refusals go to the audit log.
// Thread-safety: every method may be called from any thread; the referenced services must
// outlive this object.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "gateway/access_control.h"
#include "gateway/csrf_tokens.h"
#include "gateway/rbac_authority.h"
#include "gateway/request_signature.h"
#include "services/identity/api_key_service.h"
#include "services/identity/audit_log.h"
#include "services/identity/session_service.h"

namespace mystocks::services {

inline constexpr std::string_view kAccessCookie = "mystocks_access";
inline constexpr std::string_view kRefreshCookie = "mystocks_refresh";

// The value of cookie `name` in a Cookie header ("a=1; b=2"), empty when absent.
std::string_view cookie_value(std::string_view cookie_header, std::string_view name);

struct AccessServiceParts {
  SessionService* sessions = nullptr;
  ApiKeyService* api_keys = nullptr;
  gateway::RequestVerifier* signatures = nullptr;
  const gateway::RbacAuthority* policy = nullptr;
  gateway::CsrfTokens* csrf = nullptr;
  AuditLog* audit = nullptr;
  const Clock* clock = nullptr;
  std::map<std::string, double, std::less<>> role_rate_scale;  // role -> multiple; absent = 1
};

class AccessService : public gateway::AccessControl {
 public:
  explicit AccessService(AccessServiceParts parts);

  std::optional<Result<gateway::Principal>> authenticate(const gateway::HttpRequest& request,
                                                         bool may_block) const override;
  bool allowed(const gateway::Principal& principal, std::string_view resource,
               std::string_view action) const override;
  Status check_csrf(const gateway::HttpRequest& request,
                    const gateway::Principal& principal) const override;
  void audit(const gateway::HttpRequest& request, const gateway::RouteSpec& route,
             int http_status) const override;
  double rate_scale(const gateway::Principal& principal) const override;

  // An event outside the HTTP routes (login, logout, a Socket.IO publish or join refusal).
  void audit_event(const gateway::Principal& principal, std::string_view client_address,
                   std::string action, std::string outcome, std::string request_id = {},
                   std::string detail = {}) const;

 private:
  std::optional<Result<gateway::Principal>> authenticate_api_key(
      const gateway::HttpRequest& request, bool may_block) const;

  AccessServiceParts parts_;
};

}  // namespace mystocks::services
