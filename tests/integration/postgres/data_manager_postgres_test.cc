// DataManager over PostgreSQL end to end: every shipped relational table created through
// open(), a save with the continue strategy, and a load by symbol and date range.
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

TEST(DataManagerPostgresTest, SavesAndLoadsDailyKlinesThroughTheRelationalRoute) {
  MYSTOCKS_ASSERT_OK(shared_postgres_status());
  Result<TableCatalog> shipped =
      load_tables_yaml(mystocks::test::source_path("config/tables.yaml"));
  ASSERT_TRUE(shipped.is_ok());
  std::vector<TableSchema> relational;
  for (const TableSchema& table : shipped->tables()) {
    if (table.target() == StoreKind::kRelational) relational.push_back(table);
  }
  const TableCatalog catalog(std::move(relational));
  Result<std::string> conninfo = fresh_postgres_database("manager");
  ASSERT_TRUE(conninfo.is_ok());
  MetricsRegistry metrics;
  Result<std::unique_ptr<PostgresStore>> store =
      PostgresStore::open({.primary_conninfo = *conninfo, .metrics = &metrics});
  ASSERT_TRUE(store.is_ok());
  services::DataManager manager(catalog, nullptr, store->get(), SystemClock::instance(),
                                {.metrics = &metrics});
  MYSTOCKS_ASSERT_OK(manager.open());
  EXPECT_EQ(*(*store)->schema_version("sync_messages"), 1);
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

}  // namespace
}  // namespace mystocks::storage::test
