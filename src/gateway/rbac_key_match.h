// Casbin's path-matching functions for RBAC matchers: keyMatch, keyMatch2 and regexMatch, with
// Casbin's semantics (docs/rbac.md). A keyMatch2/regexMatch pattern is compiled once, at policy
// load, into an RbacPattern; a keyMatch2 pattern without regex syntax then matches with a small
// backtracking matcher that neither allocates nor touches std::regex.
// Thread-safety: an RbacPattern is immutable after compile(); matches() is safe from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace mystocks::gateway {

// The functions a matcher may call.
enum class RbacFunction : uint8_t { kG, kKeyMatch, kKeyMatch2, kRegexMatch };

std::string_view rbac_function_name(RbacFunction function);

// Casbin's keyMatch: `key` equals `pattern` up to the pattern's first '*', after which anything
// (or nothing) matches; text after that '*' is ignored. "/foo/bar" matches "/foo/*" and "/foo*".
bool key_match(std::string_view key, std::string_view pattern);

// A compiled keyMatch2 or regexMatch pattern.
//  keyMatch2: anchored; "/*" matches "/" then anything, ":name" and "{name}" one or more characters
//  other than '/'. Everything else keeps its regex meaning, as in Casbin (so "/foo*" matches
//  "/fo" and "/foo" and "/report.csv" matches "/reportXcsv"); such patterns fall back to
//  std::regex. regexMatch: an unanchored std::regex search (ECMAScript grammar, not Go's RE2).
class RbacPattern {
 public:
  // kAuto picks the allocation-free matcher when the keyMatch2 pattern allows it; kRegex forces
  // std::regex (tests compare the two).
  enum class Engine : uint8_t { kAuto, kRegex };

  // `function` is kKeyMatch2 or kRegexMatch. A pattern std::regex rejects is kInvalidConfig
  // naming the pattern.
  static Result<RbacPattern> compile(RbacFunction function, std::string_view pattern,
                                     Engine engine = Engine::kAuto);

  RbacPattern(RbacPattern&&) noexcept;
  RbacPattern& operator=(RbacPattern&&) noexcept;
  ~RbacPattern();

  // May throw std::regex_error when std::regex gives up on an input (complexity, stack); the
  // enforcer catches it and denies.
  bool matches(std::string_view key) const;

  bool uses_regex() const { return regex_ != nullptr; }
  const std::string& pattern() const { return pattern_; }

 private:
  struct Token {
    enum class Kind : uint8_t {
      kLiteral,  // text; '.' matches any character but '\n', as in a regex
      kSegment,  // ":name" or "{name}": [^/]+
      kAny,      // the '*' of "/*": .*
    };
    Kind kind;
    std::string text;
  };
  struct Regex;  // std::regex, kept out of this header

  RbacPattern() = default;
  // Splits a keyMatch2 pattern; false when a literal holds regex syntax the tokens cannot express.
  static bool tokenize(std::string_view pattern, std::vector<Token>& tokens);
  // The regex Casbin builds for the same pattern: "^" + pattern with "/*" -> "/.*" and parameters
  // -> "[^/]+" + "$".
  static std::string to_regex(const std::vector<Token>& tokens);
  static bool match_tokens(const std::vector<Token>& tokens, size_t token_idx, std::string_view key,
                           size_t pos);

  std::string pattern_;
  std::vector<Token> tokens_;     // the fast matcher, when regex_ is null
  std::unique_ptr<Regex> regex_;  // otherwise
};

}  // namespace mystocks::gateway
