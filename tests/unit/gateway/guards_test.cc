// The gateway guards wired through the Router: rate limits (429 + headers, recovery on a manual
// clock), parameter and body validation (400 naming every field), CORS, gzip and ETags.
#include <set>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "gateway/compression.h"
#include "gateway/router.h"

namespace mystocks::gateway {
namespace {

namespace json = boost::json;

std::string header(const HttpResponse& response, const std::string& name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return {};
}

class GuardsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(registry_.add({
        .path = "/api/v1/kline",
        .resource = "test",
        .action = "read",
        .params = {{.name = "symbol", .schema = json::object{{"type", "string"}, {"format", "symbol"}}, .required = true},
                   {.name = "limit", .schema = json::object{{"type", "integer"}, {"minimum", 1}, {"maximum", 1000}, {"default", 100}}},
                   {.name = "interval", .schema = json::object{{"type", "string"}, {"enum", json::array{"1m", "1d"}}, {"default", "1d"}}},
                   {.name = "start", .schema = json::object{{"type", "string"}, {"format", "date-or-epoch-ms"}}},
                   {.name = "symbols", .schema = json::object{{"type", "string"}, {"format", "symbol-list"}, {"maxItems", 3}}}},
        .etag = true,
        .handler = [](const HttpRequest& request) { return ApiReply::ok(request.params); },
    }).is_ok());
    ASSERT_TRUE(registry_.add({
        .method = HttpMethod::kPost,
        .path = "/api/v1/orders",
        .resource = "test",
        .action = "read",
        .request_schema = json::parse(R"({"type":"object","required":["symbol","quantity"],
            "additionalProperties":false,
            "properties":{"symbol":{"type":"string"},"quantity":{"type":"integer","minimum":100},
                          "side":{"type":"string","enum":["buy","sell"]}}})"),
        .rate_class = "heavy",
        .handler = [](const HttpRequest& request) { return ApiReply::ok(request.body_json); },
    }).is_ok());
    ASSERT_TRUE(registry_.add({
        .path = "/big",
        .resource = "test",
        .action = "read",
        .handler = [](const HttpRequest&) { return ApiReply::ok(json::value(std::string(5000, 'x'))); },
    }).is_ok());
    limiter_ = std::make_unique<RateLimiter>(
        std::map<std::string, RateClass>{{"default", {5, 1}}, {"heavy", {2, 1}}}, clock_, metrics_);
    router_ = std::make_unique<Router>(registry_, metrics_, clock_,
                                       RouterOptions{.cors_origins = {"https://app.example"},
                                                     .gzip_min_bytes = 1024,
                                                     .rate_limiter = limiter_.get()});
  }

  HttpResponse send(std::string target, HttpMethod method = HttpMethod::kGet, std::string body = {},
                    std::vector<std::pair<std::string, std::string>> headers = {},
                    std::string remote_address = "10.0.0.1:5555") {
    HttpRequest request;
    request.method = method;
    request.target = std::move(target);
    request.body = std::move(body);
    request.headers = std::move(headers);
    request.remote_address = std::move(remote_address);
    return router_->handle(request);
  }

  RouteRegistry registry_;
  MetricsRegistry metrics_;
  ManualClock clock_{1'700'000'000'000};
  std::unique_ptr<RateLimiter> limiter_;
  std::unique_ptr<Router> router_;
};

TEST_F(GuardsTest, ParamsAreTypedDefaultedAndCanonical) {
  HttpResponse response = send("/api/v1/kline?symbol=sh600519&start=2024-01-31&symbols=600519,000001");
  ASSERT_EQ(response.status, 200) << response.body;
  json::object data = json::parse(response.body).as_object()["data"].as_object();
  EXPECT_EQ(data["symbol"], "600519.SH");
  EXPECT_EQ(data["limit"], 100);
  EXPECT_EQ(data["interval"], "1d");
  EXPECT_EQ(data["start"], 1706630400000);
  EXPECT_EQ(data["symbols"], (json::array{"600519.SH", "000001.SZ"}));
}

TEST_F(GuardsTest, EveryInvalidParameterIsNamed) {
  HttpResponse response = send("/api/v1/kline?limit=0&interval=1w&start=yesterday&symbols=1,2,3,4&colour=red");
  ASSERT_EQ(response.status, 400);
  json::object body = json::parse(response.body).as_object();
  std::map<std::string, std::string> fields;
  for (const json::value& error : body["errors"].as_array()) {
    fields[std::string(error.at("field").as_string())] = std::string(error.at("message").as_string());
  }
  EXPECT_TRUE(fields.contains("symbol")) << "required";
  EXPECT_NE(fields["limit"].find("minimum is 1"), std::string::npos);
  EXPECT_NE(fields["interval"].find("expected one of"), std::string::npos);
  EXPECT_NE(fields["start"].find("is not a time"), std::string::npos);
  EXPECT_TRUE(fields.contains("symbols[0]"));
  EXPECT_NE(fields["colour"].find("unknown query parameter"), std::string::npos);
  EXPECT_EQ(send("/api/v1/kline?symbol=600519&limit=abc").status, 400);
  EXPECT_EQ(send("/api/v1/kline?symbol=600519&limit=5&limit=6").status, 400);
  EXPECT_EQ(send("/api/v1/kline?symbol=600519&_=123").status, 200) << "cache busters pass";
  HttpResponse too_many = send("/api/v1/kline?symbol=600519&symbols=600519,600000,600036,601318");
  EXPECT_NE(too_many.body.find("at most 3 are allowed"), std::string::npos) << too_many.body;
}

TEST_F(GuardsTest, EnvelopeCodeIsTheErrorsOwnCodeWhenTheyAgree) {
  // A bad symbol alone: 1001 INVALID_SYMBOL at the top, as docs/error-codes.md shows.
  json::object symbol = json::parse(send("/api/v1/kline?symbol=AAPL").body).as_object();
  EXPECT_EQ(symbol["code"], 1001);
  EXPECT_EQ(symbol["errors"].as_array()[0].at("code"), "INVALID_SYMBOL");
  json::object bad_list =
      json::parse(send("/api/v1/kline?symbol=600519&symbols=600519,x").body).as_object();
  EXPECT_EQ(bad_list["code"], 1001);
  // A bad time alone: 1002; different kinds of mistakes together: 1000 INVALID_ARGUMENT.
  EXPECT_EQ(json::parse(send("/api/v1/kline?symbol=600519&start=soon").body).at("code"), 1002);
  EXPECT_EQ(json::parse(send("/api/v1/kline?symbol=AAPL&limit=0").body).at("code"), 1000);
}

TEST_F(GuardsTest, JsonBodiesAreValidated) {
  EXPECT_EQ(send("/api/v1/orders", HttpMethod::kPost, R"({"symbol":"600519","quantity":200})").status, 200);
  HttpResponse bad = send("/api/v1/orders", HttpMethod::kPost, R"({"quantity":50,"side":"hold","note":1})");
  ASSERT_EQ(bad.status, 400);
  const std::string& text = bad.body;
  EXPECT_NE(text.find(R"("field":"symbol")"), std::string::npos);
  EXPECT_NE(text.find("the minimum is 100"), std::string::npos);
  EXPECT_NE(text.find(R"("field":"side")"), std::string::npos);
  EXPECT_NE(text.find("note is not a known field"), std::string::npos);
  clock_.advance_ms(10'000);
  HttpResponse malformed = send("/api/v1/orders", HttpMethod::kPost, "{not json");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_NE(malformed.body.find("MALFORMED_REQUEST"), std::string::npos);
}

TEST_F(GuardsTest, RateLimitRefusesWith429AndRecoversAsTokensRefill) {
  for (int i = 0; i < 5; ++i) {
    HttpResponse ok = send("/big");
    ASSERT_EQ(ok.status, 200);
    EXPECT_EQ(header(ok, "X-RateLimit-Limit"), "5");
    EXPECT_EQ(header(ok, "X-RateLimit-Remaining"), std::to_string(4 - i));
  }
  HttpResponse refused = send("/big");
  ASSERT_EQ(refused.status, 429);
  EXPECT_EQ(header(refused, "Retry-After"), "1");
  EXPECT_EQ(header(refused, "X-RateLimit-Remaining"), "0");
  EXPECT_NE(refused.body.find("RATE_LIMIT_EXCEEDED"), std::string::npos);
  // Another client (address) has its own bucket; a header the client picks does not.
  EXPECT_EQ(send("/big", HttpMethod::kGet, {}, {{"x-api-key", "k1"}}).status, 429);
  EXPECT_EQ(send("/big", HttpMethod::kGet, {}, {}, "10.0.0.2:5555").status, 200);
  clock_.advance_ms(1000);
  EXPECT_EQ(send("/big").status, 200) << "one token back after a second";
  EXPECT_EQ(send("/big").status, 429);
  EXPECT_EQ(limiter_->bucket_count(), 2u);
  clock_.advance_ms(11 * 60 * 1000);
  EXPECT_EQ(limiter_->evict_idle(), 2u);
}

TEST_F(GuardsTest, CorsAllowsWhitelistedOriginsAndRefusesOthers) {
  HttpResponse preflight = send("/api/v1/orders", HttpMethod::kOptions, {},
                                {{"origin", "https://app.example"}, {"access-control-request-method", "POST"}});
  EXPECT_EQ(preflight.status, 204);
  EXPECT_EQ(header(preflight, "Access-Control-Allow-Origin"), "https://app.example");
  EXPECT_NE(header(preflight, "Access-Control-Allow-Methods").find("POST"), std::string::npos);
  HttpResponse refused = send("/api/v1/orders", HttpMethod::kOptions, {},
                              {{"origin", "https://evil.example"}, {"access-control-request-method", "POST"}});
  EXPECT_EQ(refused.status, 403);
  HttpResponse simple = send("/big", HttpMethod::kGet, {}, {{"origin", "https://app.example"}});
  EXPECT_EQ(header(simple, "Access-Control-Allow-Origin"), "https://app.example");
  HttpResponse foreign = send("/big", HttpMethod::kGet, {}, {{"origin", "https://evil.example"}});
  EXPECT_EQ(header(foreign, "Access-Control-Allow-Origin"), "");
}

TEST_F(GuardsTest, LargeBodiesAreGzippedAndEtagsGive304) {
  HttpResponse plain = send("/big");
  HttpResponse zipped = send("/big", HttpMethod::kGet, {}, {{"accept-encoding", "gzip, deflate, br"}});
  EXPECT_EQ(header(zipped, "Content-Encoding"), "gzip");
  EXPECT_LT(zipped.body.size(), plain.body.size() / 10);
  EXPECT_EQ(header(plain, "Content-Encoding"), "");
  HttpResponse first = send("/api/v1/kline?symbol=600519");
  const std::string etag = header(first, "ETag");
  ASSERT_FALSE(etag.empty());
  HttpResponse cached = send("/api/v1/kline?symbol=600519", HttpMethod::kGet, {}, {{"if-none-match", etag}});
  EXPECT_EQ(cached.status, 304);
  EXPECT_TRUE(cached.body.empty());
}

TEST(DeprecationTest, SupersededRoutesAnnounceTheirSuccessor) {
  RouteRegistry registry;
  ASSERT_TRUE(registry.add({.path = "/api/v1/old", .version = "v1", .resource = "test", .action = "read", .deprecated = true,
                            .successor = "/api/v2/old", .sunset = "Wed, 01 Jul 2026 00:00:00 GMT",
                            .handler = [](const HttpRequest&) { return ApiReply::ok(nullptr); }})
                  .is_ok());
  MetricsRegistry metrics;
  ManualClock clock;
  Router router(registry, metrics, clock);
  HttpRequest request;
  request.target = "/api/v1/old";
  HttpResponse response = router.handle(request);
  EXPECT_EQ(header(response, "Deprecation"), "true");
  EXPECT_EQ(header(response, "Link"), "</api/v2/old>; rel=\"successor-version\"");
  EXPECT_EQ(header(response, "Sunset"), "Wed, 01 Jul 2026 00:00:00 GMT");
}

TEST(CompressionTest, AcceptEncodingAndEtagMatching) {
  EXPECT_TRUE(accepts_gzip("gzip"));
  EXPECT_TRUE(accepts_gzip("deflate, gzip;q=0.5"));
  EXPECT_TRUE(accepts_gzip("*"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0"));
  EXPECT_FALSE(accepts_gzip("br"));
  EXPECT_FALSE(accepts_gzip(""));
  const std::string etag = strong_etag("abc");
  EXPECT_EQ(etag.size(), 18u);
  EXPECT_TRUE(etag_matches(etag, etag));
  EXPECT_TRUE(etag_matches("\"x\", W/" + etag, etag));
  EXPECT_TRUE(etag_matches("*", etag));
  EXPECT_FALSE(etag_matches("\"other\"", etag));
  EXPECT_NE(strong_etag("abc"), strong_etag("abd"));
}

// The ETag hash reads 32-byte blocks, then 8-byte words, then a tail: a change in any byte of
// any of those parts, or in the length alone (a trailing NUL), gives another tag.
TEST(CompressionTest, EtagChangesWithEveryByteAndTheLength) {
  std::string body(75, 'x');  // two blocks, one word, a 3-byte tail
  std::set<std::string> tags{strong_etag(body)};
  for (size_t position = 0; position < body.size(); ++position) {
    std::string changed = body;
    changed[position] = 'y';
    EXPECT_TRUE(tags.insert(strong_etag(changed)).second) << "byte " << position;
  }
  for (size_t length = 0; length < body.size(); ++length) {
    EXPECT_TRUE(tags.insert(strong_etag(std::string(length, '\0'))).second) << "length " << length;
  }
  EXPECT_EQ(strong_etag(body), strong_etag(std::string(75, 'x')));  // deterministic
  EXPECT_EQ(strong_etag(body).size(), 18u);
}

}  // namespace
}  // namespace mystocks::gateway
