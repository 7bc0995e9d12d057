#include "gateway/rbac_key_match.h"

#include <regex>

namespace mystocks::gateway {

namespace {

// Characters with a regex meaning besides '.', which the fast matcher handles itself.
constexpr std::string_view kRegexSyntax = "^$|?*+()[]{}\\";

// A literal as Casbin's regex reads it: '.' is any character but a line break.
bool literal_matches(std::string_view literal, std::string_view key, size_t pos) {
  if (key.size() - pos < literal.size()) return false;
  for (size_t char_idx = 0; char_idx < literal.size(); ++char_idx) {
    const char want = literal[char_idx];
    const char have = key[pos + char_idx];
    if (want == '.' ? have == '\n' : want != have) return false;
  }
  return true;
}

}  // namespace

struct RbacPattern::Regex {
  std::regex regex;
};

std::string_view rbac_function_name(RbacFunction function) {
  switch (function) {
    case RbacFunction::kG:
      return "g";
    case RbacFunction::kKeyMatch:
      return "keyMatch";
    case RbacFunction::kKeyMatch2:
      return "keyMatch2";
    case RbacFunction::kRegexMatch:
      return "regexMatch";
  }
  return "?";
}

bool key_match(std::string_view key, std::string_view pattern) {
  const size_t star = pattern.find('*');
  if (star == std::string_view::npos) return key == pattern;
  // Casbin compares the first `star` bytes, or all of a shorter key against the pattern's prefix.
  return key.substr(0, star) == pattern.substr(0, star);
}

RbacPattern::RbacPattern(RbacPattern&&) noexcept = default;
RbacPattern& RbacPattern::operator=(RbacPattern&&) noexcept = default;
RbacPattern::~RbacPattern() = default;

Result<RbacPattern> RbacPattern::compile(RbacFunction function, std::string_view pattern,
                                         Engine engine) {
  RbacPattern compiled;
  compiled.pattern_ = std::string(pattern);
  std::string regex_text;
  if (function == RbacFunction::kKeyMatch2) {
    const bool simple = tokenize(pattern, compiled.tokens_);
    if (simple && engine == Engine::kAuto) return compiled;
    regex_text = to_regex(compiled.tokens_);
    compiled.tokens_.clear();
  } else if (function == RbacFunction::kRegexMatch) {
    regex_text = compiled.pattern_;
  } else {
    return error(ErrorCode::kInternal, "{} takes no compiled pattern",
                 rbac_function_name(function));
  }
  try {
    compiled.regex_ = std::make_unique<Regex>(
        Regex{std::regex(regex_text, std::regex::ECMAScript | std::regex::optimize)});
  } catch (const std::regex_error& e) {
    return error(ErrorCode::kInvalidConfig,
                 "{} pattern '{}' is not a valid ECMAScript regular expression ({})",
                 rbac_function_name(function), pattern, e.what());
  }
  return compiled;
}

bool RbacPattern::tokenize(std::string_view pattern, std::vector<Token>& tokens) {
  bool simple = true;
  auto append_literal = [&](std::string_view text) {
    if (tokens.empty() || tokens.back().kind != Token::Kind::kLiteral) {
      tokens.push_back({Token::Kind::kLiteral, {}});
    }
    tokens.back().text.append(text);
  };
  size_t pos = 0;
  while (pos < pattern.size()) {
    const char c = pattern[pos];
    if (c == '/' && pattern.substr(pos, 2) == "/*") {
      append_literal("/");
      tokens.push_back({Token::Kind::kAny, {}});
      pos += 2;
      continue;
    }
    // Casbin's `:[^/]+`: the name runs to the next '/', whatever it holds.
    if (c == ':' && pos + 1 < pattern.size() && pattern[pos + 1] != '/') {
      pos = std::min(pattern.find('/', pos), pattern.size());
      tokens.push_back({Token::Kind::kSegment, {}});
      continue;
    }
    // keyMatch3's "{name}", the shortest one: "{a}_{b}" is two parameters.
    if (c == '{') {
      const size_t close = pattern.find_first_of("/}", pos + 1);
      if (close != std::string_view::npos && pattern[close] == '}' && close > pos + 1) {
        tokens.push_back({Token::Kind::kSegment, {}});
        pos = close + 1;
        continue;
      }
    }
    if (kRegexSyntax.find(c) != std::string_view::npos) simple = false;
    append_literal(pattern.substr(pos, 1));
    ++pos;
  }
  return simple;
}

std::string RbacPattern::to_regex(const std::vector<Token>& tokens) {
  std::string regex = "^";
  for (const Token& token : tokens) {
    switch (token.kind) {
      case Token::Kind::kLiteral:
        regex += token.text;
        break;
      case Token::Kind::kSegment:
        regex += "[^/]+";
        break;
      case Token::Kind::kAny:
        regex += ".*";
        break;
    }
  }
  return regex + "$";
}

bool RbacPattern::matches(std::string_view key) const {
  if (regex_ == nullptr) return match_tokens(tokens_, 0, key, 0);
  return std::regex_search(key.data(), key.data() + key.size(), regex_->regex);
}

// Backtracking over the few parameters and wildcards a route pattern has; a token that can take
// a variable length tries the longest first, as the regex would.
bool RbacPattern::match_tokens(const std::vector<Token>& tokens, size_t token_idx,
                               std::string_view key, size_t pos) {
  for (; token_idx < tokens.size(); ++token_idx) {
    const Token& token = tokens[token_idx];
    if (token.kind == Token::Kind::kLiteral) {
      if (!literal_matches(token.text, key, pos)) return false;
      pos += token.text.size();
      continue;
    }
    const char stop_char = token.kind == Token::Kind::kSegment ? '/' : '\n';
    const size_t min_end = token.kind == Token::Kind::kSegment ? pos + 1 : pos;
    size_t end = pos;
    while (end < key.size() && key[end] != stop_char) ++end;
    if (end < min_end) return false;
    if (token_idx + 1 == tokens.size()) return end == key.size();
    for (size_t stop = end + 1; stop-- > min_end;) {
      if (match_tokens(tokens, token_idx + 1, key, stop)) return true;
    }
    return false;
  }
  return pos == key.size();
}

}  // namespace mystocks::gateway
