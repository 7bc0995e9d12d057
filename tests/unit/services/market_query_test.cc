// MarketQuery without HTTP, over real SQLite and tsdb stores holding hand-written bars: every
// interval x adjustment against a model (adjust each stored bar, then aggregate), the range rules
// (newest `limit` inside [start, end), a bucket cut by the row limit never served partial), the
// NOT_FOUND rule for unlisted symbols, the quote fallback chain and both cross-sections.
#include "services/market/market_query.h"

#include <cmath>
#include <map>

#include <gtest/gtest.h>

#include "services/table_rows.h"
#include "support/assert_status.h"
#include "support/embedded_stores.h"

namespace mystocks::services {
namespace {

constexpr const char* kStock = "600519.SH";
constexpr const char* kQuiet = "000001.SZ";         // listed, no bars, a tick but no quote
constexpr const char* kIndex = "000300.SH";         // only an index snapshot
const Date kFirstDay = Date::from_ymd(2026, 5, 4);  // a Monday
const Date kAdjustDay = Date::from_ymd(2026, 6, 15);
constexpr int kDays = 60;  // weekdays from kFirstDay: 12 weeks, three months

// The raw (unadjusted) bars the store holds, and the adjustment factor of each day.
struct StoredBar {
  TimestampMs ts;
  int64_t open, high, low, close, volume, amount;
  double factor;
  bool final = true;
};

class MarketQueryTest : public ::testing::Test, protected mystocks::test::EmbeddedStores {
 protected:
  MarketQueryTest() : EmbeddedStores(shanghai_time(Date::from_ymd(2026, 7, 31), 16, 0)) {}

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(open_stores("market_query_"));
    save("symbols",
         {"symbol", "name", "exchange", "board", "security_type", "status", "is_st", "updated_at"},
         {{std::string(kStock), std::string("Moutai"), std::string("SH"), std::string("main"),
           std::string("stock"), std::string("L"), false, clock_.now_ms()},
          {std::string(kQuiet), std::string("PAB"), std::string("SZ"), std::string("main"),
           std::string("stock"), std::string("L"), false, clock_.now_ms()}});
    seed_daily();
    seed_minutes(Date::from_ymd(2026, 6, 12));  // factor 1: qfq halves it
    seed_minutes(kAdjustDay);                   // factor 2
  }

  void save(const std::string& table, const std::vector<std::string>& columns,
            const std::vector<std::vector<Cell>>& rows) {
    Result<RecordBatch> batch = make_rows(**catalog_->find(table), columns, rows);
    ASSERT_TRUE(batch.is_ok()) << batch.status().to_string();
    Result<SaveReport> saved = data_->save(table, *batch);
    ASSERT_TRUE(saved.is_ok()) << table << ": " << saved.status().to_string();
  }

  // kDays weekdays of bars with a 2x factor change on kAdjustDay; the newest day is provisional.
  void seed_daily() {
    std::vector<std::vector<Cell>> rows;
    Date day = kFirstDay;
    for (int index = 0; index < kDays; ++index, day = Date{day.days + 1}) {
      while (day.weekday() == 0 || day.weekday() == 6) day = Date{day.days + 1};
      const double factor = day.days < kAdjustDay.days ? 1.0 : 2.0;
      const int64_t base = factor == 1.0 ? 20'000 + index * 37 : 10'000 + index * 19;
      StoredBar bar{shanghai_time(day, 0, 0), base,         base + 150 + index % 5, base - 90,
                    base + 40 - index % 3,    1000 + index, (1000 + index) * 200,   factor,
                    index != kDays - 1};
      daily_.push_back(bar);
      rows.push_back({std::string(kStock), int64_t{day.days}, bar.open, bar.high, bar.low,
                      bar.close, bar.volume, bar.amount, bar.factor, bar.final});
    }
    save("daily_kline",
         {"symbol", "trade_date", "open", "high", "low", "close", "volume", "amount", "adj_factor",
          "final"},
         rows);
  }

  // 240 one-minute bars of a session, with the factor of its day.
  void seed_minutes(Date day) {
    std::vector<std::vector<Cell>> rows;
    for (int minute = 0; minute < 240; ++minute) {
      const int64_t price = 10'000 + (minute * 7) % 50 + day.days % 3;
      const double factor = day.days < kAdjustDay.days ? 1.0 : 2.0;
      StoredBar bar{trading_minute_start(day, minute),
                    price,
                    price + 5,
                    price - 5,
                    price + 1,
                    10 + minute % 4,
                    (10 + minute % 4) * 100,
                    factor};
      minutes_.push_back(bar);
      rows.push_back({bar.ts, std::string(kStock), std::string("1m"), bar.open, bar.high, bar.low,
                      bar.close, bar.volume, bar.amount});
    }
    save("minute_kline",
         {"ts", "symbol", "frequency", "open", "high", "low", "close", "volume", "amount"}, rows);
  }

  // The model: adjust every stored bar, then merge runs with the same bucket key.
  template <typename KeyOf>
  static Bars model(const std::vector<StoredBar>& stored, Adjust adjust, double newest_factor,
                    KeyOf key_of, bool session_start) {
    Bars out;
    int64_t current = INT64_MIN;
    for (const StoredBar& bar : stored) {
      const double ratio = adjust == Adjust::kNone      ? 1.0
                           : adjust == Adjust::kForward ? bar.factor / newest_factor
                                                        : bar.factor;
      auto scaled = [ratio](int64_t units) {
        return static_cast<int64_t>(std::llround(static_cast<double>(units) * ratio));
      };
      const int64_t key = key_of(bar.ts);
      if (key != current) {
        current = key;
        out.push(session_start ? bucket_start(bar.ts, key) : bar.ts, scaled(bar.open),
                 scaled(bar.high), scaled(bar.low), scaled(bar.close), bar.volume, bar.amount,
                 bar.final);
        continue;
      }
      out.high.back() = std::max(out.high.back(), scaled(bar.high));
      out.low.back() = std::min(out.low.back(), scaled(bar.low));
      out.close.back() = scaled(bar.close);
      out.volume.back() += bar.volume;
      out.amount.back() += bar.amount;
      out.final.back() = out.final.back() != 0 && bar.final ? 1 : 0;
    }
    return out;
  }
  static TimestampMs bucket_start(TimestampMs ts, int64_t key) {
    return trading_minute_start(shanghai_date(ts), static_cast<int>(key % 1000));
  }

  Bars expected(KlineInterval interval, Adjust adjust) const {
    const int minutes = interval_minutes(interval);
    if (minutes > 0) {
      return model(
          minutes_, adjust, 2.0,
          [minutes](TimestampMs ts) {
            const int index = trading_minute_index(ts);
            return int64_t{shanghai_date(ts).days} * 1000 + index / minutes * minutes;
          },
          true);
    }
    return model(
        daily_, adjust, 2.0,
        [interval](TimestampMs ts) -> int64_t {
          const Date date = shanghai_date(ts);
          if (interval == KlineInterval::k1M) return int64_t{date.year()} * 12 + date.month();
          if (interval == KlineInterval::k1w) return (int64_t{date.days} + 3) / 7;
          return date.days;
        },
        false);
  }

  std::vector<StoredBar> daily_;
  std::vector<StoredBar> minutes_;
};

void expect_same_bars(const Bars& got, const Bars& want, const std::string& what) {
  EXPECT_EQ(got.ts, want.ts) << what;
  EXPECT_EQ(got.open, want.open) << what;
  EXPECT_EQ(got.high, want.high) << what;
  EXPECT_EQ(got.low, want.low) << what;
  EXPECT_EQ(got.close, want.close) << what;
  EXPECT_EQ(got.volume, want.volume) << what;
  EXPECT_EQ(got.amount, want.amount) << what;
  EXPECT_EQ(got.final, want.final) << what;
}

TEST_F(MarketQueryTest, EveryIntervalAndAdjustmentMatchesTheModel) {
  for (const char* interval_name : {"1m", "5m", "15m", "30m", "60m", "1d", "1w", "1M"}) {
    for (const char* adjust_name : {"none", "qfq", "hfq"}) {
      const std::string what = std::string(interval_name) + " " + adjust_name;
      const KlineInterval interval = *parse_kline_interval(interval_name);
      const Adjust adjust = *parse_adjust(adjust_name);
      Result<Bars> bars =
          market_->bars({.symbol = kStock, .interval = interval, .adjust = adjust, .limit = 5000});
      ASSERT_TRUE(bars.is_ok()) << what << ": " << bars.status().to_string();
      const Bars want = expected(interval, adjust);
      ASSERT_GT(want.size(), 1u) << what;
      expect_same_bars(*bars, want, what);
    }
  }
}

TEST_F(MarketQueryTest, TheNewestLimitInsideTheWindowOldestFirst) {
  const TimestampMs june = shanghai_time(Date::from_ymd(2026, 6, 1), 0, 0);
  const TimestampMs june_10 = shanghai_time(Date::from_ymd(2026, 6, 10), 0, 0);
  Result<Bars> bars =
      market_->bars({.symbol = kStock, .window = {.start = june, .end = june_10}, .limit = 3});
  ASSERT_TRUE(bars.is_ok()) << bars.status().to_string();
  // June 1-9 holds 7 weekdays; the newest 3 are June 5, 8 and 9 (the end is exclusive).
  ASSERT_EQ(bars->size(), 3u);
  EXPECT_EQ(bars->ts.front(), shanghai_time(Date::from_ymd(2026, 6, 5), 0, 0));
  EXPECT_EQ(bars->ts.back(), shanghai_time(Date::from_ymd(2026, 6, 9), 0, 0));
  // A start on the window edge is inclusive.
  Result<Bars> from = market_->bars({.symbol = kStock, .window = {.start = june, .end = june_10}});
  ASSERT_TRUE(from.is_ok());
  EXPECT_EQ(from->size(), 7u);
  EXPECT_EQ(from->ts.front(), june);
}

TEST_F(MarketQueryTest, ARowLimitNeverServesAPartialBucket) {
  // Two weeks asked: the load stops inside the third newest week, which must not appear cut.
  const Bars all = expected(KlineInterval::k1w, Adjust::kNone);
  Result<Bars> weeks =
      market_->bars({.symbol = kStock, .interval = KlineInterval::k1w, .limit = 2});
  ASSERT_TRUE(weeks.is_ok());
  ASSERT_EQ(weeks->size(), 2u);
  EXPECT_EQ(weeks->ts, (std::vector<TimestampMs>{all.ts[all.size() - 2], all.ts.back()}));
  EXPECT_EQ(weeks->volume.front(), all.volume[all.size() - 2]);
  // 5m from 1m: the 1m load for 3 bars covers 4 buckets, the oldest possibly cut and dropped.
  const Bars five = expected(KlineInterval::k5m, Adjust::kNone);
  Result<Bars> recent =
      market_->bars({.symbol = kStock, .interval = KlineInterval::k5m, .limit = 3});
  ASSERT_TRUE(recent.is_ok());
  ASSERT_EQ(recent->size(), 3u);
  EXPECT_EQ(recent->volume, (std::vector<int64_t>(five.volume.end() - 3, five.volume.end())));
}

TEST_F(MarketQueryTest, AnUnlistedSymbolIsNotFoundAListedOneWithoutBarsIsEmpty) {
  Result<Bars> unknown = market_->bars({.symbol = "688999.SH"});
  ASSERT_FALSE(unknown.is_ok());
  EXPECT_EQ(unknown.status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(unknown.status().field(), "symbol");
  Result<Bars> quiet = market_->bars({.symbol = kQuiet, .interval = KlineInterval::k1M});
  ASSERT_TRUE(quiet.is_ok()) << quiet.status().to_string();
  EXPECT_EQ(quiet->size(), 0u);
}

TEST_F(MarketQueryTest, LatestQuotesFallBackFromQuoteToTickToIndexSnapshot) {
  const TimestampMs now = clock_.now_ms();
  save("realtime_quote", {"ts", "symbol", "last", "volume", "amount", "pct_change"},
       {{now, std::string(kStock), int64_t{10'120}, int64_t{500}, int64_t{5'060'000}, -0.45}});
  save("tick", {"ts", "symbol", "exchange", "last", "volume", "amount"},
       {{now, std::string(kQuiet), std::string("SZ"), int64_t{11'000}, int64_t{10},
         int64_t{110'000}}});
  save("index_quote", {"ts", "symbol", "last", "volume", "amount"},
       {{now, std::string(kIndex), int64_t{3'900'000}, int64_t{1}, int64_t{100}}});
  Result<LatestQuotes> quotes =
      market_->latest_quotes({kIndex, kStock, "430047.BJ", kQuiet, kStock});
  ASSERT_TRUE(quotes.is_ok()) << quotes.status().to_string();
  ASSERT_EQ(quotes->found.size(), 3u);
  EXPECT_EQ(quotes->found[0].source, "realtime_quote");
  EXPECT_EQ(string_at(quotes->found[0].rows, "symbol", 0), kStock);
  EXPECT_EQ(quotes->found[1].source, "tick");
  EXPECT_EQ(string_at(quotes->found[1].rows, "symbol", 0), kQuiet);
  EXPECT_EQ(quotes->found[2].source, "index_quote");
  EXPECT_EQ(quotes->missing, (std::vector<std::string>{"430047.BJ"}));

  Result<RecordBatch> section = market_->quote_cross_section({});
  ASSERT_TRUE(section.is_ok());
  ASSERT_EQ(section->num_rows(), 1u);
  EXPECT_EQ(string_at(*section, "symbol", 0), kStock);
  Result<RecordBatch> newest = market_->newest_rows("tick", {kQuiet, kStock});
  ASSERT_TRUE(newest.is_ok());
  EXPECT_EQ(newest->num_rows(), 1u);
}

TEST_F(MarketQueryTest, ADailyCrossSectionIsOneDaysRowPerSymbol) {
  const StoredBar& bar = daily_[10];
  const Date day = shanghai_date(bar.ts);
  Result<RecordBatch> section = market_->daily_cross_section(day, {}, {"symbol", "close"});
  ASSERT_TRUE(section.is_ok()) << section.status().to_string();
  ASSERT_EQ(section->num_rows(), 1u);
  EXPECT_EQ(int64_at(*section, "close", 0), bar.close);
  Result<RecordBatch> holiday = market_->daily_cross_section(Date{day.days - 200}, {kStock});
  ASSERT_TRUE(holiday.is_ok());
  EXPECT_EQ(holiday->num_rows(), 0u);
}

}  // namespace
}  // namespace mystocks::services
