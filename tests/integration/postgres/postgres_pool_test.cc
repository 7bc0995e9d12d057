// PgPool against a real server: reuse and overflow, the acquire timeout, pre-ping and recycling
// of dead or old connections, invalidation, metrics; and the store re-running a request whose
// connections the server killed.
#include <thread>

#include <gtest/gtest.h>

#include "integration/postgres/shared_postgres.h"
#include "storage/postgres/pg_pool.h"
#include "storage/postgres/postgres_store.h"
#include "storage/tables_yaml.h"
#include "support/assert_status.h"
#include "support/deadline.h"
#include "unit/storage/relational/batch_text.h"
#include "unit/storage/relational/relational_store_suite.h"

namespace mystocks::storage::test {
namespace {

int backend_pid(PostgresConnection& connection) {
  Result<PgResult> result = connection.query("SELECT pg_backend_pid()::bigint", {});
  if (!result.is_ok() || PQntuples(result->get()) != 1) return -1;
  const char* bytes = PQgetvalue(result->get(), 0, 0);
  int64_t pid = 0;
  for (int index = 0; index < 8; ++index) pid = (pid << 8) | static_cast<uint8_t>(bytes[index]);
  return static_cast<int>(pid);
}

// Kills server backends from another connection, as a DBA or a failover would.
Status terminate(const std::string& where) {
  Result<mystocks::test::PgConnection> admin = shared_postgres().connect("postgres");
  if (!admin.is_ok()) return admin.status();
  Result<std::string> killed = admin->query_scalar(
      "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE " + where);
  if (!killed.is_ok()) return killed.status();
  // pg_terminate_backend only signals; wait until the backends are really gone.
  const bool gone = mystocks::test::poll_until(std::chrono::seconds(10), [&] {
    Result<std::string> left =
        admin->query_scalar("SELECT count(*) FROM pg_stat_activity WHERE " + where);
    return left.is_ok() && *left == "0";
  });
  return gone ? Status::ok() : error(ErrorCode::kDeadlineExceeded, "backends survived");
}

class PgPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MYSTOCKS_ASSERT_OK(shared_postgres_status());
    Result<std::string> conninfo = fresh_postgres_database("pool");
    ASSERT_TRUE(conninfo.is_ok()) << conninfo.status().to_string();
    conninfo_ = "application_name=pool_test " + *conninfo;
  }
  PgPoolOptions options(PgPoolOptions base) {
    base.conninfo = conninfo_;
    return base;
  }

  std::string conninfo_;
  MetricsRegistry metrics_;
  ManualClock clock_{1'000'000};
};

TEST_F(PgPoolTest, KeepsPoolSizeConnectionsAndClosesOverflowOnReturn) {
  PgPool pool(options({.name = "p", .pool_size = 2, .max_overflow = 1}), clock_, metrics_);
  {
    Result<PgPool::Lease> a = pool.acquire();
    Result<PgPool::Lease> b = pool.acquire();
    Result<PgPool::Lease> c = pool.acquire();
    ASSERT_TRUE(a.is_ok() && b.is_ok() && c.is_ok()) << c.status().to_string();
    EXPECT_EQ(pool.stats().open, 3);
    EXPECT_EQ(metric(metrics_, "mystocks_pg_pool_overflow{pool=\"p\"}"), 1);
    EXPECT_EQ(metric(metrics_, "mystocks_pg_pool_connections{pool=\"p\",state=\"in_use\"}"), 3);
  }
  EXPECT_EQ(pool.stats().open, 2);
  EXPECT_EQ(pool.stats().idle, 2);
  EXPECT_EQ(metric(metrics_, "mystocks_pg_pool_connections{pool=\"p\",state=\"idle\"}"), 2);
  EXPECT_EQ(metric(metrics_, "mystocks_pg_pool_overflow{pool=\"p\"}"), 0);
  // The kept connections are reused: no new connects.
  {
    Result<PgPool::Lease> again = pool.acquire();
    ASSERT_TRUE(again.is_ok());
  }
  EXPECT_EQ(metric(metrics_, "mystocks_pg_pool_connects_total{pool=\"p\"}"), 3);
}

TEST_F(PgPoolTest, AcquireWaitsForAReturnThenTimesOut) {
  PgPool pool(options({.name = "t", .pool_size = 1, .max_overflow = 0, .acquire_timeout_ms = 150}),
              clock_, metrics_);
  std::optional<PgPool::Lease> held;
  {
    Result<PgPool::Lease> first = pool.acquire();
    ASSERT_TRUE(first.is_ok());
    held.emplace(std::move(*first));
  }
  Result<PgPool::Lease> refused = pool.acquire();
  EXPECT_EQ(refused.status().code(), ErrorCode::kResourceExhausted);
  EXPECT_NE(
      refused.status().message().find("all 1 connections (pool_size 1 + max_overflow 0) stayed "
                                      "busy for acquire_timeout 150 ms"),
      std::string::npos);
  EXPECT_EQ(metric(metrics_, "mystocks_pg_pool_acquire_timeouts_total{pool=\"t\"}"), 1);

  PgPool patient(
      options({.name = "w", .pool_size = 1, .max_overflow = 0, .acquire_timeout_ms = 20000}),
      clock_, metrics_);
  std::optional<PgPool::Lease> busy;
  {
    Result<PgPool::Lease> lease = patient.acquire();
    ASSERT_TRUE(lease.is_ok());
    busy.emplace(std::move(*lease));
  }
  Status waited = error(ErrorCode::kInternal, "not run");
  std::thread waiter([&] { waited = patient.acquire().status(); });
  ASSERT_TRUE(mystocks::test::poll_until(std::chrono::seconds(10),
                                         [&] { return patient.stats().waiting == 1; }));
  EXPECT_EQ(metric(metrics_, "mystocks_pg_pool_waiting{pool=\"w\"}"), 1);
  busy.reset();  // hands the connection to the waiter
  waiter.join();
  MYSTOCKS_EXPECT_OK(waited);
}

TEST_F(PgPoolTest, PrePingReplacesConnectionsTheServerKilled) {
  PgPool pool(options({.name = "ping", .pool_size = 1}), clock_, metrics_);
  int first_pid = -1;
  {
    Result<PgPool::Lease> lease = pool.acquire();
    ASSERT_TRUE(lease.is_ok());
    first_pid = backend_pid(lease->connection());
  }
  MYSTOCKS_ASSERT_OK(terminate(fmt::format("pid = {}", first_pid)));
  Result<PgPool::Lease> lease = pool.acquire();
  ASSERT_TRUE(lease.is_ok()) << lease.status().to_string();
  const int second_pid = backend_pid(lease->connection());
  EXPECT_GT(second_pid, 0);
  EXPECT_NE(second_pid, first_pid);
  EXPECT_EQ(metric(metrics_, "mystocks_pg_pool_pre_ping_failures_total{pool=\"ping\"}"), 1);
}

TEST_F(PgPoolTest, RecyclesOldConnectionsAndInvalidatedOnes) {
  PgPool pool(options({.name = "r", .pool_size = 1, .pre_ping = false, .recycle_seconds = 60}),
              clock_, metrics_);
  auto pid_now = [&] {
    Result<PgPool::Lease> lease = pool.acquire();
    return lease.is_ok() ? backend_pid(lease->connection()) : -1;
  };
  const int first = pid_now();
  EXPECT_EQ(pid_now(), first);  // young: reused
  clock_.advance_ms(61'000);
  const int second = pid_now();
  EXPECT_NE(second, first);
  pool.invalidate();
  const int third = pid_now();
  EXPECT_NE(third, second);
  EXPECT_EQ(pid_now(), third);
  EXPECT_EQ(metric(metrics_, "mystocks_pg_pool_recycled_total{pool=\"r\"}"), 2);
}

TEST_F(PgPoolTest, StoreRerunsARequestWhoseConnectionsWereKilled) {
  Result<TableCatalog> catalog = parse_tables_yaml(kSuiteTablesYaml, "suite.yaml");
  ASSERT_TRUE(catalog.is_ok());
  const TableSchema& bars = **catalog->find("bars");
  Result<std::unique_ptr<PostgresStore>> store = PostgresStore::open(
      {.primary_conninfo = conninfo_, .pool_size = 2, .pre_ping = false, .metrics = &metrics_});
  ASSERT_TRUE(store.is_ok());
  MYSTOCKS_ASSERT_OK((*store)->ensure_table(bars));
  MYSTOCKS_ASSERT_OK(
      (*store)->upsert("bars", make_batch(bars, {}, {{"600519.SH", 1, 1, 1, nullptr, nullptr}})));
  // Kill the store's idle connection; without pre-ping the next request finds it dead mid-way.
  MYSTOCKS_ASSERT_OK(terminate("application_name = 'pool_test' AND pid <> pg_backend_pid()"));
  MYSTOCKS_ASSERT_OK(
      (*store)->upsert("bars", make_batch(bars, {}, {{"600519.SH", 2, 2, 2, nullptr, nullptr}})));
  EXPECT_EQ(*(*store)->count("bars", {}), 2);
  EXPECT_GE(metric(metrics_, "mystocks_pg_reconnects_total"), 1);
  EXPECT_GE(metric(metrics_, "mystocks_pg_pool_discarded_total{pool=\"primary\"}"), 1);
}

}  // namespace
}  // namespace mystocks::storage::test
