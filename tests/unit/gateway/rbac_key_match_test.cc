// Casbin's matching functions against the behaviour Casbin documents and tests (its
// util/builtin_operators_test.go cases, restated as tables), and the allocation-free keyMatch2
// matcher against the std::regex translation Casbin itself uses, on random patterns.
#include "gateway/rbac_key_match.h"

#include <random>

#include <gtest/gtest.h>

namespace mystocks::gateway {
namespace {

struct MatchCase {
  std::string_view key;
  std::string_view pattern;
  bool expected;
};

constexpr MatchCase kKeyMatchCases[] = {
    {"/foo", "/foo", true},
    {"/foo", "/foo*", true},
    {"/foo", "/foo/*", false},
    {"/foo/bar", "/foo", false},
    {"/foo/bar", "/foo*", true},
    {"/foo/bar", "/foo/*", true},
    {"/foobar", "/foo", false},
    {"/foobar", "/foo*", true},
    {"/foobar", "/foo/*", false},
    {"/foo/", "/foo/*", true},
    {"anything", "*", true},
    {"", "*", true},
    // Only the first '*' counts; the rest of the pattern is ignored.
    {"/a/zzz", "/a/*/b", true},
    {"room:quote:600519", "room:quote:*", true},
    {"room:depth:600519", "room:quote:*", false},
};

TEST(RbacKeyMatchTest, KeyMatchFollowsCasbin) {
  for (const MatchCase& c : kKeyMatchCases) {
    EXPECT_EQ(key_match(c.key, c.pattern), c.expected) << c.key << " ~ " << c.pattern;
  }
}

constexpr MatchCase kKeyMatch2Cases[] = {
    {"/foo", "/foo", true},
    {"/foo", "/foo*", true},  // a regex quantifier on 'o', as in Casbin
    {"/foo", "/foo/*", false},
    {"/foo/bar", "/foo", false},
    {"/foo/bar", "/foo*", false},  // unlike keyMatch
    {"/foo/bar", "/foo/*", true},
    {"/foobar", "/foo", false},
    {"/foobar", "/foo*", false},  // unlike keyMatch
    {"/foobar", "/foo/*", false},
    {"/", "/:resource", false},
    {"/resource1", "/:resource", true},
    {"/myid", "/:id/using/:resId", false},
    {"/myid/using/myresid", "/:id/using/:resId", true},
    {"/proxy/myid", "/proxy/:id/*", false},
    {"/proxy/myid/", "/proxy/:id/*", true},
    {"/proxy/myid/res", "/proxy/:id/*", true},
    {"/proxy/myid/res/res2", "/proxy/:id/*", true},
    {"/proxy/myid/res/res2/res3", "/proxy/:id/*", true},
    {"/proxy/", "/proxy/:id/*", false},
    {"/alice", "/:id", true},
    {"/alice/all", "/:id/all", true},
    {"/alice", "/:id/all", false},
    {"/alice/all", "/:id", false},
    {"/alice/all", "/:/all", false},  // ':' without a name is literal
    // "{name}", Casbin's keyMatch3 spelling, accepted too.
    {"/", "/{resource}", false},
    {"/resource1", "/{resource}", true},
    {"/myid/using/myresid", "/{id}/using/{resId}", true},
    {"/proxy/myid/", "/proxy/{id}/*", true},
    {"/proxy/", "/proxy/{id}/*", false},
    {"/api/project1_admin/info", "/api/{proj}_admin/info", true},
    {"/api/project1_user/info", "/api/{proj}_admin/info", false},
    // '.' keeps its regex meaning.
    {"/files/report.csv", "/files/report.csv", true},
    {"/files/reportXcsv", "/files/report.csv", true},
    {"/files/report\ncsv", "/files/report.csv", false},
    // Regex syntax beyond '.' goes through std::regex.
    {"/v1/orders", "/v(1|2)/orders", true},
    {"/v3/orders", "/v(1|2)/orders", false},
    {"/api/kline", "/api/[a-z]+", true},
    {"/api/k1", "/api/[a-z]+", false},
};

TEST(RbacKeyMatchTest, KeyMatch2FollowsCasbinWithBothEngines) {
  for (const MatchCase& c : kKeyMatch2Cases) {
    for (RbacPattern::Engine engine : {RbacPattern::Engine::kAuto, RbacPattern::Engine::kRegex}) {
      Result<RbacPattern> pattern =
          RbacPattern::compile(RbacFunction::kKeyMatch2, c.pattern, engine);
      ASSERT_TRUE(pattern.is_ok()) << pattern.status().to_string();
      EXPECT_EQ(pattern->matches(c.key), c.expected)
          << c.key << " ~ " << c.pattern << (pattern->uses_regex() ? " (regex)" : " (fast)");
    }
  }
}

TEST(RbacKeyMatchTest, KeyMatch2UsesTheFastMatcherForPlainRoutes) {
  for (std::string_view plain : {"/api/v1/orders/:id", "/proxy/{id}/*", "/files/report.csv", "/"}) {
    Result<RbacPattern> pattern = RbacPattern::compile(RbacFunction::kKeyMatch2, plain);
    ASSERT_TRUE(pattern.is_ok());
    EXPECT_FALSE(pattern->uses_regex()) << plain;
  }
  Result<RbacPattern> regex = RbacPattern::compile(RbacFunction::kKeyMatch2, "/v(1|2)/x");
  ASSERT_TRUE(regex.is_ok());
  EXPECT_TRUE(regex->uses_regex());
}

constexpr MatchCase kRegexMatchCases[] = {
    {"/topic/create", "/topic/create", true},
    {"/topic/create/123", "/topic/create", true},  // a search, not anchored
    {"/topic/delete", "/topic/create", false},
    {"/topic/edit", "/topic/edit/[0-9]+", false},
    {"/topic/edit/123", "/topic/edit/[0-9]+", true},
    {"/topic/edit/abc", "/topic/edit/[0-9]+", false},
    {"/foo/delete/123", "/topic/delete/[0-9]+", false},
    {"/topic/delete/0", "/topic/delete/[0-9]+", true},
    {"/topic/edit/123s", "/topic/delete/[0-9]+", false},
    {"GET", "^(GET|POST)$", true},
    {"DELETE", "^(GET|POST)$", false},
};

TEST(RbacKeyMatchTest, RegexMatchFollowsCasbin) {
  for (const MatchCase& c : kRegexMatchCases) {
    Result<RbacPattern> pattern = RbacPattern::compile(RbacFunction::kRegexMatch, c.pattern);
    ASSERT_TRUE(pattern.is_ok()) << pattern.status().to_string();
    EXPECT_EQ(pattern->matches(c.key), c.expected) << c.key << " ~ " << c.pattern;
  }
}

TEST(RbacKeyMatchTest, InvalidRegexIsAConfigError) {
  for (auto [function, text] :
       {std::pair{RbacFunction::kRegexMatch, "("}, std::pair{RbacFunction::kRegexMatch, "[a-"},
        std::pair{RbacFunction::kKeyMatch2, "/a/(b"}}) {
    Result<RbacPattern> pattern = RbacPattern::compile(function, text);
    ASSERT_FALSE(pattern.is_ok()) << text;
    EXPECT_EQ(pattern.status().code(), ErrorCode::kInvalidConfig);
    EXPECT_NE(pattern.status().message().find(std::string("'") + text + "'"), std::string::npos)
        << pattern.status().message();
  }
}

// Property: on patterns without regex syntax, the fast matcher agrees with the regex Casbin
// builds, including backtracking over parameters followed by literals and several wildcards.
// Keys are instances of the pattern, some with one character changed, so both outcomes occur.
TEST(RbacKeyMatchTest, FastKeyMatch2AgreesWithRegexOnRandomPatterns) {
  const std::vector<std::string> parts = {"/", "a", "b", ".", "_", ":id", "{x}", "/*", "ab"};
  const std::string alphabet = "/ab._x\n";
  std::mt19937 random(20240611);
  auto pick = [&](std::string_view from) { return from[random() % from.size()]; };
  auto some_text = [&](std::string_view from, size_t max_length) {
    std::string text;
    for (size_t length = random() % (max_length + 1); length > 0; --length) text += pick(from);
    return text;
  };
  // A key the pattern part would match, most of the time.
  auto instance_of = [&](const std::string& part) -> std::string {
    if (part == ":id" || part == "{x}")
      return std::string(1, pick("ab_x.")) + some_text("ab_x.", 3);
    if (part == "/*") return "/" + some_text(alphabet, 4);
    if (part == ".") return std::string(1, pick("a.x"));
    return part;
  };
  int cases = 0, matched = 0, disagreements = 0;
  for (int round = 0; round < 500; ++round) {
    std::string text, key;
    for (size_t part_count = 1 + random() % 6; part_count > 0; --part_count) {
      const std::string& part = parts[random() % parts.size()];
      text += part;
      key += instance_of(part);
    }
    Result<RbacPattern> fast = RbacPattern::compile(RbacFunction::kKeyMatch2, text);
    Result<RbacPattern> regex =
        RbacPattern::compile(RbacFunction::kKeyMatch2, text, RbacPattern::Engine::kRegex);
    ASSERT_TRUE(fast.is_ok() && regex.is_ok()) << text;
    ASSERT_FALSE(fast->uses_regex()) << text;
    for (int probe = 0; probe < 8; ++probe) {
      std::string probe_key = key;
      if (probe > 0 && !probe_key.empty()) probe_key[random() % probe_key.size()] = pick(alphabet);
      if (probe > 4) probe_key.insert(random() % (probe_key.size() + 1), 1, pick(alphabet));
      const bool expected = regex->matches(probe_key);
      ++cases;
      matched += expected ? 1 : 0;
      if (fast->matches(probe_key) != expected && ++disagreements <= 5) {
        ADD_FAILURE() << "pattern '" << text << "' key '" << probe_key << "': regex says "
                      << expected;
      }
    }
  }
  EXPECT_EQ(disagreements, 0);
  EXPECT_GT(matched, cases / 5) << "too few matching keys to exercise the matcher";
  EXPECT_LT(matched, cases * 4 / 5) << "too few non-matching keys";
}

}  // namespace
}  // namespace mystocks::gateway
