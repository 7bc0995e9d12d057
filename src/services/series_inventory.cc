#include "services/series_inventory.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "services/table_rows.h"
#include "services/time_columns.h"
#include "sources/simulator/trading_calendar.h"

namespace mystocks::services {
namespace {

using storage::DataClassification;

// The trading days the gaps are counted against, and the span they are known for.
struct Calendar {
  std::vector<int32_t> days;  // ascending
  int32_t first = 0;
  int32_t last = -1;
  std::string name;
};

Result<Calendar> load_calendar(DataManager& data) {
  Calendar calendar;
  LoadQuery query;
  query.columns = {"trade_date"};
  query.filters = {storage::eq("is_open", true)};
  Result<RecordBatch> open_days = data.load("trade_calendar", query);
  if (open_days.is_ok() && open_days->num_rows() > 0) {
    calendar.days = open_days->column("trade_date")->as<int32_t>();
    std::sort(calendar.days.begin(), calendar.days.end());
    calendar.days.erase(std::unique(calendar.days.begin(), calendar.days.end()),
                        calendar.days.end());
    calendar.first = calendar.days.front();
    calendar.last = calendar.days.back();
    calendar.name = "trade_calendar";
    return calendar;
  }
  if (!open_days.is_ok() && open_days.status().code() != ErrorCode::kNotFound) {
    return open_days.status().with_context("reading trade_calendar");
  }
  const sources::TradingCalendar& builtin = sources::TradingCalendar::china_a_shares();
  for (const Date& day : builtin.trading_days()) calendar.days.push_back(day.days);
  calendar.first = builtin.first_date().days;
  calendar.last = builtin.last_date().days;
  calendar.name = "built-in";
  return calendar;
}

// [begin, end) positions of the trading days within [first, last] and the calendar's span.
std::pair<size_t, size_t> trading_span(const Calendar& calendar, int32_t first, int32_t last) {
  const int32_t from = std::max(first, calendar.first);
  const int32_t to = std::min(last, calendar.last);
  if (from > to) return {0, 0};
  auto begin = std::lower_bound(calendar.days.begin(), calendar.days.end(), from);
  auto end = std::upper_bound(begin, calendar.days.end(), to);
  return {static_cast<size_t>(begin - calendar.days.begin()),
          static_cast<size_t>(end - calendar.days.begin())};
}

// The newest job (by submission) that wrote each table for each symbol.
class SourceIndex {
 public:
  explicit SourceIndex(const std::vector<JobRecord>& writers) {
    for (size_t position = 0; position < writers.size(); ++position) {
      const JobRecord& job = writers[position];
      Sources& table = tables_[job.table];
      if (job.all_symbols) {
        if (!table.all) table.all.emplace(position, job.source);
        continue;
      }
      for (const std::string& symbol : job.symbols) {
        table.by_symbol.try_emplace(symbol, position, job.source);
      }
    }
  }

  std::string source(const std::string& table, const std::string& symbol) const {
    auto found = tables_.find(table);
    if (found == tables_.end()) return {};
    const Sources& sources = found->second;
    auto specific = sources.by_symbol.find(symbol);
    if (specific == sources.by_symbol.end()) return sources.all ? sources.all->second : "";
    if (sources.all && sources.all->first < specific->second.first) return sources.all->second;
    return specific->second.second;
  }

 private:
  struct Sources {
    std::map<std::string, std::pair<size_t, std::string>> by_symbol;  // (position, source)
    std::optional<std::pair<size_t, std::string>> all;
  };
  std::map<std::string, Sources> tables_;
};

// Relational tables whose rows are one per trading day, so a day without one is a gap.
bool daily_rows(const storage::TableSchema& table) {
  switch (table.classification) {
    case DataClassification::kDailyKline:
    case DataClassification::kFundFlow:
      return true;
    default:
      return false;
  }
}

const storage::ColumnDef* series_time(const storage::TableSchema& table) {
  const storage::ColumnDef* symbol = table.column("symbol");
  if (symbol == nullptr || symbol->field.type != ColumnType::kString) return nullptr;
  return range_column(table);
}

int64_t midnight_ms(int32_t day) { return int64_t{day} * kMillisPerDay - kShanghaiOffsetMs; }

// `names`: the table's tag columns (table.tag_columns(), taken once per table).
std::string other_tags(const std::vector<std::string>& names,
                       const std::vector<std::string>& tags) {
  std::string out;
  for (size_t index = 0; index < names.size() && index < tags.size(); ++index) {
    if (names[index] == "symbol" || names[index] == "exchange") continue;
    out += fmt::format("{}{}={}", out.empty() ? "" : ",", names[index], tags[index]);
  }
  return out;
}

void add_time_series(const storage::TableSchema& table,
                     const std::vector<storage::SeriesSummary>& summaries,
                     const Calendar& calendar, std::vector<InventoryRow>& out) {
  const std::vector<std::string> tag_names = table.tag_columns();
  out.reserve(out.size() + summaries.size());
  for (const storage::SeriesSummary& series : summaries) {
    InventoryRow row{.table = table.name,
                     .store = "timeseries",
                     .symbol = series.symbol,
                     .series = other_tags(tag_names, series.tags),
                     .rows = series.rows,
                     .first_ms = series.first_ms,
                     .last_ms = series.last_ms,
                     .last_write_ms = series.last_write_ms};
    const auto [begin, end] = trading_span(calendar, shanghai_date(series.first_ms).days,
                                           shanghai_date(series.last_ms).days);
    if (begin < end) {
      row.missing_days = 0;
      auto held = series.days.begin();
      for (size_t day_idx = begin; day_idx < end; ++day_idx) {
        const int32_t day = calendar.days[day_idx];
        held = std::lower_bound(held, series.days.end(), day);
        if (held != series.days.end() && *held == day) continue;
        if (row.missing_sample.size() < SeriesInventory::kMissingSample) {
          row.missing_sample.push_back(day);
        }
        ++row.missing_days;
      }
    }
    out.push_back(std::move(row));
  }
}

void add_relational(const storage::TableSchema& table, const storage::ColumnDef& time,
                    const RecordBatch& summary, const Calendar& calendar,
                    std::vector<InventoryRow>& out) {
  const bool by_date = time.field.type == ColumnType::kDate;
  const Column& first = *summary.column("first");
  const Column& last = *summary.column("last");
  for (size_t row_idx = 0; row_idx < summary.num_rows(); ++row_idx) {
    if (first.is_null(row_idx)) continue;  // only null times: nothing to place in time
    InventoryRow row{.table = table.name,
                     .store = "relational",
                     .symbol = string_at(summary, "symbol", row_idx),
                     .rows = int64_at(summary, "rows", row_idx)};
    if (by_date) {
      const int32_t first_day = first.as<int32_t>()[row_idx];
      const int32_t last_day = last.as<int32_t>()[row_idx];
      row.first_ms = midnight_ms(first_day);
      row.last_ms = midnight_ms(last_day);
      const auto [begin, end] = trading_span(calendar, first_day, last_day);
      if (daily_rows(table) && begin < end) {
        const int64_t expected = static_cast<int64_t>(end - begin);
        row.missing_days =
            std::max<int64_t>(0, expected - int64_at(summary, "distinct_times", row_idx));
      }
    } else {
      row.first_ms = first.as<int64_t>()[row_idx];
      row.last_ms = last.as<int64_t>()[row_idx];
    }
    out.push_back(std::move(row));
  }
}

}  // namespace

SeriesInventory::SeriesInventory(DataManager& data, JobHistory* history)
    : data_(data), history_(history) {}

Result<Inventory> SeriesInventory::list(const InventoryQuery& query) const {
  const storage::TableCatalog& catalog = data_.catalog();
  std::vector<const storage::TableSchema*> tables;
  if (query.tables.empty()) {
    for (const storage::TableSchema& table : catalog.tables()) {
      if (series_time(table) != nullptr) tables.push_back(&table);
    }
  }
  for (const std::string& name : query.tables) {
    Result<const storage::TableSchema*> table = catalog.find(name);
    if (!table.is_ok())
      return field_error(table.status().code(), "table", "{}", table.status().message());
    if (series_time(**table) == nullptr) {
      return field_error(ErrorCode::kInvalidArgument, "table",
                         "table '{}' holds no series (it needs a symbol column and a date or "
                         "timestamp column); tables with series: daily_kline, minute_kline, "
                         "tick, fund_flow, ...",
                         name);
    }
    tables.push_back(*table);
  }
  Result<Calendar> calendar = load_calendar(data_);
  if (!calendar.is_ok()) return calendar.status();
  std::vector<JobRecord> writers;
  if (history_ != nullptr) {
    Result<std::vector<JobRecord>> found = history_->writers();
    if (!found.is_ok()) return found.status().with_context("reading the ingest job history");
    writers = std::move(*found);
  }
  const SourceIndex sources(writers);

  Inventory inventory;
  inventory.calendar = calendar->name;
  for (const storage::TableSchema* table : tables) {
    inventory.tables.push_back(table->name);
    const size_t first_new = inventory.rows.size();
    if (table->target() == storage::StoreKind::kTimeSeries) {
      Result<std::vector<storage::SeriesSummary>> summaries =
          data_.summarize_time_series(table->name, query.symbols);
      if (!summaries.is_ok()) return summaries.status();
      add_time_series(*table, *summaries, *calendar, inventory.rows);
    } else {
      const storage::ColumnDef* time = series_time(*table);
      Result<RecordBatch> summary =
          data_.summarize_relational(table->name, time->field.name, query.symbols);
      if (!summary.is_ok()) return summary.status();
      add_relational(*table, *time, *summary, *calendar, inventory.rows);
    }
    for (size_t row = first_new; row < inventory.rows.size(); ++row) {
      InventoryRow& entry = inventory.rows[row];
      entry.source = sources.source(entry.table, entry.symbol);
    }
  }
  if (query.has_gaps) {
    std::erase_if(inventory.rows, [&](const InventoryRow& row) {
      return (row.missing_days > 0) != *query.has_gaps;
    });
  }
  return inventory;
}

}  // namespace mystocks::services
