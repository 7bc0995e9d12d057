// Indicator routes through the router: the registry listing, values equal to the indicators
// library over the same stored bars (daily, 1m, resampled 5m, week and month bars, with the
// default warm-up of the indicator's lookback or an explicit one) rounded to 4 decimals, bad
// inputs naming the parameter and range, 404s, and the batch with per-item errors.
#include <algorithm>
#include <cmath>
#include <regex>

#include <gtest/gtest.h>

#include "core/decimal.h"
#include "core/number_precision.h"
#include "indicators/registry.h"
#include "unit/api/api_ext_fixture.h"

namespace mystocks::api::test {
namespace {

struct Series {
  std::vector<int64_t> time;
  std::vector<double> open, high, low, close, volume, amount;

  indicators::OhlcvColumns columns() const { return {open, high, low, close, volume, amount}; }
  Series slice(size_t from, size_t to) const {
    Series out;
    auto cut = [&](const std::vector<double>& v) {
      return std::vector<double>(v.begin() + static_cast<std::ptrdiff_t>(from),
                                 v.begin() + static_cast<std::ptrdiff_t>(to));
    };
    out.time.assign(time.begin() + static_cast<std::ptrdiff_t>(from),
                    time.begin() + static_cast<std::ptrdiff_t>(to));
    out.open = cut(open), out.high = cut(high), out.low = cut(low), out.close = cut(close);
    out.volume = cut(volume), out.amount = cut(amount);
    return out;
  }
  Series tail(size_t count) const {
    Series out;
    const size_t from = time.size() > count ? time.size() - count : 0;
    auto cut = [&](const std::vector<double>& v) {
      return std::vector<double>(v.begin() + from, v.end());
    };
    out.time.assign(time.begin() + from, time.end());
    out.open = cut(open), out.high = cut(high), out.low = cut(low), out.close = cut(close);
    out.volume = cut(volume), out.amount = cut(amount);
    return out;
  }
};

Series series_of(const RecordBatch& batch, bool daily) {
  Series out;
  auto prices = [&](const char* name, int divisor) {
    std::vector<double> values;
    for (int64_t units : batch.column(name)->as<int64_t>())
      values.push_back(static_cast<double>(units) / divisor);
    return values;
  };
  if (daily) {
    for (int32_t days : batch.column("trade_date")->as<int32_t>())
      out.time.push_back(shanghai_time(Date{days}, 0, 0));
  } else {
    out.time = batch.column("ts")->as<int64_t>();
  }
  out.open = prices("open", 1000), out.high = prices("high", 1000), out.low = prices("low", 1000);
  out.close = prices("close", 1000), out.volume = prices("volume", 1),
  out.amount = prices("amount", 100);
  return out;
}

// Expects `values` (JSON, nulls for NaN) to equal `expected` rounded to the 4 decimals the API
// serves indicator outputs with.
void expect_column(const json::value& values, const std::vector<double>& expected,
                   const std::string& what) {
  const json::array& got = values.as_array();
  ASSERT_EQ(got.size(), expected.size()) << what;
  for (size_t row = 0; row < expected.size(); ++row) {
    if (std::isnan(expected[row])) {
      EXPECT_TRUE(got[row].is_null()) << what << " row " << row;
    } else {
      ASSERT_TRUE(got[row].is_double())
          << what << " row " << row << ": " << json::serialize(got[row]);
      // The server prints the shortest text that reads back exactly; this Boost.JSON's parser
      // may land an ulp or two away, so allow that much and no more.
      const double rounded = round_decimals(expected[row], kIndicatorDecimals);
      EXPECT_NEAR(got[row].as_double(), rounded, 1e-13 * std::max(1.0, std::fabs(rounded)))
          << what << " row " << row;
    }
  }
}

void expect_equal_to_library(const Reply& reply, const Series& input, size_t returned,
                             const std::string& name, const indicators::ParamMap& params,
                             indicators::Convention convention) {
  ASSERT_EQ(reply.status, 200) << text(reply);
  Result<indicators::IndicatorOutput> direct =
      indicators::compute_indicator(name, input.columns(), params, convention);
  ASSERT_TRUE(direct.is_ok()) << direct.status().to_string();
  const json::object& data = reply.data().as_object();
  ASSERT_EQ(data.at("bars").as_int64(), static_cast<int64_t>(returned));
  const size_t skip = input.time.size() - returned;
  std::vector<int64_t> time(input.time.begin() + static_cast<std::ptrdiff_t>(skip),
                            input.time.end());
  ASSERT_EQ(data.at("time").as_array().size(), time.size());
  for (size_t row = 0; row < time.size(); ++row) {
    ASSERT_EQ(data.at("time").as_array()[row].as_int64(), time[row]) << row;
  }
  for (size_t out_idx = 0; out_idx < direct->spec->outputs.size(); ++out_idx) {
    const std::string output(direct->spec->outputs[out_idx]);
    std::vector<double> expected(
        direct->columns[out_idx].begin() + static_cast<std::ptrdiff_t>(skip),
        direct->columns[out_idx].end());
    expect_column(data.at("values").at(output), expected, name + "." + output);
  }
}

class IndicatorRoutesTest : public ApiExtTest {};

TEST_F(IndicatorRoutesTest, RegistryListsEveryIndicatorWithParameters) {
  Reply reply = get("/api/v1/indicators");
  ASSERT_EQ(reply.status, 200) << text(reply);
  const json::array& list = reply.data().as_array();
  ASSERT_EQ(list.size(), indicators::all_indicators().size());
  const json::value* macd = nullptr;
  for (const json::value& entry : list) {
    if (entry.at("name").as_string() == "macd") macd = &entry;
  }
  ASSERT_NE(macd, nullptr);
  const json::array& params = macd->at("params").as_array();
  ASSERT_EQ(params.size(), 3u);
  EXPECT_EQ(params[0].at("name").as_string(), "fast");
  EXPECT_EQ(params[0].at("type").as_string(), "integer");
  EXPECT_EQ(params[0].at("default").as_int64(), 12);
  EXPECT_EQ(params[0].at("minimum").as_int64(), 1);
  EXPECT_EQ(macd->at("outputs"), (json::array{"dif", "dea", "hist"}));
  EXPECT_EQ(macd->at("inputs"), (json::array{"close"}));
}

TEST_F(IndicatorRoutesTest, DailyValuesEqualTheLibraryOverTheStoredBars) {
  const Series all = series_of(daily(main_), true);
  ASSERT_GT(all.time.size(), 100u);
  // Without warmup the indicator warms up by its lookback: MACD(5, 20, 9) needs 19 + 8 bars.
  Reply macd = get("/api/v1/indicators/macd?symbol=" + main_ + "&limit=60&fast=5&slow=20");
  expect_equal_to_library(macd, all.tail(60 + 27), 60, "macd", {{"fast", 5}, {"slow", 20}},
                          indicators::Convention::kTaLib);
  EXPECT_EQ(macd.data().at("warmup_bars").as_int64(), 27);
  EXPECT_EQ(macd.data().at("params"), (json::object{{"fast", 5}, {"slow", 20}, {"signal", 9}}));

  // Warm-up bars feed the indicator but are not returned.
  Reply kdj =
      get("/api/v1/indicators/kdj?symbol=" + main_ + "&limit=30&warmup=40&convention=china_broker");
  expect_equal_to_library(kdj, all.tail(70), 30, "kdj", {}, indicators::Convention::kChinaBroker);
  EXPECT_EQ(kdj.data().at("warmup_bars").as_int64(), 40);

  // A start/end range: bars from start (inclusive) to end (exclusive), plus warm-up before it.
  Reply boll = get("/api/v1/indicators/boll?symbol=" + main_ +
                   "&start=2026-09-01&end=2026-10-01&warmup=25&width=2.5");
  size_t first = 0, last = 0;
  const int64_t start = shanghai_time(Date::from_ymd(2026, 9, 1), 0, 0);
  const int64_t end = shanghai_time(Date::from_ymd(2026, 10, 1), 0, 0);
  while (all.time[first] < start) ++first;
  last = first;
  while (last < all.time.size() && all.time[last] < end) ++last;
  ASSERT_GE(first, 25u);
  expect_equal_to_library(boll, all.slice(first - 25, last), last - first, "boll", {{"width", 2.5}},
                          indicators::Convention::kTaLib);
}

TEST_F(IndicatorRoutesTest, IntradayValuesAndResampledIntervals) {
  const Series minute = series_of(minutes(main_), false);
  ASSERT_GE(minute.time.size(), 480u);
  Reply rsi = get("/api/v1/indicators/rsi?symbol=" + main_ + "&interval=1m&limit=300&n=6");
  expect_equal_to_library(rsi, minute.tail(306), 300, "rsi", {{"n", 6}},
                          indicators::Convention::kTaLib);

  // 5m bars are not stored: they are cut from 1m bars on trading-session boundaries. (warmup=0
  // keeps the day on its own, so the model below needs no bars of the day before.)
  Reply ma = get("/api/v1/indicators/ma?symbol=" + main_ +
                 "&interval=5m&start=2026-11-23&end=2026-11-24&n=3&warmup=0");
  ASSERT_EQ(ma.status, 200) << text(ma);
  const json::array& time = ma.data().at("time").as_array();
  ASSERT_EQ(time.size(), 48u) << "240 trading minutes / 5";
  EXPECT_EQ(time[0].as_int64(), trading_minute_start(Date::from_ymd(2026, 11, 23), 0));
  EXPECT_EQ(time[24].as_int64(), trading_minute_start(Date::from_ymd(2026, 11, 23), 120));
  // The MA of the 5m closes equals the MA over every fifth 1m close of that day.
  std::vector<double> closes;
  for (size_t row = 0; row < minute.time.size(); ++row) {
    if (shanghai_date(minute.time[row]) != Date::from_ymd(2026, 11, 23)) continue;
    const int index = trading_minute_index(minute.time[row]);
    if (index >= 0 && index % 5 == 4) closes.push_back(minute.close[row]);
  }
  ASSERT_EQ(closes.size(), 48u);
  Result<indicators::IndicatorOutput> direct = indicators::compute_indicator(
      "ma", {.close = closes}, {{"n", 3}}, indicators::Convention::kTaLib);
  ASSERT_TRUE(direct.is_ok());
  expect_column(ma.data().at("values").at("ma"), direct->columns[0], "ma 5m");
}

TEST_F(IndicatorRoutesTest, BadInputsNameTheParameter) {
  struct Case {
    std::string query;
    int status;
    std::string field;
    std::string message;  // a part of the message, or empty
  };
  const std::string s = "?symbol=" + main_;
  const std::vector<Case> cases = {
      {"/nope" + s, 404, "name", "no indicator 'nope'"},
      {"/macd?symbol=689999.SH", 404, "symbol", "not in the securities master"},
      {"/macd?symbol=ABC", 400, "symbol", ""},
      {"/macd", 400, "symbol", "required"},
      {"/ma" + s + "&n=0", 400, "n", "from 1 to"},
      {"/ma" + s + "&n=2.5", 400, "n", "an integer"},
      {"/boll" + s + "&width=101", 400, "width", "from 0 to 100"},
      {"/rsi" + s + "&fast=3", 400, "fast", "not accepted by 'rsi'"},
      {"/rsi" + s + "&n=abc", 400, "n", "not a number"},
      {"/rsi" + s + "&interval=2h", 400, "interval", ""},
      {"/rsi" + s + "&convention=vendor", 400, "convention", ""},
      {"/rsi" + s + "&limit=0", 400, "limit", ""},
      {"/rsi" + s + "&limit=5001", 400, "limit", ""},
      {"/rsi" + s + "&warmup=1001", 400, "warmup", ""},
      {"/rsi" + s + "&start=2026-11-01&end=2026-10-01", 400, "start", "after"},
      {"/rsi" + s + "&start=yesterday", 400, "start", ""},
      {"/rsi" + s + "&colour=red", 400, "colour", "unknown query parameter"},
      {"/rsi" + s + "&n=5&n=6", 400, "n", "more than once"},
  };
  for (const Case& c : cases) {
    Reply reply = get("/api/v1/indicators" + c.query);
    EXPECT_EQ(reply.status, c.status) << c.query << ": " << text(reply);
    EXPECT_EQ(reply.field(), c.field) << c.query << ": " << text(reply);
    EXPECT_NE(reply.message().find(c.message), std::string::npos)
        << c.query << ": " << reply.message();
  }
}

TEST_F(IndicatorRoutesTest, RangesOverTheMaximumAreRejectedNotTruncated) {
  // 24 trading days of 1m bars hold more than 5000 bars.
  sources::SourceRequest request = sources::SourceRequest::range(
      {*Symbol::parse(chinext_)}, Date::from_ymd(2026, 10, 20), Date::from_ymd(2026, 11, 20));
  Result<RecordBatch> bars = source_->minute_bars(request);
  ASSERT_TRUE(bars.is_ok()) << bars.status().to_string();
  ASSERT_GT(bars->num_rows(), 5000u);
  ASSERT_TRUE(data_->save("minute_kline", *bars).is_ok());
  Reply wide = get("/api/v1/indicators/ma?symbol=" + chinext_ +
                   "&interval=1m&start=2026-10-01&end=2026-11-21");
  EXPECT_EQ(wide.status, 400) << text(wide);
  EXPECT_EQ(wide.field(), "end");
  EXPECT_NE(wide.message().find("more than 5000"), std::string::npos);
  Reply narrow = get("/api/v1/indicators/ma?symbol=" + chinext_ +
                     "&interval=1m&start=2026-11-02&end=2026-11-07");
  EXPECT_EQ(narrow.status, 200) << text(narrow);
  EXPECT_EQ(narrow.data().at("bars").as_int64(), 5 * 240);
}

TEST_F(IndicatorRoutesTest, BatchAnswersEveryItemWithDataOrError) {
  const std::string body = R"({"items":[
      {"indicator":"macd","symbols":[")" +
                           main_ + R"(",")" + chinext_ + R"(","689999.SH"],"limit":20},
      {"indicator":"nope","symbol":")" +
                           main_ + R"("},
      {"indicator":"rsi","symbol":")" +
                           main_ + R"(","params":{"n":0}},
      {"indicator":"ma","symbol":")" +
                           main_ + R"(","params":{"n":3},"start":"2026-11-02","end":1795017600000}
  ]})";
  Reply reply = post("/api/v1/indicators/batch", body);
  ASSERT_EQ(reply.status, 200) << text(reply);
  const json::array& results = reply.data().at("results").as_array();
  ASSERT_EQ(results.size(), 6u);
  EXPECT_EQ(reply.data().at("succeeded").as_int64(), 3);
  EXPECT_EQ(reply.data().at("failed").as_int64(), 3);
  EXPECT_TRUE(results[0].at("success").as_bool());
  EXPECT_EQ(results[0].at("data").at("bars").as_int64(), 20);
  EXPECT_EQ(results[0].at("data"),
            get("/api/v1/indicators/macd?symbol=" + main_ + "&limit=20").data());
  EXPECT_TRUE(results[1].at("success").as_bool());
  EXPECT_EQ(results[2].at("error").at("code").as_string(), "NOT_FOUND");
  EXPECT_EQ(results[2].at("error").at("field").as_string(), "symbol");
  EXPECT_EQ(results[3].at("error").at("field").as_string(), "name");
  EXPECT_EQ(results[4].at("error").at("field").as_string(), "n");
  EXPECT_TRUE(results[5].at("success").as_bool()) << json::serialize(results[5]);

  std::string many = R"({"items":[)";
  for (int index = 0; index < 51; ++index) {
    many += std::string(index ? "," : "") + R"({"indicator":"ma","symbol":")" + main_ + R"("})";
  }
  many += "]}";
  Reply too_many = post("/api/v1/indicators/batch", many);
  EXPECT_EQ(too_many.status, 400);
  EXPECT_EQ(too_many.field(), "items");
  std::string wide = R"({"items":[{"indicator":"ma","symbols":[)";
  for (int index = 0; index < 26; ++index)
    wide += std::string(index ? "," : "") + "\"" + main_ + "\"";
  wide += R"(]},{"indicator":"rsi","symbols":[)";
  for (int index = 0; index < 25; ++index)
    wide += std::string(index ? "," : "") + "\"" + main_ + "\"";
  wide += "]}]}";
  Reply over = post("/api/v1/indicators/batch", wide);
  EXPECT_EQ(over.status, 400) << "51 computations in two items";
  EXPECT_NE(over.message().find("51 computations"), std::string::npos) << over.message();

  for (const char* bad : {R"({"items":[)", R"({"items":[]})",
                          R"({"items":[{"symbol":"600519.SH"}]})", R"({"list":[]})"}) {
    Reply rejected = post("/api/v1/indicators/batch", bad);
    EXPECT_EQ(rejected.status, 400) << bad << ": " << text(rejected);
    EXPECT_FALSE(rejected.field().empty()) << bad;
  }
}

TEST_F(IndicatorRoutesTest, TheDefaultWarmUpIsTheLookbackAndWarmupOverridesIt) {
  struct Case {
    std::string query;
    int64_t lookback;  // TA-Lib's lookback of the indicator with these parameters
  };
  for (const Case& c : std::vector<Case>{{"ma?n=5", 4},
                                         {"ema?n=10", 9},
                                         {"rsi?n=14", 14},
                                         {"macd?fast=12&slow=26&signal=9", 33},
                                         {"boll?n=20", 19}}) {
    Reply reply = get("/api/v1/indicators/" + c.query + "&symbol=" + main_ + "&limit=40");
    ASSERT_EQ(reply.status, 200) << c.query << ": " << text(reply);
    EXPECT_EQ(reply.data().at("warmup_bars").as_int64(), c.lookback) << c.query;
    for (const auto& [output, values] : reply.data().at("values").as_object()) {
      for (const json::value& value : values.as_array()) {
        EXPECT_TRUE(value.is_number()) << c.query << " " << std::string(output) << " has a null";
      }
    }
  }
  // An explicit warmup still wins: none at all leaves the first n-1 values undefined.
  Reply cold = get("/api/v1/indicators/ma?n=5&warmup=0&limit=40&symbol=" + main_);
  ASSERT_EQ(cold.status, 200) << text(cold);
  EXPECT_EQ(cold.data().at("warmup_bars").as_int64(), 0);
  const json::array& ma = cold.data().at("values").at("ma").as_array();
  EXPECT_TRUE(ma[3].is_null());
  EXPECT_TRUE(ma[4].is_number());
}

TEST_F(IndicatorRoutesTest, WeekAndMonthBarsAreResampledFromDailyBars) {
  for (services::KlineInterval interval :
       {services::KlineInterval::k1w, services::KlineInterval::k1M}) {
    const std::string name(services::kline_interval_name(interval));
    Result<services::Bars> bars =
        market_->bars({.symbol = main_, .interval = interval, .limit = 5000});
    ASSERT_TRUE(bars.is_ok()) << bars.status().to_string();
    ASSERT_GE(bars->size(), 6u) << name;  // since January: 7 months
    std::vector<double> closes;
    for (int64_t units : bars->close)
      closes.push_back(Decimal(units, bars->price_scale).to_double());
    Result<indicators::IndicatorOutput> direct = indicators::compute_indicator(
        "ma", {.close = closes}, {{"n", 3}}, indicators::Convention::kTaLib);
    ASSERT_TRUE(direct.is_ok());
    Reply reply = get("/api/v1/indicators/ma?n=3&limit=5&interval=" + name + "&symbol=" + main_);
    ASSERT_EQ(reply.status, 200) << name << ": " << text(reply);
    EXPECT_EQ(reply.data().at("interval").as_string(), name);
    EXPECT_EQ(reply.data().at("time").as_array().back().as_int64(), bars->ts.back()) << name;
    const std::vector<double> tail(direct->columns[0].end() - 5, direct->columns[0].end());
    expect_column(reply.data().at("values").at("ma"), tail, "ma " + name);
  }
}

TEST_F(IndicatorRoutesTest, ABadIntervalFailsOnlyItsBatchItem) {
  const std::string body = R"({"items":[{"indicator":"ma","interval":"2h","symbol":")" + main_ +
                           R"("},{"indicator":"ma","interval":"1w","symbol":")" + main_ + R"("}]})";
  Reply reply = post("/api/v1/indicators/batch", body);
  ASSERT_EQ(reply.status, 200) << text(reply);
  const json::array& results = reply.data().at("results").as_array();
  ASSERT_EQ(results.size(), 2u);
  EXPECT_FALSE(results[0].at("success").as_bool());
  EXPECT_EQ(results[0].at("error").at("field").as_string(), "interval");
  EXPECT_NE(std::string(results[0].at("error").at("message").as_string()).find("'2h'"),
            std::string::npos);
  EXPECT_TRUE(results[1].at("success").as_bool()) << json::serialize(results[1]);
}

TEST_F(IndicatorRoutesTest, ValuesCarryNoFloatNoise) {
  gateway::HttpRequest request;
  request.target = "/api/v1/indicators/ma?n=3&limit=200&symbol=" + main_;
  request.remote_address = "127.0.0.1:5000";
  const gateway::HttpResponse response = router_->handle(request);
  ASSERT_EQ(response.status, 200) << response.body;
  // An MA of 3-decimal prices divides by 3: unrounded it prints 1670.8739999999998.
  const std::regex noise(R"re(\.\d{5,})re");
  std::smatch match;
  EXPECT_FALSE(std::regex_search(response.body, match, noise)) << "float noise: " << match.str();
}

}  // namespace
}  // namespace mystocks::api::test
