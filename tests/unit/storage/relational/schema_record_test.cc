// Schema records and migration plans: encoding round trip, which changes are additions and which
// are refused, and the messages that name the table, the column and the change.
#include "storage/relational/schema_record.h"

#include <gtest/gtest.h>

#include "storage/relational/ddl.h"
#include "storage/tables_yaml.h"

namespace mystocks::storage {
namespace {

TableSchema bars(const std::string& extra_columns = "",
                 const std::string& key = "[symbol, trade_date]",
                 const std::string& indexes = "[[trade_date]]") {
  const std::string yaml =
      "tables:\n  bars:\n    classification: daily_kline\n    columns:\n"
      "      - {name: symbol, type: string}\n"
      "      - {name: trade_date, type: date}\n"
      "      - {name: close, type: decimal(3)}\n"
      "      - {name: pct, type: double, nullable: true}\n" +
      extra_columns + "    unique_key: " + key + "\n    indexes: " + indexes + "\n";
  Result<TableCatalog> catalog = parse_tables_yaml(yaml, "t.yaml");
  EXPECT_TRUE(catalog.is_ok()) << catalog.status().to_string();
  return **catalog->find("bars");
}

SchemaRecord record_of(const TableSchema& table, int64_t version) {
  Result<SchemaRecord> record =
      decode_schema_record(table.name, version, encode_schema_record(table));
  EXPECT_TRUE(record.is_ok()) << record.status().to_string();
  return *record;
}

TEST(SchemaRecordTest, EncodesReadablyAndRoundTrips) {
  const TableSchema table = bars();
  EXPECT_EQ(encode_schema_record(table),
            "column symbol string not_null\n"
            "column trade_date date not_null\n"
            "column close decimal(3) not_null\n"
            "column pct double null\n"
            "primary_key \n"
            "unique_key symbol,trade_date\n"
            "index trade_date\n");
  const SchemaRecord record = record_of(table, 7);
  EXPECT_EQ(record.version, 7);
  EXPECT_EQ(record.columns, table.schema()->fields());
  EXPECT_TRUE(record.primary_key.empty());
  EXPECT_EQ(record.unique_key, table.unique_key);
  EXPECT_EQ(record.indexes, table.indexes);
}

// Unique indexes are recorded, added by CREATE UNIQUE INDEX and dropped when declared away
// (left in place they would go on refusing writes the declaration allows).
TEST(SchemaRecordTest, UniqueIndexesAreRecordedAddedAndDropped) {
  const TableSchema plain = bars();
  const TableSchema unique =
      bars("", "[symbol, trade_date]", "[[trade_date]]\n    unique_indexes: [[close, trade_date]]");
  EXPECT_NE(encode_schema_record(unique).find("unique_index close,trade_date\n"),
            std::string::npos);
  EXPECT_EQ(record_of(unique, 1).unique_indexes, unique.unique_indexes);

  Result<MigrationPlan> add = plan_migration(unique, record_of(plain, 1));
  ASSERT_TRUE(add.is_ok()) << add.status().to_string();
  EXPECT_EQ(add->kind, MigrationKind::kAlter);
  EXPECT_EQ(add->added_unique_indexes,
            (std::vector<std::vector<std::string>>{{"close", "trade_date"}}));
  EXPECT_EQ(migration_statements(unique, *add, SqlDialect::kPostgres),
            (std::vector<std::string>{"CREATE UNIQUE INDEX IF NOT EXISTS "
                                      "\"ux_bars_close_trade_date\" ON \"bars\" (\"close\", "
                                      "\"trade_date\")"}));

  Result<MigrationPlan> drop = plan_migration(plain, record_of(unique, 2));
  ASSERT_TRUE(drop.is_ok()) << drop.status().to_string();
  EXPECT_EQ(drop->kind, MigrationKind::kAlter);
  EXPECT_EQ(drop->new_version, 3);
  EXPECT_EQ(migration_statements(plain, *drop, SqlDialect::kSqlite),
            (std::vector<std::string>{"DROP INDEX IF EXISTS \"ux_bars_close_trade_date\""}));
  EXPECT_EQ(plan_migration(unique, record_of(unique, 2))->kind, MigrationKind::kUnchanged);
}

TEST(SchemaRecordTest, UnreadableRecordIsDataLoss) {
  for (const char* text :
       {"", "column x floaty null\n", "colour red\n", "column x int64 maybe\n"}) {
    Result<SchemaRecord> record = decode_schema_record("bars", 1, text);
    EXPECT_EQ(record.status().code(), ErrorCode::kDataLoss) << text;
    EXPECT_NE(record.status().message().find("table 'bars'"), std::string::npos);
  }
}

TEST(SchemaRecordTest, PlansCreationNoOpAndAdditions) {
  Result<MigrationPlan> create = plan_migration(bars(), std::nullopt);
  ASSERT_TRUE(create.is_ok());
  EXPECT_EQ(create->kind, MigrationKind::kCreate);
  EXPECT_EQ(create->new_version, 1);

  Result<MigrationPlan> same = plan_migration(bars(), record_of(bars(), 3));
  ASSERT_TRUE(same.is_ok());
  EXPECT_EQ(same->kind, MigrationKind::kUnchanged);
  EXPECT_EQ(same->new_version, 3);

  const TableSchema grown = bars(
      "      - {name: adj, type: double, nullable: true}\n"
      "      - {name: src, type: string, nullable: true}\n",
      "[symbol, trade_date]", "[[trade_date], [src]]");
  Result<MigrationPlan> alter = plan_migration(grown, record_of(bars(), 3));
  ASSERT_TRUE(alter.is_ok()) << alter.status().to_string();
  EXPECT_EQ(alter->kind, MigrationKind::kAlter);
  EXPECT_EQ(alter->new_version, 4);
  ASSERT_EQ(alter->added_columns.size(), 2u);
  EXPECT_EQ(alter->added_columns[0].name, "adj");
  EXPECT_EQ(alter->added_columns[1].name, "src");
  EXPECT_EQ(alter->added_indexes, (std::vector<std::vector<std::string>>{{"src"}}));
}

TEST(SchemaRecordTest, RefusesEveryIncompatibleChangeAtOnce) {
  TableSchema changed = bars("      - {name: lots, type: int64}\n", "[symbol]");
  changed.columns[2].field.scale = 2;                  // close decimal(3) -> decimal(2)
  changed.columns[3].field.nullable = false;           // pct nullable -> non-nullable
  changed.columns.erase(changed.columns.begin() + 1);  // trade_date dropped
  changed.finalize();
  Result<MigrationPlan> plan = plan_migration(changed, record_of(bars(), 2));
  ASSERT_EQ(plan.status().code(), ErrorCode::kSchemaMismatch);
  const std::string& message = plan.status().message();
  EXPECT_EQ(plan.status().field(), "bars");
  for (const char* needle :
       {"table 'bars' in tables.yaml is incompatible with the database (schema version 2): ",
        "column 'trade_date' (date) exists in the database but is no longer declared",
        "column 'close' changed type from decimal(3) to decimal(2)",
        "column 'pct' changed from nullable to non-nullable",
        "column 'lots' is new and non-nullable, but existing rows have no value for it; declare it "
        "'nullable: true'",
        "unique_key changed from (symbol,trade_date) to (symbol)", "Nothing was changed"}) {
    EXPECT_NE(message.find(needle), std::string::npos) << needle << "\n in: " << message;
  }
}

}  // namespace
}  // namespace mystocks::storage
