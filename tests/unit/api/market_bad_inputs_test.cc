// Data-driven: every bad input of every market route is a 400 whose errors[] names the field
// (bad symbol, bad interval, start after end, oversized range, page size over the maximum,
// unknown enum value, unknown parameter). One line per case: target, then "field:CODE".
#include "unit/api/market_api_fixture.h"

namespace mystocks::api::test {
namespace {

struct BadInput {
  const char* target;
  const char* error;  // "field:CODE" expected among errors[]
};

constexpr BadInput kCases[] = {
    // symbols
    {"/api/v1/market/symbols?size=501", "size:INVALID_ARGUMENT"},
    {"/api/v1/market/symbols?size=0", "size:INVALID_ARGUMENT"},
    {"/api/v1/market/symbols?page=0", "page:INVALID_ARGUMENT"},
    {"/api/v1/market/symbols?page=x", "page:INVALID_ARGUMENT"},
    {"/api/v1/market/symbols?exchange=NY", "exchange:INVALID_ARGUMENT"},
    {"/api/v1/market/symbols?board=gem", "board:INVALID_ARGUMENT"},
    {"/api/v1/market/symbols?q=", "q:INVALID_ARGUMENT"},
    {"/api/v1/market/symbols?sort=name", "sort:INVALID_ARGUMENT"},
    {"/api/v1/market/symbols/ABC", "symbol:INVALID_SYMBOL"},
    // kline v1 and v2
    {"/api/v1/market/kline", "symbol:INVALID_ARGUMENT"},
    {"/api/v1/market/kline?symbol=12345", "symbol:INVALID_SYMBOL"},
    {"/api/v1/market/kline?symbol=600519.SH&interval=2h", "interval:INVALID_ARGUMENT"},
    {"/api/v1/market/kline?symbol=600519.SH&interval=1D", "interval:INVALID_ARGUMENT"},
    {"/api/v1/market/kline?symbol=600519.SH&adjust=forward", "adjust:INVALID_ARGUMENT"},
    {"/api/v1/market/kline?symbol=600519.SH&start=2026-13-01", "start:INVALID_TIMESTAMP"},
    {"/api/v1/market/kline?symbol=600519.SH&start=2026-03-02&end=2026-03-01",
     "start:INVALID_ARGUMENT"},
    {"/api/v1/market/kline?symbol=600519.SH&interval=1m&start=2026-01-01&end=2026-03-01",
     "end:OUT_OF_RANGE"},
    {"/api/v1/market/kline?symbol=600519.SH&interval=1d&start=1980-01-01&end=2026-01-01",
     "end:OUT_OF_RANGE"},
    {"/api/v1/market/kline?symbol=600519.SH&limit=5001", "limit:INVALID_ARGUMENT"},
    {"/api/v1/market/kline?symbol=600519.SH&limit=0", "limit:INVALID_ARGUMENT"},
    {"/api/v2/market/kline?symbol=600519.SH&format=xml", "format:INVALID_ARGUMENT"},
    {"/api/v2/market/kline?symbol=sh60051", "symbol:INVALID_SYMBOL"},
    {"/api/v2/market/kline?symbol=600519.SH&interval=5m&start=2026-01-01&end=2026-06-01",
     "end:OUT_OF_RANGE"},
    // ticks, depth, fund flow
    {"/api/v1/market/ticks?symbol=600519.SH&start=2026-11-01&end=2026-11-24", "end:OUT_OF_RANGE"},
    {"/api/v1/market/ticks?symbol=600519.SH&limit=10001", "limit:INVALID_ARGUMENT"},
    {"/api/v1/market/ticks?symbol=XYZ", "symbol:INVALID_SYMBOL"},
    {"/api/v1/market/depth?symbol=600519.SH&start=2026-11-20&end=2026-11-24", "end:OUT_OF_RANGE"},
    {"/api/v1/market/depth?symbol=600519.SH&start=2026-11-24T17:00:00Z&end=2026-11-24",
     "start:INVALID_ARGUMENT"},
    {"/api/v1/market/fund-flow?symbol=600519.SH&start=yesterday", "start:INVALID_TIMESTAMP"},
    // quotes
    {"/api/v1/market/quotes", "symbols:INVALID_ARGUMENT"},
    {"/api/v1/market/quotes?symbols=600519.SH,bad", "symbols[1]:INVALID_SYMBOL"},
    // calendar, constituents, overview
    {"/api/v1/market/calendar?exchange=HK", "exchange:INVALID_ARGUMENT"},
    {"/api/v1/market/calendar?start=2000-01-01&end=2026-01-01", "end:OUT_OF_RANGE"},
    {"/api/v1/market/calendar?open_only=maybe", "open_only:INVALID_ARGUMENT"},
    {"/api/v1/market/indices/000300.XX/constituents", "symbol:INVALID_SYMBOL"},
    {"/api/v1/market/overview?date=2026-02-30", "date:INVALID_TIMESTAMP"},
};

class MarketBadInputTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    env_ = new MarketApiEnvironment();
    env_->open(2);
  }
  static void TearDownTestSuite() {
    delete env_;
    env_ = nullptr;
  }
  static MarketApiEnvironment* env_;
};
MarketApiEnvironment* MarketBadInputTest::env_ = nullptr;

TEST_F(MarketBadInputTest, EveryBadInputIs400NamingTheField) {
  for (const BadInput& bad : kCases) {
    const Reply reply = env_->get(bad.target);
    EXPECT_EQ(reply.status(), 400) << bad.target << ": " << reply.http.body;
    const std::vector<std::string> errors = reply.errors();
    EXPECT_NE(std::find(errors.begin(), errors.end(), bad.error), errors.end())
        << bad.target << " should report " << bad.error << ", got " << reply.http.body;
    if (reply.body.is_object()) {
      EXPECT_EQ(reply.body.at("success"), false) << bad.target;
    }
  }
}

TEST_F(MarketBadInputTest, ErrorMessagesSayWhatIsAccepted) {
  const Reply range = env_->get(
      "/api/v1/market/kline?symbol=600519.SH&interval=1m&start=2026-01-01&end=2026-03-01");
  EXPECT_NE(range.body.at("message").as_string().find("at most 31 days"), std::string::npos)
      << range.http.body;
  const Reply order =
      env_->get("/api/v1/market/kline?symbol=600519.SH&start=2026-03-02&end=2026-03-01");
  EXPECT_NE(order.body.at("message").as_string().find("is after end"), std::string::npos)
      << order.http.body;
}

}  // namespace
}  // namespace mystocks::api::test
