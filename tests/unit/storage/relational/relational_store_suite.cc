// RelationalStoreSuite, part 1: fixture, round trips, upserts, batch checks, filters, ordering,
// pagination, bounds, erase. Part 2 (relational_store_suite_schema.cc): DDL, migrations,
// transactions, concurrency and a model-based random test.
#include "unit/storage/relational/relational_store_suite.h"

#include <cmath>
#include <limits>

#include "storage/tables_yaml.h"
#include "support/assert_status.h"
#include "unit/storage/relational/batch_text.h"

namespace mystocks::storage::test {

const char* const kSuiteTablesYaml = R"(
tables:
  bars:
    classification: daily_kline
    columns:
      - {name: symbol, type: string}
      - {name: trade_date, type: date}
      - {name: close, type: decimal(3)}
      - {name: volume, type: int64}
      - {name: pct, type: double, nullable: true}
      - {name: note, type: string, nullable: true}
    unique_key: [symbol, trade_date]
    indexes: [[trade_date]]
  typed:
    classification: fundamentals
    columns:
      - {name: id, type: int64}
      - {name: flag, type: bool, nullable: true}
      - {name: small, type: int32, nullable: true}
      - {name: big, type: int64, nullable: true}
      - {name: ratio, type: double, nullable: true}
      - {name: price, type: decimal(4), nullable: true}
      - {name: at, type: timestamp, nullable: true}
      - {name: day, type: date, nullable: true}
      - {name: text, type: string, nullable: true}
    primary_key: [id]
  accounts:
    classification: users
    columns:
      - {name: id, type: int64}
      - {name: username, type: string}
      - {name: balance, type: decimal(2)}
      - {name: email, type: string, nullable: true}
    primary_key: [id]
    unique_key: [username]
)";

void RelationalStoreSuite::SetUp() {
  Result<TableCatalog> catalog = parse_tables_yaml(kSuiteTablesYaml, "suite.yaml");
  ASSERT_TRUE(catalog.is_ok()) << catalog.status().to_string();
  catalog_ = std::move(*catalog);
  Result<std::string> database = GetParam().fresh_database();
  ASSERT_TRUE(database.is_ok()) << database.status().to_string();
  database_ = *database;
  store_ = reopen();
  ASSERT_NE(store_, nullptr);
  for (const TableSchema& declared : catalog_.tables())
    MYSTOCKS_ASSERT_OK(store_->ensure_table(declared));
}

std::unique_ptr<RelationalStore> RelationalStoreSuite::reopen(int64_t max_result_rows) {
  Result<std::unique_ptr<RelationalStore>> store = GetParam().open(database_, max_result_rows);
  EXPECT_TRUE(store.is_ok()) << store.status().to_string();
  return store.is_ok() ? std::move(*store) : nullptr;
}

const TableSchema& RelationalStoreSuite::table(const std::string& name) const {
  return **catalog_.find(name);
}

std::string backend_test_name(const ::testing::TestParamInfo<RelationalBackend>& info) {
  return info.param.name;
}

namespace {

using Rows = std::vector<std::string>;

Rows all_rows(RelationalStore& store, const std::string& table, RelationalQuery query = {}) {
  Result<RecordBatch> batch = store.query(table, query);
  if (!batch.is_ok()) return {"<" + batch.status().to_string() + ">"};
  return rows_text(*batch);
}

TEST_P(RelationalStoreSuite, RoundTripsEveryColumnTypeAndNull) {
  const int64_t min64 = std::numeric_limits<int64_t>::min() + 1;
  const RecordBatch batch = make_batch(
      table("typed"), {},
      {{1, true, -2147483647, min64, 0.1, int64_t{-123456789}, int64_t{-86400000}, -719162,
        "O'Reilly \"quoted\" \\ 贵州茅台"},
       {2, false, 2147483647, std::numeric_limits<int64_t>::max(), -1.5e300, int64_t{0},
        int64_t{1706664600123}, 2932896, ""},
       {3, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr},
       {4, true, 0, 0, 5e-324, int64_t{99999999999999}, int64_t{0}, 0, "line\nbreak\ttab"}});
  MYSTOCKS_ASSERT_OK(store_->upsert("typed", batch));
  EXPECT_EQ(all_rows(*store_, "typed"), rows_text(batch));
  Result<RecordBatch> read = store_->query("typed", {});
  ASSERT_TRUE(read.is_ok());
  EXPECT_EQ(read->schema(), *table("typed").schema());  // declared names, types and nullability
}

TEST_P(RelationalStoreSuite, UpsertReplacesByUniqueKeyAndLastRowOfABatchWins) {
  MYSTOCKS_ASSERT_OK(
      store_->upsert("bars", make_batch(table("bars"), {},
                                        {{"600519.SH", 19723, 1850000, 100, 1.5, "first"},
                                         {"000001.SZ", 19723, 10500, 900, nullptr, nullptr}})));
  MYSTOCKS_ASSERT_OK(
      store_->upsert("bars", make_batch(table("bars"), {},
                                        {{"600519.SH", 19723, 1860000, 200, 2.5, "second"},
                                         {"600519.SH", 19724, 1870000, 300, nullptr, "new"},
                                         {"600519.SH", 19723, 1880000, 400, 3.5, "third"}})));
  EXPECT_EQ(all_rows(*store_, "bars"),
            (Rows{"000001.SZ|19723|10500|900|NULL|NULL", "600519.SH|19723|1880000|400|3.5|third",
                  "600519.SH|19724|1870000|300|NULL|new"}));
}

TEST_P(RelationalStoreSuite, PartialBatchUpdatesOnlyItsColumns) {
  MYSTOCKS_ASSERT_OK(store_->upsert(
      "bars", make_batch(table("bars"), {}, {{"600519.SH", 19723, 1850000, 100, 1.5, "kept"}})));
  MYSTOCKS_ASSERT_OK(store_->upsert(
      "bars", make_batch(table("bars"), {"symbol", "trade_date", "close", "volume"},
                         {{"600519.SH", 19723, 1900000, 150}, {"600000.SH", 19723, 8000, 5}})));
  EXPECT_EQ(all_rows(*store_, "bars"),
            (Rows{"600000.SH|19723|8000|5|NULL|NULL", "600519.SH|19723|1900000|150|1.5|kept"}));
  // A batch of keys only inserts missing rows and leaves existing ones alone.
  MYSTOCKS_ASSERT_OK(store_->upsert(
      "accounts", make_batch(table("accounts"), {}, {{1, "alice", 1000, "a@x.cn"}})));
  MYSTOCKS_ASSERT_OK(store_->upsert(
      "accounts", make_batch(table("accounts"), {"id", "username", "balance"}, {{1, "alice", 5}})));
  EXPECT_EQ(all_rows(*store_, "accounts"), (Rows{"1|alice|5|a@x.cn"}));
}

TEST_P(RelationalStoreSuite, RefusesBatchesThatDoNotMatchTheTable) {
  struct Case {
    RecordBatch batch;
    ErrorCode code;
    std::string needle;
    std::string field;
  };
  const TableSchema& bars = table("bars");
  TableSchema rescaled = bars;
  rescaled.columns[2].field.scale = 2;
  rescaled.finalize();
  std::vector<Case> cases;
  cases.push_back({make_batch(bars, {"symbol", "trade_date", "close", "volume", "colour"},
                              {{"600519.SH", 1, 1, 1, "red"}}),
                   ErrorCode::kSchemaMismatch,
                   "batch column 'colour' is not a column of table 'bars'", "colour"});
  cases.push_back({make_batch(rescaled, {}, {{"600519.SH", 1, 1, 1, nullptr, nullptr}}),
                   ErrorCode::kSchemaMismatch,
                   "'close' is decimal(2), but table 'bars' declares decimal(3)", "close"});
  cases.push_back({make_batch(bars, {"symbol", "close", "volume"}, {{"600519.SH", 1, 1}}),
                   ErrorCode::kSchemaMismatch,
                   "lacks column 'trade_date', which is part of the key", "trade_date"});
  cases.push_back({make_batch(bars, {"symbol", "trade_date", "close"}, {{"600519.SH", 1, 1}}),
                   ErrorCode::kSchemaMismatch, "lacks column 'volume', which is non-nullable",
                   "volume"});
  cases.push_back({make_batch(bars, {},
                              {{"600519.SH", 1, 1, 1, nullptr, nullptr},
                               {"600519.SH", 2, nullptr, 1, nullptr, nullptr}}),
                   ErrorCode::kInvalidArgument, "column 'close' row 1 is null", "close"});
  cases.push_back({make_batch(bars, {}, {{"600519.SH", 1, 1, 1, std::nan(""), nullptr}}),
                   ErrorCode::kInvalidArgument, "column 'pct' row 0 is nan", "pct"});
  cases.push_back({make_batch(bars, {}, {{"600519.SH", 1, 1, 1, HUGE_VAL, nullptr}}),
                   ErrorCode::kInvalidArgument, "column 'pct' row 0 is inf", "pct"});
  for (const Case& bad : cases) {
    const Status status = store_->upsert("bars", bad.batch);
    EXPECT_EQ(status.code(), bad.code) << status.to_string();
    EXPECT_NE(status.message().find(bad.needle), std::string::npos) << status.message();
    EXPECT_EQ(status.field(), bad.field) << status.message();
  }
  EXPECT_EQ(*store_->count("bars", {}), 0);
  EXPECT_EQ(store_->upsert("nope", cases[0].batch).code(), ErrorCode::kNotFound);
}

TEST_P(RelationalStoreSuite, UpsertIsAllOrNothing) {
  MYSTOCKS_ASSERT_OK(
      store_->upsert("accounts", make_batch(table("accounts"), {}, {{1, "alice", 100, nullptr}})));
  // Row 1 is new by username but reuses alice's id: the database rejects it, and row 0 (bob)
  // must not stay behind.
  const Status status = store_->upsert(
      "accounts",
      make_batch(table("accounts"), {}, {{2, "bob", 200, nullptr}, {1, "carol", 300, nullptr}}));
  EXPECT_EQ(status.code(), ErrorCode::kAlreadyExists) << status.to_string();
  EXPECT_EQ(all_rows(*store_, "accounts"), (Rows{"1|alice|100|NULL"}));
}

class FilterFixture {
 public:
  static RecordBatch rows(const TableSchema& bars) {
    return make_batch(bars, {},
                      {{"600519.SH", 19723, 1850000, 100, 1.5, "100%_sure"},
                       {"600519.SH", 19724, 1860000, 200, -0.5, "plain"},
                       {"600000.SH", 19723, 8010, 300, nullptr, nullptr},
                       {"000001.SZ", 19725, 10500, 400, 0.0, "x'); DROP TABLE bars; --"},
                       {"300750.SZ", 19726, 180000, 500, 9.9, "Upper"}});
  }
};

TEST_P(RelationalStoreSuite, FiltersByEveryOperator) {
  MYSTOCKS_ASSERT_OK(store_->upsert("bars", FilterFixture::rows(table("bars"))));
  auto symbols = [&](std::vector<Filter> filters) {
    RelationalQuery query{.columns = {"symbol", "trade_date"}, .filters = std::move(filters)};
    return all_rows(*store_, "bars", query);
  };
  using V = std::vector<Value>;
  EXPECT_EQ(symbols({eq("symbol", "600519.SH")}), (Rows{"600519.SH|19723", "600519.SH|19724"}));
  EXPECT_EQ(symbols({cmp("trade_date", FilterOp::kNe, int64_t{19723})}),
            (Rows{"000001.SZ|19725", "300750.SZ|19726", "600519.SH|19724"}));
  EXPECT_EQ(symbols({cmp("close", FilterOp::kLt, int64_t{10500})}), (Rows{"600000.SH|19723"}));
  EXPECT_EQ(symbols({cmp("close", FilterOp::kLe, int64_t{10500})}),
            (Rows{"000001.SZ|19725", "600000.SH|19723"}));
  EXPECT_EQ(symbols({cmp("pct", FilterOp::kGt, 1.5)}), (Rows{"300750.SZ|19726"}));
  EXPECT_EQ(
      symbols({cmp("pct", FilterOp::kGe, int64_t{0}), cmp("volume", FilterOp::kLt, int64_t{450})}),
      (Rows{"000001.SZ|19725", "600519.SH|19723"}));
  EXPECT_EQ(symbols({in("symbol", V{"000001.SZ", "300750.SZ", "999999.SH"})}),
            (Rows{"000001.SZ|19725", "300750.SZ|19726"}));
  EXPECT_EQ(symbols({{"trade_date", FilterOp::kNotIn, V{int64_t{19723}, int64_t{19724}}}}),
            (Rows{"000001.SZ|19725", "300750.SZ|19726"}));
  EXPECT_EQ(symbols({is_null("note")}), (Rows{"600000.SH|19723"}));
  EXPECT_EQ(symbols({{"pct", FilterOp::kIsNotNull, {}}, cmp("pct", FilterOp::kLt, 0.0)}),
            (Rows{"600519.SH|19724"}));
  EXPECT_EQ(symbols({{"symbol", FilterOp::kStartsWith, V{"6005"}}}),
            (Rows{"600519.SH|19723", "600519.SH|19724"}));
  // Wildcard characters are plain text, and matching is case-sensitive on every backend.
  EXPECT_EQ(symbols({{"note", FilterOp::kContains, V{"%_"}}}), (Rows{"600519.SH|19723"}));
  EXPECT_EQ(symbols({{"note", FilterOp::kStartsWith, V{"_"}}}), Rows{});
  EXPECT_EQ(symbols({{"note", FilterOp::kContains, V{"upper"}}}), Rows{});
  EXPECT_EQ(symbols({{"note", FilterOp::kContains, V{"Upper"}}}), (Rows{"300750.SZ|19726"}));
  EXPECT_EQ(*store_->count("bars", {cmp("trade_date", FilterOp::kGe, int64_t{19724})}), 3);
}

TEST_P(RelationalStoreSuite, ValuesAndNamesNeverBecomeSql) {
  MYSTOCKS_ASSERT_OK(store_->upsert("bars", FilterFixture::rows(table("bars"))));
  RelationalQuery query{.columns = {"symbol"}, .filters = {eq("note", "x'); DROP TABLE bars; --")}};
  EXPECT_EQ(all_rows(*store_, "bars", query), (Rows{"000001.SZ"}));
  query.filters = {eq("symbol", "' OR '1'='1")};
  EXPECT_EQ(all_rows(*store_, "bars", query), Rows{});
  EXPECT_EQ(store_->query("bars; DROP TABLE bars", {}).status().code(), ErrorCode::kNotFound);
  RelationalQuery bad_column{.columns = {"symbol\" FROM bars; --"}};
  EXPECT_EQ(store_->query("bars", bad_column).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(*store_->count("bars", {}), 5);
}

TEST_P(RelationalStoreSuite, RejectsMalformedQueriesNamingTheField) {
  struct Case {
    RelationalQuery query;
    std::string field;
    std::string needle;
  };
  using V = std::vector<Value>;
  const std::vector<Case> cases = {
      {{.columns = {"symbol", "colour"}}, "columns[1]", "table 'bars' has no column 'colour'"},
      {{.filters = {eq("colour", "red")}}, "filters[0]", "has no column 'colour'"},
      {{.filters = {eq("close", "18.5")}},
       "filters[0]",
       "column 'bars.close' (decimal(3)) needs an integer count of units"},
      {{.filters = {eq("volume", 1.5)}}, "filters[0]", "needs an integer, got a double"},
      {{.filters = {in("symbol", V{})}}, "filters[0]", "'in' on column 'symbol' takes 1..10000"},
      {{.filters = {{"volume", FilterOp::kStartsWith, V{"1"}}}},
       "filters[0]",
       "'starts_with' needs a string column"},
      {{.filters = {{"note", FilterOp::kIsNull, V{"x"}}}}, "filters[0]", "takes no value"},
      {{.order_by = {{"colour", SortOrder::kAscending}}}, "order_by[0]", "no column 'colour'"},
      {{.limit = -2}, "limit", "limit must be -1"},
      {{.offset = -1}, "offset", "offset >= 0"},
  };
  for (const Case& bad : cases) {
    Result<RecordBatch> result = store_->query("bars", bad.query);
    ASSERT_FALSE(result.is_ok()) << bad.needle;
    EXPECT_EQ(result.status().code(), ErrorCode::kInvalidArgument) << result.status().to_string();
    EXPECT_EQ(result.status().field(), bad.field) << result.status().to_string();
    EXPECT_NE(result.status().message().find(bad.needle), std::string::npos)
        << result.status().message();
  }
  EXPECT_EQ(store_->count("typed", {eq("small", int64_t{1} << 40)}).status().code(),
            ErrorCode::kOutOfRange);
}

TEST_P(RelationalStoreSuite, OrdersWithNullsAndPaginatesStably) {
  MYSTOCKS_ASSERT_OK(store_->upsert("bars", FilterFixture::rows(table("bars"))));
  RelationalQuery by_pct{.columns = {"symbol", "trade_date", "pct"},
                         .order_by = {{"pct", SortOrder::kDescending}}};
  EXPECT_EQ(all_rows(*store_, "bars", by_pct),
            (Rows{"600000.SH|19723|NULL", "300750.SZ|19726|9.9", "600519.SH|19723|1.5",
                  "000001.SZ|19725|0", "600519.SH|19724|-0.5"}));
  by_pct.order_by[0].order = SortOrder::kAscending;
  EXPECT_EQ(all_rows(*store_, "bars", by_pct).back(), "600000.SH|19723|NULL");

  // Ties on trade_date are broken by the unique key, so pages never overlap or skip.
  RelationalQuery by_date{.columns = {"symbol", "trade_date"},
                          .order_by = {{"trade_date", SortOrder::kAscending}}};
  const Rows everything = all_rows(*store_, "bars", by_date);
  Rows paged;
  for (int64_t offset = 0; offset < 6; offset += 2) {
    by_date.limit = 2;
    by_date.offset = offset;
    for (const std::string& row : all_rows(*store_, "bars", by_date)) paged.push_back(row);
  }
  EXPECT_EQ(paged, everything);
  EXPECT_EQ(everything.front(), "600000.SH|19723");
  by_date.offset = 10;
  EXPECT_EQ(all_rows(*store_, "bars", by_date), Rows{});
}

TEST_P(RelationalStoreSuite, BoundsTheRowsOneQueryMayReturn) {
  MYSTOCKS_ASSERT_OK(store_->upsert("bars", FilterFixture::rows(table("bars"))));
  std::unique_ptr<RelationalStore> bounded = reopen(/*max_result_rows=*/4);
  ASSERT_NE(bounded, nullptr);
  MYSTOCKS_ASSERT_OK(bounded->ensure_table(table("bars")));
  Result<RecordBatch> too_many = bounded->query("bars", {});
  EXPECT_EQ(too_many.status().code(), ErrorCode::kResourceExhausted);
  EXPECT_NE(too_many.status().message().find("more than 4 rows"), std::string::npos);
  RelationalQuery page{.limit = 4};
  Result<RecordBatch> first_page = bounded->query("bars", page);
  ASSERT_TRUE(first_page.is_ok()) << first_page.status().to_string();
  EXPECT_EQ(first_page->num_rows(), 4u);
  Result<RecordBatch> exactly =
      bounded->query("bars", {.filters = {cmp("volume", FilterOp::kLt, int64_t{500})}});
  ASSERT_TRUE(exactly.is_ok());
  EXPECT_EQ(exactly->num_rows(), 4u);
}

TEST_P(RelationalStoreSuite, EraseRemovesMatchingRowsAndNeedsAFilter) {
  MYSTOCKS_ASSERT_OK(store_->upsert("bars", FilterFixture::rows(table("bars"))));
  Result<int64_t> erased = store_->erase("bars", {eq("symbol", "600519.SH")});
  ASSERT_TRUE(erased.is_ok()) << erased.status().to_string();
  EXPECT_EQ(*erased, 2);
  EXPECT_EQ(*store_->erase("bars", {eq("symbol", "600519.SH")}), 0);
  Result<int64_t> everything = store_->erase("bars", {});
  EXPECT_EQ(everything.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(*store_->count("bars", {}), 3);
}

}  // namespace
}  // namespace mystocks::storage::test
