// Who is calling and what they may do: the router asks an AccessControl before every handler
// and before every cached answer, so no route can skip it. The gateway only knows the interface;
// services/identity implements it over users, sessions, API keys, the RBAC policy and the
// audit log, and the composition root plugs it into the router.
// Thread-safety: implementations are called from I/O and handler threads at once.
#pragma once

#include <optional>
#include <string_view>

#include "core/status.h"
#include "gateway/http_types.h"
#include "gateway/principal.h"

namespace mystocks::gateway {

struct RouteSpec;

class AccessControl {
 public:
  virtual ~AccessControl() = default;

  // Who sent `request`: anonymous when it carries no credentials, kUnauthenticated with a short
  // reason when it carries bad ones (a wrong password never reaches here; tokens and signatures
  // do). With may_block false (the I/O thread answering from the cache) an answer that needs a
  // store read returns nullopt and the router takes the slower path.
  virtual std::optional<Result<Principal>> authenticate(const HttpRequest& request,
                                                        bool may_block) const = 0;

  // Whether `principal` may perform `action` on `resource` (the route's declaration).
  virtual bool allowed(const Principal& principal, std::string_view resource,
                       std::string_view action) const = 0;

  // Cookie sessions on unsafe methods must present a single-use CSRF token (kPermissionDenied
  // otherwise); bearer and API-key requests pass.
  virtual Status check_csrf(const HttpRequest& request, const Principal& principal) const = 0;

  // Records an answered request in the audit log when it is a write or was refused.
  virtual void audit(const HttpRequest& request, const RouteSpec& route, int http_status) const = 0;

  // Scales the rate-limit buckets of this caller (per-role capacities); 1 = as configured.
  virtual double rate_scale(const Principal& principal) const = 0;
};

}  // namespace mystocks::gateway
