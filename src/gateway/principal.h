// The caller of one request or one Socket.IO connection, as authentication established it.
// A plain value type, copied freely.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mystocks::gateway {

// How a request proved who sent it.
enum class AuthMethod { kAnonymous, kBearer, kCookie, kApiKey };
std::string_view auth_method_name(AuthMethod method);

// The caller of one request (or of one Socket.IO connection).
struct Principal {
  AuthMethod method = AuthMethod::kAnonymous;
  std::string subject;             // user id; empty when anonymous
  std::string username;            // for logs and the audit trail; empty when anonymous
  std::vector<std::string> roles;  // RBAC subjects checked against the policy; {"anonymous"}
  std::string session_id;          // login session (refresh-token family); empty for API keys
  std::string key_id;              // the API key that signed the request (kApiKey)
  int64_t expires_at_ms = 0;       // when the credential stops being valid; 0 = never

  bool anonymous() const { return method == AuthMethod::kAnonymous; }
  static Principal anonymous_caller();
};

}  // namespace mystocks::gateway
