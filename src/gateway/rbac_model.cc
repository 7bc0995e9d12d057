#include "gateway/rbac_model.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <optional>
#include <sstream>

#include <fmt/ranges.h>

namespace mystocks::gateway {

namespace {

constexpr std::array<std::string_view, 5> kSections = {
    "request_definition", "policy_definition", "role_definition", "policy_effect", "matchers"};
constexpr std::array<size_t, 4> kRequiredSections = {0, 1, 3, 4};  // all but role_definition
// The key each section holds; Casbin's r2, p2, g2, e2, m2 are not supported.
constexpr std::array<std::string_view, 5> kSectionKeys = {"r", "p", "g", "e", "m"};

struct EffectSpelling {
  std::string_view text;  // as Casbin writes it; compared with whitespace removed
  RbacEffect effect;
};
constexpr std::array<EffectSpelling, 3> kEffects = {{
    {"some(where (p.eft == allow))", RbacEffect::kAllowOverride},
    {"some(where (p.eft == allow)) && !some(where (p.eft == deny))", RbacEffect::kDenyOverride},
    {"!some(where (p.eft == deny))", RbacEffect::kAllowUnlessDenied},
}};

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())) != 0) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())) != 0) {
    text.remove_suffix(1);
  }
  return text;
}

std::string without_spaces(std::string_view text) {
  std::string compact;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c)) == 0) compact += c;
  }
  return compact;
}

bool is_identifier(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front())) != 0) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
  });
}

// Splits on '\n' (dropping a '\r' before it), calling visit(line_number, trimmed_line) for each
// line that is neither blank nor a '#' comment; stops at the first error.
template <typename Visit>
Status for_each_line(std::string_view text, Visit visit) {
  int line_no = 0;
  while (!text.empty()) {
    const size_t end = std::min(text.find('\n'), text.size());
    const std::string_view line = trim(text.substr(0, end));
    text.remove_prefix(std::min(end + 1, text.size()));
    ++line_no;
    if (line.empty() || line.front() == '#') continue;
    MYSTOCKS_RETURN_IF_ERROR(visit(line_no, line));
  }
  return Status::ok();
}

Result<std::string> read_text(const std::string& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return error(ErrorCode::kInvalidConfig, "{}: {} not found", path, what);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The model file's sections, gathered before anything is interpreted: the matcher needs the
// definitions, which may come after it.
struct ModelEntry {
  std::string value;
  int line = 0;
};
struct ModelText {
  std::array<std::optional<ModelEntry>, kSections.size()> entries;  // by kSections index
};

Status read_model_line(std::string_view source, int line_no, std::string_view line,
                       std::optional<size_t>& section, ModelText& model) {
  if (line.front() == '[') {
    const std::string_view name = line.back() == ']' ? line.substr(1, line.size() - 2) : line;
    const auto found = std::find(kSections.begin(), kSections.end(), name);
    if (found == kSections.end()) {
      return error(ErrorCode::kInvalidConfig, "{}:{}: unknown section {}; supported: [{}]", source,
                   line_no, line, fmt::join(kSections, "], ["));
    }
    section = static_cast<size_t>(found - kSections.begin());
    return Status::ok();
  }
  const size_t equals = line.find('=');
  if (equals == std::string_view::npos) {
    return error(ErrorCode::kInvalidConfig, "{}:{}: expected 'key = value', found '{}'", source,
                 line_no, line);
  }
  if (!section) {
    return error(ErrorCode::kInvalidConfig, "{}:{}: '{}' is outside a [section]", source, line_no,
                 line);
  }
  const std::string_view key = trim(line.substr(0, equals));
  const std::string_view want = kSectionKeys[*section];
  if (key != want) {
    return error(ErrorCode::kInvalidConfig,
                 "{}:{}: unsupported key '{}' in [{}]; only '{}' is "
                 "supported (one definition per section)",
                 source, line_no, key, kSections[*section], want);
  }
  std::optional<ModelEntry>& entry = model.entries[*section];
  if (entry) {
    return error(ErrorCode::kInvalidConfig,
                 "{}:{}: a second '{}' in [{}] (the first is on line "
                 "{}); only one is supported",
                 source, line_no, key, kSections[*section], entry->line);
  }
  entry = ModelEntry{std::string(trim(line.substr(equals + 1))), line_no};
  return Status::ok();
}

Result<std::vector<std::string>> parse_attributes(std::string_view source, const ModelEntry& entry,
                                                  std::string_view key) {
  std::vector<std::string> names;
  std::string_view rest = entry.value;
  while (true) {
    const size_t comma = std::min(rest.find(','), rest.size());
    const std::string_view name = trim(rest.substr(0, comma));
    if (!is_identifier(name)) {
      return error(ErrorCode::kInvalidConfig,
                   "{}:{}: '{} = {}': attribute '{}' is not a name (letters, digits, _)", source,
                   entry.line, key, entry.value, name);
    }
    if (std::find(names.begin(), names.end(), name) != names.end()) {
      return error(ErrorCode::kInvalidConfig, "{}:{}: attribute '{}' is declared twice", source,
                   entry.line, name);
    }
    names.emplace_back(name);
    if (comma == rest.size()) return names;
    rest.remove_prefix(comma + 1);
  }
}

Status check_role_definition(std::string_view source, const ModelEntry& entry) {
  if (without_spaces(entry.value) == "_,_") return Status::ok();
  return error(ErrorCode::kInvalidConfig,
               "{}:{}: unsupported role definition 'g = {}'; only 'g = _, _' is supported (no "
               "domains)",
               source, entry.line, entry.value);
}

Result<RbacEffect> parse_effect(std::string_view source, const ModelEntry& entry) {
  const std::string compact = without_spaces(entry.value);
  for (const EffectSpelling& spelling : kEffects) {
    if (without_spaces(spelling.text) == compact) return spelling.effect;
  }
  std::array<std::string_view, kEffects.size()> supported;
  std::transform(kEffects.begin(), kEffects.end(), supported.begin(),
                 [](const EffectSpelling& spelling) { return spelling.text; });
  return error(ErrorCode::kInvalidConfig, "{}:{}: unsupported effect '{}'; supported: {}", source,
               entry.line, entry.value, fmt::join(supported, " | "));
}

// One CSV line: fields are trimmed; a "quoted" field keeps its spaces and commas, "" is a quote.
Result<std::vector<std::string>> split_csv(std::string_view source, int line_no,
                                           std::string_view line) {
  std::vector<std::string> fields;
  size_t pos = 0;
  while (true) {
    while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
    std::string field;
    if (pos < line.size() && line[pos] == '"') {
      const size_t open = pos++;
      bool closed = false;
      for (; pos < line.size() && !closed; ++pos) {
        if (line[pos] != '"') {
          field += line[pos];
        } else if (pos + 1 < line.size() && line[pos + 1] == '"') {
          field += line[++pos];
        } else {
          closed = true;
        }
      }
      if (!closed) {
        return error(ErrorCode::kInvalidConfig, "{}:{}: unterminated quoted field at column {}",
                     source, line_no, open + 1);
      }
      while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
      if (pos < line.size() && line[pos] != ',') {
        return error(ErrorCode::kInvalidConfig,
                     "{}:{}: unexpected '{}' after the quoted field at column {}", source, line_no,
                     line[pos], pos + 1);
      }
    } else {
      const size_t comma = std::min(line.find(',', pos), line.size());
      field = std::string(trim(line.substr(pos, comma - pos)));
      pos = comma;
    }
    fields.push_back(std::move(field));
    if (pos >= line.size()) return fields;
    ++pos;  // the comma
  }
}

Status add_policy_line(std::string_view source, int line_no, std::vector<std::string> values,
                       const RbacModel& model, RbacPolicyRules& rules) {
  const size_t declared = model.policy_attrs.size();
  const bool eft_omitted = model.has_eft && values.size() + 1 == declared;
  if (values.size() != declared && !eft_omitted) {
    return error(ErrorCode::kInvalidConfig,
                 "{}:{}: 'p' line has {} values; the policy definition 'p = {}' needs {}{}", source,
                 line_no, values.size(), fmt::join(model.policy_attrs, ", "), declared,
                 model.has_eft ? fmt::format(" (or {} without eft)", declared - 1) : "");
  }
  RbacPolicyLine policy_line{.line = line_no};
  if (eft_omitted) values.emplace_back("allow");
  if (model.has_eft) {
    const std::string& eft = values.back();
    if (eft != "allow" && eft != "deny") {
      return error(ErrorCode::kInvalidConfig, "{}:{}: unknown eft '{}'; expected allow or deny",
                   source, line_no, eft);
    }
    policy_line.eft = eft == "deny" ? RbacEft::kDeny : RbacEft::kAllow;
  }
  policy_line.values = std::move(values);
  rules.lines.push_back(std::move(policy_line));
  return Status::ok();
}

Status add_role_link(std::string_view source, int line_no, std::vector<std::string> values,
                     const RbacModel& model, RbacPolicyRules& rules) {
  if (!model.has_roles) {
    return error(ErrorCode::kInvalidConfig,
                 "{}:{}: 'g' line, but the model {} has no [role_definition] g = _, _", source,
                 line_no, model.source);
  }
  if (values.size() != 2) {
    return error(ErrorCode::kInvalidConfig,
                 "{}:{}: 'g' line has {} values; only 'g, member, role' is supported (no domains)",
                 source, line_no, values.size());
  }
  rules.links.push_back({std::move(values[0]), std::move(values[1]), line_no});
  return Status::ok();
}

}  // namespace

Result<RbacModel> parse_rbac_model(std::string_view text, std::string_view source) {
  ModelText model_text;
  std::optional<size_t> section;
  MYSTOCKS_RETURN_IF_ERROR(for_each_line(text, [&](int line_no, std::string_view line) {
    return read_model_line(source, line_no, line, section, model_text);
  }));
  const auto& [request, policy, role, effect, matcher] = model_text.entries;
  for (size_t section_idx : kRequiredSections) {
    if (!model_text.entries[section_idx]) {
      return error(ErrorCode::kInvalidConfig, "{}: missing [{}] with '{} = ...'", source,
                   kSections[section_idx], kSectionKeys[section_idx]);
    }
  }
  Result<std::vector<std::string>> request_attrs = parse_attributes(source, *request, "r");
  if (!request_attrs) return request_attrs.status();
  Result<std::vector<std::string>> policy_attrs = parse_attributes(source, *policy, "p");
  if (!policy_attrs) return policy_attrs.status();
  const auto eft = std::find(policy_attrs->begin(), policy_attrs->end(), "eft");
  if (eft != policy_attrs->end() && eft + 1 != policy_attrs->end()) {
    return error(ErrorCode::kInvalidConfig, "{}:{}: 'eft' must be the last policy attribute",
                 source, policy->line);
  }
  if (role) MYSTOCKS_RETURN_IF_ERROR(check_role_definition(source, *role));
  Result<RbacEffect> parsed_effect = parse_effect(source, *effect);
  if (!parsed_effect) return parsed_effect.status();
  Result<RbacMatcher> parsed_matcher =
      RbacMatcher::parse(matcher->value, *request_attrs, *policy_attrs, role.has_value(),
                         fmt::format("{}:{}", source, matcher->line));
  if (!parsed_matcher) return parsed_matcher.status();
  const bool has_eft = eft != policy_attrs->end();
  return RbacModel{.source = std::string(source),
                   .request_attrs = std::move(*request_attrs),
                   .policy_attrs = std::move(*policy_attrs),
                   .has_eft = has_eft,
                   .has_roles = role.has_value(),
                   .effect = *parsed_effect,
                   .matcher = std::move(*parsed_matcher)};
}

Result<RbacModel> load_rbac_model(const std::string& path) {
  Result<std::string> text = read_text(path, "RBAC model");
  if (!text) return text.status();
  return parse_rbac_model(*text, path);
}

Result<RbacPolicyRules> parse_rbac_policy(std::string_view text, std::string_view source,
                                          const RbacModel& model) {
  RbacPolicyRules rules{.source = std::string(source)};
  MYSTOCKS_RETURN_IF_ERROR(for_each_line(text, [&](int line_no, std::string_view line) {
    Result<std::vector<std::string>> fields = split_csv(source, line_no, line);
    if (!fields) return fields.status();
    const std::string type = std::move(fields->front());
    std::vector<std::string> values(std::make_move_iterator(fields->begin() + 1),
                                    std::make_move_iterator(fields->end()));
    if (type == "p") return add_policy_line(source, line_no, std::move(values), model, rules);
    if (type == "g") return add_role_link(source, line_no, std::move(values), model, rules);
    return error(ErrorCode::kInvalidConfig,
                 "{}:{}: policy type '{}' is not supported; lines start with p or g", source,
                 line_no, type);
  }));
  return rules;
}

Result<RbacPolicyRules> load_rbac_policy(const std::string& path, const RbacModel& model) {
  Result<std::string> text = read_text(path, "RBAC policy");
  if (!text) return text.status();
  return parse_rbac_policy(*text, path, model);
}

}  // namespace mystocks::gateway
