#include "sources/csv/csv_source.h"

#include <algorithm>
#include <filesystem>
#include <optional>

#include "sources/batch_ops.h"
#include "sources/csv/csv_dataset_stream.h"

namespace mystocks::sources {
namespace {

namespace fs = std::filesystem;


// The column a request's symbols select on.
std::string_view key_column(DataType type) {
  switch (type) {
    case DataType::kIndexComponents:
      return "index_symbol";
    case DataType::kTradeCalendar:
      return "exchange";
    default:
      return "symbol";
  }
}

// The column a request's dates select on, empty when the table has none.
std::string date_column(const storage::TableSchema& table) {
  if (!table.time_column.empty()) return table.time_column;
  for (std::string_view name : {"trade_date", "report_date"}) {
    if (table.schema()->index_of(name)) return std::string(name);
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<CsvSource>> CsvSource::create(
    std::string name, CsvSourceOptions options,
    std::shared_ptr<const storage::TableCatalog> catalog, const Clock& clock,
    MetricsRegistry& metrics) {
  if (options.root.empty()) {
    return field_error(ErrorCode::kInvalidConfig, "sources.csv_dir",
                       "csv source '{}': sources.csv_dir is empty: set it to the directory that "
                       "holds daily/, minute_1m/, tick/, ...",
                       name);
  }
  std::error_code ec;
  if (!fs::is_directory(options.root, ec)) {
    return field_error(ErrorCode::kInvalidConfig, "sources.csv_dir",
                       "csv source '{}': sources.csv_dir '{}' is not a directory", name,
                       options.root);
  }
  return std::unique_ptr<CsvSource>(
      new CsvSource(std::move(name), std::move(options), std::move(catalog), clock, metrics));
}

CsvSource::CsvSource(std::string name, CsvSourceOptions options,
                     std::shared_ptr<const storage::TableCatalog> catalog, const Clock& clock,
                     MetricsRegistry& metrics)
    : name_(std::move(name)),
      options_(std::move(options)),
      catalog_(std::move(catalog)),
      clock_(&clock) {
  rows_imported_ = &metrics
                        .counter("mystocks_source_csv_rows_imported_total",
                                 "CSV rows imported by the csv source", {"source"})
                        .with({name_});
  rows_skipped_ = &metrics
                       .counter("mystocks_source_csv_rows_skipped_total",
                                "Malformed CSV lines skipped (error policy skip)", {"source"})
                       .with({name_});
}

std::string CsvSource::directory_for(DataType type, BarInterval interval) const {
  if (type == DataType::kMinute) return "minute_" + std::string(interval_name(interval));
  return std::string(data_type_name(type));
}

Result<CsvStreamPlan> CsvSource::plan(DataType type, const SourceRequest& request,
                                      bool filter_dates, size_t chunk_rows) const {
  if (filter_dates) MYSTOCKS_RETURN_IF_ERROR(check_date_range(*this, type, request));
  Result<const storage::TableSchema*> found = catalog_->find(table_for(type));
  if (!found.is_ok()) return found.status();
  const storage::TableSchema& table = **found;
  const fs::path directory = fs::path(options_.root) / directory_for(type, request.interval);
  std::error_code ec;
  if (!fs::is_directory(directory, ec)) {
    return error(ErrorCode::kUnsupported,
                 "source '{}' (csv) does not support {}: there is no directory {}", name_,
                 operation_name(type), directory.string());
  }
  std::vector<fs::path> files;
  for (const fs::directory_entry& entry : fs::directory_iterator(directory, ec)) {
    const std::string extension = entry.path().extension().string();
    if (entry.is_regular_file() && (extension == ".csv" || extension == ".CSV")) {
      files.push_back(entry.path());
    }
  }
  if (ec)
    return error(ErrorCode::kIoError, "source '{}': listing {} failed: {}", name_,
                 directory.string(), ec.message());
  std::sort(files.begin(), files.end());

  CsvStreamPlan plan;
  plan.source_name = name_;
  plan.table = &table;
  plan.chunk_rows = chunk_rows;
  if (type == DataType::kTradeCalendar) {
    if (request.exchange) plan.wanted.insert(std::string(exchange_name(*request.exchange)));
  } else {
    for (const Symbol& symbol : request.symbols) plan.wanted.insert(symbol.to_string());
  }
  plan.key = std::string(key_column(type));
  plan.filter_time = filter_dates ? date_column(table) : std::string();
  plan.order_time = plan.filter_time.empty() ? date_column(table) : plan.filter_time;
  plan.filter_is_timestamp = !plan.filter_time.empty() &&
                             table.column(plan.filter_time)->field.type == ColumnType::kTimestamp;
  plan.first =
      plan.filter_is_timestamp ? shanghai_time(request.from, 0, 0) : request.from.days;
  plan.last = plan.filter_is_timestamp ? shanghai_time(Date{request.to.days + 1}, 0, 0) - 1
                                       : request.to.days;
  if (type == DataType::kMinute) plan.frequency = std::string(interval_name(request.interval));
  for (const fs::path& file : files) {
    if (!plan.wanted.empty() && plan.key == "symbol") {
      // Per-symbol files named after their symbol can be skipped unread.
      const std::string stem = file.stem().string();
      Result<Symbol> named = Symbol::parse(stem.substr(0, stem.find_first_of("_- ")));
      if (named.is_ok() && !plan.wanted.contains(named->to_string())) continue;
    }
    plan.files.push_back(file.string());
  }
  plan.csv = options_.csv;
  plan.csv.now = clock_->now_ms();
  // Blocks parsed ahead hold their rows until handed out: with small batches, small blocks
  // (about 32 bytes of text a batch row, 16 KiB at the least), so memory still follows
  // chunk_rows and not the 1 MiB read block.
  // Batches this small ask for memory before speed: one parse thread (no per-thread stacks and
  // allocator caches).
  if (chunk_rows > 0) {
    plan.csv.read_block_bytes =
        std::min(plan.csv.read_block_bytes, std::max<size_t>(chunk_rows * 32, size_t{16} << 10));
    if (chunk_rows < 8192) plan.csv.parse_threads = 1;
  }
  if (type == DataType::kMinute) plan.csv.frequency = request.interval;
  return plan;
}

Result<std::unique_ptr<BatchStream>> CsvSource::open_stream(DataType type,
                                                            const SourceRequest& request,
                                                            size_t chunk_rows) {
  if (type == DataType::kRealtimeQuotes || type == DataType::kNews) return unsupported(type);
  Result<CsvStreamPlan> planned = plan(type, request, type != DataType::kSymbols, chunk_rows);
  if (!planned.is_ok()) return planned.status();
  return std::unique_ptr<BatchStream>(std::make_unique<CsvDatasetStream>(
      std::move(planned).value(),
      CsvStreamMetrics{.rows_imported = rows_imported_, .rows_skipped = rows_skipped_}));
}

Result<RecordBatch> CsvSource::load(DataType type, const SourceRequest& request,
                                    bool filter_dates) {
  Result<CsvStreamPlan> planned = plan(type, request, filter_dates, 0);
  if (!planned.is_ok()) return planned.status();
  std::shared_ptr<const Schema> schema = planned->table->schema();
  CsvDatasetStream stream(std::move(planned).value(),
                          CsvStreamMetrics{.rows_imported = rows_imported_,
                                           .rows_skipped = rows_skipped_});
  Result<std::optional<RecordBatch>> all = stream.next();  // chunk_rows 0: one batch
  if (!all.is_ok()) return all.status();
  if (!all->has_value()) return concat_batches({}, schema);
  return std::move(**all);
}

Result<RecordBatch> CsvSource::daily_bars(const SourceRequest& request) {
  return load(DataType::kDaily, request, true);
}
Result<RecordBatch> CsvSource::index_daily_bars(const SourceRequest& request) {
  return load(DataType::kIndexDaily, request, true);
}
Result<RecordBatch> CsvSource::minute_bars(const SourceRequest& request) {
  return load(DataType::kMinute, request, true);
}
Result<RecordBatch> CsvSource::ticks(const SourceRequest& request) {
  return load(DataType::kTick, request, true);
}
Result<RecordBatch> CsvSource::symbols(const SourceRequest& request) {
  return load(DataType::kSymbols, request, false);
}
Result<RecordBatch> CsvSource::index_components(const SourceRequest& request) {
  return load(DataType::kIndexComponents, request, true);
}
Result<RecordBatch> CsvSource::trade_calendar(const SourceRequest& request) {
  return load(DataType::kTradeCalendar, request, true);
}
Result<RecordBatch> CsvSource::fundamentals(const SourceRequest& request) {
  return load(DataType::kFundamentals, request, true);
}
Result<RecordBatch> CsvSource::fund_flow(const SourceRequest& request) {
  return load(DataType::kFundFlow, request, true);
}

}  // namespace mystocks::sources
