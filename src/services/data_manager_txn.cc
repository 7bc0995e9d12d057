// DataManager's transactional half: relational transactions whose writes are validated like
// save() and announced only once committed, plus row counts and table sizes.
#include <utility>

#include "services/data_manager.h"

namespace mystocks::services {

namespace {

// The RelationalOps a transaction body sees: checks every table and batch, forwards to the
// store's transaction, and remembers what was written so DataChanged can follow the commit.
class CheckedOps final : public storage::RelationalOps {
 public:
  using Finder = std::function<Result<const storage::TableSchema*>(const std::string&)>;

  CheckedOps(storage::RelationalOps& inner, Finder find) : inner_(inner), find_(std::move(find)) {}

  Status upsert(const std::string& table, const RecordBatch& batch) override {
    Result<const storage::TableSchema*> schema = find_(table);
    if (!schema.is_ok()) return schema.status();
    MYSTOCKS_RETURN_IF_ERROR(check_batch_schema(**schema, batch));
    RowCheck rows = check_batch_rows(**schema, batch);
    if (!rows.errors.empty()) {
      return rows.errors.front().status.with_context(fmt::format(
          "table '{}': {} of {} rows are invalid", table, rows.errors.size(), batch.num_rows()));
    }
    MYSTOCKS_RETURN_IF_ERROR(inner_.upsert(table, batch));
    if (batch.num_rows() > 0) written_.emplace_back(*schema, batch);
    return Status::ok();
  }

  Result<RecordBatch> query(const std::string& table,
                            const storage::RelationalQuery& query) override {
    Result<const storage::TableSchema*> schema = find_(table);
    if (!schema.is_ok()) return schema.status();
    return inner_.query(table, query);
  }

  Result<int64_t> count(const std::string& table,
                        const std::vector<storage::Filter>& filters) override {
    Result<const storage::TableSchema*> schema = find_(table);
    if (!schema.is_ok()) return schema.status();
    return inner_.count(table, filters);
  }

  Result<int64_t> erase(const std::string& table,
                        const std::vector<storage::Filter>& filters) override {
    Result<const storage::TableSchema*> schema = find_(table);
    if (!schema.is_ok()) return schema.status();
    return inner_.erase(table, filters);
  }

  std::vector<std::pair<const storage::TableSchema*, RecordBatch>> written_;

 private:
  storage::RelationalOps& inner_;
  Finder find_;
};

}  // namespace

Result<const storage::TableSchema*> DataManager::find_relational(const std::string& table) const {
  Result<const storage::TableSchema*> found = find(table);
  if (!found.is_ok()) return found;
  if ((*found)->target() != storage::StoreKind::kRelational) {
    return field_error(ErrorCode::kFailedPrecondition, "table",
                       "table '{}' is stored in the time-series store; only relational tables "
                       "take part in transactions and counts",
                       table);
  }
  return found;
}

Status DataManager::transaction(const std::function<Status(storage::RelationalOps& ops)>& body) {
  if (relational_ == nullptr) {
    return error(ErrorCode::kFailedPrecondition,
                 "a transaction needs the relational store, but none is configured");
  }
  std::vector<std::pair<const storage::TableSchema*, RecordBatch>> committed;
  auto call = [&] {
    return relational_->transaction([&](storage::RelationalOps& ops) {
      CheckedOps checked(ops, [this](const std::string& table) { return find_relational(table); });
      Status outcome = body(checked);
      committed = std::move(checked.written_);  // a rerun after a lost connection starts afresh
      return outcome;
    });
  };
  // Only store failures (kRetryCall) count against the breaker, not the body's own refusals.
  CircuitBreaker* breaker = breaker_for(storage::StoreKind::kRelational);
  Status status = breaker != nullptr ? breaker->run(call) : call();
  if (!status.is_ok()) return status;
  for (const auto& [table, batch] : committed) {
    metrics_
        .counter("mystocks_data_rows_written_total", "Rows written through DataManager", {"table"})
        .with({table->name})
        .inc(static_cast<double>(batch.num_rows()));
    publish(*table, batch);
  }
  return Status::ok();
}

Result<int64_t> DataManager::count(const std::string& table,
                                   const std::vector<storage::Filter>& filters) {
  Result<const storage::TableSchema*> found = find_relational(table);
  if (!found.is_ok()) return found.status();
  auto call = [&] { return relational_->count(table, filters); };
  CircuitBreaker* breaker = breaker_for(storage::StoreKind::kRelational);
  return breaker != nullptr ? breaker->run(call) : call();
}

Result<TableSize> DataManager::size(const std::string& table) {
  Result<const storage::TableSchema*> found = find(table);
  if (!found.is_ok()) return found.status();
  TableSize size;
  CircuitBreaker* breaker = breaker_for((*found)->target());
  if ((*found)->target() == storage::StoreKind::kRelational) {
    auto call = [&] { return relational_->count(table, {}); };
    Result<int64_t> rows = breaker != nullptr ? breaker->run(call) : call();
    if (!rows.is_ok()) return rows.status();
    size.rows = *rows;
    return size;
  }
  auto call = [&] { return time_series_->stats(table); };
  Result<storage::TableStats> stats = breaker != nullptr ? breaker->run(call) : call();
  if (!stats.is_ok()) return stats.status();
  size.rows = stats->rows;
  size.series = stats->series;
  size.bytes_on_disk = stats->bytes_on_disk;
  size.raw_bytes = stats->raw_bytes;
  return size;
}

}  // namespace mystocks::services
