// PostgresStore against a real PostgreSQL 15: the shared RelationalStore suite (one database per
// test), plus what only PostgreSQL has: native column types, the COPY path, refusing foreign
// tables, concurrent start-ups, and connection failures.
#include "storage/postgres/postgres_store.h"

#include <algorithm>
#include <thread>

#include <gtest/gtest.h>

#include "integration/postgres/shared_postgres.h"
#include "storage/tables_yaml.h"
#include "support/assert_status.h"
#include "support/free_port.h"
#include "unit/storage/relational/batch_text.h"
#include "unit/storage/relational/relational_store_suite.h"

namespace mystocks::storage::test {
namespace {

RelationalBackend postgres_backend() {
  return RelationalBackend{
      .name = "postgres",
      .fresh_database = [] { return fresh_postgres_database("suite"); },
      .open = [](const std::string& conninfo,
                 int64_t max_result_rows) -> Result<std::unique_ptr<RelationalStore>> {
        Result<std::unique_ptr<PostgresStore>> store = PostgresStore::open(
            {.primary_conninfo = conninfo, .pool_size = 4, .max_result_rows = max_result_rows});
        if (!store.is_ok()) return store.status();
        return std::unique_ptr<RelationalStore>(std::move(*store));
      }};
}

INSTANTIATE_TEST_SUITE_P(Postgres, RelationalStoreSuite, ::testing::Values(postgres_backend()),
                         backend_test_name);

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MYSTOCKS_ASSERT_OK(shared_postgres_status());
    Result<TableCatalog> catalog = parse_tables_yaml(kSuiteTablesYaml, "suite.yaml");
    ASSERT_TRUE(catalog.is_ok());
    catalog_ = std::move(*catalog);
    Result<std::string> conninfo = fresh_postgres_database("pg");
    ASSERT_TRUE(conninfo.is_ok()) << conninfo.status().to_string();
    conninfo_ = *conninfo;
  }

  std::unique_ptr<PostgresStore> open(PostgresOptions options = {}) {
    if (options.primary_conninfo.empty()) options.primary_conninfo = conninfo_;
    options.metrics = &metrics_;
    Result<std::unique_ptr<PostgresStore>> store = PostgresStore::open(std::move(options));
    EXPECT_TRUE(store.is_ok()) << store.status().to_string();
    return store.is_ok() ? std::move(*store) : nullptr;
  }

  std::string raw_scalar(const std::string& sql) {
    Result<mystocks::test::PgConnection> connection = mystocks::test::PgConnection::open(conninfo_);
    if (!connection.is_ok()) return connection.status().to_string();
    Result<std::string> value = connection->query_scalar(sql);
    return value.is_ok() ? *value : value.status().to_string();
  }

  const TableSchema& bars() const { return **catalog_.find("bars"); }

  // Bars of symbols [first_symbol, first_symbol + symbols) on days [first_day, first_day + days),
  // every close `close`: grouped by symbol and ascending in time, as sources deliver them.
  RecordBatch bars_grid(int first_symbol, int symbols, int first_day, int days, int close) const {
    std::vector<std::vector<Cell>> rows;
    for (int symbol = first_symbol; symbol < first_symbol + symbols; ++symbol) {
      for (int day = first_day; day < first_day + days; ++day) {
        rows.push_back({fmt::format("{:06}.SZ", symbol), day, close, day, nullptr, nullptr});
      }
    }
    return make_batch(bars(), {}, rows);
  }

  // Rows upserts sent by `path` (direct, merge, direct_rolled_back), from the store's metrics.
  double upsert_rows(const std::string& path) const {
    return std::max(0.0, metric(metrics_, "mystocks_pg_upsert_rows_total{path=\"" + path + "\"}"));
  }

  TableCatalog catalog_;
  std::string conninfo_;
  MetricsRegistry metrics_;
};

TEST_F(PostgresStoreTest, StoresNativeExactTypesOtherToolsCanRead) {
  std::unique_ptr<PostgresStore> store = open();
  ASSERT_NE(store, nullptr);
  MYSTOCKS_ASSERT_OK(store->ensure_table(bars()));
  MYSTOCKS_ASSERT_OK(store->ensure_table(**catalog_.find("typed")));
  MYSTOCKS_ASSERT_OK(store->upsert(
      "bars", make_batch(bars(), {}, {{"600519.SH", 19724, -1850005, 1, 0.25, nullptr}})));
  EXPECT_EQ(raw_scalar("SELECT close::text || ' ' || trade_date::text FROM bars"),
            "-1850.005 2024-01-02");
  MYSTOCKS_ASSERT_OK(
      store->upsert("typed", make_batch(**catalog_.find("typed"), {"id", "price", "at"},
                                        {{1, int64_t{123456789}, int64_t{1706664600123}}})));
  EXPECT_EQ(raw_scalar("SELECT price::text || ' ' || (at AT TIME ZONE 'UTC')::text FROM typed"),
            "12345.6789 2024-01-31 01:30:00.123");
  EXPECT_EQ(raw_scalar("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
                       "'bars'::regclass AND attname = 'close'"),
            "numeric(19,3)");
  EXPECT_EQ(raw_scalar("SELECT definition FROM mystocks_schema_version WHERE table_name = 'bars'")
                .substr(0, 29),
            "column symbol string not_null");
  // The server's own binary encoding of numerics is what pg_binary_test expects ours to be.
  EXPECT_EQ(raw_scalar("SELECT encode(numeric_send(12345.6789::numeric(19,4)), 'hex') || ' ' || "
                       "encode(numeric_send(0.000123::numeric(19,6)), 'hex') || ' ' || "
                       "encode(numeric_send(-0.5::numeric(19,1)), 'hex')"),
            "0003000100000004000109291a85 0002ffff00000006000108fc 0001ffff400000011388");
  EXPECT_NE(store->describe().find("postgres primary 127.0.0.1:"), std::string::npos);
  EXPECT_EQ(store->describe().find("password"), std::string::npos);
}

TEST_F(PostgresStoreTest, CopiesLargeBatchesInChunksAndLastRowWinsAcrossThem) {
  std::unique_ptr<PostgresStore> store = open({.copy_chunk_rows = 3});
  ASSERT_NE(store, nullptr);
  MYSTOCKS_ASSERT_OK(store->ensure_table(bars()));
  std::vector<std::vector<Cell>> rows;
  for (int day = 0; day < 10; ++day)
    rows.push_back({"600519.SH", day % 4, day, day, nullptr, nullptr});
  MYSTOCKS_ASSERT_OK(store->upsert("bars", make_batch(bars(), {}, rows)));
  Result<RecordBatch> stored = store->query("bars", {.columns = {"trade_date", "close"}});
  ASSERT_TRUE(stored.is_ok()) << stored.status().to_string();
  EXPECT_EQ(rows_text(*stored), (std::vector<std::string>{"0|8", "1|9", "2|6", "3|7"}));
  // A transaction may upsert the same table twice; the staging table is emptied in between.
  MYSTOCKS_ASSERT_OK(store->transaction([&](RelationalOps& ops) -> Status {
    MYSTOCKS_RETURN_IF_ERROR(
        ops.upsert("bars", make_batch(bars(), {}, {{"000001.SZ", 1, 1, 1, nullptr, nullptr}})));
    return ops.upsert("bars", make_batch(bars(), {}, {{"000001.SZ", 2, 2, 2, nullptr, nullptr}}));
  }));
  EXPECT_EQ(*store->count("bars", {eq("symbol", "000001.SZ")}), 2);
}

TEST_F(PostgresStoreTest, LargeChunksCopyStraightIntoTheTableUntilAKeyCollidesThenMerge) {
  std::unique_ptr<PostgresStore> store = open({.copy_chunk_rows = 12'000});
  ASSERT_NE(store, nullptr);
  MYSTOCKS_ASSERT_OK(store->ensure_table(bars()));
  auto batch = [&](int first_day, int days, int close) {
    return bars_grid(0, 10, first_day, days, close);
  };
  MYSTOCKS_ASSERT_OK(store->upsert("bars", batch(0, 1500, 1)));  // 15,000 new rows: direct COPY
  EXPECT_EQ(upsert_rows("direct"), 12'000);  // the 3,000-row tail is too small to try
  EXPECT_EQ(upsert_rows("merge"), 3'000);
  // 5,000 existing + 10,000 new: the first key is stored, so no direct attempt at all.
  MYSTOCKS_ASSERT_OK(store->upsert("bars", batch(1000, 1500, 2)));
  EXPECT_EQ(upsert_rows("direct_rolled_back"), 0);
  EXPECT_EQ(upsert_rows("merge"), 18'000);
  // New at the start, stored further on: symbols 20-27 go straight in (12,000 rows); the doubled
  // chunk of 28-39 (18,000) collides at 30, is rolled back and merged in 12,000-row pieces.
  MYSTOCKS_ASSERT_OK(store->upsert("bars", bars_grid(30, 10, 0, 1500, 2)));
  MYSTOCKS_ASSERT_OK(store->upsert("bars", bars_grid(20, 20, 0, 1500, 2)));
  EXPECT_EQ(upsert_rows("direct"), 36'000);
  EXPECT_EQ(upsert_rows("direct_rolled_back"), 18'000);
  EXPECT_EQ(upsert_rows("merge"), 39'000);
  MYSTOCKS_ASSERT_OK(store->upsert("bars", batch(0, 1500, 3)));  // all existing
  EXPECT_EQ(*store->count("bars", {}), 55'000);
  EXPECT_EQ(*store->count("bars", {eq("close", int64_t{3})}), 15'000);
  EXPECT_EQ(*store->count("bars", {eq("close", int64_t{2})}), 40'000);
  EXPECT_EQ(*store->count("bars", {eq("close", int64_t{1})}), 0);
}

// A chunk that collides after earlier chunks went straight into the table rolls back only its
// own attempt; a failing transaction still takes every direct-COPYed chunk with it.
TEST_F(PostgresStoreTest, ACollisionInALaterChunkKeepsTheEarlierOnesAndRollbackUndoesAll) {
  std::unique_ptr<PostgresStore> store = open({.copy_chunk_rows = 10'000});
  ASSERT_NE(store, nullptr);
  MYSTOCKS_ASSERT_OK(store->ensure_table(bars()));
  auto batch = [&](int first_symbol, int symbols, int close) {
    return bars_grid(first_symbol, symbols, 0, 1000, close);
  };
  MYSTOCKS_ASSERT_OK(store->upsert("bars", batch(10, 10, 1)));  // symbols 10-19
  // Symbols 0-19 in key order: chunk 1 (0-9) is new, chunk 2 (10-19) collides at its first row.
  MYSTOCKS_ASSERT_OK(store->upsert("bars", batch(0, 20, 2)));
  EXPECT_EQ(*store->count("bars", {}), 20'000);
  EXPECT_EQ(*store->count("bars", {eq("close", int64_t{2})}), 20'000);

  const Status failed = store->transaction([&](RelationalOps& ops) -> Status {
    MYSTOCKS_RETURN_IF_ERROR(ops.upsert("bars", batch(20, 20, 3)));  // 20,000 new rows, direct
    return Status(ErrorCode::kAborted, "caller gives up");
  });
  EXPECT_EQ(failed.code(), ErrorCode::kAborted);
  EXPECT_EQ(*store->count("bars", {}), 20'000);
  EXPECT_EQ(*store->count("bars", {eq("close", int64_t{3})}), 0);

  // Inside a caller's transaction: a direct chunk, then a collision that falls back to the
  // staging table, then a second upsert in the same transaction that must find staging empty.
  MYSTOCKS_ASSERT_OK(store->transaction([&](RelationalOps& ops) -> Status {
    MYSTOCKS_RETURN_IF_ERROR(ops.upsert("bars", batch(40, 10, 4)));  // new: direct
    MYSTOCKS_RETURN_IF_ERROR(ops.upsert("bars", batch(35, 10, 5)));  // 35-39 new, 40-44 collide
    return ops.upsert("bars", batch(0, 10, 6));                      // all existing: merge
  }));
  EXPECT_EQ(*store->count("bars", {}), 35'000);
  EXPECT_EQ(*store->count("bars", {eq("close", int64_t{6})}), 10'000);  // symbols 0-9
  EXPECT_EQ(*store->count("bars", {eq("close", int64_t{5})}), 10'000);  // 35-44
  EXPECT_EQ(*store->count("bars", {eq("close", int64_t{4})}), 5'000);   // 45-49
  EXPECT_EQ(*store->count("bars", {eq("close", int64_t{2})}), 10'000);  // 10-19
}

// Direct chunks double (10 k, 20 k, 40 k rows here); a collision in a doubled chunk sends its rows
// through the staging table in pieces of copy_chunk_rows, and the chunks before it stay.
TEST_F(PostgresStoreTest, ACollisionInADoubledDirectChunkMergesItsRows) {
  std::unique_ptr<PostgresStore> store = open({.copy_chunk_rows = 10'000});
  ASSERT_NE(store, nullptr);
  MYSTOCKS_ASSERT_OK(store->ensure_table(bars()));
  MYSTOCKS_ASSERT_OK(store->upsert("bars", bars_grid(65, 5, 0, 1000, 1)));  // symbols 65-69
  // Symbols 0-69 in key order: 0-9 and 10-29 go straight in; the chunk of 30-69 collides at 65.
  MYSTOCKS_ASSERT_OK(store->upsert("bars", bars_grid(0, 70, 0, 1000, 2)));
  EXPECT_EQ(upsert_rows("direct"), 30'000);
  EXPECT_EQ(upsert_rows("direct_rolled_back"), 40'000);
  EXPECT_EQ(upsert_rows("merge"), 45'000);  // the 5,000 first rows, then the collided chunk
  EXPECT_EQ(*store->count("bars", {}), 70'000);
  EXPECT_EQ(*store->count("bars", {eq("close", int64_t{2})}), 70'000);
}

TEST_F(PostgresStoreTest, DoesNotAdoptATableItDidNotCreate) {
  ASSERT_EQ(raw_scalar("CREATE TABLE bars (x int); SELECT 'made'"), "made");
  std::unique_ptr<PostgresStore> store = open();
  const Status status = store->ensure_table(bars());
  EXPECT_EQ(status.code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(status.message().find("table 'bars' already exists in postgres 127.0.0.1:"),
            std::string::npos)
      << status.message();
}

TEST_F(PostgresStoreTest, ConcurrentStartUpsApplyEachDeclarationOnce) {
  std::vector<std::unique_ptr<PostgresStore>> stores;
  for (int index = 0; index < 3; ++index) stores.push_back(open());
  std::vector<std::thread> threads;
  std::vector<Status> results(stores.size());
  for (size_t index = 0; index < stores.size(); ++index) {
    threads.emplace_back([&, index] {
      for (const TableSchema& table : catalog_.tables()) {
        Status status = stores[index]->ensure_table(table);
        if (!status.is_ok()) results[index] = status;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const Status& status : results) MYSTOCKS_EXPECT_OK(status);
  EXPECT_EQ(*stores[0]->schema_version("bars"), 1);
}

TEST_F(PostgresStoreTest, UnreachableOrMisconfiguredServersAreExplained) {
  Result<int> free_port = mystocks::test::pick_free_port();
  ASSERT_TRUE(free_port.is_ok());
  const int port = *free_port;
  std::unique_ptr<PostgresStore> nowhere =
      open({.primary_conninfo = fmt::format("host=127.0.0.1 port={} connect_timeout=2", port),
            .reconnect_timeout_ms = 200});
  ASSERT_NE(nowhere, nullptr);
  const Status down = nowhere->ensure_table(bars());
  EXPECT_EQ(down.code(), ErrorCode::kUnavailable);
  EXPECT_NE(down.message().find("postgres primary unreachable for reconnect_timeout 200 ms"),
            std::string::npos)
      << down.message();
  EXPECT_NE(down.message().find("cannot connect"), std::string::npos);

  std::unique_ptr<PostgresStore> wrong =
      open({.primary_conninfo = shared_postgres().connection_string("no_such_db"),
            .reconnect_timeout_ms = 60000});
  ASSERT_NE(wrong, nullptr);
  const Status missing = wrong->ensure_table(bars());  // permanent: returned at once, not retried
  EXPECT_EQ(missing.code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(missing.message().find("no_such_db"), std::string::npos) << missing.message();

  EXPECT_EQ(PostgresStore::open({}).status().field(), "postgres.primary");
  EXPECT_EQ(PostgresStore::open({.primary_conninfo = "host"}).status().field(), "postgres.dsn");
}

TEST_F(PostgresStoreTest, WritingThroughTheStoreInsideItsOwnTransactionIsRefused) {
  std::unique_ptr<PostgresStore> store = open();
  MYSTOCKS_ASSERT_OK(store->ensure_table(bars()));
  const Status status = store->transaction([&](RelationalOps&) {
    return store->upsert("bars",
                         make_batch(bars(), {}, {{"600519.SH", 1, 1, 1, nullptr, nullptr}}));
  });
  EXPECT_EQ(status.code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(*store->count("bars", {}), 0);
}

}  // namespace
}  // namespace mystocks::storage::test
