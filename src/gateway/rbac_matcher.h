// RbacMatcher: the `[matchers] m = ...` expression of a Casbin model, parsed once by recursive
// descent into a flat AST and evaluated per policy line without allocating. It supports &&, ||,
// !, parentheses, == and != on strings, "double-quoted" literals, r.x / p.x attributes and the
// calls g(a, b), keyMatch(a, b), keyMatch2(a, b), regexMatch(a, b) (docs/rbac.md).
// Invariants: type-checked at parse (&&, ||, ! take booleans; ==, != and call arguments take
// strings); the pattern (second) argument of keyMatch2 and regexMatch is a string literal or a
// p attribute, so the enforcer compiles each distinct pattern once at load.
// Thread-safety: immutable after parse(); evaluate() is safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "gateway/rbac_key_match.h"

namespace mystocks::gateway {

class RbacRoles;

// What one evaluation sees.
struct RbacMatchInput {
  std::span<const std::string_view> request;     // one value per request attribute
  std::span<const std::string> policy;           // one value per policy attribute
  std::span<const RbacPattern* const> patterns;  // one per pattern site, compiled for this line
  const RbacRoles* roles = nullptr;              // for g()
};

// A keyMatch2/regexMatch call: where its pattern comes from.
struct RbacPatternSite {
  RbacFunction function = RbacFunction::kKeyMatch2;
  std::optional<size_t> policy_attr;  // p.x: one pattern per policy line
  std::string literal;                // otherwise one pattern for all lines
};

// A top-level conjunct g(r.X, p.Y): only lines whose p.Y is r.X or one of its roles can match.
struct RbacRoleConjunct {
  size_t conjunct = 0;  // index among the top-level && operands
  size_t request_attr = 0;
  size_t policy_attr = 0;
};

class RbacMatcher {
 public:
  static constexpr size_t kNoSkip = SIZE_MAX;

  // `location` prefixes every error ("config/rbac_model.conf:7"). `has_roles` says whether the
  // model declares g. Errors are kInvalidConfig and name the token at fault.
  static Result<RbacMatcher> parse(std::string_view text,
                                   std::span<const std::string> request_attrs,
                                   std::span<const std::string> policy_attrs, bool has_roles,
                                   std::string_view location);

  // The && of the top-level conjuncts but `skip_conjunct` (which the caller knows is true).
  bool evaluate(const RbacMatchInput& input, size_t skip_conjunct = kNoSkip) const;

  const std::vector<RbacPatternSite>& pattern_sites() const { return sites_; }
  std::optional<RbacRoleConjunct> role_conjunct() const;

 private:
  // kLiteral, kRequestAttr and kPolicyAttr yield strings; the others conditions.
  enum class NodeKind : uint8_t {
    kLiteral,
    kRequestAttr,
    kPolicyAttr,
    kEq,
    kNe,
    kAnd,
    kOr,
    kNot,
    kCall
  };
  struct Node {
    NodeKind kind;
    RbacFunction function = RbacFunction::kG;  // kCall
    uint32_t left = 0;                         // operands; a call's two arguments
    uint32_t right = 0;
    uint32_t index = 0;  // attribute index; the pattern site of a keyMatch2/regexMatch call
    std::string literal;
  };
  class Parser;

  RbacMatcher() = default;
  bool eval_bool(uint32_t node_idx, const RbacMatchInput& input) const;
  std::string_view eval_string(uint32_t node_idx, const RbacMatchInput& input) const;

  std::vector<Node> nodes_;
  std::vector<uint32_t> conjuncts_;  // the root's top-level && operands, in order
  std::vector<RbacPatternSite> sites_;
};

}  // namespace mystocks::gateway
