// The shipped config/tables.yaml declares every relational table of ARCHITECTURE.md with keys
// the stores can upsert on, SQL-safe names and DDL for both dialects.
#include <gtest/gtest.h>

#include "storage/relational/ddl.h"
#include "storage/tables_yaml.h"
#include "support/source_dir.h"

namespace mystocks::storage {
namespace {

TEST(ShippedTablesTest, EveryRelationalClassHasACompleteTable) {
  Result<TableCatalog> catalog = load_tables_yaml(test::source_path("config/tables.yaml"));
  ASSERT_TRUE(catalog.is_ok()) << catalog.status().to_string();
  for (DataClassification classification : all_classifications()) {
    if (default_target(classification) != StoreKind::kRelational) continue;
    const std::string name(classification_name(classification));
    Result<const TableSchema*> table = catalog->find(name);
    ASSERT_TRUE(table.is_ok()) << name << " is not declared";
    EXPECT_EQ((*table)->classification, classification) << name;
    EXPECT_EQ((*table)->target(), StoreKind::kRelational) << name;
    EXPECT_TRUE(check_relational_table(**table).is_ok())
        << check_relational_table(**table).to_string();
    EXPECT_GE((*table)->columns.size(), 4u) << name;
    EXPECT_FALSE(create_table_sql(**table, SqlDialect::kPostgres).empty());
  }
}

TEST(ShippedTablesTest, KeysOfTheTablesOtherLayersDependOn) {
  Result<TableCatalog> catalog = load_tables_yaml(test::source_path("config/tables.yaml"));
  ASSERT_TRUE(catalog.is_ok());
  auto unique_key = [&](const char* name) { return (*catalog->find(name))->unique_key; };
  using Names = std::vector<std::string>;
  EXPECT_EQ(unique_key("daily_kline"), (Names{"symbol", "trade_date"}));
  EXPECT_EQ(unique_key("symbols"), (Names{"symbol"}));
  EXPECT_EQ(unique_key("trade_calendar"), (Names{"exchange", "trade_date"}));
  EXPECT_EQ(unique_key("orders"), (Names{"order_id"}));
  EXPECT_EQ(unique_key("positions"), (Names{"account_id", "symbol"}));
  EXPECT_EQ(unique_key("users"), (Names{"username"}));
  EXPECT_EQ((*catalog->find("users"))->primary_key, (Names{"user_id"}));
  const TableSchema& daily = **catalog->find("daily_kline");
  for (const char* column : {"open", "high", "low", "close", "pre_close", "change", "pct_change",
                             "volume", "amount", "turnover_rate", "adj_factor"}) {
    EXPECT_NE(daily.column(column), nullptr) << column;
  }
  EXPECT_EQ(daily.column("close")->field.type_string(), "decimal(3)");
  const TableSchema& sync = **catalog->find("sync_messages");
  for (const char* column :
       {"id", "table_name", "operation", "record_key", "payload", "status", "attempts",
        "next_attempt_at", "last_error", "created_at", "updated_at"}) {
    EXPECT_NE(sync.column(column), nullptr) << column;
  }
  EXPECT_EQ(sync.indexes.front(), (Names{"status", "next_attempt_at"}));
}

}  // namespace
}  // namespace mystocks::storage
