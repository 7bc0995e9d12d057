// Bars agree with ticks: resampling the simulator's Level-1 snapshots (by the rule documented in
// tick_generator.h) reproduces its 1-minute bars, which aggregate to its 5-60 minute and daily
// bars.
#include <map>

#include "unit/sources/simulator_fixture.h"

namespace mystocks::sources::test {
namespace {

struct Bar {
  TimestampMs start = 0;
  int64_t open = 0, high = 0, low = 0, close = 0, volume = 0, amount = 0;
  bool operator==(const Bar&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Bar& bar) {
  return out << format_iso8601_utc(bar.start) << " O" << bar.open << " H" << bar.high << " L"
             << bar.low << " C" << bar.close << " V" << bar.volume << " A" << bar.amount;
}

using Series = std::map<std::string, std::vector<Bar>>;  // per symbol, in time order

// A snapshot covers trades up to its time stamp: it belongs to the minute of (ts - 1 ms); the
// 09:25 auction match belongs to the first minute; earlier auction snapshots carry no trade.
Series resample_ticks(const RecordBatch& ticks) {
  Series series;
  const auto& ts = column<int64_t>(ticks, "ts");
  const auto& symbol = column<std::string>(ticks, "symbol");
  const auto& last = column<int64_t>(ticks, "last");
  const auto& volume = column<int64_t>(ticks, "volume");
  const auto& amount = column<int64_t>(ticks, "amount");
  int64_t volume_before = 0;
  int64_t amount_before = 0;
  bool new_day = true;
  for (size_t row = 0; row < ticks.num_rows(); ++row) {
    const int64_t local = shanghai_millis_of_day(ts[row]);
    if (local < (9 * 60 + 25) * kMillisPerMinute) {
      volume_before = amount_before = 0;  // a new day's auction
      new_day = true;
      continue;
    }
    const int minute =
        local <= (9 * 60 + 30) * kMillisPerMinute ? 0 : trading_minute_index(ts[row] - 1);
    const TimestampMs start = trading_minute_start(shanghai_date(ts[row]), minute);
    std::vector<Bar>& bars = series[symbol[row]];
    if (bars.empty() || bars.back().start != start) {
      if (!new_day) {
        volume_before += bars.back().volume;
        amount_before += bars.back().amount;
      }
      new_day = false;
      bars.push_back(Bar{start, last[row], last[row], last[row], last[row], 0, 0});
    }
    Bar& bar = bars.back();
    bar.high = std::max(bar.high, last[row]);
    bar.low = std::min(bar.low, last[row]);
    bar.close = last[row];
    bar.volume = volume[row] - volume_before;
    bar.amount = amount[row] - amount_before;
  }
  return series;
}

Series bars_of(const RecordBatch& batch, std::string_view time) {
  Series series;
  const bool by_date = time == "trade_date";
  for (size_t row = 0; row < batch.num_rows(); ++row) {
    const TimestampMs start =
        by_date ? shanghai_time(Date{column<int32_t>(batch, "trade_date")[row]}, 0, 0)
                : column<int64_t>(batch, "ts")[row];
    series[column<std::string>(batch, "symbol")[row]].push_back(
        Bar{start, column<int64_t>(batch, "open")[row], column<int64_t>(batch, "high")[row],
            column<int64_t>(batch, "low")[row], column<int64_t>(batch, "close")[row],
            column<int64_t>(batch, "volume")[row], column<int64_t>(batch, "amount")[row]});
  }
  return series;
}

// Groups consecutive bars by `key` (the group's first start or a day).
template <typename Key>
Series aggregate(const Series& input, Key key) {
  Series out;
  for (const auto& [symbol, bars] : input) {
    std::vector<Bar>& target = out[symbol];
    for (const Bar& bar : bars) {
      const TimestampMs group = key(bar.start);
      if (target.empty() || target.back().start != group) {
        target.push_back(Bar{group, bar.open, bar.high, bar.low, bar.close, 0, 0});
      }
      Bar& merged = target.back();
      merged.high = std::max(merged.high, bar.high);
      merged.low = std::min(merged.low, bar.low);
      merged.close = bar.close;
      merged.volume += bar.volume;
      merged.amount += bar.amount;
    }
  }
  return out;
}

class SimulatorBarsTest : public SimulatorTest {};

TEST_F(SimulatorBarsTest, TicksResampleToTheOneMinuteBars) {
  auto source = make(40);
  const std::vector<std::string> symbols = first_symbols(*source, 6);
  const SourceRequest request = request_for(symbols, "2024-05-06", "2024-05-07");
  const Series from_ticks = resample_ticks(ok(source->ticks(request)));
  const Series minutes = bars_of(ok(source->minute_bars(request)), "ts");
  ASSERT_EQ(from_ticks.size(), minutes.size());
  for (const auto& [symbol, bars] : minutes) {
    ASSERT_EQ(from_ticks.at(symbol).size(), bars.size()) << symbol;
    for (size_t k = 0; k < bars.size(); ++k) {
      ASSERT_EQ(from_ticks.at(symbol)[k], bars[k]) << symbol << " bar " << k;
    }
  }
}

TEST_F(SimulatorBarsTest, TodaysMinuteBarsStopAtTheCurrentMinuteOfTheMarketClock) {
  auto source = make(10);
  const std::vector<std::string> symbols = first_symbols(*source, 2);
  auto count = [&](std::string_view interval) {
    SourceRequest request = request_for(symbols, "2024-05-07", "2024-05-07");
    request.interval = *parse_interval(interval);
    const RecordBatch bars = ok(source->minute_bars(request));
    std::map<std::string, size_t> per_symbol;  // a suspended share has none: take the most
    for (size_t row = 0; row < bars.num_rows(); ++row) {
      EXPECT_LE(column<int64_t>(bars, "ts")[row], clock_.now_ms()) << interval;
      ++per_symbol[column<std::string>(bars, "symbol")[row]];
    }
    size_t most = 0;
    for (const auto& [symbol, rows] : per_symbol) most = std::max(most, rows);
    return most;
  };
  clock_.set_ms(at(2024, 5, 7, 10, 7, 30));  // 37 minutes (09:30..10:06) have passed
  EXPECT_EQ(count("1m"), 37u);
  EXPECT_EQ(count("5m"), 7u);  // 10:05 is still forming
  EXPECT_EQ(count("60m"), 0u);
  clock_.set_ms(at(2024, 5, 7, 12, 0));  // the lunch break: the morning's 120 minutes
  EXPECT_EQ(count("1m"), 120u);
  clock_.set_ms(at(2024, 5, 7, 9, 0));  // before the open: nothing yet
  EXPECT_EQ(count("1m"), 0u);
  clock_.set_ms(at(2024, 5, 7, 15, 0, 1));  // after the close: the whole day
  EXPECT_EQ(count("1m"), 240u);
}

TEST_F(SimulatorBarsTest, OneMinuteBarsAggregateToEveryIntervalAndTheDay) {
  auto source = make(40);
  const std::vector<std::string> symbols = first_symbols(*source, 4);
  SourceRequest request = request_for(symbols, "2024-05-06", "2024-05-08");
  const Series ones = bars_of(ok(source->minute_bars(request)), "ts");
  for (BarInterval interval :
       {BarInterval::k5m, BarInterval::k15m, BarInterval::k30m, BarInterval::k60m}) {
    request.interval = interval;
    const RecordBatch batch = ok(source->minute_bars(request));
    EXPECT_EQ(column<std::string>(batch, "frequency")[0], interval_name(interval));
    const int width = interval_minutes(interval);
    const Series expected = aggregate(ones, [width](TimestampMs start) {
      const int index = trading_minute_index(start);
      return trading_minute_start(shanghai_date(start), index / width * width);
    });
    EXPECT_EQ(bars_of(batch, "ts"), expected) << interval_name(interval);
  }
  const Series daily = bars_of(ok(source->daily_bars(request)), "trade_date");
  const Series expected_daily =
      aggregate(ones, [](TimestampMs start) { return shanghai_time(shanghai_date(start), 0, 0); });
  EXPECT_EQ(daily, expected_daily);
}

TEST_F(SimulatorBarsTest, DailyBarsCarryTheTicksPreviousCloseAndFinalTotals) {
  auto source = make(40);
  const std::vector<std::string> symbols = first_symbols(*source, 3);
  const SourceRequest request = request_for(symbols, "2024-05-06", "2024-05-06");
  const RecordBatch ticks = ok(source->ticks(request));
  const RecordBatch daily = ok(source->daily_bars(request));
  std::map<std::string, size_t> last_row;
  for (size_t row = 0; row < ticks.num_rows(); ++row)
    last_row[column<std::string>(ticks, "symbol")[row]] = row;
  for (size_t row = 0; row < daily.num_rows(); ++row) {
    const size_t tick = last_row.at(column<std::string>(daily, "symbol")[row]);
    EXPECT_EQ(column<int64_t>(daily, "close")[row], column<int64_t>(ticks, "last")[tick]);
    EXPECT_EQ(column<int64_t>(daily, "pre_close")[row], column<int64_t>(ticks, "pre_close")[tick]);
    EXPECT_EQ(column<int64_t>(daily, "volume")[row], column<int64_t>(ticks, "volume")[tick]);
    EXPECT_EQ(column<int64_t>(daily, "amount")[row], column<int64_t>(ticks, "amount")[tick]);
    EXPECT_EQ(column<int64_t>(daily, "high")[row], column<int64_t>(ticks, "high")[tick]);
    EXPECT_EQ(column<int64_t>(daily, "low")[row], column<int64_t>(ticks, "low")[tick]);
    EXPECT_EQ(column<int64_t>(daily, "open")[row], column<int64_t>(ticks, "open")[tick]);
  }
}

TEST_F(SimulatorBarsTest, IndexMinuteBarsAggregateToIndexDailyBars) {
  auto source = make(60);
  const SourceRequest indices = request({"000300.SH", "399001.SZ"}, "2024-05-06", "2024-05-07");
  const Series ones = bars_of(ok(source->minute_bars(indices)), "ts");
  const Series daily = bars_of(ok(source->index_daily_bars(indices)), "trade_date");
  ASSERT_EQ(daily.size(), 2u);
  EXPECT_EQ(daily, aggregate(ones, [](TimestampMs start) {
              return shanghai_time(shanghai_date(start), 0, 0);
            }));
}

}  // namespace
}  // namespace mystocks::sources::test
