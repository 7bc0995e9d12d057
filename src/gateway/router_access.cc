// The router's access half: who is calling (authentication), whether the route's resource and
// action are granted to them (RBAC), CSRF for cookie sessions, and the audit record. It runs
// before the response cache and before every handler, so no route and no cached answer skips it.
#include <spdlog/spdlog.h>

#include "gateway/access_control.h"
#include "gateway/envelope.h"
#include "gateway/router.h"

namespace mystocks::gateway {
namespace {

HttpResponse unauthenticated(const Status& status, const std::string& request_id, int64_t now,
                             bool bad_credentials) {
  HttpResponse response = render_error(status, request_id, now);
  // RFC 6750: error="invalid_token" tells a client to refresh or log in again.
  response.set_header("WWW-Authenticate", bad_credentials
                                              ? "Bearer realm=\"mystocks\", error=\"invalid_token\""
                                              : "Bearer realm=\"mystocks\"");
  return response;
}

}  // namespace

Router::AccessOutcome Router::check_access(HttpRequest& request, const RouteSpec& route,
                                           int64_t now, bool may_block,
                                           HttpResponse* refusal) const {
  const AccessControl* access = options_.access_control;
  if (access == nullptr) {
    request.principal = Principal::anonymous_caller();
    return AccessOutcome::kAllowed;
  }
  std::optional<Result<Principal>> who = access->authenticate(request, may_block);
  if (!who) return AccessOutcome::kWouldBlock;
  if (!who->is_ok()) {
    *refusal = unauthenticated(who->status(), request.request_id, now, /*bad_credentials=*/true);
    return AccessOutcome::kRefused;
  }
  request.principal = std::move(**who);
  const Principal& principal = request.principal;
  if (!access->allowed(principal, route.resource, route.action)) {
    if (principal.anonymous()) {
      *refusal = unauthenticated(
          error(ErrorCode::kUnauthenticated,
                "{} {} needs a signed-in caller: send a bearer token, a session cookie or a "
                "signed API-key request",
                method_name(route.method), route.path),
          request.request_id, now, /*bad_credentials=*/false);
    } else {
      *refusal = render_error(error(ErrorCode::kPermissionDenied,
                                    "user '{}' ({}) may not {} {}: the policy does not grant "
                                    "'{}' on '{}'",
                                    principal.username, fmt::join(principal.roles, ", "),
                                    method_name(route.method), route.path, route.action,
                                    route.resource),
                              request.request_id, now);
    }
    return AccessOutcome::kRefused;
  }
  if (is_unsafe_method(request.method)) {
    if (Status csrf = access->check_csrf(request, principal); !csrf.is_ok()) {
      *refusal = render_error(csrf, request.request_id, now);
      return AccessOutcome::kRefused;
    }
  }
  return AccessOutcome::kAllowed;
}

void Router::audit(const HttpRequest& request, const RouteSpec* route, int status) const {
  if (options_.access_control == nullptr || route == nullptr) return;
  options_.access_control->audit(request, *route, status);
}

}  // namespace mystocks::gateway
