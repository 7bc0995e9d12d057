// The embedded stores behind a test: a tables.yaml catalog (the shipped one unless given), a real
// SqliteStore and a real tsdb::TsdbStore in a temp directory behind a DataManager, on a manual
// clock, with the market-query service over them. Fixtures (the API route tests, the ingest
// tests) derive from it and seed it. Header-only:
// it needs the services and tsdb layers, which mystocks_test_support does not link.
// One test thread; the members are the fixture's own state.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "core/clock.h"
#include "core/metrics.h"
#include "services/data_manager.h"
#include "services/market/market_query.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/tables_yaml.h"
#include "storage/tsdb/tsdb_store.h"
#include "support/assert_status.h"
#include "support/source_dir.h"
#include "support/temp_dir.h"

namespace mystocks::test {

class EmbeddedStores {
 public:
  explicit EmbeddedStores(TimestampMs now) : clock_(now) {}

  // Opens both stores under a new temp directory named after `prefix`, over `catalog` (null: the
  // shipped config/tables.yaml). `tsdb_background_work` runs the tsdb's flush and compaction
  // threads. Fails the test (ASSERT) on any error; callers wrap it in ASSERT_NO_FATAL_FAILURE.
  void open_stores(const std::string& prefix,
                   std::shared_ptr<const storage::TableCatalog> catalog = nullptr,
                   bool tsdb_background_work = false) {
    catalog_ = std::move(catalog);
    if (catalog_ == nullptr) {
      Result<storage::TableCatalog> shipped =
          storage::load_tables_yaml(source_path("config/tables.yaml"));
      ASSERT_TRUE(shipped.is_ok()) << shipped.status().to_string();
      catalog_ = std::make_shared<const storage::TableCatalog>(std::move(*shipped));
    }
    Result<TempDir> dir = TempDir::create(prefix);
    ASSERT_TRUE(dir.is_ok());
    dir_.emplace(std::move(*dir));
    Result<std::unique_ptr<storage::SqliteStore>> sqlite =
        storage::SqliteStore::open({.path = (dir_->path() / "relational.db").string()}, clock_);
    ASSERT_TRUE(sqlite.is_ok()) << sqlite.status().to_string();
    sqlite_ = std::move(*sqlite);
    // No fsync: the tests read what they wrote and never crash the process.
    tsdb::TsdbOptions options;
    options.dir = dir_->path() / "tsdb";
    options.sync.mode = tsdb::SyncPolicy::Mode::kNone;
    options.background_work = tsdb_background_work;
    options.clock = &clock_;
    options.metrics = &metrics_;
    Result<std::unique_ptr<tsdb::TsdbStore>> tsdb = tsdb::TsdbStore::open(options);
    ASSERT_TRUE(tsdb.is_ok()) << tsdb.status().to_string();
    tsdb_ = std::move(*tsdb);
    data_ =
        std::make_unique<services::DataManager>(*catalog_, tsdb_.get(), sqlite_.get(), clock_,
                                                services::DataManagerOptions{.metrics = &metrics_});
    MYSTOCKS_ASSERT_OK(data_->open());
    market_ = std::make_unique<services::MarketQuery>(*data_);
  }

  ManualClock clock_;
  MetricsRegistry metrics_;
  std::shared_ptr<const storage::TableCatalog> catalog_;
  std::optional<TempDir> dir_;
  std::unique_ptr<storage::SqliteStore> sqlite_;
  std::unique_ptr<tsdb::TsdbStore> tsdb_;
  std::unique_ptr<services::DataManager> data_;
  std::unique_ptr<services::MarketQuery> market_;  // over data_
};

}  // namespace mystocks::test
