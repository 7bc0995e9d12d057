#include "gateway/rbac_enforcer.h"

#include <map>
#include <regex>
#include <utility>

namespace mystocks::gateway {

namespace {

// Whether a line with effect `eft` can change the outcome of `effect`.
bool can_decide(RbacEffect effect, RbacEft eft) {
  switch (effect) {
    case RbacEffect::kAllowOverride:
      return eft == RbacEft::kAllow;
    case RbacEffect::kAllowUnlessDenied:
      return eft == RbacEft::kDeny;
    case RbacEffect::kDenyOverride:
      return true;
  }
  return true;
}

}  // namespace

Result<std::shared_ptr<const RbacEnforcer>> RbacEnforcer::load(const std::string& model_path,
                                                               const std::string& policy_path) {
  Result<RbacModel> model = load_rbac_model(model_path);
  if (!model) return model.status();
  Result<RbacPolicyRules> rules = load_rbac_policy(policy_path, *model);
  if (!rules) return rules.status();
  return build(std::move(*model), std::move(*rules));
}

Result<std::shared_ptr<const RbacEnforcer>> RbacEnforcer::build(RbacModel model,
                                                                RbacPolicyRules rules) {
  // The constructor is private, so no make_shared.
  std::shared_ptr<RbacEnforcer> enforcer(new RbacEnforcer(std::move(model)));
  enforcer->role_conjunct_ = enforcer->model_.matcher.role_conjunct();
  for (RbacPolicyLine& line : rules.lines) {
    if (can_decide(enforcer->model_.effect, line.eft)) enforcer->lines_.push_back(std::move(line));
  }
  MYSTOCKS_RETURN_IF_ERROR(enforcer->compile_patterns(rules.source));
  std::vector<std::string_view> indexed_names;
  if (enforcer->role_conjunct_) {
    for (const RbacPolicyLine& line : enforcer->lines_) {
      indexed_names.push_back(line.values[enforcer->role_conjunct_->policy_attr]);
    }
  }
  enforcer->roles_ = RbacRoles::build(rules.links, indexed_names);
  enforcer->index_lines();
  return std::shared_ptr<const RbacEnforcer>(std::move(enforcer));
}

Status RbacEnforcer::compile_patterns(const std::string& policy_source) {
  const std::vector<RbacPatternSite>& sites = model_.matcher.pattern_sites();
  if (sites.empty()) return Status::ok();
  // Keys view the lines' values and the sites' literals, which outlive this function.
  std::map<std::pair<RbacFunction, std::string_view>, const RbacPattern*> compiled;
  line_patterns_.reserve(lines_.size() * sites.size());
  for (const RbacPolicyLine& line : lines_) {
    for (const RbacPatternSite& site : sites) {
      const std::string_view text =
          site.policy_attr ? std::string_view(line.values[*site.policy_attr]) : site.literal;
      auto [slot, inserted] = compiled.try_emplace({site.function, text}, nullptr);
      if (inserted) {
        Result<RbacPattern> pattern = RbacPattern::compile(site.function, text);
        if (!pattern) {
          return error(ErrorCode::kInvalidConfig, "{}:{}: {}", policy_source, line.line,
                       pattern.status().message());
        }
        patterns_.push_back(std::make_unique<RbacPattern>(std::move(*pattern)));
        slot->second = patterns_.back().get();
      }
      line_patterns_.push_back(slot->second);
    }
  }
  return Status::ok();
}

void RbacEnforcer::index_lines() {
  if (role_conjunct_) role_lines_.resize(roles_.size());
  for (uint32_t line_idx = 0; line_idx < lines_.size(); ++line_idx) {
    const RbacPolicyLine& line = lines_[line_idx];
    Lines& target = role_conjunct_
                        ? role_lines_[roles_.find(line.values[role_conjunct_->policy_attr])]
                        : all_lines_;
    (line.eft == RbacEft::kDeny ? target.deny : target.allow).push_back(line_idx);
  }
}

bool RbacEnforcer::enforce(std::span<const std::string_view> request) const {
  if (request.size() != model_.request_attrs.size()) return false;
  std::span<const uint32_t> roles;  // the subject and its roles, when indexed
  if (role_conjunct_) {
    const uint32_t subject = roles_.find(request[role_conjunct_->request_attr]);
    if (subject != RbacRoles::kUnknown) roles = roles_.closure(subject);
  }
  try {
    if (any_match(request, roles, RbacEft::kDeny)) return false;
    if (model_.effect == RbacEffect::kAllowUnlessDenied) return true;
    return any_match(request, roles, RbacEft::kAllow);
  } catch (const std::regex_error&) {
    return false;  // std::regex gave up on this input (complexity, stack): deny, do not guess
  }
}

bool RbacEnforcer::enforce(std::string_view subject, std::string_view object,
                           std::string_view action) const {
  const std::string_view request[] = {subject, object, action};
  return enforce(std::span<const std::string_view>(request));
}

bool RbacEnforcer::any_match(std::span<const std::string_view> request,
                             std::span<const uint32_t> roles, RbacEft eft) const {
  if (!role_conjunct_) return any_line_matches(all_lines_.of(eft), request, RbacMatcher::kNoSkip);
  for (uint32_t role : roles) {
    if (any_line_matches(role_lines_[role].of(eft), request, role_conjunct_->conjunct)) return true;
  }
  return false;
}

bool RbacEnforcer::any_line_matches(const std::vector<uint32_t>& line_idxs,
                                    std::span<const std::string_view> request,
                                    size_t skip_conjunct) const {
  const size_t site_count = model_.matcher.pattern_sites().size();
  const std::span<const RbacPattern* const> all_patterns(line_patterns_);
  for (uint32_t line_idx : line_idxs) {
    const RbacMatchInput input{
        .request = request,
        .policy = lines_[line_idx].values,
        .patterns = all_patterns.subspan(line_idx * site_count, site_count),
        .roles = &roles_,
    };
    if (model_.matcher.evaluate(input, skip_conjunct)) return true;
  }
  return false;
}

std::vector<std::string> RbacEnforcer::roles_for(std::string_view subject) const {
  return roles_.roles_for(subject);
}

}  // namespace mystocks::gateway
