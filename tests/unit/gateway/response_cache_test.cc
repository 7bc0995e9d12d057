// The response cache through the Router: hits skip the handler but keep the per-request parts
// (request id, time, rate limit, CORS, 304, gzip); errors are never kept; entries go stale when
// a table they derive from changes or their TTL passes (manual clock); gzip of a cached body is
// one valid gzip member equal to the plain body.
#include <boost/json.hpp>
#include <gtest/gtest.h>
#include <zlib.h>

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

std::string gunzip(const std::string& compressed) {
  z_stream stream{};
  EXPECT_EQ(inflateInit2(&stream, 15 + 16), Z_OK);
  std::string out(compressed.size() * 50 + 1024, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int result = inflate(&stream, Z_FINISH);
  EXPECT_EQ(result, Z_STREAM_END) << "not one complete gzip member (CRC or length wrong?)";
  EXPECT_EQ(stream.avail_in, 0u) << "bytes after the gzip member";
  out.resize(stream.total_out);
  inflateEnd(&stream);
  return out;
}

TEST(GzipPrefixTest, PrefixPlusStoredRestIsOneValidMember) {
  std::string head;
  for (int i = 0; i < 3000; ++i) head += "{\"ts\":" + std::to_string(1700000000000 + i) + "},";
  for (const std::string& rest :
       {std::string(), std::string("\"request_id\":\"abc\"}"), std::string(70000, 'r')}) {
    std::optional<GzipPrefix> prefix = gzip_prefix(head);
    ASSERT_TRUE(prefix.has_value());
    EXPECT_LT(prefix->bytes.size(), head.size() / 3) << "the head is compressed";
    std::string out;
    gzip_complete(*prefix, rest, out);
    EXPECT_EQ(gunzip(out), head + rest) << "rest of " << rest.size() << " bytes";
  }
}

class ResponseCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(
        registry_
            .add({
                .path = "/api/v1/kline",
                .resource = "test",
                .action = "read",
                .params = {{.name = "symbol",
                            .schema = json::object{{"type", "string"}},
                            .required = true},
                           {.name = "fail",
                            .schema = json::object{{"type", "boolean"}, {"default", false}}}},
                .alternate_content_types = {"text/csv"},
                .etag = true,
                .cache_tables = {"daily_kline"},
                .cache_ttl_ms = 60'000,
                .handler =
                    [this](const HttpRequest& request) {
                      ++calls_;
                      if (request.params.at("fail").as_bool()) {
                        return ApiReply::fail(error(ErrorCode::kUnavailable, "store down"));
                      }
                      std::string text = "{\"symbol\":\"" +
                                         std::string(request.params.at("symbol").as_string()) +
                                         "\",\"version\":" + std::to_string(version_) +
                                         ",\"pad\":\"" + std::string(2000, 'x') + "\"}";
                      return ApiReply::ok_text(std::move(text));
                    },
            })
            .is_ok());
    ASSERT_TRUE(
        registry_
            .add({
                .path = "/api/v1/list",
                .resource = "test",
                .action = "read",
                .params = {{.name = "table", .schema = json::object{{"type", "string"}}}},
                .cache_tables = {"symbols"},
                .cache_tables_for = [](const HttpRequest& request) -> std::vector<std::string> {
                  const std::string* table = request.query_param("table");
                  return {table != nullptr ? *table : "symbols"};
                },
                .handler =
                    [this](const HttpRequest&) {
                      ++calls_;
                      return ApiReply::page(json::array{version_},
                                            Pagination{.page = 1, .size = 10, .total = 1});
                    },
            })
            .is_ok());
    ASSERT_TRUE(registry_
                    .add({
                        .path = "/api/v1/uncached",
                        .resource = "test",
                        .action = "read",
                        .handler =
                            [this](const HttpRequest&) {
                              ++calls_;
                              return ApiReply::ok(json::value(1));
                            },
                    })
                    .is_ok());
    limiter_ = std::make_unique<RateLimiter>(std::map<std::string, RateClass>{{"default", {4, 1}}},
                                             clock_, metrics_);
    cache_ =
        std::make_unique<ResponseCache>(ResponseCacheOptions{.max_entries = 100}, clock_, metrics_);
    router_ = std::make_unique<Router>(registry_, metrics_, clock_,
                                       RouterOptions{.cors_origins = {"https://app.example"},
                                                     .gzip_min_bytes = 1024,
                                                     .rate_limiter = limiter_.get(),
                                                     .response_cache = cache_.get()});
  }

  HttpRequest request(std::string target,
                      std::vector<std::pair<std::string, std::string>> headers = {}) {
    HttpRequest out;
    out.target = std::move(target);
    out.headers = std::move(headers);
    out.remote_address = "10.0.0.1:5555";
    return out;
  }
  HttpResponse send(std::string target,
                    std::vector<std::pair<std::string, std::string>> headers = {}) {
    HttpRequest in = request(std::move(target), std::move(headers));
    return router_->handle(in);
  }
  double hits() { return metrics_.counter("mystocks_response_cache_hits_total", "").get().value(); }

  RouteRegistry registry_;
  MetricsRegistry metrics_;
  ManualClock clock_{1'700'000'000'000};
  std::unique_ptr<RateLimiter> limiter_;
  std::unique_ptr<ResponseCache> cache_;
  std::unique_ptr<Router> router_;
  int calls_ = 0;
  int version_ = 1;
};

TEST_F(ResponseCacheTest, AHitSkipsTheHandlerButGetsItsOwnRequestIdAndTime) {
  HttpResponse first = send("/api/v1/kline?symbol=A", {{"x-request-id", "first-id"}});
  ASSERT_EQ(first.status, 200) << first.body;
  clock_.advance_ms(5);
  HttpResponse second = send("/api/v1/kline?symbol=A", {{"x-request-id", "second-id"}});
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(calls_, 1);
  EXPECT_EQ(hits(), 1);
  EXPECT_EQ(header(second, "X-Request-ID"), "second-id");
  json::object a = json::parse(first.body).as_object();
  json::object b = json::parse(second.body).as_object();
  EXPECT_EQ(b["request_id"], "second-id");
  EXPECT_EQ(b["timestamp"].as_int64(), a["timestamp"].as_int64() + 5);
  EXPECT_EQ(a["data"], b["data"]);
  EXPECT_EQ(header(first, "ETag"), header(second, "ETag"));
  EXPECT_EQ(second.content_type, "application/json");
}

TEST_F(ResponseCacheTest, TheQueryIsCanonicalAndDifferentQueriesAreDifferentEntries) {
  send("/api/v1/kline?symbol=A&fail=false");
  send("/api/v1/kline?fail=false&symbol=A");
  EXPECT_EQ(calls_, 1) << "parameter order does not matter";
  send("/api/v1/kline?symbol=B&fail=false");
  EXPECT_EQ(calls_, 2);
  send("/api/v1/kline?symbol=A&fail=false", {{"accept", "text/csv"}});
  EXPECT_EQ(calls_, 3) << "Accept selects the representation, so it is part of the key";
  send("/api/v1/kline?symbol=A&fail=false", {{"accept", "*/*"}});
  EXPECT_EQ(calls_, 3) << "no Accept is */*";
  clock_.advance_ms(10'000);  // refill the rate-limit bucket (capacity 4)
  send("/api/v1/list");
  send("/api/v1/list", {{"accept", "application/json"}});
  EXPECT_EQ(calls_, 4) << "a route with one representation ignores Accept";
}

TEST_F(ResponseCacheTest, HandleCachedAnswersOnlyHitsAndCountsNoMiss) {
  HttpRequest cold = request("/api/v1/kline?symbol=A");
  EXPECT_FALSE(router_->handle_cached(cold).has_value());
  EXPECT_EQ(metrics_.counter("mystocks_response_cache_misses_total", "", {"reason"})
                .with({"absent"})
                .value(),
            0);
  send("/api/v1/kline?symbol=A");
  HttpRequest warm = request("/api/v1/kline?symbol=A", {{"x-request-id", "warm"}});
  std::optional<HttpResponse> hit = router_->handle_cached(warm);
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->status, 200);
  EXPECT_EQ(header(*hit, "X-Request-ID"), "warm");
  EXPECT_EQ(calls_, 1);
  HttpRequest uncached = request("/api/v1/uncached");
  EXPECT_FALSE(router_->caches(*router_->route_for(uncached)));
  EXPECT_FALSE(router_->handle_cached(uncached).has_value());
}

TEST_F(ResponseCacheTest, TheFirstLookLeavesAStaleEntryForTheCountedLookToDrop) {
  send("/api/v1/kline?symbol=A");
  cache_->invalidate_table("daily_kline");
  HttpRequest first_look = request("/api/v1/kline?symbol=A");
  EXPECT_FALSE(router_->handle_cached(first_look).has_value());
  auto& misses = metrics_.counter("mystocks_response_cache_misses_total", "", {"reason"});
  EXPECT_EQ(misses.with({"stale"}).value(), 0);
  EXPECT_EQ(cache_->size(), 1u);
  send("/api/v1/kline?symbol=A");  // what the handler pool then runs
  EXPECT_EQ(misses.with({"stale"}).value(), 1);
  EXPECT_EQ(misses.with({"absent"}).value(), 1) << "only the very first request";
  EXPECT_EQ(calls_, 2);
}

TEST_F(ResponseCacheTest, OneMissClaimsTheFillAndOthersAreToldToWaitForIt) {
  HttpRequest first = request("/api/v1/kline?symbol=A");
  Router::CacheMiss leader;
  EXPECT_FALSE(router_->handle_cached(first, &leader).has_value());
  EXPECT_TRUE(leader.fill.leader());
  EXPECT_FALSE(leader.filling);
  HttpRequest second = request("/api/v1/kline?symbol=A");
  Router::CacheMiss follower;
  EXPECT_FALSE(router_->handle_cached(second, &follower).has_value());
  EXPECT_TRUE(follower.filling) << "the first request is computing this answer";
  EXPECT_FALSE(follower.fill.leader());
  HttpRequest other = request("/api/v1/kline?symbol=B");
  Router::CacheMiss unrelated;
  router_->handle_cached(other, &unrelated);
  EXPECT_TRUE(unrelated.fill.leader()) << "claims are per key";

  HttpRequest computed = request("/api/v1/kline?symbol=A");
  EXPECT_EQ(router_->handle(computed).status, 200);  // the leader's work on the handler pool
  leader = Router::CacheMiss();                      // released when the session is done
  HttpRequest third = request("/api/v1/kline?symbol=A");
  Router::CacheMiss after;
  EXPECT_TRUE(router_->handle_cached(third, &after).has_value()) << "the waiting one now hits";
  EXPECT_EQ(calls_, 1);

  // A fill that ends without an entry (an error) lets the next request claim it.
  HttpRequest failing = request("/api/v1/kline?symbol=A&fail=true");
  Router::CacheMiss failed;
  router_->handle_cached(failing, &failed);
  EXPECT_TRUE(failed.fill.leader());
  failed = Router::CacheMiss();
  Router::CacheMiss retry;
  HttpRequest again = request("/api/v1/kline?symbol=A&fail=true");
  router_->handle_cached(again, &retry);
  EXPECT_TRUE(retry.fill.leader());
}

TEST_F(ResponseCacheTest, IfNoneMatchOnAHitIs304) {
  HttpResponse first = send("/api/v1/kline?symbol=A");
  HttpResponse again = send("/api/v1/kline?symbol=A", {{"if-none-match", header(first, "ETag")}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(header(again, "ETag"), header(first, "ETag"));
  EXPECT_EQ(calls_, 1);
}

TEST_F(ResponseCacheTest, GzipHitsDecompressToTheirOwnEnvelope) {
  send("/api/v1/kline?symbol=A");
  for (const char* id : {"gz-1", "gz-2"}) {
    HttpResponse zipped =
        send("/api/v1/kline?symbol=A", {{"accept-encoding", "gzip, br"}, {"x-request-id", id}});
    ASSERT_EQ(zipped.status, 200);
    EXPECT_EQ(header(zipped, "Content-Encoding"), "gzip");
    EXPECT_NE(header(zipped, "Vary").find("Accept-Encoding"), std::string::npos);
    json::object body = json::parse(gunzip(zipped.body)).as_object();
    EXPECT_EQ(body["request_id"], id);
    EXPECT_EQ(body["data"].as_object()["version"], 1);
  }
  EXPECT_EQ(calls_, 1);
  HttpResponse plain = send("/api/v1/kline?symbol=A");
  EXPECT_TRUE(header(plain, "Content-Encoding").empty());
  EXPECT_TRUE(json::parse(plain.body).is_object());
}

TEST_F(ResponseCacheTest, CorsIsAppliedPerRequest) {
  send("/api/v1/kline?symbol=A");
  HttpResponse allowed = send("/api/v1/kline?symbol=A", {{"origin", "https://app.example"}});
  EXPECT_EQ(header(allowed, "Access-Control-Allow-Origin"), "https://app.example");
  HttpResponse other = send("/api/v1/kline?symbol=A", {{"origin", "https://evil.example"}});
  EXPECT_TRUE(header(other, "Access-Control-Allow-Origin").empty());
  EXPECT_EQ(calls_, 1);
}

TEST_F(ResponseCacheTest, AHitStillTakesARateLimitToken) {
  for (int request_idx = 0; request_idx < 4; ++request_idx) {
    HttpResponse response = send("/api/v1/kline?symbol=A");
    ASSERT_EQ(response.status, 200);
    EXPECT_EQ(header(response, "X-RateLimit-Remaining"), std::to_string(3 - request_idx));
  }
  HttpResponse refused = send("/api/v1/kline?symbol=A");
  EXPECT_EQ(refused.status, 429);
  EXPECT_FALSE(header(refused, "Retry-After").empty());
  EXPECT_EQ(calls_, 1);
}

TEST_F(ResponseCacheTest, ErrorsAreNeverCached) {
  EXPECT_EQ(send("/api/v1/kline?symbol=A&fail=true").status, 503);
  EXPECT_EQ(send("/api/v1/kline?symbol=A&fail=true").status, 503);
  EXPECT_EQ(calls_, 2);
  EXPECT_EQ(send("/api/v1/kline").status, 400);  // missing symbol: validation, no handler
  EXPECT_EQ(cache_->size(), 0u);
}

TEST_F(ResponseCacheTest, AChangeToAnEntrysTableMakesItStale) {
  send("/api/v1/kline?symbol=A");
  cache_->invalidate_table("tick");
  send("/api/v1/kline?symbol=A");
  EXPECT_EQ(calls_, 1) << "another table changed";
  version_ = 2;
  cache_->invalidate_table("daily_kline");
  HttpResponse fresh = send("/api/v1/kline?symbol=A");
  EXPECT_EQ(calls_, 2);
  EXPECT_EQ(json::parse(fresh.body).as_object()["data"].as_object()["version"], 2);
  EXPECT_EQ(metrics_.counter("mystocks_response_cache_misses_total", "", {"reason"})
                .with({"stale"})
                .value(),
            1);
  EXPECT_EQ(metrics_.counter("mystocks_response_cache_invalidations_total", "", {"table"})
                .with({"daily_kline"})
                .value(),
            1);
  send("/api/v1/kline?symbol=A");
  EXPECT_EQ(calls_, 2);
}

TEST_F(ResponseCacheTest, TheTtlBoundsStalenessWithoutEvents) {
  send("/api/v1/kline?symbol=A");
  clock_.advance_ms(59'999);
  send("/api/v1/kline?symbol=A");
  EXPECT_EQ(calls_, 1);
  clock_.advance_ms(1);
  send("/api/v1/kline?symbol=A");
  EXPECT_EQ(calls_, 2);
}

TEST_F(ResponseCacheTest, PerRequestTablesAndPaginationSurviveTheCache) {
  HttpResponse first = send("/api/v1/list?table=trade_calendar");
  HttpResponse hit = send("/api/v1/list?table=trade_calendar");
  EXPECT_EQ(calls_, 1);
  json::object body = json::parse(hit.body).as_object();
  EXPECT_EQ(body["pagination"].as_object()["total"], 1);
  EXPECT_EQ(body["data"], json::parse(first.body).as_object()["data"]);
  cache_->invalidate_table("symbols");
  send("/api/v1/list?table=trade_calendar");
  EXPECT_EQ(calls_, 1) << "this request's answer derives from trade_calendar only";
  cache_->invalidate_table("trade_calendar");
  send("/api/v1/list?table=trade_calendar");
  EXPECT_EQ(calls_, 2);
}

TEST_F(ResponseCacheTest, AWriteDuringTheHandlerKeepsTheAnswerOutOfTheCache) {
  registry_.add({.path = "/api/v1/racy",
                 .resource = "test",
                 .action = "read",
                 .cache_tables = {"daily_kline"},
                 .handler = [this](const HttpRequest&) {
                   ++calls_;
                   cache_->invalidate_table("daily_kline");  // rows saved while we read
                   return ApiReply::ok(json::value(calls_));
                 }});
  Router router(registry_, metrics_, clock_, {.response_cache = cache_.get()});
  HttpRequest one = request("/api/v1/racy");
  router.handle(one);
  HttpRequest two = request("/api/v1/racy");
  router.handle(two);
  EXPECT_EQ(calls_, 2);
}

TEST_F(ResponseCacheTest, EntriesAreBoundedAndEvictionsCounted) {
  ResponseCache small({.max_entries = 2, .shards = 1}, clock_, metrics_);
  Router router(registry_, metrics_, clock_, {.response_cache = &small});
  for (const char* symbol : {"A", "B", "C"}) {
    HttpRequest in = request(std::string("/api/v1/kline?symbol=") + symbol);
    router.handle(in);
  }
  EXPECT_EQ(small.size(), 2u);
  EXPECT_EQ(metrics_.counter("mystocks_response_cache_evictions_total", "").get().value(), 1);
  EXPECT_EQ(metrics_.gauge("mystocks_response_cache_entries", "").get().value(), 2);
}

}  // namespace
}  // namespace mystocks::gateway
