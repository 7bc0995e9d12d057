// K-line routes end to end through the Router over real stores: daily bars as stored, 5-minute
// bars resampled from 1-minute bars, week and month bars against a <chrono> model, qfq/hfq on
// hand-written bars with a known adjustment, the v2 columnar and CSV forms, deprecation headers
// on v1, ETag revalidation, and order-book depth snapshots.
#include <chrono>
#include <map>

#include "core/decimal.h"
#include "unit/api/market_api_fixture.h"

namespace mystocks::api::test {
namespace {

namespace json = boost::json;

constexpr const char* kAdjusted = "601988.SH";  // hand-written bars with a 1.5x adjustment

class MarketKlineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    env_ = new MarketApiEnvironment();
    env_->open();
    seed_adjusted();
    seed_depth();
  }
  static void TearDownTestSuite() {
    delete env_;
    env_ = nullptr;
  }

  static RecordBatch batch(const storage::TableSchema& table, const std::vector<std::string>& names,
                           const std::vector<std::vector<int64_t>>& rows,
                           const std::vector<std::string>& strings = {}) {
    std::vector<Field> fields;
    for (const std::string& name : names) fields.push_back(table.column(name)->field);
    RecordBatchBuilder builder(std::make_shared<const Schema>(fields));
    for (const std::vector<int64_t>& row : rows) {
      size_t string_idx = 0;
      for (size_t column = 0; column < fields.size(); ++column) {
        switch (fields[column].type) {
          case ColumnType::kString:
            builder.append_string(column, strings[string_idx++]);
            break;
          case ColumnType::kDate:
            builder.append_int32(column, static_cast<int32_t>(row[column]));
            break;
          case ColumnType::kDouble:
            builder.append_double(column, static_cast<double>(row[column]) / 10);
            break;
          case ColumnType::kBool:
            builder.append_bool(column, row[column] != 0);
            break;
          default:
            builder.append_int64(column, row[column]);
        }
      }
    }
    Result<RecordBatch> built = builder.finish();
    EXPECT_TRUE(built.is_ok()) << built.status().to_string();
    return built.is_ok() ? std::move(built).value() : RecordBatch();
  }

  // Four days around a 1.5x adjustment on 2026-06-03; adj_factor is given in tenths.
  static void seed_adjusted() {
    auto day = [](unsigned d) { return int64_t{Date::from_ymd(2026, 6, d).days}; };
    env_->save("daily_kline", batch(env_->table("daily_kline"),
                                    {"symbol", "trade_date", "open", "high", "low", "close",
                                     "volume", "amount", "adj_factor"},
                                    {{0, day(1), 10'000, 10'500, 9'900, 10'200, 100, 102000, 10},
                                     {0, day(2), 10'300, 10'400, 10'100, 10'150, 100, 101500, 10},
                                     {0, day(3), 6'800, 6'900, 6'700, 6'850, 150, 102750, 15},
                                     {0, day(4), 6'900, 7'000, 6'850, 6'950, 150, 104250, 15}},
                                    {kAdjusted}));
    const TimestampMs minute = trading_minute_start(Date::from_ymd(2026, 6, 2), 0);
    env_->save(
        "minute_kline",
        batch(env_->table("minute_kline"),
              {"ts", "symbol", "frequency", "open", "high", "low", "close", "volume", "amount"},
              {{minute, 0, 0, 10'300, 10'400, 10'100, 10'150, 10, 10150}}, {kAdjusted, "1m"}));
  }

  static void seed_depth() {
    const storage::TableSchema& depth = env_->table("order_book_depth");
    std::vector<std::string> names = {"ts", "symbol", "exchange"};
    std::vector<int64_t> values = {0, 0, 0};
    for (int level = 1; level <= 10; ++level) {
      for (const char* side : {"bid", "ask"}) {
        names.push_back(fmt::format("{}{}_price", side, level));
        values.push_back(side[0] == 'b' ? 10'000 - level * 10 : 10'000 + level * 10);
        names.push_back(fmt::format("{}{}_volume", side, level));
        values.push_back(100 * level);
      }
    }
    const std::string symbol = env_->symbols().front();
    std::vector<int64_t> first = values, second = values;
    first[0] = shanghai_time(Date::from_ymd(2026, 11, 24), 14, 59, 57);
    second[0] = shanghai_time(Date::from_ymd(2026, 11, 24), 15, 0, 0);
    env_->save("order_book_depth", batch(depth, names, {first, second},
                                         {symbol, symbol.substr(7), symbol, symbol.substr(7)}));
  }

  static std::vector<double> closes(const Reply& reply) {
    std::vector<double> out;
    for (const json::value& bar : reply.data().at("bars").as_array())
      out.push_back(bar.at("close").to_number<double>());
    return out;
  }

  static MarketApiEnvironment* env_;
};
MarketApiEnvironment* MarketKlineTest::env_ = nullptr;

TEST_F(MarketKlineTest, DailyBarsAreTheStoredRowsNewestLimitOldestFirst) {
  const std::string symbol = env_->symbols().front();
  const Reply reply = env_->get("/api/v1/market/kline?symbol=" + symbol + "&interval=1d&limit=10");
  ASSERT_EQ(reply.status(), 200) << reply.http.body;
  const json::array& bars = reply.data().at("bars").as_array();
  ASSERT_EQ(bars.size(), 10u);
  Result<RecordBatch> stored =
      env_->data_->load("daily_kline", {.columns = {"trade_date", "close"},
                                        .symbols = {symbol},
                                        .order = storage::SortOrder::kDescending,
                                        .limit = 10});
  ASSERT_TRUE(stored.is_ok());
  for (size_t row = 0; row < 10; ++row) {
    const size_t stored_row = 9 - row;
    EXPECT_EQ(bars[row].at("ts").as_int64(),
              shanghai_time(Date{stored->column(0).as<int32_t>()[stored_row]}, 0, 0));
    EXPECT_EQ(bars[row].at("close").to_number<double>(),
              Decimal(stored->column(1).as<int64_t>()[stored_row], 3).to_double());
  }
  EXPECT_EQ(reply.data().at("interval"), "1d");
  EXPECT_EQ(reply.data().at("adjust"), "none");
}

// Issue 16: with start and end the whole range is answered, or refused, never cut to `limit`.
TEST_F(MarketKlineTest, ARangeIsAnsweredWholeOrRefusedNeverCut) {
  const std::string symbol = env_->symbols().front();
  const std::string range = "/api/v1/market/kline?symbol=" + symbol +
                            "&interval=1m&start=2026-11-23&end=2026-11-24";
  const Reply whole = env_->get(range);
  ASSERT_EQ(whole.status(), 200) << whole.http.body;
  EXPECT_EQ(whole.data().at("bars").as_array().size(), 480u) << "240 one-minute bars per day";
  const Reply capped = env_->get(range + "&limit=100");
  EXPECT_EQ(capped.status(), 400);
  EXPECT_EQ(capped.errors(), std::vector<std::string>{"limit:OUT_OF_RANGE"});
  EXPECT_EQ(env_->get(range + "&limit=480").status(), 200) << "exactly the range's bars";
  // Without start, limit still picks the newest bars.
  EXPECT_EQ(env_->get("/api/v1/market/kline?symbol=" + symbol + "&interval=1m&limit=100")
                .data().at("bars").as_array().size(),
            100u);
}

TEST_F(MarketKlineTest, FiveMinuteBarsAreResampledFromMinuteBars) {
  const std::string symbol = env_->symbols().front();
  const Reply fives = env_->get("/api/v1/market/kline?symbol=" + symbol +
                                "&interval=5m&start=2026-11-23&end=2026-11-24&limit=5000");
  ASSERT_EQ(fives.status(), 200) << fives.http.body;
  const json::array& bars = fives.data().at("bars").as_array();
  ASSERT_EQ(bars.size(), 96u) << "48 five-minute bars per day";
  EXPECT_EQ(bars[0].at("ts").as_int64(), shanghai_time(Date::from_ymd(2026, 11, 23), 9, 30));
  EXPECT_EQ(bars[24].at("ts").as_int64(), shanghai_time(Date::from_ymd(2026, 11, 23), 13, 0));
  const Reply ones = env_->get("/api/v1/market/kline?symbol=" + symbol +
                               "&interval=1m&start=2026-11-23&end=2026-11-23&limit=5000");
  ASSERT_EQ(ones.status(), 200);
  const json::array& minutes = ones.data().at("bars").as_array();
  ASSERT_GE(minutes.size(), 5u);
  double high = 0;
  int64_t volume = 0;
  for (size_t row = 0; row < 5; ++row) {
    high = std::max(high, minutes[row].at("high").to_number<double>());
    volume += minutes[row].at("volume").as_int64();
  }
  EXPECT_EQ(bars[0].at("open"), minutes[0].at("open"));
  EXPECT_EQ(bars[0].at("close"), minutes[4].at("close"));
  EXPECT_EQ(bars[0].at("high").to_number<double>(), high);
  EXPECT_EQ(bars[0].at("volume").as_int64(), volume);

  const Reply newest = env_->get("/api/v1/market/kline?symbol=" + symbol + "&interval=5m&limit=3");
  ASSERT_EQ(newest.status(), 200);
  ASSERT_EQ(newest.data().at("bars").as_array().size(), 3u);
  EXPECT_EQ(newest.data().at("bars").at(2).at("ts").as_int64(),
            shanghai_time(Date::from_ymd(2026, 11, 24), 14, 55));
}

// <chrono> bucket keys: a different calendar implementation than the one under test.
int64_t model_key(TimestampMs ts, bool month) {
  using namespace std::chrono;
  const sys_days day{days{shanghai_date(ts).days}};
  if (month) {
    const year_month_day ymd{day};
    return int{ymd.year()} * 100 + static_cast<int>(unsigned{ymd.month()});
  }
  return (day - days{weekday{day}.iso_encoding() - 1}).time_since_epoch().count();
}

TEST_F(MarketKlineTest, WeekAndMonthBarsMatchAModelOfTheDailyBars) {
  const std::string symbol = env_->symbols()[1];
  const Reply daily = env_->get("/api/v1/market/kline?symbol=" + symbol +
                                "&interval=1d&start=2026-01-01&limit=5000");
  ASSERT_EQ(daily.status(), 200);
  const json::array& days = daily.data().at("bars").as_array();
  for (const auto& [interval, month] : {std::pair{"1w", false}, std::pair{"1M", true}}) {
    std::map<int64_t, std::vector<const json::object*>> groups;
    for (const json::value& bar : days)
      groups[model_key(bar.at("ts").as_int64(), month)].push_back(&bar.as_object());
    const Reply reply = env_->get("/api/v1/market/kline?symbol=" + symbol +
                                  "&interval=" + interval + "&start=2026-01-01&limit=5000");
    ASSERT_EQ(reply.status(), 200) << reply.http.body;
    const json::array& bars = reply.data().at("bars").as_array();
    ASSERT_EQ(bars.size(), groups.size()) << interval;
    size_t index = 0;
    for (const auto& [key, members] : groups) {
      const json::value& bar = bars[index++];
      double high = 0, low = 1e18;
      int64_t volume = 0;
      for (const json::object* member : members) {
        high = std::max(high, member->at("high").to_number<double>());
        low = std::min(low, member->at("low").to_number<double>());
        volume += member->at("volume").as_int64();
      }
      EXPECT_EQ(bar.at("ts"), members.front()->at("ts")) << interval << " " << key;
      EXPECT_EQ(bar.at("open"), members.front()->at("open"));
      EXPECT_EQ(bar.at("close"), members.back()->at("close"));
      EXPECT_EQ(bar.at("high").to_number<double>(), high);
      EXPECT_EQ(bar.at("low").to_number<double>(), low);
      EXPECT_EQ(bar.at("volume").as_int64(), volume);
    }
  }
  // Without start the newest `limit` complete buckets come back.
  const Reply newest = env_->get("/api/v1/market/kline?symbol=" + symbol + "&interval=1w&limit=2");
  ASSERT_EQ(newest.status(), 200);
  ASSERT_EQ(newest.data().at("bars").as_array().size(), 2u);
}

TEST_F(MarketKlineTest, ForwardAndBackwardAdjustmentMatchHandComputedPrices) {
  const std::string base = std::string("/api/v1/market/kline?symbol=") + kAdjusted +
                           "&interval=1d&start=2026-06-01&end=2026-06-04&adjust=";
  const Reply none = env_->get(base + "none");
  ASSERT_EQ(none.status(), 200) << none.http.body;
  EXPECT_EQ(closes(none), (std::vector<double>{10.2, 10.15, 6.85, 6.95}));
  // qfq = price x factor / newest factor (1.5): 10.2 / 1.5 = 6.8, 10.15 / 1.5 = 6.7667 -> 6.767.
  const Reply qfq = env_->get(base + "qfq");
  ASSERT_EQ(qfq.status(), 200);
  EXPECT_EQ(closes(qfq), (std::vector<double>{6.8, 6.767, 6.85, 6.95}));
  EXPECT_EQ(qfq.data().at("bars").at(0).at("high").to_number<double>(), 7.0);  // 10.5 / 1.5
  // hfq = price x factor: 6.85 x 1.5 = 10.275, 6.95 x 1.5 = 10.425.
  const Reply hfq = env_->get(base + "hfq");
  ASSERT_EQ(hfq.status(), 200);
  EXPECT_EQ(closes(hfq), (std::vector<double>{10.2, 10.15, 10.275, 10.425}));
  // Intraday bars take their trading date's factor.
  const Reply minute = env_->get(std::string("/api/v1/market/kline?symbol=") + kAdjusted +
                                 "&interval=1m&start=2026-06-02&end=2026-06-02&adjust=qfq");
  ASSERT_EQ(minute.status(), 200) << minute.http.body;
  EXPECT_EQ(closes(minute), (std::vector<double>{6.767}));
  // Week bars are built from adjusted days: the week's high is max(10.5/1.5, ...) = 7.
  const Reply week = env_->get(std::string("/api/v1/market/kline?symbol=") + kAdjusted +
                               "&interval=1w&start=2026-06-01&end=2026-06-07&adjust=qfq");
  ASSERT_EQ(week.status(), 200);
  EXPECT_EQ(closes(week), (std::vector<double>{6.95}));
  EXPECT_EQ(week.data().at("bars").at(0).at("open").to_number<double>(), 6.667);  // 10 / 1.5
}

TEST_F(MarketKlineTest, AProvisionalDailyBarIsServedFlaggedAndSoIsItsWeek) {
  // 2026-06-10 was stored while its session traded (final = false); 06-09 is a closed day.
  auto day = [](unsigned d) { return int64_t{Date::from_ymd(2026, 6, d).days}; };
  env_->save("daily_kline", batch(env_->table("daily_kline"),
                                  {"symbol", "trade_date", "open", "high", "low", "close", "volume",
                                   "amount", "adj_factor", "final"},
                                  {{0, day(9), 7'000, 7'100, 6'900, 7'050, 150, 105750, 15, 1},
                                   {0, day(10), 7'050, 7'080, 7'000, 7'010, 40, 28040, 15, 0}},
                                  {kAdjusted}));
  const std::string base = std::string("?symbol=") + kAdjusted + "&start=2026-06-08&end=2026-06-12";
  const Reply daily = env_->get("/api/v1/market/kline" + base + "&interval=1d");
  ASSERT_EQ(daily.status(), 200) << daily.http.body;
  const json::array& bars = daily.data().at("bars").as_array();
  ASSERT_EQ(bars.size(), 2u);
  EXPECT_EQ(bars[0].at("final"), true);
  EXPECT_EQ(bars[1].at("final"), false);
  const Reply week = env_->get("/api/v2/market/kline" + base + "&interval=1w");
  ASSERT_EQ(week.status(), 200) << week.http.body;
  EXPECT_EQ(week.data().at("data").at("final"), (json::array{false}));
  EXPECT_EQ(week.data().at("data").at("volume"), (json::array{190}));
  // Rows stored before the column existed read as null: final. So do the earlier weeks.
  const Reply earlier = env_->get(std::string("/api/v2/market/kline?symbol=") + kAdjusted +
                                  "&interval=1d&start=2026-06-01&end=2026-06-04");
  ASSERT_EQ(earlier.status(), 200);
  EXPECT_EQ(earlier.data().at("data").at("final"), (json::array{true, true, true, true}));
}

TEST_F(MarketKlineTest, VersionTwoAnswersColumnsOrCsv) {
  const std::string query = "?symbol=" + env_->symbols().front() + "&interval=1d&limit=3";
  const Reply rows = env_->get("/api/v1/market/kline" + query);
  const Reply columns = env_->get("/api/v2/market/kline" + query);
  ASSERT_EQ(columns.status(), 200) << columns.http.body;
  const json::value& data = columns.data();
  EXPECT_EQ(data.at("columns"),
            (json::array{"ts", "open", "high", "low", "close", "volume", "amount", "final"}));
  EXPECT_EQ(data.at("count"), 3);
  for (const json::value& name : data.at("columns").as_array()) {
    const json::array& values = data.at("data").at(name.as_string()).as_array();
    ASSERT_EQ(values.size(), 3u);
    for (size_t row = 0; row < 3; ++row) {
      EXPECT_EQ(values[row], rows.data().at("bars").at(row).at(name.as_string()));
    }
  }
  EXPECT_TRUE(columns.header("Deprecation").empty());

  const Reply csv = env_->get("/api/v2/market/kline" + query + "&format=csv");
  ASSERT_EQ(csv.status(), 200);
  EXPECT_EQ(csv.http.content_type, "text/csv; charset=utf-8");
  const std::string& body = csv.http.body;
  EXPECT_TRUE(body.starts_with("ts,open,high,low,close,volume,amount,final\r\n")) << body;
  EXPECT_EQ(std::count(body.begin(), body.end(), '\n'), 4);
  const std::string first_ts = std::to_string(rows.data().at("bars").at(0).at("ts").as_int64());
  EXPECT_NE(body.find("\r\n" + first_ts + ","), std::string::npos);
  const Reply accepted = env_->get("/api/v2/market/kline" + query, {{"accept", "text/csv"}});
  EXPECT_EQ(accepted.http.body, body);
  const Reply v1_csv = env_->get("/api/v1/market/kline" + query, {{"accept", "text/csv"}});
  EXPECT_EQ(v1_csv.http.body, body);
}

TEST_F(MarketKlineTest, VersionOneIsDeprecatedWithASuccessorLink) {
  const Reply reply =
      env_->get("/api/v1/market/kline?symbol=" + env_->symbols().front() + "&limit=1");
  ASSERT_EQ(reply.status(), 200);
  EXPECT_EQ(reply.header("Deprecation"), "true");
  EXPECT_EQ(reply.header("Link"), "</api/v2/market/kline>; rel=\"successor-version\"");
}

TEST_F(MarketKlineTest, UnchangedBarsRevalidateWith304) {
  const std::string target = "/api/v2/market/kline?symbol=" + env_->symbols().front() + "&limit=20";
  const Reply first = env_->get(target);
  ASSERT_EQ(first.status(), 200);
  const std::string etag = first.header("ETag");
  ASSERT_FALSE(etag.empty());
  const Reply again = env_->get(target, {{"if-none-match", etag}});
  EXPECT_EQ(again.status(), 304);
  EXPECT_TRUE(again.http.body.empty());
  const Reply other = env_->get(target + "&adjust=hfq", {{"if-none-match", etag}});
  EXPECT_NE(other.status(), 304) << "another representation, another tag";
}

TEST_F(MarketKlineTest, DepthIsTheLatestSnapshotOrARange) {
  const std::string symbol = env_->symbols().front();
  const Reply latest = env_->get("/api/v1/market/depth?symbol=" + symbol);
  ASSERT_EQ(latest.status(), 200) << latest.http.body;
  const json::array& snapshots = latest.data().at("snapshots").as_array();
  ASSERT_EQ(snapshots.size(), 1u);
  EXPECT_EQ(snapshots[0].at("ts").as_int64(), shanghai_time(Date::from_ymd(2026, 11, 24), 15, 0));
  ASSERT_EQ(snapshots[0].at("bids").as_array().size(), 10u);
  EXPECT_EQ(snapshots[0].at("bids").at(0), (json::object{{"price", 9.99}, {"volume", 100}}));
  EXPECT_EQ(snapshots[0].at("asks").at(9), (json::object{{"price", 10.1}, {"volume", 1000}}));
  const Reply range = env_->get("/api/v1/market/depth?symbol=" + symbol + "&start=2026-11-24");
  ASSERT_EQ(range.status(), 200) << range.http.body;
  EXPECT_EQ(range.data().at("snapshots").as_array().size(), 2u);
}

}  // namespace
}  // namespace mystocks::api::test
