#include "storage/tables_yaml.h"

#include <gtest/gtest.h>

#include "support/fuzz_findings.h"
#include "support/source_dir.h"

namespace mystocks::storage {
namespace {

TEST(TablesYamlTest, ShippedFileDeclaresTimeSeriesTablesWithTagsAndKeys) {
  Result<TableCatalog> catalog = load_tables_yaml(test::source_path("config/tables.yaml"));
  ASSERT_TRUE(catalog.is_ok()) << catalog.status().to_string();
  for (const char* name :
       {"tick", "order_book_depth", "minute_kline", "index_quote", "realtime_quote"}) {
    Result<const TableSchema*> table = catalog->find(name);
    ASSERT_TRUE(table.is_ok()) << name;
    EXPECT_EQ((*table)->target(), StoreKind::kTimeSeries) << name;
    EXPECT_EQ((*table)->time_column, "ts") << name;
    EXPECT_EQ((*table)->unique_key.back(), "ts") << name;
    EXPECT_NE((*table)->column("symbol"), nullptr) << name;
    EXPECT_TRUE((*table)->column("symbol")->tag) << name;
  }
  const TableSchema& tick = **catalog->find("tick");
  EXPECT_EQ(tick.column("last")->field.type, ColumnType::kDecimal);
  EXPECT_EQ(tick.column("last")->field.scale, 3);
  EXPECT_NE(tick.column("ask5_volume"), nullptr);
  EXPECT_NE((*catalog->find("order_book_depth"))->column("bid10_price"), nullptr);
  EXPECT_EQ((*catalog->find("minute_kline"))->tag_columns(),
            (std::vector<std::string>{"symbol", "frequency"}));
  EXPECT_EQ(tick.schema()->size(), tick.columns.size());
  const TableSchema& daily = **catalog->find("daily_kline");
  EXPECT_EQ(daily.target(), StoreKind::kRelational);
  EXPECT_EQ(daily.unique_key, (std::vector<std::string>{"symbol", "trade_date"}));
}

struct BadCase {
  const char* yaml;
  const char* expected;
};

TEST(TablesYamlTest, MistakesNameFileLineTableAndColumn) {
  const BadCase cases[] = {
      {"tables:\n  t:\n    classification: tik\n    columns: [{name: a, type: int64}]\n",
       "f.yaml:3: table 't': classification 'tik' is unknown"},
      {"tables:\n  t:\n    classification: symbols\n    columns:\n      - {name: a, type: float}\n    unique_key: [a]\n",
       "f.yaml:5: table 't' column 'a': column type 'float' is unknown"},
      {"tables:\n  t:\n    classification: symbols\n    columns:\n      - {name: a, type: int64, colour: red}\n",
       "table 't' column 'a': unknown key 'colour'"},
      {"tables:\n  t:\n    classification: symbols\n    columns:\n      - {name: a, type: int64}\n      - {name: a, type: int64}\n",
       "f.yaml:6: table 't' column 'a': is declared twice"},
      {"tables:\n  t:\n    classification: symbols\n    columns: [{name: a, type: int64}]\n    unique_key: [b]\n",
       "'unique_key' names column 'b', which the table does not declare"},
      {"tables:\n  t:\n    classification: symbols\n    columns: [{name: a, type: int64}]\n",
       "needs a unique_key or primary_key"},
      {"tables:\n  t:\n    classification: tick\n    columns: [{name: a, type: int64, tag: true}]\n",
       "is a time-series table and needs a time_column"},
      {"tables:\n  t:\n    classification: tick\n    time_column: ts\n    columns: [{name: ts, type: timestamp}]\n",
       "needs at least one tag column"},
      {"tables:\n  t:\n    classification: tick\n    time_column: a\n    columns: [{name: a, type: int64, tag: true}]\n",
       "time_column 'a' must name a non-nullable timestamp column"},
      {"tables:\n  t:\n    classification: symbols\n    partition: weekly\n    columns: [{name: a, type: int64}]\n    unique_key: [a]\n",
       "partition 'weekly' is unknown"},
      {"tables:\n  t:\n    classification: symbols\n    retention_days: -3\n    columns: [{name: a, type: int64}]\n    unique_key: [a]\n",
       "retention_days must be an integer >= 0"},
      {"tables:\n  t:\n    classification: symbols\n    target: mongo\n    columns: [{name: a, type: int64}]\n    unique_key: [a]\n",
       "store 'mongo' is unknown"},
      {"tables:\n  t:\n    classification: symbols\n    columns: [{name: a, type: int64}]\n    unique_key: [a]\n    unique_indexes: [[b]]\n",
       "'unique_indexes' names column 'b', which the table does not declare"},
      {"tables:\n  t:\n    classification: symbols\n    columns: [{name: a, type: int64}]\n    unique_key: [a]\n    unique_indexes: a\n",
       "'unique_indexes' must be a list of column lists"},
      {"tables:\n  t:\n    classification: symbols\n    columns: [{name: a, type: int64}]\n    unique_key: [a]\n    indexes: [[]]\n",
       "'indexes' has an empty column list"},
      {"tables:\n  t:\n    classification: tick\n    time_column: ts\n    columns: [{name: ts, type: timestamp}, {name: s, type: string, tag: true}, {name: p, type: int64}]\n    unique_indexes: [[p]]\n",
       "unique_indexes are for relational tables"},
      {"tabels: {}\n", "expected a top-level 'tables' mapping"},
      {"tables: [\n", "YAML syntax error"},
  };
  for (const BadCase& bad : cases) {
    Result<TableCatalog> catalog = parse_tables_yaml(bad.yaml, "f.yaml");
    ASSERT_FALSE(catalog.is_ok()) << bad.yaml;
    EXPECT_NE(catalog.status().message().find(bad.expected), std::string::npos)
        << "expected '" << bad.expected << "' in: " << catalog.status().message();
    EXPECT_EQ(catalog.status().code(), ErrorCode::kInvalidConfig);
  }
}

TEST(TablesYamlTest, TargetOverrideAndUnknownTableLookup) {
  Result<TableCatalog> catalog = parse_tables_yaml(
      "tables:\n  t:\n    classification: fund_flow\n    target: timeseries\n    time_column: ts\n"
      "    columns: [{name: ts, type: timestamp}, {name: symbol, type: string, tag: true}]\n",
      "f.yaml");
  ASSERT_TRUE(catalog.is_ok()) << catalog.status().to_string();
  EXPECT_EQ((*catalog->find("t"))->target(), StoreKind::kTimeSeries);
  Result<const TableSchema*> missing = catalog->find("nope");
  ASSERT_FALSE(missing.is_ok());
  EXPECT_NE(missing.status().message().find("declared: t"), std::string::npos);
}

TEST(ClassificationTest, EveryClassHasOneTargetAndRoundTripsByName) {
  int timeseries = 0;
  for (DataClassification classification : all_classifications()) {
    Result<DataClassification> parsed = parse_classification(classification_name(classification));
    ASSERT_TRUE(parsed.is_ok());
    EXPECT_EQ(*parsed, classification);
    timeseries += default_target(classification) == StoreKind::kTimeSeries;
  }
  EXPECT_EQ(timeseries, 5);
  EXPECT_EQ(all_classifications().size(), 22u);
}

// Inputs the fuzzer found ending the process with a yaml-cpp exception (a list used as a table
// name): each is now an INVALID_CONFIG error naming the file (tests/golden/fuzz/tables_yaml).
TEST(TablesYamlTest, FuzzFindingsAreErrorsNotExceptions) {
  const auto findings = test::fuzz_findings("tables_yaml");
  ASSERT_FALSE(findings.empty());
  for (const auto& [name, text] : findings) {
    Result<TableCatalog> catalog = parse_tables_yaml(text, name);
    ASSERT_FALSE(catalog.is_ok()) << name;
    EXPECT_EQ(catalog.status().code(), ErrorCode::kInvalidConfig) << name;
    EXPECT_NE(catalog.status().message().find(name + ":"), std::string::npos)
        << catalog.status().message();
  }
}

}  // namespace
}  // namespace mystocks::storage
