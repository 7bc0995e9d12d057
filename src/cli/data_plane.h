// DataPlane: the stored-data half of the server process - the stores and the DataManager (with
// a circuit breaker per store), the configured sources with the ingest job runner and its
// scheduler, demo seeding and the simulator's live feed - with the health checks and status
// section the HTTP side shows. run_server builds it before listening and
// calls stop() after the HTTP server drained, before the realtime objects it feeds go away.
// Thread-safety: open/start/stop on the main thread; the accessors are safe from any thread.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include <boost/json/value.hpp>

#include "core/circuit_breaker.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/health.h"
#include "core/metrics.h"
#include "services/ingest_pipeline.h"
#include "services/ingest_scheduler.h"
#include "services/ingest_spec.h"
#include "services/job_history.h"
#include "services/job_runner.h"
#include "services/series_inventory.h"
#include "services/live_ingest.h"
#include "services/store_factory.h"
#include "sources/failover_source.h"
#include "sources/simulator/simulator_source.h"

namespace mystocks::cli {

class DataPlane {
 public:
  // Opens the configured stores (creating or migrating the tables). With `demo`, or with
  // sources.live_enabled, prepares the simulator's live feed (demo: always-open session).
  static Result<std::unique_ptr<DataPlane>> open(const Config& config, bool demo,
                                                 const Clock& clock, MetricsRegistry& metrics);
  ~DataPlane();

  services::DataManager& data() { return *stores_->data; }
  const storage::TableCatalog& catalog() const { return *stores_->catalog; }
  BreakerRegistry& breakers() { return breakers_; }
  // Ingest jobs (POST /api/v1/data/jobs) and the rules their specs are checked against.
  services::JobRunner& jobs() { return *jobs_; }
  const services::JobSpecRules& job_rules() const { return job_rules_; }
  // The series inventory (GET /api/v1/data/inventory), with sources from the job history.
  const services::SeriesInventory& inventory() const { return *inventory_; }
  // The clock realtime freshness is judged by: the live feed's market clock when it plays a
  // simulated session, else the wall clock.
  const Clock& market_clock() const;

  // Background work: demo seeding (when asked) and then the live feed. `on_seeded` hears the
  // seed's outcome on the background thread (the demo banner).
  void start(std::function<void(const Status&)> on_seeded = {});
  // Stops seeding and the live feed and waits for them. Idempotent.
  void stop();
  // Where the live feed's forming 1-minute bars go (realtime); no-op without a live feed. Call
  // before start().
  void set_forming_bar_sink(services::LiveIngest::FormingBarSink sink);

  // storage.*: each store answers; demo.seeded: the demo data is in place (demo only).
  void add_health_checks(HealthChecks& health);
  // The status section: stores with their backends, breakers, seeding and the live feed.
  boost::json::value status() const;

 private:
  DataPlane(const Config& config, bool demo, const Clock& clock, MetricsRegistry& metrics);
  Status open_live_feed();
  Status open_ingest();
  void run_background(std::function<void(const Status&)> on_seeded);

  const Config& config_;
  const bool demo_;
  const Clock& clock_;
  MetricsRegistry& metrics_;
  BreakerRegistry breakers_;
  std::unique_ptr<services::DataStores> stores_;
  std::unique_ptr<sources::FailoverSource> sources_;
  std::unique_ptr<services::IngestPipeline> pipeline_;
  std::unique_ptr<services::JobHistory> job_history_;  // outlives jobs_ (declared before it)
  std::unique_ptr<services::JobRunner> jobs_;
  std::unique_ptr<services::SeriesInventory> inventory_;
  std::unique_ptr<services::IngestScheduler> scheduler_;
  services::JobSpecRules job_rules_;
  std::unique_ptr<sources::SimulatorSource> simulator_;  // demo seed and live feed
  std::unique_ptr<sources::MarketClock> market_clock_;
  std::unique_ptr<services::LiveIngest> live_;
  std::atomic<bool> cancel_{false};
  std::atomic<int> seed_state_{0};  // 0 not needed, 1 seeding, 2 seeded, 3 failed
  std::string seed_error_;          // written before seed_state_ becomes 3
  std::thread background_;
};

}  // namespace mystocks::cli
