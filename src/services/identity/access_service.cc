#include "services/identity/access_service.h"

#include <algorithm>

#include "gateway/route_registry.h"

namespace mystocks::services {
namespace {

using gateway::AuthMethod;
using gateway::Principal;
using PrincipalResult = Result<Principal>;

std::string_view trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

// What an audited write acted on, from the request as sent: path parameters, then the query
// ("table=minute_kline symbols=600519 frequency=5m start=2024-01-08 end=2024-01-10"), so a
// range delete's row names the table, symbols, tags and range, not only the route template.
// Values of parameters named like credentials are left out; bodies are never recorded.
std::string request_detail(const gateway::HttpRequest& request) {
  auto secret = [](std::string_view name) {
    for (std::string_view word : {"password", "secret", "token", "key"}) {
      if (name.find(word) != std::string_view::npos) return true;
    }
    return false;
  };
  std::string detail;
  auto add = [&](const std::string& name, const std::string& value) {
    if (!detail.empty()) detail += ' ';
    detail += name;
    detail += '=';
    detail += secret(name) ? std::string("<redacted>") : value;
  };
  for (const auto& [name, value] : request.path_params) add(name, value);
  for (const auto& [name, value] : request.query) add(name, value);
  constexpr size_t kMaxDetailBytes = 1024;  // a 5,000-symbol list must not bloat the log
  if (detail.size() > kMaxDetailBytes) detail = detail.substr(0, kMaxDetailBytes) + "...";
  return detail;
}

}  // namespace

std::string_view cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const size_t end = std::min(header.find(';'), header.size());
    const std::string_view pair = trim(header.substr(0, end));
    const size_t equals = pair.find('=');
    if (equals != std::string_view::npos && pair.substr(0, equals) == name) {
      return pair.substr(equals + 1);
    }
    header.remove_prefix(std::min(end + 1, header.size()));
  }
  return {};
}

AccessService::AccessService(AccessServiceParts parts) : parts_(std::move(parts)) {}

std::optional<PrincipalResult> AccessService::authenticate(const gateway::HttpRequest& request,
                                                           bool may_block) const {
  if (const std::string_view header = request.header("authorization"); !header.empty()) {
    if (header.size() < 7 || !std::equal(header.begin(), header.begin() + 7, "Bearer ",
                                         [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
      return PrincipalResult(error(ErrorCode::kUnauthenticated,
                                   "unsupported Authorization scheme: expected 'Bearer <token>'"));
    }
    return parts_.sessions->verify_access(trim(header.substr(7)), AuthMethod::kBearer);
  }
  if (!request.header("x-api-key").empty()) return authenticate_api_key(request, may_block);
  if (const std::string_view cookies = request.header("cookie"); !cookies.empty()) {
    if (const std::string_view token = cookie_value(cookies, kAccessCookie); !token.empty()) {
      return parts_.sessions->verify_access(token, AuthMethod::kCookie);
    }
  }
  return PrincipalResult(Principal::anonymous_caller());
}

std::optional<PrincipalResult> AccessService::authenticate_api_key(
    const gateway::HttpRequest& request, bool may_block) const {
  const std::string_view key_id = request.header("x-api-key");
  auto credential = parts_.api_keys->lookup(key_id, may_block);
  if (!credential) return std::nullopt;
  if (!credential->is_ok()) return PrincipalResult(credential->status());
  const ApiKeyCredential& key = ***credential;
  const std::string_view target = request.target;
  gateway::SignedRequest signed_request{
      .api_key_id = key.key_id,
      .method = std::string(gateway::method_name(request.method)),
      .path = std::string(target.substr(0, target.find('?'))),
      .query = request.query,
      .timestamp = std::string(request.header("x-timestamp")),
      .nonce = std::string(request.header("x-nonce")),
      .body = request.body,
      .signature = std::string(request.header("x-signature"))};
  if (Status verified = parts_.signatures->verify(signed_request, key.secret, parts_.clock->now_ms());
      !verified.is_ok()) {
    return PrincipalResult(verified);
  }
  Principal principal;
  principal.method = AuthMethod::kApiKey;
  principal.subject = key.owner.user_id;
  principal.username = key.owner.username;
  principal.roles = {key.owner.role};
  principal.key_id = key.key_id;
  return PrincipalResult(std::move(principal));
}

bool AccessService::allowed(const Principal& principal, std::string_view resource,
                            std::string_view action) const {
  // A user's own id may be a policy subject too (a grant to one account), besides its roles.
  if (!principal.subject.empty() && parts_.policy->enforce(principal.subject, resource, action)) {
    return true;
  }
  return std::any_of(principal.roles.begin(), principal.roles.end(), [&](const std::string& role) {
    return parts_.policy->enforce(role, resource, action);
  });
}

Status AccessService::check_csrf(const gateway::HttpRequest& request,
                                 const Principal& principal) const {
  if (principal.method != AuthMethod::kCookie || !gateway::is_unsafe_method(request.method)) return Status::ok();
  return parts_.csrf->consume(principal.session_id, request.header("x-csrf-token"),
                              parts_.clock->now_ms());
}

void AccessService::audit(const gateway::HttpRequest& request, const gateway::RouteSpec& route,
                          int http_status) const {
  const bool refused = http_status == 401 || http_status == 403;
  if (!refused && !gateway::is_unsafe_method(request.method)) return;
  const std::string outcome = refused ? "denied" : http_status < 400 ? "ok" : "failed";
  AuditEvent event{.subject = request.principal.subject,
                   .username = request.principal.username,
                   .auth_method = std::string(gateway::auth_method_name(request.principal.method)),
                   .client_address = std::string(request.client_host()),
                   .action = std::string(gateway::method_name(request.method)) + " " + route.path,
                   .outcome = outcome,
                   .http_status = http_status,
                   .request_id = request.request_id,
                   .detail = request_detail(request)};
  parts_.audit->record(std::move(event));
}

double AccessService::rate_scale(const Principal& principal) const {
  double scale = 1;
  bool found = false;
  for (const std::string& role : principal.roles) {
    if (auto it = parts_.role_rate_scale.find(role); it != parts_.role_rate_scale.end()) {
      scale = found ? std::max(scale, it->second) : it->second;
      found = true;
    }
  }
  return scale;
}

void AccessService::audit_event(const Principal& principal, std::string_view address,
                                std::string action, std::string outcome, std::string request_id,
                                std::string detail) const {
  parts_.audit->record({.subject = principal.subject,
                        .username = principal.username,
                        .auth_method = std::string(gateway::auth_method_name(principal.method)),
                        .client_address = std::string(address),
                        .action = std::move(action),
                        .outcome = std::move(outcome),
                        .request_id = std::move(request_id),
                        .detail = std::move(detail)});
}

}  // namespace mystocks::services
