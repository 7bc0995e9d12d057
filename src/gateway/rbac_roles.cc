#include "gateway/rbac_roles.h"

#include <algorithm>

namespace mystocks::gateway {

uint32_t RbacRoles::intern(std::string_view name) {
  auto found = ids_.find(name);
  if (found != ids_.end()) return found->second;
  const auto id = static_cast<uint32_t>(names_.size());
  names_.emplace_back(name);
  ids_.emplace(names_.back(), id);
  return id;
}

RbacRoles RbacRoles::build(std::span<const RbacRoleLink> links,
                           std::span<const std::string_view> extra_names) {
  RbacRoles roles;
  std::vector<std::vector<uint32_t>> direct;  // by member id: its roles in policy order
  for (const RbacRoleLink& link : links) {
    const uint32_t member = roles.intern(link.member);
    const uint32_t role = roles.intern(link.role);
    direct.resize(roles.names_.size());
    direct[member].push_back(role);
  }
  for (std::string_view name : extra_names) roles.intern(name);
  direct.resize(roles.names_.size());

  // A breadth-first walk per name; the seen marks are what stops a cycle.
  const size_t count = roles.names_.size();
  roles.closures_.resize(count);
  roles.sorted_closures_.resize(count);
  std::vector<uint32_t> seen_by(count, RbacRoles::kUnknown);
  for (uint32_t start = 0; start < count; ++start) {
    std::vector<uint32_t>& closure = roles.closures_[start];
    closure.push_back(start);
    seen_by[start] = start;
    for (size_t next = 0; next < closure.size(); ++next) {
      for (uint32_t role : direct[closure[next]]) {
        if (seen_by[role] == start) continue;
        seen_by[role] = start;
        closure.push_back(role);
      }
    }
    roles.sorted_closures_[start] = closure;
    std::sort(roles.sorted_closures_[start].begin(), roles.sorted_closures_[start].end());
  }
  return roles;
}

uint32_t RbacRoles::find(std::string_view name) const {
  auto found = ids_.find(name);
  return found == ids_.end() ? kUnknown : found->second;
}

bool RbacRoles::has_link(std::string_view member, std::string_view role) const {
  if (member == role) return true;
  const uint32_t member_id = find(member);
  if (member_id == kUnknown) return false;
  const uint32_t role_id = find(role);
  if (role_id == kUnknown) return false;
  return std::binary_search(sorted_closures_[member_id].begin(), sorted_closures_[member_id].end(),
                            role_id);
}

std::vector<std::string> RbacRoles::roles_for(std::string_view member) const {
  const uint32_t id = find(member);
  if (id == kUnknown) return {};
  std::vector<std::string> names;
  for (uint32_t role : closure(id).subspan(1)) names.push_back(names_[role]);
  return names;
}

}  // namespace mystocks::gateway
