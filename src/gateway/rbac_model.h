// Casbin model (.conf) and policy (.csv) files, parsed into the subset of Casbin MyStocks
// supports (docs/rbac.md has the full list):
//  [request_definition] r = a, b, c                 one, any attribute names
//  [policy_definition]  p = a, b, c[, eft]          one; eft, if declared, is last
//  [role_definition]    g = _, _                    optional; only g, two arguments
//  [policy_effect]      e = some(where (p.eft == allow))                                or
//                           some(where (p.eft == allow)) && !some(where (p.eft == deny))  or
//                           !some(where (p.eft == deny))
//  [matchers]           m = <expression>            one; see rbac_matcher.h
// `#` starts a comment line in both files. Policy lines are `p, v1, v2, ...[, allow|deny]` and
// `g, member, role`; fields are trimmed and may be "double-quoted" ("" is a quote inside).
// Anything else is a kInvalidConfig Status naming file and line:
//   "config/rbac_model.conf:7: unsupported function 'keyGet'; supported: g, keyMatch, ...".
// Thread-safety: free functions without shared state; the results are plain values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "gateway/rbac_matcher.h"
#include "gateway/rbac_roles.h"

namespace mystocks::gateway {

enum class RbacEffect : uint8_t {
  kAllowOverride,      // some(where (p.eft == allow)): allowed if any allow line matches
  kDenyOverride,       // ... && !some(where (p.eft == deny)): and no deny line matches
  kAllowUnlessDenied,  // !some(where (p.eft == deny)): allowed unless a deny line matches
};

struct RbacModel {
  std::string source;                      // the file, for messages
  std::vector<std::string> request_attrs;  // r = ...
  std::vector<std::string> policy_attrs;   // p = ..., including a trailing eft
  bool has_eft = false;                    // policy_attrs ends in "eft"
  bool has_roles = false;                  // g = _, _ is declared
  RbacEffect effect = RbacEffect::kAllowOverride;
  RbacMatcher matcher;
};

enum class RbacEft : uint8_t { kAllow, kDeny };

struct RbacPolicyLine {
  std::vector<std::string> values;  // one per policy attribute; an omitted eft reads "allow"
  RbacEft eft = RbacEft::kAllow;
  int line = 0;  // in the policy file, for messages
};

struct RbacPolicyRules {
  std::string source;  // the file, for messages
  std::vector<RbacPolicyLine> lines;
  std::vector<RbacRoleLink> links;
};

// `source` names the text in messages (normally its path).
Result<RbacModel> parse_rbac_model(std::string_view text, std::string_view source);
Result<RbacModel> load_rbac_model(const std::string& path);

// Lines are checked against `model`: field counts, eft values, g only when the model declares it.
Result<RbacPolicyRules> parse_rbac_policy(std::string_view text, std::string_view source,
                                          const RbacModel& model);
Result<RbacPolicyRules> load_rbac_policy(const std::string& path, const RbacModel& model);

}  // namespace mystocks::gateway
