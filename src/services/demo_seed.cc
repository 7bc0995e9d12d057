#include "services/demo_seed.h"

#include <algorithm>

#include <fmt/format.h>

#include "sources/table_writer.h"

namespace mystocks::services {
namespace {

using sources::BarInterval;
using sources::DataType;
using sources::SourceRequest;

double seconds_since(const Clock& clock, int64_t started_ns) {
  return static_cast<double>(clock.steady_ns() - started_ns) / 1e9;
}

class Seeder {
 public:
  Seeder(DataManager& data, sources::IDataSource& source, const DemoSeedOptions& options,
         const std::function<void(const DemoSeedStep&)>& progress)
      : data_(data), source_(source), clock_(*options.clock), cancel_(options.cancel),
        progress_(progress) {}

  // One dataset over [from, to], fetched in symbol chunks of `chunk` (0 = all at once) and, for
  // tick data, one day at a time so a fetch stays far below the source's row bound.
  Status seed(std::string_view dataset, DataType type, Date from, Date to,
              const std::vector<Symbol>& symbols, size_t chunk, bool per_day,
              const sources::TradingCalendar& calendar) {
    const int64_t started_ns = clock_.steady_ns();
    DemoSeedStep step{.dataset = std::string(dataset)};
    const size_t chunk_size = chunk == 0 ? std::max<size_t>(symbols.size(), 1) : chunk;
    std::vector<std::pair<Date, Date>> ranges;
    if (per_day) {
      for (Date day = from; day <= to; day = Date{day.days + 1}) {
        if (calendar.is_trading_day(day)) ranges.emplace_back(day, day);
      }
    } else {
      ranges.emplace_back(from, to);
    }
    for (const auto& [first, last] : ranges) {
      for (size_t begin = 0; begin < std::max<size_t>(symbols.size(), 1); begin += chunk_size) {
        if (cancel_ != nullptr && cancel_->load()) {
          return error(ErrorCode::kCancelled, "demo seed of {} cancelled", dataset);
        }
        SourceRequest request;
        request.from = first;
        request.to = last;
        request.interval = BarInterval::k1m;
        const size_t end = std::min(symbols.size(), begin + chunk_size);
        request.symbols.assign(symbols.begin() + static_cast<std::ptrdiff_t>(std::min(begin, end)),
                               symbols.begin() + static_cast<std::ptrdiff_t>(end));
        Result<RecordBatch> rows = sources::fetch(source_, type, request);
        if (!rows.is_ok()) {
          return rows.status().with_context(fmt::format("demo seed of {}", dataset));
        }
        if (rows->num_rows() == 0) continue;
        Result<SaveReport> saved =
            data_.save(std::string(sources::table_for(type)), *rows, SaveStrategy::kRollback);
        if (!saved.is_ok()) {
          return saved.status().with_context(fmt::format("demo seed of {}", dataset));
        }
        step.rows += saved->rows_written;
      }
    }
    step.seconds = seconds_since(clock_, started_ns);
    if (progress_) progress_(step);
    steps_.push_back(std::move(step));
    return Status::ok();
  }

  std::vector<DemoSeedStep> take_steps() { return std::move(steps_); }

 private:
  DataManager& data_;
  sources::IDataSource& source_;
  const Clock& clock_;
  const std::atomic<bool>* cancel_;
  const std::function<void(const DemoSeedStep&)>& progress_;
  std::vector<DemoSeedStep> steps_;
};

Result<bool> has_marker(DataManager& data) {
  LoadQuery query;
  query.filters = {storage::eq("config_key", std::string(kDemoSeedMarker))};
  Result<RecordBatch> rows = data.load("system_config", query);
  if (!rows.is_ok()) return rows.status();
  return rows->num_rows() > 0;
}

Status write_marker(DataManager& data, Date last_day, TimestampMs now) {
  Result<const storage::TableSchema*> table = data.catalog().find("system_config");
  if (!table.is_ok()) return table.status();
  sources::TableWriter writer(**table);
  writer.put_string(writer.column("config_key"), kDemoSeedMarker);
  writer.put_string(writer.column("value"), last_day.to_string());
  writer.put_string(writer.column("value_type"), "date");
  writer.put_string(writer.column("description"),
                    "Last trading day seeded by `mystocks demo`; remove it to seed again");
  writer.put_bool(writer.column("is_secret"), false);
  writer.put_string(writer.column("updated_by"), "demo");
  writer.put_int64(writer.column("updated_at"), now);
  writer.end_row();
  Result<RecordBatch> batch = writer.finish();
  if (!batch.is_ok()) return batch.status();
  return data.save("system_config", *batch).status();
}

// The stocks the source knows (its symbols operation lists indices too).
Result<std::vector<Symbol>> securities(sources::IDataSource& source) {
  Result<RecordBatch> rows = source.symbols(SourceRequest{});
  if (!rows.is_ok()) return rows.status().with_context("demo seed of symbols");
  const Column* column = rows->column("symbol");
  const Column* type = rows->column("security_type");
  if (column == nullptr) return error(ErrorCode::kInternal, "symbols rows lack a symbol column");
  std::vector<Symbol> out;
  const std::vector<std::string>& texts = column->as<std::string>();
  for (size_t row = 0; row < texts.size(); ++row) {
    if (type != nullptr && !type->is_null(row) && type->as<std::string>()[row] == "index") continue;
    Result<Symbol> symbol = Symbol::parse(texts[row]);
    if (!symbol.is_ok()) return symbol.status();
    out.push_back(*symbol);
  }
  return out;
}

// The trading day `count - 1` trading days before `last` (or the calendar's first).
Date days_back(const sources::TradingCalendar& calendar, Date last, int count) {
  const int last_index = calendar.day_index(last);
  const int first_index = std::max(0, last_index - std::max(count, 1) + 1);
  return calendar.trading_days()[static_cast<size_t>(first_index)];
}

}  // namespace

int64_t DemoSeedReport::rows() const {
  int64_t total = 0;
  for (const DemoSeedStep& step : steps) total += step.rows;
  return total;
}

Result<DemoSeedReport> seed_demo(DataManager& data, sources::IDataSource& source,
                                 const sources::TradingCalendar& calendar, Date today,
                                 const DemoSeedOptions& options,
                                 const std::function<void(const DemoSeedStep&)>& progress) {
  const Clock& clock = *options.clock;
  const int64_t started_ns = clock.steady_ns();
  DemoSeedReport report;
  Result<bool> seeded = has_marker(data);
  if (!seeded.is_ok()) return seeded.status();
  if (*seeded) {
    report.already_seeded = true;
    return report;
  }
  // The last complete trading day before today; past the calendar's end, its last day.
  const Date bound = calendar.covers(today) ? today : Date{calendar.last_date().days + 1};
  std::optional<Date> last = calendar.previous_trading_day(bound);
  if (!last.has_value()) {
    return error(ErrorCode::kOutOfRange,
                 "demo seed: the simulator's trading calendar has no trading day before {}",
                 today.to_string());
  }
  report.last_day = *last;
  report.first_day = days_back(calendar, *last, options.daily_days);
  const Date minute_from = days_back(calendar, *last, options.minute_days);
  const Date tick_from = days_back(calendar, *last, options.tick_days);

  Result<std::vector<Symbol>> symbols = securities(source);
  if (!symbols.is_ok()) return symbols.status();
  const std::vector<Symbol> all;  // empty request = everything the source knows
  const size_t chunk = static_cast<size_t>(std::max(options.symbols_per_fetch, 1));
  Seeder seeder(data, source, options, progress);
  const Date first = report.first_day;
  // Reference data first: the API validates symbols against it.
  MYSTOCKS_RETURN_IF_ERROR(
      seeder.seed("symbols", DataType::kSymbols, first, *last, all, 0, false, calendar));
  MYSTOCKS_RETURN_IF_ERROR(seeder.seed("calendar", DataType::kTradeCalendar, first,
                                       calendar.last_date(), all, 0, false, calendar));
  MYSTOCKS_RETURN_IF_ERROR(seeder.seed("index_components", DataType::kIndexComponents, first,
                                       *last, all, 0, false, calendar));
  MYSTOCKS_RETURN_IF_ERROR(
      seeder.seed("daily", DataType::kDaily, first, *last, *symbols, 0, false, calendar));
  MYSTOCKS_RETURN_IF_ERROR(
      seeder.seed("index_daily", DataType::kIndexDaily, first, *last, all, 0, false, calendar));
  MYSTOCKS_RETURN_IF_ERROR(seeder.seed("fundamentals", DataType::kFundamentals, first, *last,
                                       *symbols, 0, false, calendar));
  MYSTOCKS_RETURN_IF_ERROR(
      seeder.seed("fund_flow", DataType::kFundFlow, first, *last, *symbols, 0, false, calendar));
  if (options.minute_days > 0) {
    MYSTOCKS_RETURN_IF_ERROR(seeder.seed("minute:1m", DataType::kMinute, minute_from, *last,
                                         *symbols, chunk, false, calendar));
  }
  if (options.tick_days > 0) {
    MYSTOCKS_RETURN_IF_ERROR(
        seeder.seed("tick", DataType::kTick, tick_from, *last, *symbols, chunk, true, calendar));
  }
  MYSTOCKS_RETURN_IF_ERROR(write_marker(data, *last, clock.now_ms()));
  report.steps = seeder.take_steps();
  report.seconds = seconds_since(clock, started_ns);
  return report;
}

}  // namespace mystocks::services
