// Statements built from typed requests: exact SQL per dialect with placeholders, parameters
// typed by their columns, tie-broken ordering, the row bound, and upserts.
#include "storage/relational/statement_builder.h"

#include <gtest/gtest.h>

#include "storage/tables_yaml.h"
#include "unit/storage/relational/batch_text.h"

namespace mystocks::storage {
namespace {

TableSchema bars() {
  Result<TableCatalog> catalog = parse_tables_yaml(R"(
tables:
  bars:
    classification: daily_kline
    columns:
      - {name: symbol, type: string}
      - {name: trade_date, type: date}
      - {name: close, type: decimal(3)}
      - {name: pct, type: double, nullable: true}
      - {name: note, type: string, nullable: true}
    unique_key: [symbol, trade_date]
)",
                                                   "t.yaml");
  EXPECT_TRUE(catalog.is_ok()) << catalog.status().to_string();
  return **catalog->find("bars");
}

TEST(StatementBuilderTest, SelectWithFiltersOrderAndPagesPerDialect) {
  RelationalQuery query{.columns = {"symbol", "close"},
                        .filters = {in("symbol", {"600519.SH", "000001.SZ"}),
                                    cmp("trade_date", FilterOp::kGe, int64_t{19723}),
                                    {"note", FilterOp::kStartsWith, {"a"}}},
                        .order_by = {{"close", SortOrder::kDescending}},
                        .limit = 50,
                        .offset = 100};
  Result<SelectStatement> sqlite = build_select(SqlDialect::kSqlite, bars(), query, 1000);
  ASSERT_TRUE(sqlite.is_ok()) << sqlite.status().to_string();
  EXPECT_EQ(sqlite->sql.text,
            "SELECT \"symbol\", \"close\" FROM \"bars\" WHERE \"symbol\" IN (?, ?) AND "
            "\"trade_date\" >= ? AND instr(\"note\", ?) = 1 ORDER BY \"close\" DESC NULLS FIRST, "
            "\"symbol\" ASC NULLS LAST, \"trade_date\" ASC NULLS LAST LIMIT ? OFFSET ?");
  Result<SelectStatement> postgres = build_select(SqlDialect::kPostgres, bars(), query, 1000);
  ASSERT_TRUE(postgres.is_ok());
  EXPECT_EQ(postgres->sql.text,
            "SELECT \"symbol\", \"close\" FROM \"bars\" WHERE \"symbol\" IN ($1, $2) AND "
            "\"trade_date\" >= $3 AND starts_with(\"note\", $4) ORDER BY \"close\" DESC NULLS "
            "FIRST, \"symbol\" ASC NULLS LAST, \"trade_date\" ASC NULLS LAST LIMIT $5 OFFSET $6");
  const std::vector<BoundValue>& params = postgres->sql.params;
  ASSERT_EQ(params.size(), 6u);
  EXPECT_EQ(params[2].type, ColumnType::kDate);
  EXPECT_EQ(std::get<int64_t>(params[2].value), 19723);
  EXPECT_EQ(params[4].type, ColumnType::kInt64);
  EXPECT_EQ(std::get<int64_t>(params[4].value), 50);
  EXPECT_EQ(std::get<int64_t>(params[5].value), 100);
  ASSERT_EQ(postgres->fields.size(), 2u);
  EXPECT_EQ(postgres->fields[1].type_string(), "decimal(3)");
}

TEST(StatementBuilderTest, LimitIsCappedOneBeyondTheRowBound) {
  Result<SelectStatement> unbounded = build_select(SqlDialect::kSqlite, bars(), {}, 1000);
  ASSERT_TRUE(unbounded.is_ok());
  EXPECT_EQ(std::get<int64_t>(unbounded->sql.params.back().value), 1001);
  EXPECT_EQ(unbounded->max_rows, 1000);
  Result<SelectStatement> big = build_select(SqlDialect::kSqlite, bars(), {.limit = 5000}, 1000);
  EXPECT_EQ(std::get<int64_t>(big->sql.params.back().value), 1001);
  Result<SelectStatement> small = build_select(SqlDialect::kSqlite, bars(), {.limit = 10}, 1000);
  EXPECT_EQ(std::get<int64_t>(small->sql.params.back().value), 10);
  EXPECT_EQ(too_many_rows("bars", 1000).code(), ErrorCode::kResourceExhausted);
}

TEST(StatementBuilderTest, ValuesAreCheckedAgainstTheirColumn) {
  const TableSchema table = bars();
  const Field& pct = table.column("pct")->field;
  Result<BoundValue> widened = bind_value("bars", pct, int64_t{2}, "filters[0]");
  ASSERT_TRUE(widened.is_ok());
  EXPECT_EQ(std::get<double>(widened->value), 2.0);
  Result<BoundValue> wrong =
      bind_value("bars", table.column("symbol")->field, int64_t{1}, "filters[3]");
  EXPECT_EQ(wrong.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(wrong.status().field(), "filters[3]");
  EXPECT_EQ(wrong.status().message(),
            "filters[3]: column 'bars.symbol' (string) needs a string, got an integer");
  EXPECT_EQ(
      bind_value("bars", table.column("trade_date")->field, true, "x").status().message(),
      "x: column 'bars.trade_date' (date) needs an integer of days since 1970-01-01, got a bool");
}

TEST(StatementBuilderTest, CountEraseAndTheirGuards) {
  Result<SqlStatement> count = build_count(SqlDialect::kPostgres, bars(),
                                           {is_null("pct"), {"note", FilterOp::kContains, {"x"}}});
  ASSERT_TRUE(count.is_ok());
  EXPECT_EQ(count->text,
            "SELECT count(*) FROM \"bars\" WHERE \"pct\" IS NULL AND strpos(\"note\", $1) > 0");
  Result<SqlStatement> erase =
      build_erase(SqlDialect::kSqlite, bars(), {{"symbol", FilterOp::kNotIn, {"a", "b"}}});
  ASSERT_TRUE(erase.is_ok());
  EXPECT_EQ(erase->text, "DELETE FROM \"bars\" WHERE \"symbol\" NOT IN (?, ?)");
  EXPECT_EQ(build_erase(SqlDialect::kSqlite, bars(), {}).status().field(), "filters");
  std::vector<Value> too_many(10001, Value{std::string("x")});
  EXPECT_EQ(build_count(SqlDialect::kSqlite, bars(), {in("symbol", too_many)}).status().code(),
            ErrorCode::kInvalidArgument);
}

TEST(StatementBuilderTest, UpsertFromValuesOrFromAStagingTable) {
  const TableSchema table = bars();
  const RecordBatch batch = test::make_batch(table, {"symbol", "trade_date", "close", "note"},
                                             {{"600519.SH", 1, 2, "x"}});
  Result<BatchLayout> layout = layout_batch(table, batch);
  ASSERT_TRUE(layout.is_ok()) << layout.status().to_string();
  EXPECT_EQ(build_upsert(SqlDialect::kSqlite, table, *layout),
            "INSERT INTO \"bars\" (\"symbol\", \"trade_date\", \"close\", \"note\") VALUES (?, ?, "
            "?, ?) ON CONFLICT (\"symbol\", \"trade_date\") DO UPDATE SET \"close\" = "
            "excluded.\"close\", \"note\" = excluded.\"note\"");
  EXPECT_EQ(build_upsert(SqlDialect::kPostgres, table, *layout, "stage_bars"),
            "INSERT INTO \"bars\" (\"symbol\", \"trade_date\", \"close\", \"note\") SELECT "
            "\"symbol\", \"trade_date\", \"close\", \"note\" FROM \"stage_bars\" ON CONFLICT "
            "(\"symbol\", \"trade_date\") DO UPDATE SET \"close\" = excluded.\"close\", \"note\" = "
            "excluded.\"note\"");
  TableSchema keys_only = table;
  keys_only.columns.resize(2);
  keys_only.finalize();
  Result<BatchLayout> key_layout =
      layout_batch(keys_only, test::make_batch(keys_only, {}, {{"600519.SH", 1}}));
  ASSERT_TRUE(key_layout.is_ok());
  EXPECT_TRUE(build_upsert(SqlDialect::kPostgres, keys_only, *key_layout).ends_with("DO NOTHING"));
}

}  // namespace
}  // namespace mystocks::storage
