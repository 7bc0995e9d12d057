// DataManager over PostgreSQL end to end: every shipped relational table created through
// open(), a save with the continue strategy, a load by symbol and date range, and a range
// delete and an atomic replace (erase + upsert in one transaction).
#include <gtest/gtest.h>

#include "core/timestamp.h"
#include "integration/postgres/shared_postgres.h"
#include "services/data_manager.h"
#include "storage/postgres/postgres_store.h"
#include "storage/tables_yaml.h"
#include "support/assert_status.h"
#include "support/source_dir.h"
#include "unit/storage/relational/batch_text.h"

namespace mystocks::storage::test {
namespace {

// Every shipped relational table in a fresh PostgreSQL database, behind a DataManager.
struct PostgresManager {
  explicit PostgresManager(TableCatalog tables) : catalog(std::move(tables)) {}
  TableCatalog catalog;
  MetricsRegistry metrics;
  std::unique_ptr<PostgresStore> store;
  std::unique_ptr<services::DataManager> manager;
};

Result<std::unique_ptr<PostgresManager>> open_postgres_manager(const std::string& database) {
  MYSTOCKS_RETURN_IF_ERROR(shared_postgres_status());
  Result<TableCatalog> shipped =
      load_tables_yaml(mystocks::test::source_path("config/tables.yaml"));
  if (!shipped.is_ok()) return shipped.status();
  std::vector<TableSchema> relational;
  for (const TableSchema& table : shipped->tables()) {
    if (table.target() == StoreKind::kRelational) relational.push_back(table);
  }
  auto opened = std::make_unique<PostgresManager>(TableCatalog(std::move(relational)));
  Result<std::string> conninfo = fresh_postgres_database(database);
  if (!conninfo.is_ok()) return conninfo.status();
  Result<std::unique_ptr<PostgresStore>> store =
      PostgresStore::open({.primary_conninfo = *conninfo, .metrics = &opened->metrics});
  if (!store.is_ok()) return store.status();
  opened->store = std::move(store).value();
  opened->manager = std::make_unique<services::DataManager>(
      opened->catalog, nullptr, opened->store.get(), SystemClock::instance(),
      services::DataManagerOptions{.metrics = &opened->metrics});
  MYSTOCKS_RETURN_IF_ERROR(opened->manager->open());
  return opened;
}

TEST(DataManagerPostgresTest, SavesAndLoadsDailyKlinesThroughTheRelationalRoute) {
  Result<std::unique_ptr<PostgresManager>> opened = open_postgres_manager("manager");
  ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
  const TableCatalog& catalog = (*opened)->catalog;
  services::DataManager& manager = *(*opened)->manager;
  EXPECT_EQ(*(*opened)->store->schema_version("sync_messages"), 1);
  EXPECT_NE(manager.route("daily_kline")->explanation.find("served by postgres primary"),
            std::string::npos);

  const Date day = Date::from_ymd(2024, 1, 2);
  const TableSchema& daily = **catalog.find("daily_kline");
  const RecordBatch batch = make_batch(
      daily, {"symbol", "trade_date", "open", "high", "low", "close", "volume", "amount"},
      {{"600519.SH", day.days, 1, 2, 1, 1850000, 10, 100},
       {"600519", day.days + 1, 1, 2, 1, 1860000, 10, 100},  // not canonical: rejected
       {"600519.SH", day.days + 1, 1, 2, 1, 1870000, 10, 100}});
  std::vector<services::DataChanged> events;
  manager.subscribe([&](const services::DataChanged& event) { events.push_back(event); });
  Result<services::SaveReport> report =
      manager.save("daily_kline", batch, services::SaveStrategy::kContinue);
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  EXPECT_EQ(report->rows_written, 2);
  EXPECT_EQ(report->rows_rejected, 1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].symbols, (std::vector<std::string>{"600519.SH"}));

  Result<RecordBatch> loaded =
      manager.load("daily_kline", {.columns = {"trade_date", "close"},
                                   .symbols = {"sh600519"},
                                   .range = {shanghai_time(Date{day.days + 1}, 0, 0),
                                             shanghai_time(Date{day.days + 9}, 0, 0)}});
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  EXPECT_EQ(rows_text(*loaded),
            (std::vector<std::string>{fmt::format("{}|1870000", day.days + 1)}));
}

TEST(DataManagerPostgresTest, DeletesAndReplacesADateRangeOfSymbols) {
  Result<std::unique_ptr<PostgresManager>> opened = open_postgres_manager("range");
  ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
  const TableCatalog& catalog = (*opened)->catalog;
  services::DataManager& manager = *(*opened)->manager;

  const Date day = Date::from_ymd(2024, 1, 2);
  const TableSchema& daily = **catalog.find("daily_kline");
  const std::vector<std::string> columns = {"symbol", "trade_date", "open",   "high",
                                            "low",    "close",      "volume", "amount"};
  std::vector<std::vector<Cell>> rows;
  for (const char* symbol : {"600519.SH", "000001.SZ"}) {
    for (int32_t offset = 0; offset < 5; ++offset) {
      rows.push_back({symbol, day.days + offset, 1, 2, 1, 1000 + offset, 10, 100});
    }
  }
  ASSERT_TRUE(manager.save("daily_kline", make_batch(daily, columns, rows)).is_ok());
  auto range = [&](int32_t first, int32_t last) {
    return TimeRange{shanghai_time(Date{day.days + first}, 0, 0),
                     shanghai_time(Date{day.days + last + 1}, 0, 0)};
  };
  auto stored = [&](const std::string& symbol) {
    Result<RecordBatch> loaded =
        manager.load("daily_kline", {.columns = {"trade_date", "close"}, .symbols = {symbol}});
    EXPECT_TRUE(loaded.is_ok()) << loaded.status().to_string();
    return loaded.is_ok() ? rows_text(*loaded) : std::vector<std::string>{};
  };

  // Day 1 corrected, day 2 gone at the source: both in one transaction.
  Result<services::ReplaceReport> replaced = manager.replace(
      "daily_kline", {.symbols = {"600519"}, .range = range(1, 2)},
      make_batch(daily, columns, {{"600519.SH", day.days + 1, 1, 2, 1, 999, 10, 100}}));
  ASSERT_TRUE(replaced.is_ok()) << replaced.status().to_string();
  EXPECT_EQ(replaced->rows_deleted, 2);
  EXPECT_EQ(replaced->rows_written, 1);
  EXPECT_EQ(stored("600519.SH"),
            (std::vector<std::string>{
                fmt::format("{}|1000", day.days), fmt::format("{}|999", day.days + 1),
                fmt::format("{}|1003", day.days + 3), fmt::format("{}|1004", day.days + 4)}));

  // A row outside the scope refuses the whole replace; the stored rows stay.
  Result<services::ReplaceReport> stray = manager.replace(
      "daily_kline", {.symbols = {"600519.SH"}, .range = range(1, 2)},
      make_batch(daily, columns, {{"600519.SH", day.days + 4, 1, 2, 1, 5, 10, 100}}));
  EXPECT_EQ(stray.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(stored("600519.SH").size(), 4u);

  Result<int64_t> removed =
      manager.delete_range("daily_kline", {.symbols = {"000001.SZ"}, .range = {range(3, 3).start}});
  ASSERT_TRUE(removed.is_ok()) << removed.status().to_string();
  EXPECT_EQ(*removed, 2);  // days 3 and 4 (open-ended range)
  EXPECT_EQ(stored("000001.SZ").size(), 3u);
  EXPECT_EQ(stored("600519.SH").size(), 4u);
}

}  // namespace
}  // namespace mystocks::storage::test
