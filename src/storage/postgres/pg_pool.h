// PgPool: an explicit pool of PostgreSQL connections to one server, with the knobs users of the
// original asked for: pool_size connections are kept, up to max_overflow more are opened under
// load and closed when returned, an idle connection is pinged before use (pre_ping) and reopened
// when older than recycle_seconds, and a caller waits at most acquire_timeout for a connection.
// After a lost connection, invalidate() makes every older idle connection reopen at checkout
// (the server probably restarted). Gauges and counters are labelled pool="<name>".
// Invariants: open connections (idle + leased + being opened) <= pool_size + max_overflow.
// Thread-safety: acquire() and invalidate() may be called from any thread; a Lease belongs to
// one thread. Connections are opened and closed outside the pool's lock.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/metrics.h"
#include "core/status.h"
#include "storage/postgres/pg_connection.h"

namespace mystocks::storage {

struct PgPoolOptions {
  std::string name = "primary";        // metric label and message prefix; static
  std::string conninfo;                // libpq connection string; static
  std::string session_setup;           // SQL run on every new connection (SET ...); static
  int pool_size = 5;                   // connections kept open; >= 1; static
  int max_overflow = 10;               // extra connections under load, closed on return; static
  bool pre_ping = true;                // round trip before handing out an idle connection; static
  int64_t recycle_seconds = 3600;      // reopen connections older than this; 0 = never; static
  int64_t acquire_timeout_ms = 30000;  // wait for a free connection, ms; static
};

class PgPool {
 public:
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease();
    PostgresConnection& connection() { return *connection_; }
    // Closes the connection instead of returning it (after it was found broken).
    void discard() { discard_ = true; }

   private:
    friend class PgPool;
    Lease(PgPool* pool, std::unique_ptr<PostgresConnection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    PgPool* pool_;
    std::unique_ptr<PostgresConnection> connection_;
    bool discard_ = false;
  };

  struct Stats {
    int idle = 0;
    int leased = 0;
    int open = 0;  // idle + leased + being opened
    int waiting = 0;
  };

  // `clock` decides connection age (recycle); waiting for a connection uses real time.
  PgPool(PgPoolOptions options, const Clock& clock, MetricsRegistry& metrics);
  ~PgPool();  // REQUIRES: no outstanding leases
  PgPool(const PgPool&) = delete;
  PgPool& operator=(const PgPool&) = delete;

  // A working connection: kUnavailable (or kFailedPrecondition) when one cannot be opened,
  // kResourceExhausted when all pool_size + max_overflow are leased for acquire_timeout.
  Result<Lease> acquire();
  // Idle connections opened before now are reopened when next checked out.
  void invalidate();
  Stats stats() const;
  const PgPoolOptions& options() const { return options_; }

 private:
  struct Gauges;
  void release(std::unique_ptr<PostgresConnection> connection, bool discard);
  Result<std::unique_ptr<PostgresConnection>> open_connection();
  // Checks an idle connection taken from the pool; null when it must be replaced.
  std::unique_ptr<PostgresConnection> vet(std::unique_ptr<PostgresConnection> connection);
  // REQUIRES: mutex_ held. Moves the gauges to the current counts.
  void publish_locked();

  PgPoolOptions options_;
  const Clock& clock_;
  std::unique_ptr<Gauges> gauges_;
  mutable std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<PostgresConnection>> idle_;  // GUARDED_BY(mutex_), newest last
  int open_ = 0;                                           // GUARDED_BY(mutex_)
  int leased_ = 0;                                         // GUARDED_BY(mutex_)
  int waiting_ = 0;                                        // GUARDED_BY(mutex_)
  uint64_t generation_ = 0;                                // GUARDED_BY(mutex_)
};

}  // namespace mystocks::storage
