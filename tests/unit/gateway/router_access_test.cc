// The router's access check with a scripted AccessControl: who the caller is, 401 versus 403,
// CSRF on unsafe methods only, the principal handed to the handler, the per-role rate-limit
// scale, the audit hook, and that cached answers are checked too (and that an answer needing a
// store read on the I/O thread falls back to the slow path instead of blocking).
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "gateway/router.h"

namespace mystocks::gateway {
namespace {

namespace json = boost::json;

// "Bearer <role>" authenticates as that role; "Bearer bad" is a bad credential; "Bearer slow"
// needs a store read. Grants: anyone reads "open", traders and up write "orders".
class ScriptedAccess final : public AccessControl {
 public:
  std::optional<Result<Principal>> authenticate(const HttpRequest& request,
                                                bool may_block) const override {
    const std::string_view header = request.header("authorization");
    if (header.empty()) return Result<Principal>(Principal::anonymous_caller());
    const std::string who(header.substr(7));
    if (who == "bad") return Result<Principal>(error(ErrorCode::kUnauthenticated, "token expired"));
    if (who == "slow" && !may_block) return std::nullopt;
    Principal principal;
    principal.method = who == "cookie" ? AuthMethod::kCookie : AuthMethod::kBearer;
    principal.subject = "u-" + who;
    principal.username = who;
    principal.roles = {who == "cookie" || who == "slow" ? "trader" : who};
    return Result<Principal>(principal);
  }
  bool allowed(const Principal& principal, std::string_view resource,
               std::string_view action) const override {
    if (resource == "open") return true;
    return resource == "orders" && action == "write" && principal.roles[0] == "trader";
  }
  Status check_csrf(const HttpRequest& request, const Principal& principal) const override {
    if (principal.method != AuthMethod::kCookie || !request.header("x-csrf-token").empty()) {
      return Status::ok();
    }
    return error(ErrorCode::kPermissionDenied, "missing CSRF token");
  }
  void audit(const HttpRequest& request, const RouteSpec& route, int status) const override {
    audited.push_back(std::string(method_name(request.method)) + " " + route.path + " " +
                      std::to_string(status));
  }
  double rate_scale(const Principal& principal) const override {
    return principal.anonymous() ? 1 : 3;
  }
  mutable std::vector<std::string> audited;
};

class RouterAccessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto echo_caller = [this](const HttpRequest& request) {
      ++calls_;
      return ApiReply::ok(json::object{{"subject", request.principal.subject}});
    };
    ASSERT_TRUE(registry_.add({.path = "/open", .resource = "open", .action = "read",
                               .cache_tables = {"t"}, .handler = echo_caller}).is_ok());
    ASSERT_TRUE(registry_.add({.method = HttpMethod::kPost, .path = "/orders", .resource = "orders",
                               .action = "write", .handler = echo_caller}).is_ok());
    limiter_ = std::make_unique<RateLimiter>(std::map<std::string, RateClass>{{"default", {2, 1}}},
                                             clock_, metrics_);
    cache_ = std::make_unique<ResponseCache>(ResponseCacheOptions{.max_entries = 10}, clock_, metrics_);
    router_ = std::make_unique<Router>(registry_, metrics_, clock_,
                                       RouterOptions{.rate_limiter = limiter_.get(),
                                                     .response_cache = cache_.get(),
                                                     .access_control = &access_});
  }

  HttpRequest request(HttpMethod method, std::string target, std::string who = {},
                      std::vector<std::pair<std::string, std::string>> headers = {}) {
    HttpRequest out;
    out.method = method;
    out.target = std::move(target);
    out.headers = std::move(headers);
    if (!who.empty()) out.headers.emplace_back("authorization", "Bearer " + who);
    out.remote_address = "10.0.0.1:5555";
    return out;
  }
  HttpResponse send(HttpMethod method, std::string target, std::string who = {},
                    std::vector<std::pair<std::string, std::string>> headers = {}) {
    HttpRequest built = request(method, std::move(target), std::move(who), std::move(headers));
    return router_->handle(built);
  }

  RouteRegistry registry_;
  MetricsRegistry metrics_;
  ManualClock clock_{1'700'000'000'000};
  ScriptedAccess access_;
  std::unique_ptr<RateLimiter> limiter_;
  std::unique_ptr<ResponseCache> cache_;
  std::unique_ptr<Router> router_;
  int calls_ = 0;
};

std::string header(const HttpResponse& response, const std::string& name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return {};
}

TEST(RouteRegistryAccessTest, ARouteWithoutAnAccessRuleIsRefused) {
  RouteRegistry registry;
  Status refused = registry.add({.path = "/x", .handler = [](const HttpRequest&) { return ApiReply::ok(nullptr); }});
  EXPECT_EQ(refused.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(refused.message().find("declares no access rule"), std::string::npos);
}

TEST_F(RouterAccessTest, UnauthenticatedAndForbiddenAreDistinct) {
  HttpResponse anonymous = send(HttpMethod::kPost, "/orders");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(header(anonymous, "WWW-Authenticate"), "Bearer realm=\"mystocks\"");
  HttpResponse bad = send(HttpMethod::kPost, "/orders", "bad");
  EXPECT_EQ(bad.status, 401);
  EXPECT_NE(bad.body.find("token expired"), std::string::npos);
  EXPECT_NE(header(bad, "WWW-Authenticate").find("invalid_token"), std::string::npos);
  HttpResponse viewer = send(HttpMethod::kPost, "/orders", "viewer");
  EXPECT_EQ(viewer.status, 403);
  EXPECT_NE(viewer.body.find("PERMISSION_DENIED"), std::string::npos);
  EXPECT_EQ(calls_, 0);
  HttpResponse trader = send(HttpMethod::kPost, "/orders", "trader");
  EXPECT_EQ(trader.status, 200);
  EXPECT_NE(trader.body.find("\"subject\":\"u-trader\""), std::string::npos);
  EXPECT_EQ(access_.audited, (std::vector<std::string>{"POST /orders 401", "POST /orders 401",
                                                       "POST /orders 403", "POST /orders 200"}));
}

TEST_F(RouterAccessTest, CookieSessionsNeedCsrfOnUnsafeMethodsOnly) {
  EXPECT_EQ(send(HttpMethod::kPost, "/orders", "cookie").status, 403);
  EXPECT_EQ(send(HttpMethod::kPost, "/orders", "cookie", {{"x-csrf-token", "t"}}).status, 200);
  EXPECT_EQ(send(HttpMethod::kGet, "/open", "cookie").status, 200);
}

TEST_F(RouterAccessTest, CachedAnswersAreCheckedAndNeverBlockTheIoThread) {
  ASSERT_EQ(send(HttpMethod::kGet, "/open").status, 200);  // fills the cache
  HttpRequest bad = request(HttpMethod::kGet, "/open", "bad");
  std::optional<HttpResponse> refused = router_->handle_cached(bad);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, 401);
  HttpRequest slow = request(HttpMethod::kGet, "/open", "slow");
  EXPECT_FALSE(router_->handle_cached(slow).has_value()) << "needs the handler pool";
  HttpRequest fine = request(HttpMethod::kGet, "/open", "viewer");
  std::optional<HttpResponse> hit = router_->handle_cached(fine);
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->status, 200);
  EXPECT_EQ(calls_, 1);
}

TEST_F(RouterAccessTest, RateLimitsAreScaledPerRoleAndKeyedBySubject) {
  // Anonymous: capacity 2 per address.
  EXPECT_EQ(send(HttpMethod::kGet, "/open?_a=1").status, 200);
  EXPECT_EQ(send(HttpMethod::kGet, "/open?_a=2").status, 200);
  EXPECT_EQ(send(HttpMethod::kGet, "/open?_a=3").status, 429);
  // Signed in: its own bucket, three times as big, whatever header the client adds.
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(send(HttpMethod::kGet, "/open?_b=" + std::to_string(i), "viewer").status, 200) << i;
  }
  EXPECT_EQ(send(HttpMethod::kGet, "/open?_b=9", "viewer", {{"x-api-key", "other"}}).status, 429);
}

}  // namespace
}  // namespace mystocks::gateway
