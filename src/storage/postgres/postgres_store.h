// PostgresStore: the RelationalStore on PostgreSQL through libpq. Writes go to the primary; reads
// go to a streaming replica when one is configured and healthy, else to the primary (a replica
// that fails is left out for replica_retry_ms, then tried again). Bulk upserts COPY the batch in
// binary into a per-connection temporary staging table and merge it with
// INSERT ... SELECT ... ON CONFLICT, all in one transaction. A request whose connection is lost
// (server restart, failover, killed backend) is re-run on a new connection until
// reconnect_timeout: every operation is idempotent, so the request's data is not lost.
// Thread-safety: all methods may be called concurrently from any thread (see RelationalStore).
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/metrics.h"
#include "storage/postgres/pg_pool.h"
#include "storage/relational/batch_layout.h"
#include "storage/relational/statement_builder.h"
#include "storage/relational_store.h"

namespace mystocks::storage {

struct PostgresOptions {
  // libpq connection strings (keywords or URI). The primary is required; an empty replica means
  // all reads use the primary. Static.
  std::string primary_conninfo;
  std::string replica_conninfo;
  // Pool settings, applied to the primary's pool and the replica's alike (see PgPoolOptions).
  int pool_size = 5;
  int max_overflow = 10;
  bool pre_ping = true;
  int64_t recycle_seconds = 3600;
  int64_t acquire_timeout_ms = 30000;
  // Server-side statement_timeout per connection, ms; 0 = none. Static.
  int64_t statement_timeout_ms = 30000;
  // How long reads avoid a replica after it failed, ms (injected clock). Static.
  int64_t replica_retry_ms = 5000;
  // How long one request keeps reconnecting to a lost primary, ms (real time). Static.
  int64_t reconnect_timeout_ms = 15000;
  // Largest result one query may return (kResourceExhausted beyond). Static.
  int64_t max_result_rows = 1'000'000;
  // Rows per COPY + merge round of one upsert (bounds the staging table). Static.
  int64_t copy_chunk_rows = 100'000;
  // Where pool and routing metrics go; nullptr = MetricsRegistry::global().
  MetricsRegistry* metrics = nullptr;
};

class PostgresStore final : public RelationalStore {
 public:
  // Validates the options and builds the pools; connections open on first use, so a server
  // that is still starting does not fail start-up by itself.
  static Result<std::unique_ptr<PostgresStore>> open(PostgresOptions options,
                                                     const Clock& clock = SystemClock::instance());
  ~PostgresStore() override;

  std::string_view backend() const override { return "postgres"; }
  std::string describe() const override;
  Status ensure_table(const TableSchema& table) override;
  Result<int64_t> schema_version(const std::string& table) override;
  Status transaction(const std::function<Status(RelationalOps& ops)>& body) override;
  Status check_health() override;

  Status upsert(const std::string& table, const RecordBatch& batch) override;
  Result<RecordBatch> query(const std::string& table, const RelationalQuery& query) override;
  Result<int64_t> count(const std::string& table, const std::vector<Filter>& filters) override;
  Result<int64_t> erase(const std::string& table, const std::vector<Filter>& filters) override;
  Result<RecordBatch> summarize_series(const std::string& table, const std::string& time_column,
                                       const std::vector<Filter>& filters) override;

  // True while reads may use the replica (configured, and not failed within replica_retry_ms).
  bool replica_in_use() const;
  PgPool::Stats primary_pool_stats() const { return primary_->stats(); }

 private:
  class Session;
  struct Metrics;
  using Operation = std::function<Status(PostgresConnection&)>;

  PostgresStore(PostgresOptions options, const Clock& clock);
  Result<std::shared_ptr<const TableSchema>> find_table(const std::string& name) const;
  // Runs `op` on a primary connection, reconnecting while the connection is lost.
  Status on_primary(const Operation& op);
  // Runs a read on the replica when usable, else (or when it fails) on the primary.
  Status on_reader(bool from_primary, const Operation& op);
  void mark_replica(bool healthy);

  // The SQL work itself, on a given connection (postgres_write.cc, postgres_read.cc,
  // postgres_schema.cc).
  Status write_batch(PostgresConnection& connection, const TableSchema& table,
                     const BatchLayout& layout, const RecordBatch& batch, bool in_transaction);
  // Rows [begin, end) of `batch` (indices into `rows` when set, else row numbers).
  struct Chunk {
    const TableSchema& table;
    const BatchLayout& layout;
    const RecordBatch& batch;
    const std::vector<uint32_t>* rows;
    size_t begin;
    size_t end;
  };
  // Binary COPY of the chunk into `target_sql` (a quoted table name).
  Status copy_rows(PostgresConnection& connection, const std::string& target_sql,
                   const Chunk& chunk);
  Status copy_direct(PostgresConnection& connection, const Chunk& chunk, bool& try_direct);
  Result<bool> first_key_exists(PostgresConnection& connection, const Chunk& chunk);
  enum class UpsertPath { kDirect, kMerge, kDirectRolledBack };
  void count_upsert_rows(UpsertPath path, size_t rows);
  Result<RecordBatch> run_select(PostgresConnection& connection, const SelectStatement& select,
                                 const std::string& table);
  Result<int64_t> run_count(PostgresConnection& connection, const SqlStatement& statement);
  Result<int64_t> run_erase(PostgresConnection& connection, const SqlStatement& statement);
  Status apply_declaration(PostgresConnection& connection, const TableSchema& table);

  PostgresOptions options_;
  const Clock& clock_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<PgPool> primary_;
  std::unique_ptr<PgPool> replica_;                // null without a replica
  std::atomic<int64_t> replica_down_until_ms_{0};  // 0 = healthy
  mutable std::shared_mutex tables_mutex_;
  std::map<std::string, std::shared_ptr<const TableSchema>, std::less<>> tables_;  // GUARDED_BY
};

// "host:port/dbname" of a connection string, without credentials (for logs and describe()).
std::string describe_conninfo(const std::string& conninfo);

}  // namespace mystocks::storage
