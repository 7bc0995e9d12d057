#include "sources/csv/csv_source.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <optional>
#include <set>
#include <thread>

#include <spdlog/spdlog.h>

#include "sources/batch_ops.h"

namespace mystocks::sources {
namespace {

namespace fs = std::filesystem;

constexpr size_t kLoggedIssuesPerFile = 5;
constexpr size_t kParseThreads = 2;  // the machine the issue targets has two cores

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

Result<RecordBatch> CsvSource::load(DataType type, const SourceRequest& request,
                                    bool filter_dates) {
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

  std::set<std::string> wanted;
  if (type == DataType::kTradeCalendar) {
    if (request.exchange) wanted.insert(std::string(exchange_name(*request.exchange)));
  } else {
    for (const Symbol& symbol : request.symbols) wanted.insert(symbol.to_string());
  }
  const std::string_view key = key_column(type);
  const std::string time = filter_dates ? date_column(table) : std::string();
  const ColumnType time_type = time.empty() ? ColumnType::kDate : table.column(time)->field.type;
  const int64_t first =
      time_type == ColumnType::kTimestamp ? shanghai_time(request.from, 0, 0) : request.from.days;
  const int64_t last = time_type == ColumnType::kTimestamp
                           ? shanghai_time(Date{request.to.days + 1}, 0, 0) - 1
                           : request.to.days;

  // Files are independent, so they are parsed on up to kParseThreads threads (parsing is most
  // of an import's time); results are then filtered and concatenated in file order.
  std::vector<fs::path> to_read;
  for (const fs::path& file : files) {
    if (!wanted.empty() && key == "symbol") {
      // Per-symbol files named after their symbol can be skipped unread.
      const std::string stem = file.stem().string();
      Result<Symbol> named = Symbol::parse(stem.substr(0, stem.find_first_of("_- ")));
      if (named.is_ok() && !wanted.contains(named->to_string())) continue;
    }
    to_read.push_back(file);
  }
  CsvOptions csv = options_.csv;
  csv.now = clock_->now_ms();
  if (type == DataType::kMinute) csv.frequency = request.interval;
  std::vector<std::optional<Result<CsvChunk>>> parsed(to_read.size());
  std::atomic<size_t> next_file{0};
  auto parse_files = [&] {
    for (size_t index = next_file++; index < to_read.size(); index = next_file++) {
      parsed[index].emplace(import_csv_file(to_read[index].string(), table, csv));
    }
  };
  const size_t threads = std::min<size_t>(
      {to_read.size(), kParseThreads, std::max(1u, std::thread::hardware_concurrency())});
  std::vector<std::thread> helpers;
  for (size_t helper = 1; helper < threads; ++helper) helpers.emplace_back(parse_files);
  parse_files();
  for (std::thread& helper : helpers) helper.join();

  std::vector<RecordBatch> batches;
  for (size_t file_idx = 0; file_idx < to_read.size(); ++file_idx) {
    const fs::path& file = to_read[file_idx];
    Result<CsvChunk>& chunk = *parsed[file_idx];
    if (!chunk.is_ok()) return chunk.status().with_context(fmt::format("source '{}'", name_));
    for (size_t k = 0; k < chunk->issues.size() && k < kLoggedIssuesPerFile; ++k) {
      spdlog::warn("csv source '{}': {} (line skipped)", name_,
                   chunk->issues[k].to_string(file.string()));
    }
    rows_skipped_->inc(static_cast<double>(chunk->rows_skipped));
    rows_imported_->inc(static_cast<double>(chunk->batch.num_rows()));

    const RecordBatch& batch = chunk->batch;
    const Column* keys = batch.column(key);
    const Column* times = time.empty() ? nullptr : batch.column(time);
    const Column* frequencies = type == DataType::kMinute ? batch.column("frequency") : nullptr;
    std::vector<uint32_t> keep;
    keep.reserve(batch.num_rows());
    for (uint32_t row = 0; row < batch.num_rows(); ++row) {
      if (!wanted.empty() && keys != nullptr && !wanted.contains(keys->as<std::string>()[row]))
        continue;
      if (times != nullptr && !times->is_null(row)) {
        const int64_t value = time_type == ColumnType::kTimestamp ? times->as<int64_t>()[row]
                                                                  : times->as<int32_t>()[row];
        if (value < first || value > last) continue;
      }
      if (frequencies != nullptr &&
          frequencies->as<std::string>()[row] != interval_name(request.interval)) {
        continue;
      }
      keep.push_back(row);
    }
    batches.push_back(keep.size() == batch.num_rows() ? std::move(chunk->batch)
                                                      : take_rows(batch, keep));
  }
  const std::vector<uint32_t> order =
      order_by_key_time(batches, key, time.empty() ? date_column(table) : time);
  bool in_order = true;
  for (uint32_t row = 0; row < order.size() && in_order; ++row) in_order = order[row] == row;
  if (in_order && batches.size() == 1) return std::move(batches.front());  // no copy
  if (in_order) return concat_batches(batches, table.schema());
  return take_rows(batches, order, table.schema());  // one copy, straight into sorted order
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
