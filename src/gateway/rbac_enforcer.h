// RbacEnforcer: a Casbin model and policy (rbac_model.h) compiled for the per-request check
// "may subject S do action A on object O?". Built once by load()/build() and immutable afterwards;
// RbacAuthority (rbac_authority.h) swaps whole enforcers on reload.
// Precomputed at build, so enforce() allocates nothing (std::regex aside) and visits few lines:
//  - each role's transitive closure (RbacRoles);
//  - when the matcher has a top-level conjunct g(r.X, p.Y), the lines grouped by p.Y, so only
//    the lines of r.X and its roles are evaluated;
//  - each distinct keyMatch2/regexMatch pattern, compiled once;
//  - only the lines that can change the effect's outcome (allow lines for allow-override, deny
//    lines for !some(deny)), deny lines visited before allow lines so every pass stops early.
// Thread-safety: const after build; enforce() and roles_for() are lock-free and safe from any
// thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "gateway/rbac_key_match.h"
#include "gateway/rbac_matcher.h"
#include "gateway/rbac_model.h"
#include "gateway/rbac_roles.h"

namespace mystocks::gateway {

class RbacEnforcer {
 public:
  // Reads and checks both files; every error is kInvalidConfig naming the file and line.
  static Result<std::shared_ptr<const RbacEnforcer>> load(const std::string& model_path,
                                                          const std::string& policy_path);
  // Fails only on a keyMatch2/regexMatch pattern from the policy that std::regex rejects.
  static Result<std::shared_ptr<const RbacEnforcer>> build(RbacModel model, RbacPolicyRules rules);

  // `request` holds one value per request attribute, in the order of `r = ...`. A request of
  // another size is denied (fail closed), as is one std::regex cannot finish matching.
  bool enforce(std::span<const std::string_view> request) const;
  // For the usual `r = sub, obj, act`.
  bool enforce(std::string_view subject, std::string_view object, std::string_view action) const;

  // The roles `subject` has through g, transitively, nearest first; not `subject` itself.
  std::vector<std::string> roles_for(std::string_view subject) const;

  size_t request_arity() const { return model_.request_attrs.size(); }
  const RbacModel& model() const { return model_; }
  // Whether enforce() visits only the subject's roles' lines (a g(r.X, p.Y) conjunct exists).
  bool indexed_by_role() const { return role_conjunct_.has_value(); }

 private:
  // Line indexes to visit, split by effect so deny lines go first.
  struct Lines {
    std::vector<uint32_t> deny;
    std::vector<uint32_t> allow;
    const std::vector<uint32_t>& of(RbacEft eft) const {
      return eft == RbacEft::kDeny ? deny : allow;
    }
  };

  explicit RbacEnforcer(RbacModel model) : model_(std::move(model)) {}
  Status compile_patterns(const std::string& policy_source);
  void index_lines();
  // Whether any of the candidate lines with effect `eft` matches.
  bool any_match(std::span<const std::string_view> request, std::span<const uint32_t> roles,
                 RbacEft eft) const;
  bool any_line_matches(const std::vector<uint32_t>& line_idxs,
                        std::span<const std::string_view> request, size_t skip_conjunct) const;

  RbacModel model_;
  std::vector<RbacPolicyLine> lines_;
  RbacRoles roles_;
  std::optional<RbacRoleConjunct> role_conjunct_;
  std::vector<std::unique_ptr<RbacPattern>> patterns_;  // one per distinct (function, pattern)
  std::vector<const RbacPattern*> line_patterns_;  // [line_idx * sites + site_idx] into patterns_
  Lines all_lines_;                                // when not indexed by role
  // When indexed: by role id (RbacRoles), the lines whose p.Y is that role.
  std::vector<Lines> role_lines_;
};

}  // namespace mystocks::gateway
