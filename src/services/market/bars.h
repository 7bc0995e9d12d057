// K-line arithmetic on plain columns, free of any store: price adjustment (qfq/hfq) from
// cumulative adjustment factors, and resampling 1-minute bars into 5..60-minute A-share session
// bars and daily bars into week or month bars (Asia/Shanghai calendar). Each output bar takes the
// first open, the highest high, the lowest low, the last close and the summed volume and amount
// of its inputs. Invariant of Bars: every vector has size() elements, sorted by ts ascending.
// Pure functions and value types: safe from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "core/record_batch.h"
#include "core/status.h"
#include "core/timestamp.h"

namespace mystocks::services {

enum class KlineInterval : uint8_t { k1m, k5m, k15m, k30m, k60m, k1d, k1w, k1M };
enum class Adjust : uint8_t { kNone, kForward /* qfq */, kBackward /* hfq */ };

std::string_view kline_interval_name(KlineInterval interval);  // "1m" ... "1M"
Result<KlineInterval> parse_kline_interval(std::string_view text);
Result<Adjust> parse_adjust(std::string_view text);  // "none", "qfq", "hfq"
std::string_view adjust_name(Adjust adjust);
bool is_intraday(KlineInterval interval);
int interval_minutes(KlineInterval interval);  // 1..60 for intraday intervals, 0 otherwise

struct Bars {
  int price_scale = 3;          // decimal places of open/high/low/close units
  int amount_scale = 2;         // decimal places of amount units
  std::vector<TimestampMs> ts;  // bar start
  std::vector<int64_t> open, high, low, close;
  std::vector<int64_t> volume;
  std::vector<int64_t> amount;
  // 1 = final; 0 = provisional: a bar of a session still trading (daily_kline.final = false),
  // or a week or month bar holding one. Replaced by its final version after the close.
  std::vector<int64_t> final;

  size_t size() const { return ts.size(); }
  void push(TimestampMs start, int64_t o, int64_t h, int64_t l, int64_t c, int64_t v, int64_t a,
            bool is_final = true);
  // Keeps the newest `count` bars.
  void keep_last(size_t count);
  // Drops the oldest bar.
  void drop_first();
};

// Bars from a batch with columns open, high, low, close (decimal), volume (int64), amount
// (decimal) and either a timestamp column `ts` or a date column `trade_date` (the bar then
// starts at that date's Asia/Shanghai midnight); an optional bool column `final` (absent or null
// = final). Errors name a missing or mistyped column.
Result<Bars> bars_from_batch(const RecordBatch& batch);
// ts, open, high, low, close, volume, amount, final (bool).
RecordBatch bars_to_batch(const Bars& bars);

// Multiplies every price by factor[i] / base and rounds half away from zero to the price scale.
// qfq: base = the newest factor of the symbol (today's prices stay as traded); hfq: base = 1.
// REQUIRES: factors.size() == bars.size(), base > 0.
void adjust_prices(Bars& bars, const std::vector<double>& factors, double base);

// 1-minute bars -> `minutes`-minute bars cut on the A-share session (09:30-11:30, 13:00-15:00):
// a 60-minute day has bars starting 09:30, 10:30, 13:00 and 14:00. A bar's ts is its bucket's
// session start even when its first minute is missing. Minutes outside the session join the
// nearest session bar. REQUIRES: 1 <= minutes <= 120 dividing 120.
Bars resample_session(const Bars& one_minute, int minutes);

enum class CalendarBucket : uint8_t { kWeek /* Monday-Sunday */, kMonth };
// Daily bars -> week or month bars; a bar's ts is the ts of its first daily bar; a bar holding a
// provisional day is provisional.
Bars resample_calendar(const Bars& daily, CalendarBucket bucket);

}  // namespace mystocks::services
