#include "services/market/bars.h"

#include <algorithm>
#include <cmath>

namespace mystocks::services {
namespace {

constexpr std::string_view kIntervalNames[] = {"1m", "5m", "15m", "30m", "60m", "1d", "1w", "1M"};

const Column* typed_column(const RecordBatch& batch, std::string_view name, ColumnType type,
                           Status& problem) {
  const Column* column = batch.column(name);
  const std::optional<size_t> index = batch.schema().index_of(name);
  if (column == nullptr || !index || batch.schema().field(*index).type != type) {
    problem = error(ErrorCode::kSchemaMismatch, "K-line rows need a {} column '{}'",
                    column_type_name(type), name);
    return nullptr;
  }
  return column;
}

int scale_of(const RecordBatch& batch, std::string_view name) {
  const std::optional<size_t> index = batch.schema().index_of(name);
  return index ? batch.schema().field(*index).scale : 0;
}

// Merges consecutive bars with the same key; `start_of` gives an output bar's ts from the key
// and the first input bar's ts.
template <typename KeyOf, typename StartOf>
Bars merge_runs(const Bars& in, KeyOf key_of, StartOf start_of) {
  Bars out;
  out.price_scale = in.price_scale;
  out.amount_scale = in.amount_scale;
  size_t row = 0;
  while (row < in.size()) {
    const int64_t key = key_of(in.ts[row]);
    size_t end = row + 1;
    while (end < in.size() && key_of(in.ts[end]) == key) ++end;
    int64_t high = in.high[row];
    int64_t low = in.low[row];
    int64_t volume = 0;
    int64_t amount = 0;
    bool is_final = true;
    for (size_t index = row; index < end; ++index) {
      high = std::max(high, in.high[index]);
      low = std::min(low, in.low[index]);
      volume += in.volume[index];
      amount += in.amount[index];
      is_final = is_final && in.final[index] != 0;
    }
    out.push(start_of(key, in.ts[row]), in.open[row], high, low, in.close[end - 1], volume, amount,
             is_final);
    row = end;
  }
  return out;
}

// Session minute 0..239 of an instant, clamping times outside continuous trading to the nearest
// session minute (a 09:25 auction print joins 09:30, a 15:00 close joins 14:59).
int session_minute(TimestampMs ts) {
  const int64_t minute_of_day = shanghai_millis_of_day(ts) / kMillisPerMinute;
  constexpr int64_t kMorningOpen = 9 * 60 + 30;
  constexpr int64_t kMorningClose = 11 * 60 + 30;
  constexpr int64_t kAfternoonOpen = 13 * 60;
  constexpr int64_t kAfternoonClose = 15 * 60;
  if (minute_of_day < kMorningOpen) return 0;
  if (minute_of_day < kMorningClose) return static_cast<int>(minute_of_day - kMorningOpen);
  if (minute_of_day < kAfternoonOpen) return 119;
  if (minute_of_day < kAfternoonClose)
    return static_cast<int>(120 + minute_of_day - kAfternoonOpen);
  return 239;
}

}  // namespace

std::string_view kline_interval_name(KlineInterval interval) {
  return kIntervalNames[static_cast<size_t>(interval)];
}

Result<KlineInterval> parse_kline_interval(std::string_view text) {
  for (size_t index = 0; index < std::size(kIntervalNames); ++index) {
    if (kIntervalNames[index] == text) return static_cast<KlineInterval>(index);
  }
  return field_error(ErrorCode::kInvalidArgument, "interval",
                     "interval '{}' is unknown: expected 1m, 5m, 15m, 30m, 60m, 1d, 1w or 1M",
                     text);
}

Result<Adjust> parse_adjust(std::string_view text) {
  if (text == "none") return Adjust::kNone;
  if (text == "qfq") return Adjust::kForward;
  if (text == "hfq") return Adjust::kBackward;
  return field_error(ErrorCode::kInvalidArgument, "adjust",
                     "adjust '{}' is unknown: expected none, qfq or hfq", text);
}

std::string_view adjust_name(Adjust adjust) {
  static constexpr std::string_view kNames[] = {"none", "qfq", "hfq"};
  return kNames[static_cast<size_t>(adjust)];
}

bool is_intraday(KlineInterval interval) { return interval_minutes(interval) > 0; }

int interval_minutes(KlineInterval interval) {
  switch (interval) {
    case KlineInterval::k1m:
      return 1;
    case KlineInterval::k5m:
      return 5;
    case KlineInterval::k15m:
      return 15;
    case KlineInterval::k30m:
      return 30;
    case KlineInterval::k60m:
      return 60;
    default:
      return 0;
  }
}

void Bars::push(TimestampMs start, int64_t o, int64_t h, int64_t l, int64_t c, int64_t v, int64_t a,
                bool is_final) {
  final.push_back(is_final ? 1 : 0);
  ts.push_back(start);
  open.push_back(o);
  high.push_back(h);
  low.push_back(l);
  close.push_back(c);
  volume.push_back(v);
  amount.push_back(a);
}

void Bars::keep_last(size_t count) {
  if (size() <= count) return;
  const auto cut = static_cast<std::ptrdiff_t>(size() - count);
  for (auto* column : {&ts, &open, &high, &low, &close, &volume, &amount, &final}) {
    column->erase(column->begin(), column->begin() + cut);
  }
}

void Bars::drop_first() {
  if (size() == 0) return;
  for (auto* column : {&ts, &open, &high, &low, &close, &volume, &amount, &final})
    column->erase(column->begin());
}

Result<Bars> bars_from_batch(const RecordBatch& batch) {
  Status problem;
  const Column* open = typed_column(batch, "open", ColumnType::kDecimal, problem);
  const Column* high = typed_column(batch, "high", ColumnType::kDecimal, problem);
  const Column* low = typed_column(batch, "low", ColumnType::kDecimal, problem);
  const Column* close = typed_column(batch, "close", ColumnType::kDecimal, problem);
  const Column* volume = typed_column(batch, "volume", ColumnType::kInt64, problem);
  const Column* amount = typed_column(batch, "amount", ColumnType::kDecimal, problem);
  if (!problem.is_ok()) return problem;
  Bars bars;
  bars.price_scale = scale_of(batch, "close");
  bars.amount_scale = scale_of(batch, "amount");
  if (const Column* ts = batch.column("ts")) {
    bars.ts = ts->as<int64_t>();
  } else if (const Column* date = batch.column("trade_date")) {
    bars.ts.reserve(batch.num_rows());
    for (int32_t days : date->as<int32_t>()) bars.ts.push_back(shanghai_time(Date{days}, 0, 0));
  } else {
    return error(ErrorCode::kSchemaMismatch, "K-line rows need a 'ts' or 'trade_date' column");
  }
  bars.open = open->as<int64_t>();
  bars.high = high->as<int64_t>();
  bars.low = low->as<int64_t>();
  bars.close = close->as<int64_t>();
  bars.volume = volume->as<int64_t>();
  bars.amount = amount->as<int64_t>();
  bars.final.assign(batch.num_rows(), 1);
  const std::optional<size_t> final_index = batch.schema().index_of("final");
  if (final_index && batch.schema().field(*final_index).type == ColumnType::kBool) {
    const Column& flags = batch.column(*final_index);
    for (size_t row = 0; row < batch.num_rows(); ++row) {
      if (!flags.is_null(row) && flags.as<uint8_t>()[row] == 0) bars.final[row] = 0;
    }
  }
  return bars;
}

RecordBatch bars_to_batch(const Bars& bars) {
  auto schema = std::make_shared<const Schema>(
      std::vector<Field>{{"ts", ColumnType::kTimestamp},
                         {"open", ColumnType::kDecimal, bars.price_scale},
                         {"high", ColumnType::kDecimal, bars.price_scale},
                         {"low", ColumnType::kDecimal, bars.price_scale},
                         {"close", ColumnType::kDecimal, bars.price_scale},
                         {"volume", ColumnType::kInt64},
                         {"amount", ColumnType::kDecimal, bars.amount_scale},
                         {"final", ColumnType::kBool}});
  std::vector<Column> columns;
  for (const auto* values :
       {&bars.ts, &bars.open, &bars.high, &bars.low, &bars.close, &bars.volume, &bars.amount}) {
    columns.emplace_back(ColumnValues(*values));
  }
  columns.emplace_back(ColumnValues(std::vector<uint8_t>(bars.final.begin(), bars.final.end())));
  Result<RecordBatch> batch = RecordBatch::make(std::move(schema), std::move(columns));
  return batch.is_ok() ? std::move(batch).value() : RecordBatch();  // Bars' invariant: cannot fail
}

void adjust_prices(Bars& bars, const std::vector<double>& factors, double base) {
  for (size_t row = 0; row < bars.size(); ++row) {
    const double ratio = factors[row] / base;
    for (auto* column : {&bars.open, &bars.high, &bars.low, &bars.close}) {
      (*column)[row] =
          static_cast<int64_t>(std::llround(static_cast<double>((*column)[row]) * ratio));
    }
  }
}

Bars resample_session(const Bars& one_minute, int minutes) {
  return merge_runs(
      one_minute,
      [minutes](TimestampMs ts) {
        return int64_t{shanghai_date(ts).days} * 1000 + session_minute(ts) / minutes;
      },
      [minutes](int64_t key, TimestampMs) {
        return trading_minute_start(Date{static_cast<int32_t>(key / 1000)},
                                    static_cast<int>(key % 1000) * minutes);
      });
}

Bars resample_calendar(const Bars& daily, CalendarBucket bucket) {
  return merge_runs(
      daily,
      [bucket](TimestampMs ts) -> int64_t {
        const Date date = shanghai_date(ts);
        if (bucket == CalendarBucket::kMonth) return int64_t{date.year()} * 12 + date.month();
        // 1970-01-01 was a Thursday: shifting by 3 days makes weeks start on Monday.
        const int64_t shifted = int64_t{date.days} + 3;
        return shifted >= 0 ? shifted / 7 : (shifted - 6) / 7;
      },
      [](int64_t, TimestampMs first) { return first; });
}

}  // namespace mystocks::services
