// RbacRoles: the role graph of a policy's `g, member, role` lines, closed transitively at load, so
// a lookup during enforcement is one hash probe and a binary search. Every name (member, role, and
// any extra name the enforcer indexes by) gets a dense id.
// Invariants: g is reflexive (a name has itself, as in Casbin's role manager) and transitive with
// no depth limit; cycles ("a -> b -> a") are cut, each name appearing once in a closure.
// Thread-safety: immutable after build(); const methods are safe from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mystocks::gateway {

// One `g, member, role` policy line: `member` has `role`.
struct RbacRoleLink {
  std::string member;
  std::string role;
  int line = 0;  // in the policy file, for messages
};

class RbacRoles {
 public:
  static constexpr uint32_t kUnknown = UINT32_MAX;

  // `extra_names` get ids too (the enforcer passes every p.sub value) so callers can index by id.
  static RbacRoles build(std::span<const RbacRoleLink> links,
                         std::span<const std::string_view> extra_names = {});

  // The id of `name`, or kUnknown.
  uint32_t find(std::string_view name) const;
  size_t size() const { return names_.size(); }
  const std::string& name(uint32_t id) const { return names_[id]; }

  // `id` itself first, then its roles nearest first (breadth-first, ties in policy order).
  std::span<const uint32_t> closure(uint32_t id) const { return closures_[id]; }

  // g(member, role): member == role, or member has role directly or through other roles.
  bool has_link(std::string_view member, std::string_view role) const;

  // The roles `member` has, transitively, nearest first; not `member` itself; empty when unknown.
  std::vector<std::string> roles_for(std::string_view member) const;

 private:
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  uint32_t intern(std::string_view name);

  std::vector<std::string> names_;
  std::unordered_map<std::string, uint32_t, NameHash, std::equal_to<>> ids_;
  std::vector<std::vector<uint32_t>> closures_;         // by id: self, then roles nearest first
  std::vector<std::vector<uint32_t>> sorted_closures_;  // by id: the same ids sorted, for has_link
};

}  // namespace mystocks::gateway
