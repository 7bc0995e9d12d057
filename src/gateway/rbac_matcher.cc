#include "gateway/rbac_matcher.h"

#include <algorithm>
#include <cctype>

#include <fmt/ranges.h>

#include "gateway/rbac_roles.h"

namespace mystocks::gateway {

namespace {

enum class TokenKind : uint8_t {
  kEnd,
  kLParen,
  kRParen,
  kComma,
  kAnd,
  kOr,
  kNot,
  kEq,
  kNe,
  kString,
  kIdent,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string_view text;  // as written
  size_t column = 0;      // 1-based, within the matcher expression
  std::string value;      // a string literal without quotes and escapes
};

constexpr std::string_view kSupportedFunctions = "g, keyMatch, keyMatch2, regexMatch";

bool is_ident_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.';
}

}  // namespace

// Recursive descent over the grammar of docs/rbac.md:
//   or := and ('||' and)*      and := unary ('&&' unary)*      unary := '!' unary | compare
//   compare := primary (('==' | '!=') primary)?
//   primary := '(' or ')' | "string" | r.x | p.x | name '(' or ',' or ')'
// The first error is kept in status_; every production returns 0 once it is set.
class RbacMatcher::Parser {
 public:
  Parser(std::string_view text, std::span<const std::string> request_attrs,
         std::span<const std::string> policy_attrs, bool has_roles, std::string_view location,
         RbacMatcher& out)
      : text_(text),
        request_attrs_(request_attrs),
        policy_attrs_(policy_attrs),
        has_roles_(has_roles),
        location_(location),
        out_(out) {}

  Status parse() {
    advance();
    const uint32_t root = parse_or();
    if (status_.is_ok() && token_.kind != TokenKind::kEnd) {
      fail("unexpected '{}' at column {}", token_.text, token_.column);
    }
    if (status_.is_ok() && !is_bool(root)) fail("the matcher is a string, not a condition");
    if (status_.is_ok()) flatten_and(root);
    return status_;
  }

 private:
  // Keeps the first error: later ones are consequences of it.
  template <typename... Args>
  void fail(fmt::format_string<Args...> format, Args&&... args) {
    if (status_.is_ok()) {
      status_ = error(ErrorCode::kInvalidConfig, "{}: {}", location_,
                      fmt::format(format, std::forward<Args>(args)...));
    }
  }

  void advance() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_])) != 0) {
      ++pos_;
    }
    token_ = Token{};
    token_.column = pos_ + 1;
    if (pos_ >= text_.size()) return;
    const std::string_view rest = text_.substr(pos_);
    static constexpr std::pair<std::string_view, TokenKind> kOperators[] = {
        {"&&", TokenKind::kAnd},   {"||", TokenKind::kOr},   {"==", TokenKind::kEq},
        {"!=", TokenKind::kNe},    {"!", TokenKind::kNot},   {"(", TokenKind::kLParen},
        {")", TokenKind::kRParen}, {",", TokenKind::kComma},
    };
    for (const auto& [spelling, kind] : kOperators) {
      if (rest.starts_with(spelling)) return take(kind, spelling.size());
    }
    if (rest.front() == '"') return lex_string();
    if (is_ident_char(rest.front())) {
      size_t length = 0;
      while (length < rest.size() && is_ident_char(rest[length])) ++length;
      return take(TokenKind::kIdent, length);
    }
    fail(
        "unexpected '{}' at column {}; a matcher has &&, ||, !, ==, !=, parentheses, "
        "\"strings\", r.x, p.x and calls of {}",
        rest.front(), token_.column, kSupportedFunctions);
  }

  void take(TokenKind kind, size_t length) {
    token_.kind = kind;
    token_.text = text_.substr(pos_, length);
    pos_ += length;
  }

  void lex_string() {
    const size_t start = pos_;
    for (size_t at = pos_ + 1; at < text_.size(); ++at) {
      if (text_[at] == '\\' && at + 1 < text_.size()) {
        token_.value += text_[++at];
      } else if (text_[at] == '"') {
        token_.kind = TokenKind::kString;
        token_.text = text_.substr(start, at + 1 - start);
        pos_ = at + 1;
        return;
      } else {
        token_.value += text_[at];
      }
    }
    fail("unterminated string starting at column {}", start + 1);
  }

  uint32_t add(Node node) {
    out_.nodes_.push_back(std::move(node));
    return static_cast<uint32_t>(out_.nodes_.size() - 1);
  }
  bool is_bool(uint32_t node_idx) const {
    const NodeKind kind = out_.nodes_[node_idx].kind;
    return kind != NodeKind::kLiteral && kind != NodeKind::kRequestAttr &&
           kind != NodeKind::kPolicyAttr;
  }
  // Checks an operand's type; `what` names the operator for the message.
  bool check_type(uint32_t node_idx, bool want_bool, std::string_view what, size_t column) {
    if (!status_.is_ok()) return false;
    if (is_bool(node_idx) == want_bool) return true;
    fail("{} at column {} takes {}", what, column, want_bool ? "conditions" : "strings");
    return false;
  }

  uint32_t parse_or() {
    return parse_binary(TokenKind::kOr, NodeKind::kOr, "'||'", &Parser::parse_and);
  }
  uint32_t parse_and() {
    return parse_binary(TokenKind::kAnd, NodeKind::kAnd, "'&&'", &Parser::parse_unary);
  }

  uint32_t parse_binary(TokenKind op, NodeKind kind, std::string_view what,
                        uint32_t (Parser::*operand)()) {
    uint32_t left = (this->*operand)();
    while (status_.is_ok() && token_.kind == op) {
      const size_t column = token_.column;
      advance();
      const uint32_t right = (this->*operand)();
      if (!check_type(left, true, what, column) || !check_type(right, true, what, column)) return 0;
      left = add({.kind = kind, .left = left, .right = right});
    }
    return status_.is_ok() ? left : 0;
  }

  uint32_t parse_unary() {
    if (token_.kind != TokenKind::kNot) return parse_compare();
    const size_t column = token_.column;
    advance();
    const uint32_t operand = parse_unary();
    if (!check_type(operand, true, "'!'", column)) return 0;
    return add({.kind = NodeKind::kNot, .left = operand});
  }

  uint32_t parse_compare() {
    const uint32_t left = parse_primary();
    if (!status_.is_ok() || (token_.kind != TokenKind::kEq && token_.kind != TokenKind::kNe)) {
      return left;
    }
    const NodeKind kind = token_.kind == TokenKind::kEq ? NodeKind::kEq : NodeKind::kNe;
    const std::string what = fmt::format("'{}'", token_.text);
    const size_t column = token_.column;
    advance();
    const uint32_t right = parse_primary();
    if (!check_type(left, false, what, column) || !check_type(right, false, what, column)) return 0;
    return add({.kind = kind, .left = left, .right = right});
  }

  uint32_t parse_primary() {
    if (!status_.is_ok()) return 0;
    if (token_.kind == TokenKind::kLParen) {
      advance();
      const uint32_t inner = parse_or();
      if (!status_.is_ok()) return 0;
      if (token_.kind != TokenKind::kRParen) return expected("')'");
      advance();
      return inner;
    }
    if (token_.kind == TokenKind::kString) {
      const uint32_t node = add({.kind = NodeKind::kLiteral, .literal = std::move(token_.value)});
      advance();
      return node;
    }
    if (token_.kind != TokenKind::kIdent) {
      return expected("r.x, p.x, a \"string\", a function call or '('");
    }
    if (token_.text.find('.') != std::string_view::npos) return parse_attribute();
    return parse_call();
  }

  uint32_t expected(std::string_view what) {
    fail("expected {} at column {}, found {}", what, token_.column,
         token_.kind == TokenKind::kEnd ? "the end" : fmt::format("'{}'", token_.text));
    return 0;
  }

  uint32_t parse_attribute() {
    const std::string_view ref = token_.text;
    const size_t dot = ref.find('.');
    const std::string_view owner = ref.substr(0, dot);
    const std::string_view name = ref.substr(dot + 1);
    if (owner != "r" && owner != "p") {
      fail("unknown attribute '{}'; the matcher may reference r.<name> and p.<name>", ref);
      return 0;
    }
    if (name.find('.') != std::string_view::npos) {
      fail("attribute '{}': nested attributes (ABAC) are not supported", ref);
      return 0;
    }
    const bool request = owner == "r";
    const std::span<const std::string> attrs = request ? request_attrs_ : policy_attrs_;
    const auto found = std::find(attrs.begin(), attrs.end(), name);
    if (found == attrs.end()) {
      fail("unknown attribute '{}'; the {} definition declares: {}", ref,
           request ? "request" : "policy", fmt::join(attrs, ", "));
      return 0;
    }
    advance();
    return add({.kind = request ? NodeKind::kRequestAttr : NodeKind::kPolicyAttr,
                .index = static_cast<uint32_t>(found - attrs.begin())});
  }

  std::optional<RbacFunction> function_named(std::string_view name) {
    for (RbacFunction function : {RbacFunction::kG, RbacFunction::kKeyMatch,
                                  RbacFunction::kKeyMatch2, RbacFunction::kRegexMatch}) {
      if (rbac_function_name(function) == name) return function;
    }
    return std::nullopt;
  }

  uint32_t parse_call() {
    const std::string_view name = token_.text;
    const size_t column = token_.column;
    const std::optional<RbacFunction> function = function_named(name);
    advance();
    if (token_.kind != TokenKind::kLParen) {
      fail("unexpected '{}' at column {}; expected r.x, p.x, a \"string\" or a function call", name,
           column);
      return 0;
    }
    if (!function) {
      fail("unsupported function '{}'; supported: {}", name, kSupportedFunctions);
      return 0;
    }
    if (*function == RbacFunction::kG && !has_roles_) {
      fail("g() at column {} needs a role definition ([role_definition] g = _, _)", column);
      return 0;
    }
    std::vector<uint32_t> args;
    advance();
    while (status_.is_ok() && token_.kind != TokenKind::kRParen) {
      if (!args.empty()) {
        if (token_.kind != TokenKind::kComma) return expected("',' or ')'");
        advance();
      }
      const uint32_t arg = parse_or();
      if (!check_type(arg, false, fmt::format("{}()", name), column)) return 0;
      args.push_back(arg);
    }
    if (!status_.is_ok()) return 0;
    advance();
    if (args.size() != 2) {
      fail("{}() at column {} takes 2 arguments, got {}", name, column, args.size());
      return 0;
    }
    Node call{.kind = NodeKind::kCall, .function = *function, .left = args[0], .right = args[1]};
    if (*function == RbacFunction::kKeyMatch2 || *function == RbacFunction::kRegexMatch) {
      if (!add_pattern_site(call, column)) return 0;
    }
    return add(std::move(call));
  }

  bool add_pattern_site(Node& call, size_t column) {
    const Node& pattern = out_.nodes_[call.right];
    RbacPatternSite site{.function = call.function};
    if (pattern.kind == NodeKind::kPolicyAttr) {
      site.policy_attr = pattern.index;
    } else if (pattern.kind == NodeKind::kLiteral) {
      // Checked here so a bad literal is reported at the matcher's line.
      Result<RbacPattern> compiled = RbacPattern::compile(call.function, pattern.literal);
      if (!compiled) {
        fail("{}", compiled.status().message());
        return false;
      }
      site.literal = pattern.literal;
    } else {
      fail(
          "the pattern (second argument) of {}() at column {} must be a \"literal\" or a p "
          "attribute, so it is compiled once at load",
          rbac_function_name(call.function), column);
      return false;
    }
    call.index = static_cast<uint32_t>(out_.sites_.size());
    out_.sites_.push_back(std::move(site));
    return true;
  }

  void flatten_and(uint32_t node_idx) {
    const Node& node = out_.nodes_[node_idx];
    if (node.kind != NodeKind::kAnd) {
      out_.conjuncts_.push_back(node_idx);
      return;
    }
    const uint32_t right = node.right;
    flatten_and(node.left);
    flatten_and(right);
  }

  std::string_view text_;
  std::span<const std::string> request_attrs_;
  std::span<const std::string> policy_attrs_;
  bool has_roles_;
  std::string_view location_;
  RbacMatcher& out_;
  size_t pos_ = 0;
  Token token_;
  Status status_;
};

Result<RbacMatcher> RbacMatcher::parse(std::string_view text,
                                       std::span<const std::string> request_attrs,
                                       std::span<const std::string> policy_attrs, bool has_roles,
                                       std::string_view location) {
  RbacMatcher matcher;
  Parser parser(text, request_attrs, policy_attrs, has_roles, location, matcher);
  MYSTOCKS_RETURN_IF_ERROR(parser.parse());
  return matcher;
}

std::optional<RbacRoleConjunct> RbacMatcher::role_conjunct() const {
  for (size_t conjunct_idx = 0; conjunct_idx < conjuncts_.size(); ++conjunct_idx) {
    const Node& node = nodes_[conjuncts_[conjunct_idx]];
    if (node.kind != NodeKind::kCall || node.function != RbacFunction::kG) continue;
    const Node& member = nodes_[node.left];
    const Node& role = nodes_[node.right];
    if (member.kind == NodeKind::kRequestAttr && role.kind == NodeKind::kPolicyAttr) {
      return RbacRoleConjunct{conjunct_idx, member.index, role.index};
    }
  }
  return std::nullopt;
}

bool RbacMatcher::evaluate(const RbacMatchInput& input, size_t skip_conjunct) const {
  for (size_t conjunct_idx = 0; conjunct_idx < conjuncts_.size(); ++conjunct_idx) {
    if (conjunct_idx != skip_conjunct && !eval_bool(conjuncts_[conjunct_idx], input)) return false;
  }
  return true;
}

bool RbacMatcher::eval_bool(uint32_t node_idx, const RbacMatchInput& input) const {
  const Node& node = nodes_[node_idx];
  switch (node.kind) {
    case NodeKind::kEq:
      return eval_string(node.left, input) == eval_string(node.right, input);
    case NodeKind::kNe:
      return eval_string(node.left, input) != eval_string(node.right, input);
    case NodeKind::kAnd:
      return eval_bool(node.left, input) && eval_bool(node.right, input);
    case NodeKind::kOr:
      return eval_bool(node.left, input) || eval_bool(node.right, input);
    case NodeKind::kNot:
      return !eval_bool(node.left, input);
    case NodeKind::kCall:
      break;
    default:
      return false;  // a string where a condition belongs: parse() rejects it
  }
  const std::string_view key = eval_string(node.left, input);
  switch (node.function) {
    case RbacFunction::kG:
      return input.roles->has_link(key, eval_string(node.right, input));
    case RbacFunction::kKeyMatch:
      return key_match(key, eval_string(node.right, input));
    case RbacFunction::kKeyMatch2:
    case RbacFunction::kRegexMatch:
      return input.patterns[node.index]->matches(key);
  }
  return false;
}

std::string_view RbacMatcher::eval_string(uint32_t node_idx, const RbacMatchInput& input) const {
  const Node& node = nodes_[node_idx];
  switch (node.kind) {
    case NodeKind::kLiteral:
      return node.literal;
    case NodeKind::kRequestAttr:
      return input.request[node.index];
    case NodeKind::kPolicyAttr:
      return input.policy[node.index];
    default:
      return {};  // a condition where a string belongs: parse() rejects it
  }
}

}  // namespace mystocks::gateway
