// DDL generated from tables.yaml, per dialect: exact statements for a representative table, the
// identity rules (clustered unique key vs primary key + unique), and identifier safety.
#include "storage/relational/ddl.h"

#include <gtest/gtest.h>

#include "storage/tables_yaml.h"

namespace mystocks::storage {
namespace {

TableSchema parse_one(const std::string& yaml, const std::string& name) {
  Result<TableCatalog> catalog = parse_tables_yaml(yaml, "t.yaml");
  EXPECT_TRUE(catalog.is_ok()) << catalog.status().to_string();
  return **catalog->find(name);
}

constexpr const char* kYaml = R"(
tables:
  bars:
    classification: daily_kline
    columns:
      - {name: symbol, type: string}
      - {name: trade_date, type: date}
      - {name: close, type: decimal(3)}
      - {name: volume, type: int64}
      - {name: pct, type: double, nullable: true}
      - {name: halted, type: bool, nullable: true}
      - {name: lots, type: int32, nullable: true}
      - {name: at, type: timestamp, nullable: true}
    unique_key: [symbol, trade_date]
    indexes: [[trade_date], [symbol, at]]
  users:
    classification: users
    columns:
      - {name: user_id, type: string}
      - {name: username, type: string}
    primary_key: [user_id]
    unique_key: [username]
  config:
    classification: system_config
    columns:
      - {name: config_key, type: string}
      - {name: value, type: string}
    primary_key: [config_key]
)";

TEST(DdlTest, SqliteTablesAreStrictAndClusteredOnTheirUniqueKey) {
  EXPECT_EQ(create_table_sql(parse_one(kYaml, "bars"), SqlDialect::kSqlite),
            "CREATE TABLE \"bars\" (\n"
            "  \"symbol\" TEXT NOT NULL,\n"
            "  \"trade_date\" INTEGER NOT NULL,\n"
            "  \"close\" INTEGER NOT NULL,\n"
            "  \"volume\" INTEGER NOT NULL,\n"
            "  \"pct\" REAL,\n"
            "  \"halted\" INTEGER,\n"
            "  \"lots\" INTEGER,\n"
            "  \"at\" INTEGER,\n"
            "  PRIMARY KEY (\"symbol\", \"trade_date\")\n"
            ") STRICT, WITHOUT ROWID");
}

TEST(DdlTest, PostgresUsesExactNativeTypes) {
  EXPECT_EQ(create_table_sql(parse_one(kYaml, "bars"), SqlDialect::kPostgres),
            "CREATE TABLE \"bars\" (\n"
            "  \"symbol\" text COLLATE \"C\" NOT NULL,\n"
            "  \"trade_date\" date NOT NULL,\n"
            "  \"close\" numeric(19, 3) NOT NULL,\n"
            "  \"volume\" bigint NOT NULL,\n"
            "  \"pct\" double precision,\n"
            "  \"halted\" boolean,\n"
            "  \"lots\" integer,\n"
            "  \"at\" timestamptz,\n"
            "  PRIMARY KEY (\"symbol\", \"trade_date\")\n"
            ")");
}

TEST(DdlTest, PrimaryKeyPlusDistinctUniqueKey) {
  const TableSchema users = parse_one(kYaml, "users");
  const std::string sqlite = create_table_sql(users, SqlDialect::kSqlite);
  EXPECT_NE(sqlite.find("PRIMARY KEY (\"user_id\"),\n  UNIQUE (\"username\")\n) STRICT"),
            std::string::npos)
      << sqlite;
  EXPECT_EQ(sqlite.find("WITHOUT ROWID"), std::string::npos);
  const std::string postgres = create_table_sql(parse_one(kYaml, "config"), SqlDialect::kPostgres);
  EXPECT_NE(postgres.find("PRIMARY KEY (\"config_key\")\n)"), std::string::npos) << postgres;
  EXPECT_EQ(postgres.find("UNIQUE"), std::string::npos);
}

TEST(DdlTest, IndexesColumnsAndTheVersionTable) {
  const TableSchema bars = parse_one(kYaml, "bars");
  const std::vector<std::string> statements = create_table_statements(bars, SqlDialect::kPostgres);
  ASSERT_EQ(statements.size(), 3u);
  EXPECT_EQ(statements[1],
            "CREATE INDEX IF NOT EXISTS \"ix_bars_trade_date\" ON \"bars\" (\"trade_date\")");
  EXPECT_EQ(statements[2],
            "CREATE INDEX IF NOT EXISTS \"ix_bars_symbol_at\" ON \"bars\" (\"symbol\", \"at\")");
  EXPECT_EQ(
      add_column_sql(bars, Field{"adj", ColumnType::kDecimal, 6, true}, SqlDialect::kPostgres),
      "ALTER TABLE \"bars\" ADD COLUMN \"adj\" numeric(19, 6)");
  EXPECT_EQ(add_column_sql(bars, Field{"adj", ColumnType::kDecimal, 6, true}, SqlDialect::kSqlite),
            "ALTER TABLE \"bars\" ADD COLUMN \"adj\" INTEGER");
  EXPECT_EQ(schema_version_table_sql(SqlDialect::kSqlite),
            "CREATE TABLE IF NOT EXISTS \"mystocks_schema_version\" (\"table_name\" TEXT PRIMARY "
            "KEY, \"version\" INTEGER NOT NULL, \"definition\" TEXT NOT NULL, \"updated_at_ms\" "
            "INTEGER NOT NULL) STRICT");
  EXPECT_EQ(placeholder(SqlDialect::kSqlite, 3), "?");
  EXPECT_EQ(placeholder(SqlDialect::kPostgres, 3), "$3");
}

TEST(DdlTest, LongIndexNamesAreShortenedStably) {
  const std::vector<std::string> columns = {"a_rather_long_column_name", "another_long_column_name",
                                            "third"};
  const std::string name = index_name("technical_indicators", columns);
  EXPECT_EQ(name.size(), kMaxIdentifierLength);
  EXPECT_EQ(name, index_name("technical_indicators", columns));
  EXPECT_NE(name, index_name("technical_indicators",
                             {"a_rather_long_column_name", "another_long_column_name", "fourth"}));
}

TEST(DdlTest, RefusesUnsafeNamesAndNullableKeys) {
  EXPECT_TRUE(check_identifier("daily_kline", "table").is_ok());
  for (const char* bad : {"", "1st", "bad-name", "x\"y", "drop table;", "名字"}) {
    const Status status = check_identifier(bad, "table 't' column");
    EXPECT_EQ(status.code(), ErrorCode::kInvalidConfig) << bad;
    EXPECT_NE(status.message().find("is not a valid SQL name"), std::string::npos);
  }
  EXPECT_FALSE(check_identifier(std::string(64, 'a'), "table").is_ok());
  EXPECT_EQ(quote_identifier("we\"ird"), "\"we\"\"ird\"");

  TableSchema table = parse_one(kYaml, "bars");
  table.columns[1].field.nullable = true;  // trade_date, part of the unique key
  const Status nullable_key = check_relational_table(table);
  EXPECT_EQ(nullable_key.code(), ErrorCode::kInvalidConfig);
  EXPECT_NE(nullable_key.message().find("column 'trade_date' is part of a key"), std::string::npos);
  table = parse_one(kYaml, "bars");
  table.columns[0].field.name = "sym bol";
  EXPECT_NE(check_relational_table(table).message().find("table 'bars' column 'sym bol'"),
            std::string::npos);
}

}  // namespace
}  // namespace mystocks::storage
