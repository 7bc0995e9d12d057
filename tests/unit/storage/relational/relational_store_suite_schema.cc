// RelationalStoreSuite, part 2: DDL for every shipped table, migrations and their refusals,
// transactions, concurrent use, and random operations checked against an in-memory model.
#include <atomic>
#include <map>
#include <random>
#include <thread>

#include "storage/tables_yaml.h"
#include "support/assert_status.h"
#include "support/source_dir.h"
#include "unit/storage/relational/batch_text.h"
#include "unit/storage/relational/relational_store_suite.h"

namespace mystocks::storage::test {
namespace {

using Rows = std::vector<std::string>;

Rows all_rows(RelationalStore& store, const std::string& table, RelationalQuery query = {}) {
  Result<RecordBatch> batch = store.query(table, query);
  if (!batch.is_ok()) return {"<" + batch.status().to_string() + ">"};
  return rows_text(*batch);
}

TableSchema declared(const std::string& yaml, const std::string& name) {
  Result<TableCatalog> catalog = parse_tables_yaml(yaml, "changed.yaml");
  EXPECT_TRUE(catalog.is_ok()) << catalog.status().to_string();
  return catalog.is_ok() ? **catalog->find(name) : TableSchema{};
}

constexpr const char* kBarsV2 = R"(
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
      - {name: adj_factor, type: double, nullable: true}
      - {name: source, type: string, nullable: true}
    unique_key: [symbol, trade_date]
    indexes: [[trade_date], [source, trade_date]]
)";

TEST_P(RelationalStoreSuite, CreatesEveryShippedRelationalTableOnce) {
  Result<TableCatalog> shipped =
      load_tables_yaml(mystocks::test::source_path("config/tables.yaml"));
  ASSERT_TRUE(shipped.is_ok()) << shipped.status().to_string();
  int relational = 0;
  for (const TableSchema& declared_table : shipped->tables()) {
    if (declared_table.target() != StoreKind::kRelational) continue;
    ++relational;
    MYSTOCKS_ASSERT_OK(store_->ensure_table(declared_table));
    MYSTOCKS_ASSERT_OK(store_->ensure_table(declared_table));  // idempotent
    EXPECT_EQ(*store_->schema_version(declared_table.name), 1) << declared_table.name;
    EXPECT_EQ(*store_->count(declared_table.name, {}), 0) << declared_table.name;
  }
  // watchlists and watchlist_symbols share a classification, data_quality_metrics and
  // ingest_jobs another.
  EXPECT_EQ(relational, 21);
  std::unique_ptr<RelationalStore> again = reopen();
  ASSERT_NE(again, nullptr);
  for (const TableSchema& declared_table : shipped->tables()) {
    if (declared_table.target() != StoreKind::kRelational) continue;
    MYSTOCKS_ASSERT_OK(again->ensure_table(declared_table));
    EXPECT_EQ(*again->schema_version(declared_table.name), 1) << declared_table.name;
  }
  EXPECT_EQ(store_->schema_version("never_ensured").status().code(), ErrorCode::kNotFound);
}

TEST_P(RelationalStoreSuite, AddsDeclaredColumnsAndIndexesAndKeepsRows) {
  MYSTOCKS_ASSERT_OK(store_->upsert(
      "bars", make_batch(table("bars"), {}, {{"600519.SH", 19723, 1850000, 100, 1.5, "old"}})));
  std::unique_ptr<RelationalStore> restarted = reopen();
  ASSERT_NE(restarted, nullptr);
  const TableSchema v2 = declared(kBarsV2, "bars");
  MYSTOCKS_ASSERT_OK(restarted->ensure_table(v2));
  EXPECT_EQ(*restarted->schema_version("bars"), 2);
  EXPECT_EQ(all_rows(*restarted, "bars"), (Rows{"600519.SH|19723|1850000|100|1.5|old|NULL|NULL"}));
  MYSTOCKS_ASSERT_OK(restarted->upsert(
      "bars",
      make_batch(v2, {}, {{"600519.SH", 19724, 1860000, 1, nullptr, nullptr, 1.25, "ts"}})));
  RelationalQuery by_source{.columns = {"trade_date", "adj_factor"},
                            .filters = {eq("source", "ts")}};
  EXPECT_EQ(all_rows(*restarted, "bars", by_source), (Rows{"19724|1.25"}));
  // Applying the same declaration again is not another migration.
  std::unique_ptr<RelationalStore> third = reopen();
  ASSERT_NE(third, nullptr);
  MYSTOCKS_ASSERT_OK(third->ensure_table(v2));
  EXPECT_EQ(*third->schema_version("bars"), 2);
}

TEST_P(RelationalStoreSuite, RefusesIncompatibleChangesAndAltersNothing) {
  MYSTOCKS_ASSERT_OK(store_->upsert(
      "bars", make_batch(table("bars"), {}, {{"600519.SH", 19723, 1850000, 100, 1.5, "x"}})));
  struct Case {
    std::string from;
    std::string to;
    std::string needle;
  };
  const std::vector<Case> cases = {
      {"{name: close, type: decimal(3)}", "{name: close, type: decimal(2)}",
       "column 'close' changed type from decimal(3) to decimal(2)"},
      {"      - {name: note, type: string, nullable: true}\n", "",
       "column 'note' (string) exists in the database but is no longer declared"},
      {"{name: pct, type: double, nullable: true}", "{name: pct, type: double}",
       "column 'pct' changed from nullable to non-nullable"},
      {"      - {name: note, type: string, nullable: true}\n",
       "      - {name: note, type: string, nullable: true}\n      - {name: lots, type: int64}\n",
       "column 'lots' is new and non-nullable"},
      {"unique_key: [symbol, trade_date]", "unique_key: [symbol]",
       "unique_key changed from (symbol,trade_date) to (symbol)"},
  };
  for (const Case& change : cases) {
    std::string yaml = kSuiteTablesYaml;
    const size_t at = yaml.find(change.from);
    ASSERT_NE(at, std::string::npos) << change.from;
    yaml.replace(at, change.from.size(), change.to);
    std::unique_ptr<RelationalStore> restarted = reopen();
    ASSERT_NE(restarted, nullptr);
    const Status status = restarted->ensure_table(declared(yaml, "bars"));
    EXPECT_EQ(status.code(), ErrorCode::kSchemaMismatch) << status.to_string();
    EXPECT_NE(
        status.message().find("table 'bars' in tables.yaml is incompatible with the database"),
        std::string::npos)
        << status.message();
    EXPECT_NE(status.message().find(change.needle), std::string::npos) << status.message();
  }
  EXPECT_EQ(*store_->schema_version("bars"), 1);
  EXPECT_EQ(all_rows(*store_, "bars"), (Rows{"600519.SH|19723|1850000|100|1.5|x"}));
}

// A declared unique index refuses writes that repeat its columns under another identity, is
// built by a migration (which fails, naming the table, when the rows already repeat), and is
// dropped when the declaration drops it.
TEST_P(RelationalStoreSuite, UniqueIndexesRefuseRepeatsAndFollowTheDeclaration) {
  auto bars_with = [](const std::string& unique_indexes) {
    std::string yaml = kSuiteTablesYaml;
    const std::string anchor = "    indexes: [[trade_date]]\n";
    yaml.insert(yaml.find(anchor) + anchor.size(), unique_indexes);
    return declared(yaml, "bars");
  };
  // Columns: symbol, trade_date, close, volume, pct, note.
  MYSTOCKS_ASSERT_OK(
      store_->upsert("bars", make_batch(table("bars"), {},
                                        {{"600519.SH", 19723, 1, 1, nullptr, "x"},
                                         {"000001.SZ", 19723, 2, 2, nullptr, "y"}})));
  const TableSchema unique_volume = bars_with("    unique_indexes: [[volume, trade_date]]\n");
  std::unique_ptr<RelationalStore> restarted = reopen();
  ASSERT_NE(restarted, nullptr);
  MYSTOCKS_ASSERT_OK(restarted->ensure_table(unique_volume));
  EXPECT_EQ(*restarted->schema_version("bars"), 2);

  const Status repeated = restarted->upsert(
      "bars", make_batch(unique_volume, {}, {{"000002.SZ", 19723, 3, 1, nullptr, "z"}}));
  EXPECT_EQ(repeated.code(), ErrorCode::kAlreadyExists) << repeated.to_string();
  // The same identity may still be rewritten, and another date may reuse the volume.
  MYSTOCKS_ASSERT_OK(
      restarted->upsert("bars", make_batch(unique_volume, {},
                                           {{"600519.SH", 19723, 9, 1, nullptr, "x"},
                                            {"000002.SZ", 19724, 3, 1, nullptr, "z"}})));
  const RelationalQuery by_symbol{.columns = {"symbol", "close"}, .order_by = {{"symbol"}}};
  EXPECT_EQ(all_rows(*restarted, "bars", by_symbol),
            (Rows{"000001.SZ|2", "000002.SZ|3", "600519.SH|9"}));

  std::unique_ptr<RelationalStore> third = reopen();
  ASSERT_NE(third, nullptr);
  // Two rows share trade_date 19723: a unique index on it cannot be built, and start-up is told
  // what to do about it.
  const Status refused =
      third->ensure_table(bars_with("    unique_indexes: [[volume, trade_date], [trade_date]]\n"));
  EXPECT_EQ(refused.code(), ErrorCode::kFailedPrecondition) << refused.to_string();
  EXPECT_NE(refused.message().find("table 'bars' already holds rows that repeat the columns"),
            std::string::npos)
      << refused.to_string();
  // NULLs never collide, so a nullable column cannot carry a unique index.
  const Status nullable = third->ensure_table(bars_with("    unique_indexes: [[note]]\n"));
  EXPECT_EQ(nullable.code(), ErrorCode::kInvalidConfig) << nullable.to_string();
  EXPECT_NE(nullable.message().find("column 'note' is part of a key or unique index"),
            std::string::npos)
      << nullable.to_string();

  // Declared away: the index goes, and the repeat is accepted. Version 3: the refused migrations
  // above recorded nothing.
  std::unique_ptr<RelationalStore> fourth = reopen();
  ASSERT_NE(fourth, nullptr);
  MYSTOCKS_ASSERT_OK(fourth->ensure_table(declared(kSuiteTablesYaml, "bars")));
  Result<int64_t> version = fourth->schema_version("bars");
  ASSERT_TRUE(version.is_ok()) << version.status().to_string();
  EXPECT_EQ(*version, 3);
  MYSTOCKS_ASSERT_OK(fourth->upsert(
      "bars", make_batch(table("bars"), {}, {{"000003.SZ", 19723, 4, 2, nullptr, "w"}})));
  Result<int64_t> repeats = fourth->count("bars", {eq("volume", int64_t{2})});
  ASSERT_TRUE(repeats.is_ok()) << repeats.status().to_string();
  EXPECT_EQ(*repeats, 2);
}

TEST_P(RelationalStoreSuite, TransactionCommitsOnOkAndRollsBackOnError) {
  const RecordBatch alice = make_batch(table("accounts"), {}, {{1, "alice", 100, nullptr}});
  const RecordBatch bar = make_batch(table("bars"), {}, {{"600519.SH", 1, 1, 1, nullptr, nullptr}});
  const Status failed = store_->transaction([&](RelationalOps& ops) -> Status {
    MYSTOCKS_RETURN_IF_ERROR(ops.upsert("accounts", alice));
    MYSTOCKS_RETURN_IF_ERROR(ops.upsert("bars", bar));
    if (*ops.count("accounts", {}) != 1)
      return error(ErrorCode::kInternal, "own write not visible");
    return error(ErrorCode::kAborted, "the caller changed its mind");
  });
  EXPECT_EQ(failed.code(), ErrorCode::kAborted);
  EXPECT_EQ(*store_->count("accounts", {}), 0);
  EXPECT_EQ(*store_->count("bars", {}), 0);

  // A failed upsert inside a transaction undoes only itself; the body decides what happens next.
  MYSTOCKS_ASSERT_OK(store_->transaction([&](RelationalOps& ops) -> Status {
    MYSTOCKS_RETURN_IF_ERROR(ops.upsert("accounts", alice));
    const Status clash = ops.upsert(
        "accounts",
        make_batch(table("accounts"), {}, {{2, "bob", 1, nullptr}, {1, "eve", 1, nullptr}}));
    if (clash.code() != ErrorCode::kAlreadyExists) return clash;
    MYSTOCKS_RETURN_IF_ERROR(ops.upsert("bars", bar));
    Result<int64_t> erased = ops.erase("bars", {eq("symbol", "none")});
    return erased.is_ok() ? Status::ok() : erased.status();
  }));
  EXPECT_EQ(all_rows(*store_, "accounts"), (Rows{"1|alice|100|NULL"}));
  EXPECT_EQ(*store_->count("bars", {}), 1);
}

TEST_P(RelationalStoreSuite, ConcurrentWritersAndReadersSeeConsistentData) {
  constexpr int kWriters = 3;
  constexpr int kBatches = 15;
  constexpr int kRowsPerBatch = 20;
  std::atomic<bool> writing{true};
  std::atomic<int> read_errors{0};
  std::vector<std::thread> threads;
  for (int writer = 0; writer < kWriters; ++writer) {
    threads.emplace_back([&, writer] {
      for (int batch_idx = 0; batch_idx < kBatches; ++batch_idx) {
        std::vector<std::vector<Cell>> rows;
        for (int row = 0; row < kRowsPerBatch; ++row) {
          rows.push_back({fmt::format("{:06}.SZ", writer), batch_idx * kRowsPerBatch + row,
                          1000 + row, row, nullptr, nullptr});
        }
        EXPECT_TRUE(store_->upsert("bars", make_batch(table("bars"), {}, rows)).is_ok());
      }
    });
  }
  for (int reader = 0; reader < 2; ++reader) {
    threads.emplace_back([&] {
      int64_t last = 0;
      while (writing.load()) {
        Result<int64_t> rows = store_->count("bars", {});
        // Whole batches only: a reader never sees half of an upsert, and counts never go back.
        if (!rows.is_ok() || *rows % kRowsPerBatch != 0 || *rows < last) ++read_errors;
        if (rows.is_ok()) last = *rows;
      }
    });
  }
  for (int writer = 0; writer < kWriters; ++writer) threads[writer].join();
  writing = false;
  for (size_t index = kWriters; index < threads.size(); ++index) threads[index].join();
  EXPECT_EQ(read_errors.load(), 0);
  EXPECT_EQ(*store_->count("bars", {}), kWriters * kBatches * kRowsPerBatch);
}

// Random upserts (with duplicate keys), erases and aborted transactions, checked after every step
// against a std::map model of the table.
TEST_P(RelationalStoreSuite, MatchesAModelUnderRandomOperations) {
  using Key = std::pair<std::string, int>;
  std::map<Key, std::string> model;  // key -> "close|volume|pct|note"
  std::mt19937 random(20240131);
  const char* symbols[] = {"600519.SH", "000001.SZ", "430047.BJ"};
  auto pick = [&](int bound) { return static_cast<int>(random() % static_cast<unsigned>(bound)); };
  for (int step = 0; step < 120; ++step) {
    const int action = pick(10);
    if (action < 7) {
      std::vector<std::vector<Cell>> rows;
      std::map<Key, std::string> staged;
      for (int row = pick(6) + 1; row > 0; --row) {
        const Key key{symbols[pick(3)], 19700 + pick(8)};
        const int64_t close = pick(100000);
        const int64_t volume = pick(1000);
        const bool has_pct = pick(2) == 0;
        const double pct = pick(200) / 8.0 - 10;
        rows.push_back({key.first, key.second, close, volume, has_pct ? Cell(pct) : Cell(nullptr),
                        fmt::format("n{}", step)});
        staged[key] = fmt::format("{}|{}|{}|n{}", close, volume,
                                  has_pct ? fmt::format("{}", pct) : "NULL", step);
      }
      const RecordBatch batch = make_batch(table("bars"), {}, rows);
      if (action == 6) {  // the same rows in a transaction that gives up: no change
        const Status aborted = store_->transaction([&](RelationalOps& ops) -> Status {
          MYSTOCKS_RETURN_IF_ERROR(ops.upsert("bars", batch));
          return error(ErrorCode::kAborted, "give up");
        });
        ASSERT_EQ(aborted.code(), ErrorCode::kAborted) << aborted.to_string();
      } else {
        MYSTOCKS_ASSERT_OK(store_->upsert("bars", batch));
        for (auto& [key, value] : staged) model[key] = value;
      }
    } else {
      const std::string symbol = symbols[pick(3)];
      const int before = 19700 + pick(8);
      Result<int64_t> erased = store_->erase(
          "bars", {eq("symbol", symbol), cmp("trade_date", FilterOp::kLt, int64_t{before})});
      ASSERT_TRUE(erased.is_ok()) << erased.status().to_string();
      int64_t expected = 0;
      for (auto it = model.begin(); it != model.end();) {
        const bool match = it->first.first == symbol && it->first.second < before;
        expected += match;
        it = match ? model.erase(it) : std::next(it);
      }
      ASSERT_EQ(*erased, expected) << "step " << step;
    }
    Rows expected;
    for (const auto& [key, value] : model) {
      expected.push_back(fmt::format("{}|{}|{}", key.first, key.second, value));
    }
    ASSERT_EQ(all_rows(*store_, "bars"), expected) << "step " << step;
  }
}

}  // namespace
}  // namespace mystocks::storage::test
