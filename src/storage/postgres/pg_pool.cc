#include "storage/postgres/pg_pool.h"

#include <chrono>

namespace mystocks::storage {

// The pool's metrics. Gauges move by deltas, so pools sharing a name (several stores in one
// process) add up instead of overwriting each other.
struct PgPool::Gauges {
  Gauges(MetricsRegistry& metrics, const std::string& name)
      : idle(metrics
                 .gauge("mystocks_pg_pool_connections", "PostgreSQL pool connections by state",
                        {"pool", "state"})
                 .with({name, "idle"})),
        leased(metrics
                   .gauge("mystocks_pg_pool_connections", "PostgreSQL pool connections by state",
                          {"pool", "state"})
                   .with({name, "in_use"})),
        overflow(
            metrics
                .gauge("mystocks_pg_pool_overflow", "Connections open beyond pool_size", {"pool"})
                .with({name})),
        waiting(
            metrics.gauge("mystocks_pg_pool_waiting", "Callers waiting for a connection", {"pool"})
                .with({name})),
        connects(metrics.counter("mystocks_pg_pool_connects_total", "Connections opened", {"pool"})
                     .with({name})),
        connect_errors(metrics
                           .counter("mystocks_pg_pool_connect_errors_total",
                                    "Failed connection attempts", {"pool"})
                           .with({name})),
        ping_failures(metrics
                          .counter("mystocks_pg_pool_pre_ping_failures_total",
                                   "Idle connections found dead by pre-ping", {"pool"})
                          .with({name})),
        recycled(metrics
                     .counter("mystocks_pg_pool_recycled_total",
                              "Connections reopened for age or after invalidation", {"pool"})
                     .with({name})),
        discarded(metrics
                      .counter("mystocks_pg_pool_discarded_total", "Broken connections thrown away",
                               {"pool"})
                      .with({name})),
        timeouts(metrics
                     .counter("mystocks_pg_pool_acquire_timeouts_total",
                              "Acquires that waited acquire_timeout in vain", {"pool"})
                     .with({name})),
        acquire_seconds(metrics
                            .histogram("mystocks_pg_pool_acquire_seconds",
                                       "Time to obtain a connection", {"pool"})
                            .with({name})) {}

  Gauge& idle;
  Gauge& leased;
  Gauge& overflow;
  Gauge& waiting;
  Counter& connects;
  Counter& connect_errors;
  Counter& ping_failures;
  Counter& recycled;
  Counter& discarded;
  Counter& timeouts;
  Histogram& acquire_seconds;
  Stats published;  // what the gauges currently include from this pool
  int published_overflow = 0;
};

PgPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), connection_(std::move(other.connection_)), discard_(other.discard_) {
  other.pool_ = nullptr;
}

PgPool::Lease::~Lease() {
  if (pool_ != nullptr && connection_ != nullptr) pool_->release(std::move(connection_), discard_);
}

PgPool::PgPool(PgPoolOptions options, const Clock& clock, MetricsRegistry& metrics)
    : options_(std::move(options)),
      clock_(clock),
      gauges_(std::make_unique<Gauges>(metrics, options_.name)) {
  if (options_.pool_size < 1) options_.pool_size = 1;
  if (options_.max_overflow < 0) options_.max_overflow = 0;
}

PgPool::~PgPool() {
  std::lock_guard lock(mutex_);
  idle_.clear();
  open_ = leased_ = waiting_ = 0;
  publish_locked();
}

void PgPool::publish_locked() {
  const int overflow = std::max(0, open_ - options_.pool_size);
  Gauges& g = *gauges_;
  g.idle.inc(static_cast<double>(static_cast<int>(idle_.size()) - g.published.idle));
  g.leased.inc(static_cast<double>(leased_ - g.published.leased));
  g.waiting.inc(static_cast<double>(waiting_ - g.published.waiting));
  g.overflow.inc(static_cast<double>(overflow - g.published_overflow));
  g.published = {static_cast<int>(idle_.size()), leased_, open_, waiting_};
  g.published_overflow = overflow;
}

Result<std::unique_ptr<PostgresConnection>> PgPool::open_connection() {
  uint64_t generation = 0;
  {
    std::lock_guard lock(mutex_);
    generation = generation_;
  }
  Result<std::unique_ptr<PostgresConnection>> connection =
      PostgresConnection::connect(options_.conninfo, options_.session_setup, clock_.steady_ns());
  if (connection.is_ok()) {
    (*connection)->generation = generation;
    gauges_->connects.inc();
  } else {
    gauges_->connect_errors.inc();
  }
  return connection;
}

std::unique_ptr<PostgresConnection> PgPool::vet(std::unique_ptr<PostgresConnection> connection) {
  uint64_t generation = 0;
  {
    std::lock_guard lock(mutex_);
    generation = generation_;
  }
  const int64_t age_ns = clock_.steady_ns() - connection->created_ns();
  const bool too_old =
      options_.recycle_seconds > 0 && age_ns >= options_.recycle_seconds * 1'000'000'000;
  if (too_old || connection->generation != generation) {
    gauges_->recycled.inc();
    return nullptr;
  }
  if (options_.pre_ping && !connection->ping()) {
    gauges_->ping_failures.inc();
    return nullptr;
  }
  return connection;
}

Result<PgPool::Lease> PgPool::acquire() {
  const auto started = std::chrono::steady_clock::now();
  const auto deadline = started + std::chrono::milliseconds(options_.acquire_timeout_ms);
  auto observe = [&] {
    gauges_->acquire_seconds.observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  };
  std::unique_lock lock(mutex_);
  while (true) {
    if (!idle_.empty()) {
      std::unique_ptr<PostgresConnection> connection = std::move(idle_.back());
      idle_.pop_back();
      ++leased_;
      publish_locked();
      lock.unlock();
      connection = vet(std::move(connection));
      if (connection == nullptr) {
        // Keep the slot and open a replacement in its place.
        Result<std::unique_ptr<PostgresConnection>> fresh = open_connection();
        if (!fresh.is_ok()) {
          release(nullptr, true);
          return fresh.status();
        }
        connection = std::move(*fresh);
      }
      observe();
      return Lease(this, std::move(connection));
    }
    if (open_ < options_.pool_size + options_.max_overflow) {
      ++open_;
      ++leased_;
      publish_locked();
      lock.unlock();
      Result<std::unique_ptr<PostgresConnection>> fresh = open_connection();
      if (!fresh.is_ok()) {
        release(nullptr, true);
        return fresh.status();
      }
      observe();
      return Lease(this, std::move(*fresh));
    }
    ++waiting_;
    publish_locked();
    const bool woke = available_.wait_until(lock, deadline, [&] {
      return !idle_.empty() || open_ < options_.pool_size + options_.max_overflow;
    });
    --waiting_;
    publish_locked();
    if (!woke) {
      gauges_->timeouts.inc();
      observe();
      return error(ErrorCode::kResourceExhausted,
                   "postgres {} pool: all {} connections (pool_size {} + max_overflow {}) stayed "
                   "busy for acquire_timeout {} ms",
                   options_.name, options_.pool_size + options_.max_overflow, options_.pool_size,
                   options_.max_overflow, options_.acquire_timeout_ms);
    }
  }
}

void PgPool::release(std::unique_ptr<PostgresConnection> connection, bool discard) {
  const bool broken = connection == nullptr || discard || connection->is_broken();
  std::unique_ptr<PostgresConnection> closing;
  {
    std::lock_guard lock(mutex_);
    --leased_;
    if (broken || open_ > options_.pool_size) {
      --open_;
      closing = std::move(connection);  // closed below, outside the lock
      if (broken && closing != nullptr) gauges_->discarded.inc();
    } else {
      idle_.push_back(std::move(connection));
    }
    publish_locked();
  }
  available_.notify_one();
}

void PgPool::invalidate() {
  std::lock_guard lock(mutex_);
  ++generation_;
}

PgPool::Stats PgPool::stats() const {
  std::lock_guard lock(mutex_);
  return {static_cast<int>(idle_.size()), leased_, open_, waiting_};
}

}  // namespace mystocks::storage
