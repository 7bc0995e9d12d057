// PostgresStore with a primary + streaming replica pair started by the harness: reads use the
// healthy replica and writes the primary; a failed replica sends reads to the primary until
// replica_retry_ms has passed; requests survive `pg_ctl restart` of the primary, including one
// issued while the primary is down.
#include <thread>

#include <gtest/gtest.h>

#include "storage/postgres/postgres_store.h"
#include "storage/tables_yaml.h"
#include "support/assert_status.h"
#include "support/deadline.h"
#include "support/postgres_server.h"
#include "unit/storage/relational/batch_text.h"

namespace mystocks::storage::test {
namespace {

constexpr const char* kDatabase = "replicated";

const char* const kBarsYaml = R"(
tables:
  bars:
    classification: daily_kline
    columns:
      - {name: symbol, type: string}
      - {name: trade_date, type: date}
      - {name: close, type: decimal(3)}
    unique_key: [symbol, trade_date]
)";

class PostgresReplicaTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    primary_ = new mystocks::test::PostgresServer();
    replica_ = new mystocks::test::PostgresServer();
    setup_ = primary_->start();
    if (setup_.is_ok()) setup_ = primary_->create_database(kDatabase);
    if (setup_.is_ok()) setup_ = replica_->start_replica_of(*primary_);
  }
  static void TearDownTestSuite() {
    delete replica_;  // stops the server and removes its directory
    delete primary_;
  }

  void SetUp() override {
    MYSTOCKS_ASSERT_OK(setup_);
    MYSTOCKS_ASSERT_OK(replica_->is_running() ? Status::ok() : replica_->restart());
    MYSTOCKS_ASSERT_OK(primary_->is_running() ? Status::ok() : primary_->restart());
    Result<TableCatalog> catalog = parse_tables_yaml(kBarsYaml, "bars.yaml");
    ASSERT_TRUE(catalog.is_ok());
    catalog_ = std::move(*catalog);
    table_name_ =
        fmt::format("bars_{}", ::testing::UnitTest::GetInstance()->random_seed() + test_index_++);
    bars_ = **catalog_.find("bars");
    bars_.name = table_name_;  // one table per test, so tests do not see each other's rows
    bars_.finalize();
  }

  std::unique_ptr<PostgresStore> open(PostgresOptions options) {
    options.primary_conninfo = primary_->connection_string(kDatabase);
    options.replica_conninfo = replica_->connection_string(kDatabase);
    options.metrics = &metrics_;
    Result<std::unique_ptr<PostgresStore>> store = PostgresStore::open(std::move(options), clock_);
    EXPECT_TRUE(store.is_ok()) << store.status().to_string();
    return store.is_ok() ? std::move(*store) : nullptr;
  }

  RecordBatch rows(int first_day, int count) const {
    std::vector<std::vector<Cell>> cells;
    for (int day = first_day; day < first_day + count; ++day)
      cells.push_back({"600519.SH", day, day * 10});
    return make_batch(bars_, {}, cells);
  }

  double metric(const std::string& line_prefix) const {
    const std::string text = metrics_.expose();
    const size_t at = text.find("\n" + line_prefix + " ");
    return at == std::string::npos ? 0 : std::stod(text.substr(at + line_prefix.size() + 2));
  }
  double replica_reads() const { return metric("mystocks_pg_reads_total{server=\"replica\"}"); }
  double primary_reads() const { return metric("mystocks_pg_reads_total{server=\"primary\"}"); }

  static inline mystocks::test::PostgresServer* primary_ = nullptr;
  static inline mystocks::test::PostgresServer* replica_ = nullptr;
  static inline Status setup_;
  static inline int test_index_ = 0;
  TableCatalog catalog_;
  TableSchema bars_;
  std::string table_name_;
  MetricsRegistry metrics_;
  ManualClock clock_{1'700'000'000'000};
};

TEST_F(PostgresReplicaTest, ReadsUseTheReplicaAndWritesThePrimary) {
  std::unique_ptr<PostgresStore> store = open({});
  ASSERT_NE(store, nullptr);
  MYSTOCKS_ASSERT_OK(store->ensure_table(bars_));
  MYSTOCKS_ASSERT_OK(store->upsert(table_name_, rows(0, 5)));
  MYSTOCKS_ASSERT_OK(replica_->wait_for_replay(*primary_));
  EXPECT_TRUE(store->replica_in_use());
  Result<int64_t> counted = store->count(table_name_, {});
  ASSERT_TRUE(counted.is_ok()) << counted.status().to_string();
  EXPECT_EQ(*counted, 5);
  EXPECT_EQ(replica_reads(), 1);
  EXPECT_EQ(primary_reads(), 0);
  // Read-your-writes asks for the primary explicitly; a transaction reads there too.
  Result<RecordBatch> fresh = store->query(table_name_, {.from_primary = true});
  ASSERT_TRUE(fresh.is_ok());
  EXPECT_EQ(primary_reads(), 1);
  MYSTOCKS_ASSERT_OK(store->transaction([&](RelationalOps& ops) -> Status {
    MYSTOCKS_RETURN_IF_ERROR(ops.upsert(table_name_, rows(5, 1)));
    return *ops.count(table_name_, {}) == 6 ? Status::ok() : error(ErrorCode::kInternal, "stale");
  }));
  // The replica really is a replica: the same write there is refused by the server.
  Result<mystocks::test::PgConnection> direct = replica_->connect(kDatabase);
  ASSERT_TRUE(direct.is_ok());
  EXPECT_FALSE(
      direct->execute("INSERT INTO " + table_name_ + " VALUES ('x', '2024-01-01', 1)").is_ok());
}

TEST_F(PostgresReplicaTest, FailedReplicaSendsReadsToThePrimaryUntilItIsRetried) {
  std::unique_ptr<PostgresStore> store = open({.pre_ping = true, .replica_retry_ms = 5000});
  ASSERT_NE(store, nullptr);
  MYSTOCKS_ASSERT_OK(store->ensure_table(bars_));
  MYSTOCKS_ASSERT_OK(store->upsert(table_name_, rows(0, 3)));
  MYSTOCKS_ASSERT_OK(replica_->wait_for_replay(*primary_));
  EXPECT_EQ(*store->count(table_name_, {}), 3);
  EXPECT_EQ(replica_reads(), 1);

  MYSTOCKS_ASSERT_OK(replica_->stop());
  Result<RecordBatch> during = store->query(table_name_, {});
  ASSERT_TRUE(during.is_ok()) << during.status().to_string();
  EXPECT_EQ(during->num_rows(), 3u);
  EXPECT_FALSE(store->replica_in_use());
  EXPECT_EQ(metric("mystocks_pg_replica_fallbacks_total"), 1);
  EXPECT_EQ(metric("mystocks_pg_replica_healthy"), 0);
  // Within replica_retry_ms reads go straight to the primary: no new fallback, no waiting.
  clock_.advance_ms(4000);
  EXPECT_EQ(*store->count(table_name_, {}), 3);
  EXPECT_EQ(metric("mystocks_pg_replica_fallbacks_total"), 1);
  EXPECT_EQ(primary_reads(), 2);

  MYSTOCKS_ASSERT_OK(replica_->restart());
  MYSTOCKS_ASSERT_OK(replica_->wait_for_replay(*primary_));
  clock_.advance_ms(1001);
  EXPECT_TRUE(store->replica_in_use());
  EXPECT_EQ(*store->count(table_name_, {}), 3);
  EXPECT_EQ(replica_reads(), 2);
  EXPECT_EQ(metric("mystocks_pg_replica_healthy"), 1);
}

TEST_F(PostgresReplicaTest, WritesAndReadsSurvivePgCtlRestartOfThePrimary) {
  // Without pre-ping the pooled connections are found dead by the requests themselves.
  std::unique_ptr<PostgresStore> store = open({.pool_size = 2, .pre_ping = false});
  ASSERT_NE(store, nullptr);
  MYSTOCKS_ASSERT_OK(store->ensure_table(bars_));
  MYSTOCKS_ASSERT_OK(store->upsert(table_name_, rows(0, 10)));
  MYSTOCKS_ASSERT_OK(primary_->restart());  // pg_ctl restart: every backend is terminated
  MYSTOCKS_ASSERT_OK(store->upsert(table_name_, rows(10, 10)));
  Result<RecordBatch> all = store->query(table_name_, {.from_primary = true});
  ASSERT_TRUE(all.is_ok()) << all.status().to_string();
  EXPECT_EQ(all->num_rows(), 20u);
  EXPECT_GE(metric("mystocks_pg_reconnects_total"), 1);
  EXPECT_GE(metric("mystocks_pg_pool_discarded_total{pool=\"primary\"}"), 1);
}

TEST_F(PostgresReplicaTest, ARequestIssuedWhileThePrimaryIsDownCompletesAfterItsRestart) {
  std::unique_ptr<PostgresStore> store = open({.reconnect_timeout_ms = 60000});
  ASSERT_NE(store, nullptr);
  MYSTOCKS_ASSERT_OK(store->ensure_table(bars_));
  MYSTOCKS_ASSERT_OK(primary_->stop());
  Status written = error(ErrorCode::kInternal, "not finished");
  std::thread writer([&] { written = store->upsert(table_name_, rows(0, 50)); });
  // Start the primary again only once the request is visibly retrying.
  const bool retrying = mystocks::test::poll_until(std::chrono::seconds(20), [&] {
    return metric("mystocks_pg_pool_connect_errors_total{pool=\"primary\"}") >= 2;
  });
  EXPECT_TRUE(retrying);
  MYSTOCKS_ASSERT_OK(primary_->restart());
  writer.join();
  MYSTOCKS_ASSERT_OK(written);
  // Reads go to the replica, which shows the rows once it has replayed the primary's WAL.
  MYSTOCKS_ASSERT_OK(replica_->wait_for_replay(*primary_));
  EXPECT_EQ(*store->count(table_name_, {}), 50);
}

}  // namespace
}  // namespace mystocks::storage::test
