#include "cli/data_plane.h"

#include <filesystem>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <spdlog/spdlog.h>

#include "core/thread_guard.h"
#include "services/demo_seed.h"
#include "services/live_resume.h"
#include "sources/source_factory.h"

namespace mystocks::cli {
namespace {

enum SeedState : int { kSeedNotNeeded = 0, kSeeding = 1, kSeeded = 2, kSeedFailed = 3 };

BreakerOptions breaker_options(const GatewayConfig& gateway) {
  return {.failure_threshold = static_cast<int>(gateway.breaker_failure_threshold),
          .success_threshold = static_cast<int>(gateway.breaker_success_threshold),
          .open_timeout_ms = gateway.breaker_open_timeout_ms};
}

}  // namespace

DataPlane::DataPlane(const Config& config, bool demo, const Clock& clock, MetricsRegistry& metrics)
    : config_(config),
      demo_(demo),
      clock_(clock),
      metrics_(metrics),
      breakers_(breaker_options(config.gateway), clock, metrics) {}

DataPlane::~DataPlane() { stop(); }

Result<std::unique_ptr<DataPlane>> DataPlane::open(const Config& config, bool demo,
                                                   const Clock& clock, MetricsRegistry& metrics) {
  std::unique_ptr<DataPlane> plane(new DataPlane(config, demo, clock, metrics));
  Result<std::unique_ptr<services::DataStores>> stores =
      services::open_data_stores(config, clock, metrics, &plane->breakers_);
  if (!stores.is_ok()) return stores.status();
  plane->stores_ = std::move(*stores);
  // Created up front so /api/v1/system/status and /metrics show them before the first call.
  plane->breakers_.get("store.relational");
  plane->breakers_.get("store.time_series");
  MYSTOCKS_RETURN_IF_ERROR(plane->open_ingest());
  if (demo || config.sources.live_enabled) MYSTOCKS_RETURN_IF_ERROR(plane->open_live_feed());
  if (demo) plane->seed_state_ = kSeeding;
  return plane;
}

Status DataPlane::open_ingest() {
  const sources::SourceFactory factory = sources::SourceFactory::with_builtin_types();
  Result<std::unique_ptr<sources::FailoverSource>> built =
      sources::build_sources(factory, {.config = &config_.sources,
                                       .catalog = stores_->catalog,
                                       .clock = &clock_,
                                       .metrics = &metrics_});
  if (!built.is_ok()) return built.status();
  sources_ = std::move(*built);
  for (const auto& source : sources_->sources())
    job_rules_.known_sources.emplace_back(source->name());
  Result<services::SaveStrategy> strategy = services::parse_save_strategy(config_.ingest.strategy);
  if (!strategy.is_ok()) return strategy.status().with_context("ingest.strategy");
  job_rules_.default_strategy = *strategy;
  pipeline_ = std::make_unique<services::IngestPipeline>(
      *stores_->data, *stores_->catalog, clock_, services::ingest_options(config_.ingest));
  job_history_ = std::make_unique<services::JobHistory>(*stores_->data, clock_,
                                                         config_.ingest.history_jobs);
  jobs_ = std::make_unique<services::JobRunner>(
      *pipeline_, services::failover_resolver(*sources_), clock_,
      services::job_runner_options(config_.ingest), job_history_.get());
  MYSTOCKS_RETURN_IF_ERROR(jobs_->restore_history());
  inventory_ = std::make_unique<services::SeriesInventory>(*stores_->data, job_history_.get());
  Result<std::vector<services::ScheduledJob>> scheduled = services::scheduled_jobs(config_.ingest);
  if (!scheduled.is_ok()) return scheduled.status();
  if (!scheduled->empty()) {
    scheduler_ = std::make_unique<services::IngestScheduler>(
        clock_, sources::TradingCalendar::china_a_shares(),
        [jobs = jobs_.get()](const services::ScheduledJob&, services::IngestJobSpec spec) {
          return jobs->submit(std::move(spec)).status();
        });
    for (services::ScheduledJob& job : *scheduled) scheduler_->add(std::move(job));
  }
  return Status::ok();
}

Status DataPlane::open_live_feed() {
  Result<std::unique_ptr<sources::SimulatorSource>> simulator = sources::SimulatorSource::create(
      "simulator", sources::simulator_options(config_.sources), stores_->catalog, clock_,
      config_.sources.simulator_max_rows);
  if (!simulator.is_ok()) return simulator.status();
  simulator_ = std::move(*simulator);
  sources::LiveOptions options = sources::live_options(config_.sources);
  if (demo_) options.always_open = true;  // the demo always shows a moving market
  // A restart continues the stored session: replaying it from 09:30 would push rows older than
  // the quotes the REST API serves.
  Result<std::optional<TimestampMs>> stored = services::newest_live_instant(*stores_->data);
  if (!stored.is_ok()) return stored.status().with_context("live feed");
  options.resume_after = *stored;
  Result<std::unique_ptr<sources::LiveFeed>> feed =
      sources::LiveFeed::create(simulator_->simulator(), stores_->catalog, clock_, options);
  if (!feed.is_ok()) return feed.status();
  spdlog::info("live feed: market clock starts at {} (newest stored tick or index snapshot: {})",
               format_iso8601_utc((*feed)->market_time(clock_.now_ms())),
               *stored ? format_iso8601_utc(**stored) : std::string("none"));
  market_clock_ = std::make_unique<sources::MarketClock>((*feed)->session_clock(), clock_);
  live_ = std::make_unique<services::LiveIngest>(std::move(*feed), *stores_->data, metrics_);
  return Status::ok();
}

const Clock& DataPlane::market_clock() const {
  return market_clock_ ? static_cast<const Clock&>(*market_clock_) : clock_;
}

void DataPlane::start(std::function<void(const Status&)> on_seeded) {
  if (background_.joinable()) return;
  background_ = std::thread([this, on_seeded = std::move(on_seeded)]() mutable {
    (void)run_thread("data-plane", [&] { run_background(std::move(on_seeded)); });
  });
}

void DataPlane::run_background(std::function<void(const Status&)> on_seeded) {
  if (demo_) {
    const SourcesConfig& sources = config_.sources;
    services::DemoSeedOptions options{.daily_days = static_cast<int>(sources.demo_daily_days),
                                      .minute_days = static_cast<int>(sources.demo_minute_days),
                                      .tick_days = static_cast<int>(sources.demo_tick_days),
                                      .clock = &clock_,
                                      .cancel = &cancel_};
    const Date today = shanghai_date(clock_.now_ms());
    Result<services::DemoSeedReport> report = services::seed_demo(
        *stores_->data, *simulator_, simulator_->simulator()->calendar(), today, options,
        [](const services::DemoSeedStep& step) {
          spdlog::info("demo seed: {} rows of {} in {:.1f} s", step.rows, step.dataset,
                       step.seconds);
        });
    if (report.is_ok()) {
      if (report->already_seeded) {
        spdlog::info("demo seed: the store already holds the demo data");
      } else {
        spdlog::info("demo seed: {} rows from {} to {} in {:.1f} s", report->rows(),
                     report->first_day.to_string(), report->last_day.to_string(),
                     report->seconds);
      }
      seed_state_ = kSeeded;
    } else {
      seed_error_ = report.status().to_string();
      seed_state_ = kSeedFailed;
      if (!cancel_) spdlog::error("demo seed failed: {}", seed_error_);
    }
    if (on_seeded) on_seeded(report.status());
  }
  if (live_ != nullptr && !cancel_) live_->start();
  if (scheduler_ != nullptr && !cancel_) scheduler_->start();
}

void DataPlane::set_forming_bar_sink(services::LiveIngest::FormingBarSink sink) {
  if (live_ != nullptr) live_->set_forming_bar_sink(std::move(sink));
}

void DataPlane::stop() {
  cancel_ = true;
  if (background_.joinable()) background_.join();
  if (scheduler_ != nullptr) scheduler_->stop();
  if (live_ != nullptr) live_->stop();
  // Running ingest jobs stop after their current chunk; what they stored stays (resumable).
  if (jobs_ != nullptr) {
    for (const services::JobInfo& job : jobs_->list()) (void)jobs_->cancel(job.id);
  }
}

void DataPlane::add_health_checks(HealthChecks& health) {
  storage::RelationalStore* relational = stores_->relational.get();
  storage::TimeSeriesStore* time_series = stores_->time_series.get();
  health.add("storage.relational", [relational] { return relational->check_health(); });
  health.add("storage.time_series", [time_series] { return time_series->check_health(); });
  if (demo_) {
    health.add("demo.seeded", [this]() -> Status {
      switch (seed_state_.load()) {
        case kSeeded:
          return Status::ok();
        case kSeedFailed:
          return error(ErrorCode::kUnavailable, "demo data could not be seeded: {}", seed_error_);
        default:
          return error(ErrorCode::kUnavailable, "demo data is still being seeded");
      }
    });
  }
}

boost::json::value DataPlane::status() const {
  namespace json = boost::json;
  json::array breakers;
  for (const CircuitBreaker* breaker : breakers_.all()) {
    breakers.push_back(json::object{{"upstream", breaker->name()},
                                    {"state", breaker_state_name(breaker->state())},
                                    {"retry_after_ms", breaker->retry_after_ms()}});
  }
  json::object out{{"relational", stores_->relational->describe()},
                   {"time_series", "tsdb " + (std::filesystem::path(config_.storage.data_dir) /
                                              "tsdb").string()},
                   {"tables", stores_->catalog->tables().size()},
                   {"breakers", std::move(breakers)}};
  if (demo_) {
    static constexpr const char* kStates[] = {"not needed", "seeding", "seeded", "failed"};
    out["demo_seed"] = kStates[seed_state_.load()];
  }
  out["ingest_jobs_queued"] = jobs_->queued();
  if (live_ != nullptr) {
    const services::LiveIngestStats live = live_->stats();
    out["live_feed"] = json::object{{"pumps", live.pumps},
                                    {"rows_saved", live.rows_saved},
                                    {"failures", live.failures},
                                    {"market_time", live.market_time},
                                    {"last_error", live.last_error}};
  }
  return out;
}

}  // namespace mystocks::cli
