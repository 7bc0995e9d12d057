// Invariants of simulated data: A-share rules (tick size, lots, price limits, sessions), book
// consistency, determinism, independence from the requested range, suspensions and the calendar.
#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>

#include "unit/sources/simulator_fixture.h"

namespace mystocks::sources::test {
namespace {

constexpr int64_t kCentUnits = 10;  // decimal(3) units per cent

int64_t cents(const std::vector<int64_t>& units, size_t row) { return units[row] / kCentUnits; }

bool in_session(TimestampMs ts) {
  const int64_t local = shanghai_millis_of_day(ts);
  const int64_t minute = kMillisPerMinute;
  return (local >= (9 * 60 + 15) * minute && local <= (9 * 60 + 25) * minute) ||
         (local > (9 * 60 + 30) * minute && local <= (11 * 60 + 30) * minute) ||
         (local > 13 * 60 * minute && local <= 15 * 60 * minute);
}

class SimulatorInvariantsTest : public SimulatorTest {
 protected:
  // 300 symbols' daily bars of 2024 and their securities master, generated once for the suite.
  struct Year {
    ManualClock clock{at(2026, 11, 25, 10, 0)};
    std::unique_ptr<SimulatorSource> source;
    RecordBatch daily;
    RecordBatch symbols;
  };
  static Year& year() {
    static Year* shared = [] {
      auto* out = new Year;
      out->source =
          std::move(SimulatorSource::create("sim", SimulatorOptions{7, 300}, catalog(), out->clock))
              .value();
      out->daily = ok(out->source->daily_bars(request({}, "2024-01-02", "2024-12-31")));
      out->symbols = ok(out->source->symbols(SourceRequest{}));
      return out;
    }();
    return *shared;
  }
};

TEST_F(SimulatorInvariantsTest, TicksKeepTickSizeLotsLimitsSessionsAndBook) {
  auto source = make(40);
  const std::vector<std::string> symbols = first_symbols(*source, 12);
  const RecordBatch ticks = ok(source->ticks(request_for(symbols, "2024-03-04", "2024-03-05")));
  const RecordBatch info = ok(source->symbols(request_for(symbols, "2024-03-04", "2024-03-05")));
  std::map<std::string, int> limit_of;
  for (size_t row = 0; row < info.num_rows(); ++row) {
    const std::string& symbol = column<std::string>(info, "symbol")[row];
    limit_of[symbol] =
        limit_percent(board_of(*Symbol::parse(symbol)), column<uint8_t>(info, "is_st")[row] != 0);
  }
  ASSERT_GT(ticks.num_rows(), 0u);
  const auto& ts = column<int64_t>(ticks, "ts");
  const auto& symbol = column<std::string>(ticks, "symbol");
  const auto& exchange = column<std::string>(ticks, "exchange");
  const auto& last = column<int64_t>(ticks, "last");
  const auto& pre_close = column<int64_t>(ticks, "pre_close");
  const auto& volume = column<int64_t>(ticks, "volume");
  const auto& amount = column<int64_t>(ticks, "amount");
  const auto& trades = column<int64_t>(ticks, "num_trades");
  struct BookSide {
    std::string name;
    bool bid;
    const Column* price;
    const Column* volume;
  };
  std::vector<BookSide> book;  // bid1, ask1, bid2, ask2, ...
  for (int level = 1; level <= 5; ++level) {
    for (std::string_view side : {"bid", "ask"}) {
      book.push_back({fmt::format("{}{}_price", side, level), side == "bid",
                      ticks.column(fmt::format("{}{}_price", side, level)),
                      ticks.column(fmt::format("{}{}_volume", side, level))});
    }
  }
  const auto where = [&](size_t row) { return symbol[row] + " " + format_iso8601_utc(ts[row]); };
  std::map<std::pair<std::string, int32_t>, int> per_day;
  for (size_t row = 0; row < ticks.num_rows(); ++row) {
    ++per_day[{symbol[row], shanghai_date(ts[row]).days}];
    ASSERT_TRUE(in_session(ts[row])) << where(row);
    EXPECT_EQ(exchange[row], exchange_name(Symbol::parse(symbol[row])->exchange()));
    const PriceLimits limits = price_limits(cents(pre_close, row), limit_of.at(symbol[row]));
    ASSERT_EQ(last[row] % kCentUnits, 0) << "price off the 0.01 grid"
                                         << " at " << where(row);
    ASSERT_GE(cents(last, row), limits.down) << where(row);
    ASSERT_LE(cents(last, row), limits.up) << where(row);
    ASSERT_EQ(volume[row] % kLotShares, 0) << "volume not in board lots"
                                           << " at " << where(row);
    const bool same_series = row > 0 && symbol[row - 1] == symbol[row] &&
                             shanghai_date(ts[row - 1]) == shanghai_date(ts[row]);
    if (same_series) {
      ASSERT_GT(ts[row], ts[row - 1]) << where(row);
      ASSERT_GE(volume[row], volume[row - 1]) << where(row);
      ASSERT_GE(amount[row], amount[row - 1]) << where(row);
      ASSERT_GE(trades[row], trades[row - 1]) << where(row);
      // A price moves only with a trade.
      if (volume[row] == volume[row - 1]) {
        ASSERT_EQ(last[row], last[row - 1]) << where(row);
      }
    }
    std::optional<int64_t> previous_bid;
    std::optional<int64_t> previous_ask;
    bool bid_gap = false;
    bool ask_gap = false;
    for (const BookSide& level : book) {
      if (level.price->is_null(row)) {
        (level.bid ? bid_gap : ask_gap) = true;
        EXPECT_TRUE(level.volume->is_null(row));
        continue;
      }
      ASSERT_FALSE(level.bid ? bid_gap : ask_gap)
          << "a level after an empty one: " << level.name << " at " << where(row);
      const int64_t price = level.price->as<int64_t>()[row];
      const int64_t size = level.volume->as<int64_t>()[row];
      ASSERT_EQ(price % kCentUnits, 0) << level.name << " at " << where(row);
      ASSERT_GE(price / kCentUnits, limits.down) << level.name << " at " << where(row);
      ASSERT_LE(price / kCentUnits, limits.up) << level.name << " at " << where(row);
      ASSERT_GT(size, 0) << level.name << " at " << where(row);
      ASSERT_EQ(size % kLotShares, 0) << level.name << " at " << where(row);
      std::optional<int64_t>& previous = level.bid ? previous_bid : previous_ask;
      if (previous) {
        ASSERT_TRUE(level.bid ? price < *previous : price > *previous)
            << level.name << " at " << where(row);
      }
      previous = price;
    }
    if (volume[row] == 0) {
      // Call auction before the match: bid1 = ask1 = the indicative price, last = pre_close.
      EXPECT_EQ(last[row], pre_close[row]);
      EXPECT_EQ(previous_bid.has_value(), true);
      EXPECT_TRUE(is_null(ticks, "open", row));
      continue;
    }
    const std::vector<int64_t>& bid1 = column<int64_t>(ticks, "bid1_price");
    const std::vector<int64_t>& ask1 = column<int64_t>(ticks, "ask1_price");
    if (!is_null(ticks, "bid1_price", row)) {
      ASSERT_LE(bid1[row], last[row]) << where(row);
    }
    if (!is_null(ticks, "ask1_price", row)) {
      ASSERT_GE(ask1[row], last[row]) << where(row);
    }
    if (!is_null(ticks, "bid1_price", row) && !is_null(ticks, "ask1_price", row)) {
      ASSERT_LT(bid1[row], ask1[row]) << where(row);
    }
    // At the limits one side of the book is empty.
    if (cents(last, row) == limits.up) {
      EXPECT_TRUE(is_null(ticks, "ask1_price", row));
    }
    if (cents(last, row) == limits.down) {
      EXPECT_TRUE(is_null(ticks, "bid1_price", row));
    }
    // At the close, turnover per share lies within the day's range.
    if (shanghai_millis_of_day(ts[row]) != 15 * 60 * kMillisPerMinute) continue;
    const double average =
        static_cast<double>(amount[row]) * kCentUnits / static_cast<double>(volume[row]);
    EXPECT_GE(average, static_cast<double>(column<int64_t>(ticks, "low")[row]) - 1e-6);
    EXPECT_LE(average, static_cast<double>(column<int64_t>(ticks, "high")[row]) + 1e-6);
  }
  for (const auto& [key, count] : per_day) {
    EXPECT_EQ(count, 201 + 240 * 20) << key.first << " " << Date{key.second}.to_string();
  }
}

TEST_F(SimulatorInvariantsTest, SameSeedSameMarketOtherSeedOtherMarket) {
  auto first = make(30, 11);
  auto second = make(30, 11);
  auto other = make(30, 12);
  const std::vector<std::string> symbols = first_symbols(*first, 3);
  const SourceRequest request = request_for(symbols, "2025-06-03", "2025-06-03");
  const RecordBatch a = ok(first->ticks(request));
  const RecordBatch b = ok(second->ticks(request));
  ASSERT_EQ(a.num_rows(), b.num_rows());
  for (size_t column_idx = 0; column_idx < a.num_columns(); ++column_idx) {
    EXPECT_TRUE(a.column(column_idx).values() == b.column(column_idx).values())
        << a.schema().field(column_idx).name;
    EXPECT_EQ(a.column(column_idx).validity(), b.column(column_idx).validity());
  }
  const RecordBatch c = ok(other->symbols(SourceRequest{}));
  const RecordBatch d = ok(first->symbols(SourceRequest{}));
  EXPECT_NE(column<std::string>(c, "symbol"), column<std::string>(d, "symbol"));
}

TEST_F(SimulatorInvariantsTest, ADayIsTheSameWhateverRangeAsksForIt) {
  auto source = make(40);
  const std::vector<std::string> symbols = first_symbols(*source, 5);
  const RecordBatch month =
      ok(source->daily_bars(request_for(symbols, "2024-03-01", "2024-03-29")));
  const RecordBatch day = ok(source->daily_bars(request_for(symbols, "2024-03-15", "2024-03-15")));
  ASSERT_GT(day.num_rows(), 0u);
  const int32_t wanted = parse_date("2024-03-15")->days;
  size_t matched = 0;
  for (size_t row = 0; row < month.num_rows(); ++row) {
    if (column<int32_t>(month, "trade_date")[row] != wanted) continue;
    for (size_t column_idx = 0; column_idx < month.num_columns(); ++column_idx) {
      EXPECT_EQ(render(month, column_idx, row), render(day, column_idx, matched))
          << month.schema().field(column_idx).name;
    }
    ++matched;
  }
  EXPECT_EQ(matched, day.num_rows());
}

TEST_F(SimulatorInvariantsTest, SuspendedSharesHaveNoBarsAndNoTicks) {
  SimulatorSource* source = year().source.get();
  const RecordBatch& daily = year().daily;
  const RecordBatch& info = year().symbols;
  std::map<std::string, Date> listed;
  for (size_t row = 0; row < info.num_rows(); ++row) {
    if (column<std::string>(info, "security_type")[row] != "stock") continue;
    listed[column<std::string>(info, "symbol")[row]] =
        Date{column<int32_t>(info, "list_date")[row]};
  }
  std::set<std::pair<std::string, int32_t>> traded;
  for (size_t row = 0; row < daily.num_rows(); ++row) {
    traded.insert(
        {column<std::string>(daily, "symbol")[row], column<int32_t>(daily, "trade_date")[row]});
  }
  const TradingCalendar& calendar = source->simulator()->calendar();
  std::optional<std::pair<std::string, Date>> suspended;
  for (const auto& [symbol, list_date] : listed) {
    for (Date date : calendar.trading_days()) {
      if (date.year() != 2024 || date < list_date) continue;
      if (!traded.contains({symbol, date.days})) {
        suspended = {symbol, date};
        break;
      }
    }
    if (suspended) break;
  }
  ASSERT_TRUE(suspended.has_value()) << "300 symbols over a year should include a suspension";
  const std::string day = suspended->second.to_string();
  const RecordBatch none = ok(source->ticks(request({suspended->first}, day, day)));
  EXPECT_EQ(none.num_rows(), 0u) << suspended->first << " on " << day;
  const RecordBatch bars = ok(source->minute_bars(request({suspended->first}, day, day)));
  EXPECT_EQ(bars.num_rows(), 0u);
  // The same day trades for the others.
  const RecordBatch all = ok(source->daily_bars(request({}, day, day)));
  EXPECT_GT(all.num_rows(), 200u);
  // A quote during the suspension: the previous close, nothing traded.
  year().clock.set_ms(shanghai_time(suspended->second, 10, 30));
  const RecordBatch quote = ok(source->realtime_quotes(request({suspended->first}, day, day)));
  ASSERT_EQ(quote.num_rows(), 1u);
  EXPECT_EQ(column<int64_t>(quote, "volume")[0], 0);
  EXPECT_EQ(column<int64_t>(quote, "last")[0], column<int64_t>(quote, "pre_close")[0]);
}

TEST_F(SimulatorInvariantsTest, DailyBarsStayWithinLimitsOnTradingDaysAndSometimesHitThem) {
  const SimulatorSource* source = year().source.get();
  const RecordBatch& daily = year().daily;
  const RecordBatch& info = year().symbols;
  std::map<std::string, int> limit_of;
  for (size_t row = 0; row < info.num_rows(); ++row) {
    const std::string& symbol = column<std::string>(info, "symbol")[row];
    if (column<std::string>(info, "security_type")[row] != "stock") continue;
    limit_of[symbol] =
        limit_percent(board_of(*Symbol::parse(symbol)), column<uint8_t>(info, "is_st")[row] != 0);
  }
  const TradingCalendar& calendar = source->simulator()->calendar();
  int at_up = 0;
  int at_down = 0;
  for (size_t row = 0; row < daily.num_rows(); ++row) {
    const std::string& symbol = column<std::string>(daily, "symbol")[row];
    const Date date{column<int32_t>(daily, "trade_date")[row]};
    ASSERT_TRUE(calendar.is_trading_day(date)) << date.to_string();
    const PriceLimits limits =
        price_limits(cents(column<int64_t>(daily, "pre_close"), row), limit_of.at(symbol));
    const int64_t high = cents(column<int64_t>(daily, "high"), row);
    const int64_t low = cents(column<int64_t>(daily, "low"), row);
    const int64_t open = cents(column<int64_t>(daily, "open"), row);
    const int64_t close = cents(column<int64_t>(daily, "close"), row);
    ASSERT_LE(high, limits.up) << symbol << " " << date.to_string();
    ASSERT_GE(low, limits.down) << symbol << " " << date.to_string();
    ASSERT_GE(high, std::max(open, close));
    ASSERT_LE(low, std::min(open, close));
    ASSERT_EQ(column<int64_t>(daily, "volume")[row] % kLotShares, 0);
    at_up += close == limits.up;
    at_down += close == limits.down;
  }
  EXPECT_GT(at_up, 0) << "no close at limit up in a year of 300 symbols";
  EXPECT_GT(at_down, 0) << "no close at limit down in a year of 300 symbols";
}

TEST_F(SimulatorInvariantsTest, IndicesMoveWithTheirConstituents) {
  auto source = make(300);
  const RecordBatch index =
      ok(source->index_daily_bars(request({"000300.SH"}, "2024-01-02", "2024-12-31")));
  const RecordBatch components =
      ok(source->index_components(request({"000300.SH"}, "2024-01-02", "2024-01-02")));
  ASSERT_GT(components.num_rows(), 10u);
  std::vector<std::string_view> members;
  for (const std::string& member : column<std::string>(components, "symbol"))
    members.push_back(member);
  const RecordBatch stocks = ok(source->daily_bars(request(members, "2024-01-02", "2024-12-31")));
  std::map<int32_t, std::pair<double, int>> member_mean;
  for (size_t row = 0; row < stocks.num_rows(); ++row) {
    auto& [sum, count] = member_mean[column<int32_t>(stocks, "trade_date")[row]];
    sum += column<double>(stocks, "pct_change")[row];
    ++count;
  }
  std::vector<double> x;
  std::vector<double> y;
  for (size_t row = 0; row < index.num_rows(); ++row) {
    const auto& [sum, count] = member_mean[column<int32_t>(index, "trade_date")[row]];
    x.push_back(column<double>(index, "pct_change")[row]);
    y.push_back(sum / count);
  }
  ASSERT_EQ(x.size(), 242u);
  const double mx = std::accumulate(x.begin(), x.end(), 0.0) / x.size();
  const double my = std::accumulate(y.begin(), y.end(), 0.0) / y.size();
  double sxy = 0.0, sxx = 0.0, syy = 0.0;
  for (size_t k = 0; k < x.size(); ++k) {
    sxy += (x[k] - mx) * (y[k] - my);
    sxx += (x[k] - mx) * (x[k] - mx);
    syy += (y[k] - my) * (y[k] - my);
  }
  EXPECT_GT(sxy / std::sqrt(sxx * syy), 0.8);
}

TEST_F(SimulatorInvariantsTest, RequestsAreCheckedBeforeAnythingIsGenerated) {
  auto source = make(40, 7, 100000);
  const std::string symbol = first_symbols(*source, 1)[0];
  Result<RecordBatch> reversed = source->daily_bars(request({symbol}, "2024-03-05", "2024-03-01"));
  EXPECT_EQ(reversed.status().code(), ErrorCode::kInvalidArgument);
  Result<RecordBatch> unknown =
      source->daily_bars(request({"600000.SH", symbol}, "2024-03-01", "2024-03-05"));
  if (!source->simulator()->universe().find_security(*Symbol::parse("600000.SH"))) {
    EXPECT_EQ(unknown.status().code(), ErrorCode::kNotFound);
    EXPECT_EQ(unknown.status().field(), "symbols[0]");
  }
  Result<RecordBatch> index =
      source->daily_bars(request({"000300.SH"}, "2024-03-01", "2024-03-05"));
  EXPECT_EQ(index.status().code(), ErrorCode::kInvalidArgument);
  Result<RecordBatch> future = source->daily_bars(request({symbol}, "2030-12-01", "2031-01-05"));
  EXPECT_EQ(future.status().code(), ErrorCode::kOutOfRange);
  Result<RecordBatch> huge = source->ticks(request({}, "2024-03-01", "2024-03-05"));
  EXPECT_EQ(huge.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(huge.status().message().find("split"), std::string::npos) << huge.status().message();
  const RecordBatch weekend = ok(source->daily_bars(request({symbol}, "2024-03-02", "2024-03-03")));
  EXPECT_EQ(weekend.num_rows(), 0u);
  EXPECT_TRUE(weekend.schema() == *table("daily_kline").schema());
}

}  // namespace
}  // namespace mystocks::sources::test
