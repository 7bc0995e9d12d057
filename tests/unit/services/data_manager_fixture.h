// The DataManager test fixture: the shipped tables.yaml, a real SqliteStore in a temp directory
// behind a wrapper that can refuse upserts on demand, the in-memory FakeTimeSeriesStore, a
// private metrics registry, a manual clock and a recorder for retry pauses.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/clock.h"
#include "core/metrics.h"
#include "services/data_manager.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/tables_yaml.h"
#include "support/assert_status.h"
#include "support/source_dir.h"
#include "support/temp_dir.h"
#include "unit/services/fake_time_series_store.h"
#include "unit/storage/relational/batch_text.h"

namespace mystocks::services::test {

using storage::test::Cell;
using storage::test::make_batch;
using storage::test::rows_text;

// Delegates to a real store; `refuse` (when set) may fail an upsert before it reaches the store.
class RefusingRelationalStore final : public storage::RelationalStore {
 public:
  explicit RefusingRelationalStore(storage::RelationalStore& inner) : inner_(inner) {}

  std::function<Status(const std::string& table, const RecordBatch& batch)> refuse;
  int upsert_calls = 0;

  std::string_view backend() const override { return inner_.backend(); }
  std::string describe() const override { return inner_.describe(); }
  Status ensure_table(const storage::TableSchema& table) override {
    return inner_.ensure_table(table);
  }
  Result<int64_t> schema_version(const std::string& table) override {
    return inner_.schema_version(table);
  }
  Status transaction(const std::function<Status(storage::RelationalOps&)>& body) override {
    return inner_.transaction(body);
  }
  Status check_health() override { return inner_.check_health(); }
  Status upsert(const std::string& table, const RecordBatch& batch) override {
    ++upsert_calls;
    if (refuse) MYSTOCKS_RETURN_IF_ERROR(refuse(table, batch));
    return inner_.upsert(table, batch);
  }
  Result<RecordBatch> query(const std::string& table,
                            const storage::RelationalQuery& query) override {
    return inner_.query(table, query);
  }
  Result<int64_t> count(const std::string& table,
                        const std::vector<storage::Filter>& filters) override {
    return inner_.count(table, filters);
  }
  Result<int64_t> erase(const std::string& table,
                        const std::vector<storage::Filter>& filters) override {
    return inner_.erase(table, filters);
  }

 private:
  storage::RelationalStore& inner_;
};

class DataManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<storage::TableCatalog> catalog =
        storage::load_tables_yaml(mystocks::test::source_path("config/tables.yaml"));
    ASSERT_TRUE(catalog.is_ok()) << catalog.status().to_string();
    catalog_ = std::move(*catalog);
    Result<mystocks::test::TempDir> dir = mystocks::test::TempDir::create("data_manager_");
    ASSERT_TRUE(dir.is_ok());
    dir_.emplace(std::move(*dir));
    Result<std::unique_ptr<storage::SqliteStore>> sqlite =
        storage::SqliteStore::open({.path = (dir_->path() / "relational.db").string()}, clock_);
    ASSERT_TRUE(sqlite.is_ok()) << sqlite.status().to_string();
    sqlite_ = std::move(*sqlite);
    relational_ = std::make_unique<RefusingRelationalStore>(*sqlite_);
    manager_ = make_manager({});
    MYSTOCKS_ASSERT_OK(manager_->open());
    manager_->subscribe([this](const DataChanged& event) { events_.push_back(event); });
  }

  std::unique_ptr<DataManager> make_manager(DataManagerOptions options) {
    options.metrics = &metrics_;
    options.sleep = [this](int64_t ms) { sleeps_.push_back(ms); };
    return std::make_unique<DataManager>(catalog_, &time_series_, relational_.get(), clock_,
                                         std::move(options));
  }

  const storage::TableSchema& table(const std::string& name) const { return **catalog_.find(name); }

  // Daily K-lines with the required columns; `rows` as {symbol, trade_date days, close units}.
  RecordBatch daily(const std::vector<std::vector<Cell>>& rows) const {
    std::vector<std::vector<Cell>> full;
    for (const std::vector<Cell>& row : rows) {
      full.push_back({row[0], row[1], 1000, 1100, 900, row[2], 10, 1000});
    }
    return make_batch(table("daily_kline"),
                      {"symbol", "trade_date", "open", "high", "low", "close", "volume", "amount"},
                      full);
  }

  std::vector<std::string> stored_daily() {
    Result<RecordBatch> rows =
        sqlite_->query("daily_kline", {.columns = {"symbol", "trade_date", "close"}});
    return rows.is_ok() ? rows_text(*rows) : std::vector<std::string>{rows.status().to_string()};
  }

  storage::TableCatalog catalog_;
  ManualClock clock_{1706664600000};
  MetricsRegistry metrics_;
  std::optional<mystocks::test::TempDir> dir_;
  std::unique_ptr<storage::SqliteStore> sqlite_;
  std::unique_ptr<RefusingRelationalStore> relational_;
  FakeTimeSeriesStore time_series_;
  std::unique_ptr<DataManager> manager_;
  std::vector<DataChanged> events_;
  std::vector<int64_t> sleeps_;
};

}  // namespace mystocks::services::test
