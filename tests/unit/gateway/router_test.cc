#include "gateway/router.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "core/logging.h"
#include "gateway/request_id.h"

namespace mystocks::gateway {
namespace {

namespace json = boost::json;

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(registry_.add({.path = "/ok/{name}",
                               .resource = "test",
                               .action = "read",
                               .params = {{.name = "name", .in = ParamLocation::kPath},
                                          {.name = "q", .schema = json::object{{"type", "string"}}}},
                               .handler = [](const HttpRequest& request) {
                                 json::object data{{"name", request.path_params.at("name")}};
                                 if (const std::string* q = request.query_param("q")) data["q"] = *q;
                                 data["logged_id"] = std::string(logging::current_request_id());
                                 return ApiReply::ok(std::move(data));
                               }})
                    .is_ok());
    ASSERT_TRUE(registry_.add({.path = "/fail",
                               .resource = "test",
                               .action = "read",
                               .handler = [](const HttpRequest&) {
                                 return ApiReply::fail(field_error(ErrorCode::kInvalidSymbol, "symbol",
                                                                   "symbol 'x' is bad"));
                               }})
                    .is_ok());
    ASSERT_TRUE(registry_.add({.path = "/throw",
                               .resource = "test",
                               .action = "read",
                               .handler = [](const HttpRequest&) -> ApiReply {
                                 throw std::runtime_error("boom");
                               }})
                    .is_ok());
    ASSERT_TRUE(registry_.add({.path = "/list",
                               .resource = "test",
                               .action = "read",
                               .handler = [](const HttpRequest&) {
                                 return ApiReply::page(json::array{1, 2}, {.page = 2, .size = 2, .total = 5});
                               }})
                    .is_ok());
    router_ = std::make_unique<Router>(registry_, metrics_, clock_);
  }

  HttpResponse get(std::string target, HttpMethod method = HttpMethod::kGet,
                   std::string request_id = {}) {
    HttpRequest request;
    request.method = method;
    request.target = std::move(target);
    if (!request_id.empty()) request.headers.emplace_back("x-request-id", request_id);
    return router_->handle(request);
  }

  static std::string header(const HttpResponse& response, const std::string& name) {
    for (const auto& [key, value] : response.headers) {
      if (key == name) return value;
    }
    return {};
  }

  RouteRegistry registry_;
  MetricsRegistry metrics_;
  ManualClock clock_{1706664600000};
  std::unique_ptr<Router> router_;
};

TEST_F(RouterTest, SuccessEnvelopeCarriesRequestIdEverywhere) {
  HttpResponse response = get("/ok/abc?q=%E8%8C%85%E5%8F%B0", HttpMethod::kGet, "client-id-1");
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(header(response, "X-Request-ID"), "client-id-1");
  json::object body = json::parse(response.body).as_object();
  EXPECT_EQ(body["success"], true);
  EXPECT_EQ(body["code"], 0);
  EXPECT_EQ(body["request_id"], "client-id-1");
  EXPECT_EQ(body["timestamp"], 1706664600000);
  EXPECT_EQ(body["data"].as_object()["name"], "abc");
  EXPECT_EQ(body["data"].as_object()["q"], "茅台");
  EXPECT_EQ(body["data"].as_object()["logged_id"], "client-id-1");  // log lines see the id
}

TEST_F(RouterTest, MalformedRequestIdIsReplaced) {
  HttpResponse response = get("/ok/a", HttpMethod::kGet, "bad id with spaces");
  const std::string id = header(response, "X-Request-ID");
  EXPECT_NE(id, "bad id with spaces");
  EXPECT_TRUE(is_well_formed_request_id(id));
  EXPECT_EQ(id.size(), 36u);
}

TEST_F(RouterTest, FailureEnvelopeNamesFieldAndMapsStatus) {
  HttpResponse response = get("/fail");
  EXPECT_EQ(response.status, 400);
  json::object body = json::parse(response.body).as_object();
  EXPECT_EQ(body["success"], false);
  EXPECT_EQ(body["code"], 1001);
  EXPECT_TRUE(body["data"].is_null());
  json::object first = body["errors"].as_array()[0].as_object();
  EXPECT_EQ(first["field"], "symbol");
  EXPECT_EQ(first["code"], "INVALID_SYMBOL");
}

TEST_F(RouterTest, UnknownPathIs404AndWrongMethodIs405WithAllow) {
  HttpResponse missing = get("/nowhere");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(json::parse(missing.body).as_object()["code"], 2001);
  HttpResponse wrong = get("/fail", HttpMethod::kPost);
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(header(wrong, "Allow"), "GET, HEAD, OPTIONS");
  HttpResponse options = get("/fail", HttpMethod::kOptions);
  EXPECT_EQ(options.status, 204);
  EXPECT_EQ(header(options, "Allow"), "GET, HEAD, OPTIONS");
}

TEST_F(RouterTest, MalformedTargetIs400) {
  HttpResponse response = get("/ok/a?q=%zz");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(json::parse(response.body).as_object()["errors"].as_array()[0].as_object()["code"],
            "MALFORMED_REQUEST");
}

TEST_F(RouterTest, HandlerExceptionBecomes500Envelope) {
  HttpResponse response = get("/throw");
  EXPECT_EQ(response.status, 500);
  json::object body = json::parse(response.body).as_object();
  EXPECT_EQ(body["code"], 5000);
  EXPECT_EQ(body["message"].as_string().find("boom"), json::string::npos);  // no internals leak
}

TEST_F(RouterTest, PaginationIsRendered) {
  json::object body = json::parse(get("/list").body).as_object();
  json::object page = body["pagination"].as_object();
  EXPECT_EQ(page["page"], 2);
  EXPECT_EQ(page["total"], 5);
  EXPECT_EQ(page["pages"], 3);
}

TEST_F(RouterTest, CountsRequestsPerRouteTemplate) {
  get("/ok/a");
  get("/ok/b");
  get("/nowhere");
  const std::string text = metrics_.expose();
  EXPECT_NE(text.find(R"(mystocks_http_requests_total{method="GET",route="/ok/{name}",code="2xx"} 2)"),
            std::string::npos) << text;
  EXPECT_NE(text.find(R"(route="unmatched",code="4xx"} 1)"), std::string::npos) << text;
}

TEST(RouterContentTypesTest, AlternateRepresentationsVaryOnAcceptAndEncoding) {
  RouteRegistry registry;
  ASSERT_TRUE(registry.add({.path = "/rows",
                            .resource = "test",
                            .action = "read",
                            .alternate_content_types = {"text/csv"},
                            .handler = [](const HttpRequest&) {
                              return ApiReply::ok(json::value(std::string(4000, 'x')));
                            }})
                  .is_ok());
  MetricsRegistry metrics;
  ManualClock clock{1706664600000};
  Router router(registry, metrics, clock);
  auto vary_of = [](const HttpResponse& response) {
    std::vector<std::string> values;
    for (const auto& [name, value] : response.headers) {
      if (name == "Vary") values.push_back(value);
    }
    return values;
  };
  HttpRequest plain{.target = "/rows"};
  EXPECT_EQ(vary_of(router.handle(plain)), (std::vector<std::string>{"Accept"}));
  HttpRequest gzip{.target = "/rows", .headers = {{"accept-encoding", "gzip"}}};
  EXPECT_EQ(vary_of(router.handle(gzip)), (std::vector<std::string>{"Accept, Accept-Encoding"}));
}

TEST(EnvelopeTest, PreSerialisedDataRendersTheSameEnvelope) {
  ApiReply reply = ApiReply::page(json::array{json::object{{"price", 1850.01}}, 2}, {.page = 1, .size = 2, .total = 3});
  const HttpResponse built = render_envelope(reply, "id-1", 1706664600000);
  const HttpResponse spliced = render_envelope(reply, "id-1", 1706664600000, R"([{"price":1850.01},2])");
  EXPECT_EQ(spliced.body, built.body);
  EXPECT_EQ(built.body,
            R"({"success":true,"code":0,"message":"success","data":[{"price":1850.01},2],)"
            R"("timestamp":1706664600000,"request_id":"id-1","pagination":{"page":1,"size":2,"total":3,"pages":2}})");
  const HttpResponse failed = render_envelope(ApiReply::fail(field_error(ErrorCode::kNotFound, "symbol", "gone")),
                                              "id-2", 1, "ignored");
  EXPECT_EQ(json::parse(failed.body).at("data"), nullptr);
  EXPECT_EQ(failed.status, 404);
}

}  // namespace
}  // namespace mystocks::gateway
