// RBAC: model and policy errors naming file and line, the three effects, transitive roles with a
// cycle, keyMatch2/regexMatch in a matcher, the role index agreeing with a full scan, and the
// shipped config/rbac_*.{conf,csv} against tests/golden/gateway/rbac_decisions.txt.
#include <fstream>
#include <random>
#include <sstream>

#include <gtest/gtest.h>

#include "gateway/rbac_enforcer.h"
#include "support/source_dir.h"

namespace mystocks::gateway {
namespace {

// Line 1 is the request definition, 4 the matcher: cases below edit one line of it.
std::string model_text(std::string_view effect =
                           "some(where (p.eft == allow)) && "
                           "!some(where (p.eft == deny))",
                       std::string_view matcher =
                           "g(r.sub, p.sub) && r.obj == p.obj && "
                           "r.act == p.act") {
  return fmt::format(
      "[request_definition]\nr = sub, obj, act\n[matchers]\nm = {}\n"
      "[policy_definition]\np = sub, obj, act, eft\n[role_definition]\ng = _, _\n"
      "[policy_effect]\ne = {}\n",
      matcher, effect);
}

Result<std::shared_ptr<const RbacEnforcer>> make_enforcer(const std::string& model,
                                                          const std::string& policy) {
  Result<RbacModel> parsed = parse_rbac_model(model, "model.conf");
  if (!parsed) return parsed.status();
  Result<RbacPolicyRules> rules = parse_rbac_policy(policy, "policy.csv", *parsed);
  if (!rules) return rules.status();
  return RbacEnforcer::build(std::move(*parsed), std::move(*rules));
}

struct ErrorCase {
  std::string text;
  std::string where;     // "model.conf:4: " or "model.conf: " when no line applies
  std::string fragment;  // part of the message after `where`
};

void expect_error(const Status& status, const ErrorCase& c) {
  ASSERT_FALSE(status.is_ok()) << c.text;
  EXPECT_EQ(status.code(), ErrorCode::kInvalidConfig) << status.to_string();
  EXPECT_TRUE(status.message().starts_with(c.where)) << status.message() << "\n" << c.text;
  EXPECT_NE(status.message().find(c.fragment), std::string::npos) << status.message();
}

TEST(RbacModelTest, ErrorsNameTheFileAndLine) {
  const std::string base = model_text();
  const auto with_line = [&](int line_no, std::string_view replacement) {
    std::istringstream in(base);
    std::string out, line;
    for (int at = 1; std::getline(in, line); ++at)
      out += (at == line_no ? std::string(replacement) : line) + "\n";
    return out;
  };
  const auto with_matcher = [](std::string_view matcher) {
    return model_text("some(where (p.eft == allow))", matcher);
  };
  const std::vector<ErrorCase> cases = {
      {with_line(3, "[matcher]"), "model.conf:3: ", "unknown section [matcher]; supported:"},
      {with_matcher("keyGet(r.obj, p.obj)"), "model.conf:4: ",
       "unsupported function 'keyGet'; supported: g, keyMatch, keyMatch2, regexMatch"},
      {base + "[matchers]\nm = r.sub == p.sub\n",
       "model.conf:12: ", "a second 'm' in [matchers] (the first is on line 4)"},
      {base + "[matchers]\nm2 = r.sub == p.sub\n", "model.conf:12: ", "unsupported key 'm2'"},
      {model_text("priority(p.eft) || deny"), "model.conf:10: ", "unsupported effect"},
      {model_text("some(where (p.eft == deny))"), "model.conf:10: ", "unsupported effect"},
      {with_line(8, "g2 = _, _"), "model.conf:8: ", "unsupported key 'g2' in [role_definition]"},
      {with_line(8, "g = _, _, _"), "model.conf:8: ", "only 'g = _, _' is supported"},
      {with_line(2, "r = sub, obj, act, obj"), "model.conf:2: ", "'obj' is declared twice"},
      {with_line(2, "r = sub, , act"), "model.conf:2: ", "attribute '' is not a name"},
      {with_line(6, "p = sub, eft, obj"), "model.conf:6: ", "'eft' must be the last"},
      {with_line(2, "r = sub obj"), "model.conf:2: ", "attribute 'sub obj' is not a name"},
      {with_line(2, "r sub, obj"), "model.conf:2: ", "expected 'key = value'"},
      {"r = sub\n" + base, "model.conf:1: ", "outside a [section]"},
      {with_matcher("r.user == p.sub"), "model.conf:4: ",
       "unknown attribute 'r.user'; the request definition declares: sub, obj, act"},
      {with_matcher("r.sub == p.owner"), "model.conf:4: ", "unknown attribute 'p.owner'"},
      {with_matcher("r.sub.Owner == p.sub"), "model.conf:4: ", "nested attributes (ABAC)"},
      {with_matcher("r2.sub == p.sub"), "model.conf:4: ", "unknown attribute 'r2.sub'"},
      {with_matcher("regexMatch(r.obj, \"(\")"),
       "model.conf:4: ", "regexMatch pattern '(' is not a valid ECMAScript regular expression"},
      {with_matcher("keyMatch2(r.obj, r.act)"), "model.conf:4: ",
       "pattern (second argument) of keyMatch2() at column 1 must be a \"literal\" or a p"},
      {with_matcher("keyMatch(r.obj)"),
       "model.conf:4: ", "keyMatch() at column 1 takes 2 arguments, got 1"},
      {with_matcher("g(r.sub, p.sub, r.obj)"), "model.conf:4: ", "takes 2 arguments, got 3"},
      {with_matcher("r.sub == "), "model.conf:4: ", "expected r.x, p.x, a \"string\""},
      {with_matcher("(r.sub == p.sub"),
       "model.conf:4: ", "expected ')' at column 16, found the end"},
      {with_matcher("r.sub == p.sub)"), "model.conf:4: ", "unexpected ')' at column 15"},
      {with_matcher("r.sub == 'x'"), "model.conf:4: ", "unexpected ''' at column 10"},
      {with_matcher("r.sub == p.sub && r.act < p.act"), "model.conf:4: ", "unexpected '<'"},
      {with_matcher("r.sub == \"x"), "model.conf:4: ", "unterminated string starting at column 10"},
      {with_matcher("r.sub && p.sub"), "model.conf:4: ", "'&&' at column 7 takes conditions"},
      {with_matcher("g(r.sub, p.sub) == p.sub"),
       "model.conf:4: ", "'==' at column 17 takes strings"},
      {with_matcher("!r.sub"), "model.conf:4: ", "'!' at column 1 takes conditions"},
      {with_matcher("keyMatch(g(r.sub, p.sub), p.obj)"),
       "model.conf:4: ", "keyMatch() at column 1 takes strings"},
      {with_matcher("r.sub"), "model.conf:4: ", "the matcher is a string, not a condition"},
      {with_matcher("allow"), "model.conf:4: ", "unexpected 'allow' at column 1"},
      {with_matcher(""), "model.conf:4: ", "found the end"},
      {"[request_definition]\nr = sub\n[policy_definition]\np = sub\n[policy_effect]\n"
       "e = some(where (p.eft == allow))\n",
       "model.conf: ", "missing [matchers] with 'm = ...'"},
      {"[request_definition]\nr = sub\n[matchers]\nm = g(r.sub, r.sub)\n[policy_definition]\n"
       "p = sub\n[policy_effect]\ne = some(where (p.eft == allow))\n",
       "model.conf:4: ", "g() at column 1 needs a role definition"},
  };
  for (const ErrorCase& c : cases) {
    Result<RbacModel> model = parse_rbac_model(c.text, "model.conf");
    expect_error(model.status(), c);
  }
}

TEST(RbacModelTest, PolicyErrorsNameTheFileAndLine) {
  const std::vector<ErrorCase> cases = {
      {"# header\np, alice, data1\n", "policy.csv:2: ",
       "'p' line has 2 values; the policy definition 'p = sub, obj, act, eft' needs 4 (or 3 "
       "without eft)"},
      {"p, alice, data1, read, write, allow\n", "policy.csv:1: ", "'p' line has 5 values"},
      {"\np, alice, data1, read, maybe\n",
       "policy.csv:2: ", "unknown eft 'maybe'; expected allow or deny"},
      {"g2, alice, admin\n", "policy.csv:1: ", "policy type 'g2' is not supported"},
      {"p2, alice, data1, read\n", "policy.csv:1: ", "policy type 'p2' is not supported"},
      {"g, alice, admin, domain1\n", "policy.csv:1: ", "'g' line has 3 values"},
      {"p, \"alice, data1, read\n", "policy.csv:1: ", "unterminated quoted field at column 4"},
      {"p, \"alice\" x, data1, read\n", "policy.csv:1: ", "unexpected 'x' after the quoted field"},
  };
  Result<RbacModel> model = parse_rbac_model(model_text(), "model.conf");
  ASSERT_TRUE(model.is_ok()) << model.status().to_string();
  for (const ErrorCase& c : cases) {
    expect_error(parse_rbac_policy(c.text, "policy.csv", *model).status(), c);
  }
  Result<RbacModel> no_roles = parse_rbac_model(
      "[request_definition]\nr = sub\n[policy_definition]\np = sub\n[policy_effect]\n"
      "e = some(where (p.eft == allow))\n[matchers]\nm = r.sub == p.sub\n",
      "plain.conf");
  ASSERT_TRUE(no_roles.is_ok()) << no_roles.status().to_string();
  expect_error(parse_rbac_policy("p, alice\ng, alice, admin\n", "policy.csv", *no_roles).status(),
               {"", "policy.csv:2: ", "the model plain.conf has no [role_definition]"});
  Result<RbacModel> regex_model = parse_rbac_model(
      model_text("some(where (p.eft == allow))", "regexMatch(r.obj, p.obj)"), "model.conf");
  ASSERT_TRUE(regex_model.is_ok()) << regex_model.status().to_string();
  Result<RbacPolicyRules> bad_regex =
      parse_rbac_policy("p, a, /ok, read\n\np, a, /bad/(, read\n", "policy.csv", *regex_model);
  ASSERT_TRUE(bad_regex.is_ok());
  expect_error(RbacEnforcer::build(std::move(*regex_model), std::move(*bad_regex)).status(),
               {"", "policy.csv:3: ", "regexMatch pattern '/bad/(' is not a valid"});
}

TEST(RbacModelTest, PolicyCsvTrimsQuotesAndSkipsComments) {
  Result<RbacModel> model = parse_rbac_model(model_text(), "model.conf");
  ASSERT_TRUE(model.is_ok());
  Result<RbacPolicyRules> rules = parse_rbac_policy(
      "# comment\r\n\r\n  p ,  alice ,\"data, \"\"quoted\"\"\" , read  \r\n"
      "p, bob, data2, write, deny\n  # indented comment\ng, alice, admin\n",
      "policy.csv", *model);
  ASSERT_TRUE(rules.is_ok()) << rules.status().to_string();
  ASSERT_EQ(rules->lines.size(), 2u);
  EXPECT_EQ(rules->lines[0].values,
            (std::vector<std::string>{"alice", "data, \"quoted\"", "read", "allow"}));
  EXPECT_EQ(rules->lines[0].eft, RbacEft::kAllow);
  EXPECT_EQ(rules->lines[0].line, 3);
  EXPECT_EQ(rules->lines[1].eft, RbacEft::kDeny);
  ASSERT_EQ(rules->links.size(), 1u);
  EXPECT_EQ(rules->links[0].member, "alice");
  EXPECT_EQ(rules->links[0].role, "admin");
  EXPECT_EQ(rules->links[0].line, 6);
}

// Allow-override ignores deny lines, deny-override lets them win, !some(deny) allows by default.
TEST(RbacEnforcerTest, EffectsDecideAsCasbin) {
  const std::string policy =
      "p, alice, data1, read, allow\np, alice, data1, read, deny\np, alice, data2, read\n"
      "p, bob, data2, write, deny\n";
  struct Case {
    std::string_view sub, obj, act;
    bool allow_override, deny_override, allow_unless_denied;
  };
  const Case cases[] = {
      {"alice", "data1", "read", true, false, false},  // both an allow and a deny match
      {"alice", "data2", "read", true, true, true},    // only an allow (eft omitted) matches
      {"bob", "data2", "write", false, false, false},  // only a deny matches
      {"bob", "data1", "read", false, false, true},    // nothing matches
      {"carol", "data1", "read", false, false, true},  // unknown subject: nothing matches
  };
  // The same decisions whether enforce() uses the role index or scans every line.
  for (std::string_view matcher : {"g(r.sub, p.sub) && r.obj == p.obj && r.act == p.act",
                                   "!!g(r.sub, p.sub) && r.obj == p.obj && r.act == p.act"}) {
    for (int effect_idx = 0; effect_idx < 3; ++effect_idx) {
      const char* effects[] = {"some(where (p.eft == allow))",
                               "some(where (p.eft == allow)) && !some(where (p.eft == deny))",
                               "!some(where(p.eft==deny))"};
      auto enforcer = make_enforcer(model_text(effects[effect_idx], matcher), policy);
      ASSERT_TRUE(enforcer.is_ok()) << enforcer.status().to_string();
      EXPECT_EQ((*enforcer)->indexed_by_role(), matcher.starts_with("g"));
      for (const Case& c : cases) {
        const bool expected = effect_idx == 0   ? c.allow_override
                              : effect_idx == 1 ? c.deny_override
                                                : c.allow_unless_denied;
        EXPECT_EQ((*enforcer)->enforce(c.sub, c.obj, c.act), expected)
            << effects[effect_idx] << " | " << matcher << " | " << c.sub << " " << c.obj;
      }
    }
  }
}

TEST(RbacEnforcerTest, RolesAreTransitiveAndCyclesTerminate) {
  auto enforcer =
      make_enforcer(model_text(),
                    "g, alice, a\ng, a, b\ng, b, c\ng, c, a\ng, x, x\n"
                    "p, c, vault, open, allow\np, b, vault, open, deny\np, c, log, read, allow\n");
  ASSERT_TRUE(enforcer.is_ok()) << enforcer.status().to_string();
  const RbacEnforcer& rbac = **enforcer;
  EXPECT_EQ(rbac.roles_for("alice"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(rbac.roles_for("a"), (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(rbac.roles_for("c"), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(rbac.roles_for("x").empty());
  EXPECT_TRUE(rbac.roles_for("stranger").empty());
  EXPECT_TRUE(rbac.enforce("alice", "log", "read"));     // through a -> b -> c
  EXPECT_FALSE(rbac.enforce("alice", "vault", "open"));  // b's deny overrides c's allow
  EXPECT_TRUE(rbac.enforce("c", "log", "read"));
  EXPECT_FALSE(rbac.enforce("x", "log", "read"));
}

TEST(RbacEnforcerTest, PatternFunctionsInAMatcher) {
  auto enforcer = make_enforcer(
      model_text("some(where (p.eft == allow))",
                 "g(r.sub, p.sub) && keyMatch2(r.obj, p.obj) && regexMatch(r.act, p.act)"),
      "p, alice, /alice_data/:resource, GET\np, alice, /alice_data2/:id/using/:resId, GET|POST\n"
      "p, bob, /orders/{id}/*, ^(GET|DELETE)$\np, bob, /v(1|2)/status, GET\n");
  ASSERT_TRUE(enforcer.is_ok()) << enforcer.status().to_string();
  struct Case {
    std::string_view sub, obj, act;
    bool expected;
  };
  const Case cases[] = {
      {"alice", "/alice_data/hello", "GET", true},
      {"alice", "/alice_data/", "GET", false},
      {"alice", "/alice_data/hello/x", "GET", false},
      {"alice", "/alice_data2/myid/using/res_id", "POST", true},
      {"alice", "/alice_data2/myid/using/res_id", "PUT", false},
      {"bob", "/orders/42/fills", "DELETE", true},
      {"bob", "/orders/42/fills", "DELETE2", false},  // the policy's regex is anchored
      {"bob", "/orders/42", "GET", false},
      {"bob", "/v2/status", "GET", true},
      {"bob", "/v3/status", "GET", false},
      {"alice", "/v2/status", "GET", false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ((*enforcer)->enforce(c.sub, c.obj, c.act), c.expected)
        << c.sub << " " << c.obj << " " << c.act;
  }
}

TEST(RbacEnforcerTest, RequestOfTheWrongSizeIsDenied) {
  auto enforcer = make_enforcer(model_text(), "p, alice, data1, read\n");
  ASSERT_TRUE(enforcer.is_ok());
  EXPECT_EQ((*enforcer)->request_arity(), 3u);
  const std::string_view two[] = {"alice", "data1"};
  const std::string_view four[] = {"alice", "data1", "read", "extra"};
  EXPECT_FALSE((*enforcer)->enforce(two));
  EXPECT_FALSE((*enforcer)->enforce(four));
  EXPECT_TRUE((*enforcer)->enforce("alice", "data1", "read"));
}

// Property: the role index only skips lines that cannot match, on random role graphs (with
// cycles) and policies.
TEST(RbacEnforcerTest, RoleIndexAgreesWithAFullScan) {
  std::mt19937 random(7);
  const std::vector<std::string> names = {"u1", "u2", "u3", "r1", "r2", "r3", "r4"};
  const std::vector<std::string> objects = {"a", "b", "c/*", "*"};
  const std::vector<std::string> actions = {"read", "write", "*"};
  auto any = [&](const std::vector<std::string>& from) { return from[random() % from.size()]; };
  const std::string rest = "keyMatch(r.obj, p.obj) && (r.act == p.act || p.act == \"*\")";
  for (int round = 0; round < 40; ++round) {
    std::string policy;
    for (int link = 0; link < 6; ++link)
      policy += fmt::format("g, {}, {}\n", any(names), any(names));
    for (int line = 0; line < 10; ++line) {
      policy += fmt::format("p, {}, {}, {}, {}\n", any(names), any(objects), any(actions),
                            random() % 3 == 0 ? "deny" : "allow");
    }
    const std::string effect = "some(where (p.eft == allow)) && !some(where (p.eft == deny))";
    auto indexed = make_enforcer(model_text(effect, "g(r.sub, p.sub) && " + rest), policy);
    // A disjunction hides the g conjunct from the index: every line is evaluated.
    auto scanned = make_enforcer(
        model_text(effect, "(g(r.sub, p.sub) || g(r.sub, p.sub)) && " + rest), policy);
    ASSERT_TRUE(indexed.is_ok() && scanned.is_ok());
    ASSERT_TRUE((*indexed)->indexed_by_role());
    ASSERT_FALSE((*scanned)->indexed_by_role());
    for (const std::string& sub : names) {
      for (std::string_view obj : {"a", "b", "c/x", "d"}) {
        for (std::string_view act : {"read", "write", "delete"}) {
          EXPECT_EQ((*indexed)->enforce(sub, obj, act), (*scanned)->enforce(sub, obj, act))
              << policy << sub << " " << obj << " " << act;
        }
      }
    }
  }
}

// Data-driven: tests/golden/gateway/rbac_decisions.txt against the shipped files.
TEST(RbacShippedConfigTest, DecisionsMatchTheGoldenTable) {
  auto enforcer = RbacEnforcer::load(test::source_path("config/rbac_model.conf"),
                                     test::source_path("config/rbac_policy.csv"));
  ASSERT_TRUE(enforcer.is_ok()) << enforcer.status().to_string();
  EXPECT_TRUE((*enforcer)->indexed_by_role());
  EXPECT_EQ((*enforcer)->roles_for("admin"),
            (std::vector<std::string>{"operator", "trader", "viewer", "anonymous"}));
  EXPECT_EQ((*enforcer)->roles_for("viewer"), (std::vector<std::string>{"anonymous"}));
  std::ifstream in(test::source_path("tests/golden/gateway/rbac_decisions.txt"));
  ASSERT_TRUE(in);
  std::string line;
  int cases = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line.starts_with("#")) continue;
    std::istringstream fields(line);
    std::string sub, obj, act, arrow, expected;
    fields >> sub >> obj >> act >> arrow >> expected;
    ASSERT_TRUE(arrow == "=>" && (expected == "allow" || expected == "deny")) << line;
    EXPECT_EQ((*enforcer)->enforce(sub, obj, act), expected == "allow") << line;
    ++cases;
  }
  EXPECT_GT(cases, 30);
}

}  // namespace
}  // namespace mystocks::gateway
