#include "services/data_manager.h"

#include <algorithm>
#include <chrono>
#include <thread>
#include <unordered_set>

#include "services/time_columns.h"

namespace mystocks::services {

using storage::StoreKind;
using storage::TableSchema;

struct DataManager::TableMetrics {
  Counter& rows_written;
  Counter& rows_rejected;
  Counter& save_failures;
  Counter& save_retries;
  Histogram& save_seconds;
};

std::string_view save_strategy_name(SaveStrategy strategy) {
  switch (strategy) {
    case SaveStrategy::kRollback:
      return "rollback";
    case SaveStrategy::kContinue:
      return "continue";
    case SaveStrategy::kRetry:
      return "retry";
  }
  return "rollback";
}

Result<SaveStrategy> parse_save_strategy(std::string_view name) {
  for (SaveStrategy strategy :
       {SaveStrategy::kRollback, SaveStrategy::kContinue, SaveStrategy::kRetry}) {
    if (save_strategy_name(strategy) == name) return strategy;
  }
  return field_error(ErrorCode::kInvalidArgument, "strategy",
                     "save strategy '{}' is unknown: expected rollback, continue or retry", name);
}

DataManager::DataManager(const storage::TableCatalog& catalog,
                         storage::TimeSeriesStore* time_series,
                         storage::RelationalStore* relational, const Clock& clock,
                         DataManagerOptions options)
    : catalog_(catalog),
      time_series_(time_series),
      relational_(relational),
      clock_(clock),
      options_(std::move(options)),
      metrics_(options_.metrics != nullptr ? *options_.metrics : MetricsRegistry::global()) {
  if (!options_.sleep) {
    options_.sleep = [](int64_t ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); };
  }
  options_.max_attempts = std::max(options_.max_attempts, 1);
  options_.chunk_rows = std::max<int64_t>(options_.chunk_rows, 1);
}

DataManager::TableMetrics DataManager::metrics_for(const std::string& table) const {
  return TableMetrics{
      metrics_
          .counter("mystocks_data_rows_written_total", "Rows written through DataManager",
                   {"table"})
          .with({table}),
      metrics_
          .counter("mystocks_data_rows_rejected_total",
                   "Rows DataManager refused (invalid, or refused by the store)", {"table"})
          .with({table}),
      metrics_.counter("mystocks_data_save_failures_total", "Saves that wrote nothing", {"table"})
          .with({table}),
      metrics_
          .counter("mystocks_data_save_retries_total", "Store writes retried by kRetry saves",
                   {"table"})
          .with({table}),
      metrics_
          .histogram("mystocks_data_operation_seconds", "DataManager save/load latency",
                     {"table", "operation"})
          .with({table, "save"}),
  };
}

Result<const TableSchema*> DataManager::find(const std::string& table) const {
  Result<const TableSchema*> found = catalog_.find(table);
  if (!found.is_ok()) return found;
  const bool relational = (*found)->target() == StoreKind::kRelational;
  const bool configured = relational ? relational_ != nullptr : time_series_ != nullptr;
  if (!configured) {
    return field_error(ErrorCode::kFailedPrecondition, "table",
                       "table '{}' routes to the {} store, but none is configured", table,
                       relational ? "relational" : "time-series");
  }
  return found;
}

Status DataManager::open() {
  for (const TableSchema& table : catalog_.tables()) {
    Result<const TableSchema*> found = find(table.name);
    if (!found.is_ok()) return found.status();
    MYSTOCKS_RETURN_IF_ERROR(table.target() == StoreKind::kRelational
                                 ? relational_->ensure_table(table)
                                 : time_series_->create_table(table));
  }
  return Status::ok();
}

Result<RouteDecision> DataManager::route(const std::string& table) const {
  Result<const TableSchema*> found = catalog_.find(table);
  if (!found.is_ok()) return found.status();
  const TableSchema& schema = **found;
  RouteDecision decision;
  decision.table = schema.name;
  decision.classification = schema.classification;
  decision.store = schema.target();
  const StoreKind by_class = storage::default_target(schema.classification);
  decision.overridden = schema.target_override.has_value() && *schema.target_override != by_class;
  const bool relational = decision.store == StoreKind::kRelational;
  if (relational) {
    decision.backend = relational_ != nullptr ? relational_->describe() : "";
  } else {
    decision.backend = time_series_ != nullptr ? options_.time_series_backend : "";
  }
  auto store_words = [](StoreKind kind) {
    return kind == StoreKind::kRelational ? "relational store" : "time-series store";
  };
  const std::string why =
      decision.overridden
          ? fmt::format("tables.yaml overrides the default of its classification (the {})",
                        store_words(by_class))
          : fmt::format("the default for classification '{}'",
                        storage::classification_name(schema.classification));
  decision.explanation = fmt::format(
      "table '{}' (classification {}) is stored in the {}: {}; {}", schema.name,
      storage::classification_name(schema.classification), store_words(decision.store), why,
      decision.backend.empty() ? std::string("no such store is configured, so saves and loads fail")
                               : "served by " + decision.backend);
  return decision;
}

CircuitBreaker* DataManager::breaker_for(StoreKind store) const {
  if (options_.breakers == nullptr) return nullptr;
  return &options_.breakers->get(store == StoreKind::kRelational ? "store.relational"
                                                                 : "store.time_series");
}

Status DataManager::write(const TableSchema& table, const RecordBatch& batch) {
  auto call = [&] {
    return table.target() == StoreKind::kRelational ? relational_->upsert(table.name, batch)
                                                    : time_series_->write(table.name, batch);
  };
  CircuitBreaker* breaker = breaker_for(table.target());
  return breaker != nullptr ? breaker->run(call) : call();
}

Status DataManager::write_with_retry(const TableSchema& table, const RecordBatch& batch,
                                     SaveReport& report) {
  int64_t delay_ms = options_.retry_base_delay_ms;
  for (int attempt = 1;; ++attempt) {
    ++report.attempts;
    Status written = write(table, batch);
    if (written.is_ok()) return written;
    const bool transient =
        written.retry() == RetryClass::kRetryCall || written.retry() == RetryClass::kRetryHigher;
    if (!transient || report.strategy != SaveStrategy::kRetry) return written;
    if (attempt >= options_.max_attempts) {
      return written.with_context(
          fmt::format("table '{}': gave up after {} attempts", table.name, attempt));
    }
    metrics_for(table.name).save_retries.inc();
    options_.sleep(delay_ms);
    delay_ms = std::min(delay_ms * 2, options_.retry_max_delay_ms);
  }
}

void DataManager::add_error(SaveReport& report, RowError error) const {
  report.rows_rejected += error.row_count;
  if (report.errors.size() < options_.max_reported_errors)
    report.errors.push_back(std::move(error));
}

Status DataManager::write_in_chunks(const TableSchema& table, const RecordBatch& batch,
                                    const std::vector<uint32_t>& rows, SaveReport& report) {
  std::vector<uint32_t> written;
  written.reserve(rows.size());
  Status failure;
  const auto chunk = static_cast<size_t>(options_.chunk_rows);
  for (size_t begin = 0; begin < rows.size(); begin += chunk) {
    const size_t end = std::min(rows.size(), begin + chunk);
    const std::vector<uint32_t> part(rows.begin() + static_cast<std::ptrdiff_t>(begin),
                                     rows.begin() + static_cast<std::ptrdiff_t>(end));
    const bool whole_batch = part.size() == batch.num_rows();
    ++report.attempts;
    const Status status = write(table, whole_batch ? batch : select_rows(batch, part));
    if (!status.is_ok()) {
      // The rows were valid: a store that refuses them is a failure of the save, not of the rows
      // (counting them as rejected would let a job "succeed" with nothing written).
      failure = status.with_context(fmt::format(
          "table '{}': the {} store refused rows {}..{} of the batch ({} valid rows written before)",
          table.name, store_kind_name(table.target()), part.front(), part.back(), written.size()));
      break;
    }
    written.insert(written.end(), part.begin(), part.end());
  }
  report.rows_written = static_cast<int64_t>(written.size());
  if (!written.empty()) {
    publish(table, written.size() == batch.num_rows() ? batch : select_rows(batch, written));
  }
  return failure;
}

Result<SaveReport> DataManager::save(const std::string& table_name, const RecordBatch& batch,
                                     SaveStrategy strategy) {
  const int64_t started_ns = clock_.steady_ns();
  Result<const TableSchema*> found = find(table_name);
  if (!found.is_ok()) return found.status();
  const TableSchema& table = **found;
  TableMetrics metrics = metrics_for(table.name);
  SaveReport report;
  report.table = table.name;
  report.store = table.target();
  report.strategy = strategy;
  report.rows_received = static_cast<int64_t>(batch.num_rows());
  auto finish = [&](Status failure) -> Result<SaveReport> {
    metrics.rows_written.inc(static_cast<double>(report.rows_written));
    metrics.rows_rejected.inc(static_cast<double>(report.rows_rejected));
    if (report.rows_written == 0 && report.rows_received > 0) metrics.save_failures.inc();
    metrics.save_seconds.observe(static_cast<double>(clock_.steady_ns() - started_ns) / 1e9);
    if (!failure.is_ok()) return failure;
    return report;
  };

  Status schema = check_batch_schema(table, batch);
  if (!schema.is_ok()) {
    report.rows_rejected = report.rows_received;
    return finish(schema);
  }
  RowCheck check = check_batch_rows(table, batch);
  if (strategy == SaveStrategy::kContinue) {
    for (RowError& error : check.errors) add_error(report, std::move(error));
    if (check.valid_rows.empty()) return finish(Status::ok());
    return finish(write_in_chunks(table, batch, check.valid_rows, report));
  }
  if (!check.errors.empty()) {
    report.rows_rejected = report.rows_received;
    const RowError& first = check.errors.front();
    return finish(first.status.with_context(
        fmt::format("table '{}': {} of {} rows are invalid, nothing was saved; first", table.name,
                    check.errors.size(), batch.num_rows())));
  }
  if (batch.num_rows() == 0) return finish(Status::ok());
  const Status written = write_with_retry(table, batch, report);
  if (!written.is_ok()) {
    report.rows_rejected = report.rows_received;
    return finish(written);
  }
  report.rows_written = report.rows_received;
  publish(table, batch);
  return finish(Status::ok());
}

void DataManager::publish(const TableSchema& table, const RecordBatch& written) const {
  DataChanged event;
  event.table = table.name;
  event.store = table.target();
  event.rows = static_cast<int64_t>(written.num_rows());
  event.schema = &table;
  event.batch = &written;
  if (const Column* symbols = written.column("symbol");
      symbols != nullptr &&
      written.schema().field(*written.schema().index_of("symbol")).type == ColumnType::kString) {
    const std::vector<std::string>& values = symbols->as<std::string>();
    std::unordered_set<std::string_view> distinct;
    const std::string* previous = nullptr;  // rows usually come grouped by symbol
    for (size_t row = 0; row < values.size(); ++row) {
      if (symbols->is_null(row) || (previous != nullptr && *previous == values[row])) continue;
      previous = &values[row];
      distinct.insert(values[row]);
    }
    event.symbols.assign(distinct.begin(), distinct.end());
    std::sort(event.symbols.begin(), event.symbols.end());
  }
  if (const storage::ColumnDef* time = range_column(table); time != nullptr) {
    if (const Column* column = written.column(time->field.name); column != nullptr) {
      std::optional<storage::TimeRange> span = span_of(*column, time->field.type, nullptr);
      event.has_range = span.has_value();
      if (span.has_value()) event.range = *span;
    }
  }
  bus_.publish(event);
}

}  // namespace mystocks::services
