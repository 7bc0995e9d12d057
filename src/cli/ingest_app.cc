#include "cli/ingest_app.h"

#include <atomic>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

#include <fmt/format.h>
#include <unistd.h>

#include "cli/cli_data_plane.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/metrics.h"
#include "core/thread_guard.h"
#include "services/data_manager.h"
#include "services/ingest_pipeline.h"
#include "services/ingest_spec.h"
#include "services/ingest_symbols.h"
#include "services/job_history.h"
#include "services/job_runner.h"
#include "services/store_factory.h"
#include "sources/source_factory.h"
#include "storage/tables_yaml.h"

namespace mystocks::cli {
namespace {

constexpr std::string_view kIngestUsage =
    R"(Usage: mystocks ingest --dataset DATASET (--symbols LIST | --all) --from DATE --to DATE [options]

Fetches DATASET from a source, checks it (OHLC consistency, negative volumes, duplicate keys,
price limits, calendar gaps) and saves it into the configured stores. Re-running a job skips
what is already stored; findings are recorded in the data_quality_metrics table.

  --source NAME         Source instance of sources.instances (default: the failover order).
  --dataset DATASET     daily, index_daily, minute:1m|5m|15m|30m|60m, tick, symbols, calendar,
                        index_components, fundamentals, fund_flow or realtime.
  --symbols LIST        Comma-separated symbols: 600519.SH, 600519, sh600519, 000300.SH, ...
  --all                 Every symbol the source lists (instead of --symbols).
  --from YYYY-MM-DD     First date, inclusive (not for symbols and realtime).
  --to YYYY-MM-DD       Last date, inclusive.
  --strategy NAME       Invalid rows: rollback (fail, write nothing of the chunk), continue
                        (drop them, write the rest) or retry (default: ingest.strategy).
  --chunk-symbols N     Symbols per fetch (default: ingest.chunk_symbols).
  --chunk-days N        Calendar days per fetch (default: per dataset).
  --replace             Fetch the whole range again, whatever is stored, and replace each
                        chunk's symbols x dates atomically: a corrected file or a vendor's
                        correction replaces the stored rows; rows the source no longer has in
                        the range go (rows outside it stay; minute bars: only the requested
                        interval's bars are replaced, other intervals stay). Without it,
                        re-runs resume.
  --config PATH         Configuration file (default: config/mystocks.yaml).
  --env-file PATH       Environment file (default: .env).
  --data-dir DIR        Data directory, overrides storage.data_dir.
)";

std::atomic<bool> g_interrupted{false};
extern "C" void on_interrupt(int) { g_interrupted.store(true); }

struct IngestArgs {
  services::JobSpecFields fields;
  StoreFlags store;
};

int usage_error(const std::string& message) {
  std::cerr << "mystocks ingest: " << message << "\nRun 'mystocks ingest --help' for usage.\n";
  return 2;
}

// The flag a job-spec field comes from, for messages ("symbols[2]" -> "--symbols").
std::string flag_of(const std::string& field) {
  std::string base = field.substr(0, field.find('['));
  for (char& c : base) c = c == '_' ? '-' : c;
  return base.empty() ? "arguments" : "--" + base;
}

// Parses the flags; a non-empty string is a usage error.
std::string parse_args(const std::vector<std::string_view>& args, IngestArgs& out, bool& help) {
  for (size_t index = 0; index < args.size(); ++index) {
    const std::string_view flag = args[index];
    if (flag == "--help" || flag == "-h") {
      help = true;
      return {};
    }
    if (flag == "--all" || flag == "--replace") {
      (flag == "--all" ? out.fields.all_symbols : out.fields.replace) = true;
      continue;
    }
    const std::pair<std::string_view, std::string*> text_flags[] = {
        {"--source", &out.fields.source},   {"--dataset", &out.fields.dataset},
        {"--symbols", &out.fields.symbols}, {"--from", &out.fields.from},
        {"--to", &out.fields.to},           {"--strategy", &out.fields.strategy}};
    const std::pair<std::string_view, int64_t*> number_flags[] = {
        {"--chunk-symbols", &out.fields.chunk_symbols}, {"--chunk-days", &out.fields.chunk_days}};
    std::string* text = store_flag_slot(out.store, flag);
    int64_t* number = nullptr;
    for (const auto& [name, target] : text_flags) {
      if (flag == name) text = target;
    }
    for (const auto& [name, target] : number_flags) {
      if (flag == name) number = target;
    }
    if (text == nullptr && number == nullptr) return fmt::format("unknown option '{}'", flag);
    if (index + 1 >= args.size() || args[index + 1].starts_with("--")) {
      return fmt::format("option {} needs a value", flag);
    }
    const std::string_view value = args[++index];
    if (text != nullptr) {
      *text = std::string(value);
      continue;
    }
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), *number);
    if (ec != std::errc() || end != value.data() + value.size() || *number <= 0) {
      return fmt::format("option {} has value '{}': expected a positive integer", flag, value);
    }
  }
  return {};
}

std::string eta_text(int64_t ms) {
  if (ms < 0) return "--:--";
  const int64_t seconds = (ms + 999) / 1000;
  return seconds >= 3600
             ? fmt::format("{}:{:02}:{:02}", seconds / 3600, seconds / 60 % 60, seconds % 60)
             : fmt::format("{}:{:02}", seconds / 60, seconds % 60);
}

std::string progress_line(const services::ProgressSnapshot& progress, bool bar) {
  const double done = progress.chunks_total > 0 ? static_cast<double>(progress.chunks_done) /
                                                      static_cast<double>(progress.chunks_total)
                                                : 0.0;
  std::string line;
  if (bar) {
    constexpr int kWidth = 24;
    const int filled = static_cast<int>(done * kWidth);
    line = "[" + std::string(static_cast<size_t>(filled), '=') +
           std::string(static_cast<size_t>(kWidth - filled), ' ') + "] ";
  }
  line += fmt::format("{}/{} chunks, {} rows written, {} rejected, {:.0f} rows/s, ETA {}",
                      progress.chunks_done, progress.chunks_total, progress.rows_written,
                      progress.rows_rejected, progress.rows_per_second, eta_text(progress.eta_ms));
  return line;
}

void print_summary(const services::IngestJobSpec& spec, const services::IngestSummary& summary) {
  const services::ProgressSnapshot& progress = summary.progress;
  std::cout << fmt::format("ingest {}: {}\n", spec.describe(),
                           services::job_state_name(progress.state));
  if (!summary.status.is_ok()) std::cout << "  error: " << summary.status.to_string() << "\n";
  std::cout << fmt::format("  rows: {} fetched, {} written, {} rejected, {} already stored\n",
                           progress.rows_fetched, progress.rows_written, progress.rows_rejected,
                           progress.rows_skipped);
  if (spec.replace) {
    std::cout << fmt::format("  replaced: {} stored row(s) removed\n", progress.rows_deleted);
  }
  std::cout << fmt::format("  chunks: {}/{}\n", progress.chunks_done, progress.chunks_total);
  if (!progress.registered_symbols.empty()) {
    std::cout << "  note: " << services::registered_symbols_note(progress.registered_symbols)
              << "\n";
  }
  std::string checks;
  for (size_t check_idx = 0; check_idx < services::kQualityCheckCount; ++check_idx) {
    const auto check = static_cast<services::QualityCheck>(check_idx);
    checks += fmt::format("{}{} {}", checks.empty() ? "" : ", ",
                          services::quality_check_name(check), summary.quality[check].findings);
  }
  std::cout << fmt::format("  quality: {} finding(s) ({}); {} row(s) in data_quality_metrics\n",
                           summary.quality.total_findings(), checks, summary.quality_rows_written);
  for (size_t check_idx = 0; check_idx < services::kQualityCheckCount; ++check_idx) {
    const auto& tally = summary.quality[static_cast<services::QualityCheck>(check_idx)];
    if (!tally.example.empty()) std::cout << "    first " << tally.example << "\n";
  }
  std::cout << fmt::format("  elapsed: {:.2f} s, {:.0f} rows/s written\n",
                           static_cast<double>(progress.elapsed_ms) / 1000.0,
                           progress.rows_per_second);
}

}  // namespace

int run_ingest(const std::vector<std::string_view>& args) {
  IngestArgs parsed;
  bool help = false;
  if (std::string problem = parse_args(args, parsed, help); !problem.empty()) {
    return usage_error(problem);
  }
  if (help) {
    std::cout << kIngestUsage;
    return 0;
  }
  std::optional<Config> config = load_cli_config("ingest", parsed.store);
  if (!config) return 1;
  const Clock& clock = SystemClock::instance();
  MetricsRegistry& metrics = MetricsRegistry::global();
  // The catalog first (the job spec is checked before any store is touched), then the stores.
  Result<storage::TableCatalog> catalog = storage::load_tables_yaml(config->storage.tables_file);
  if (!catalog.is_ok()) {
    std::cerr << "mystocks ingest: " << catalog.status().message() << "\n";
    return 1;
  }
  auto shared_catalog = std::make_shared<const storage::TableCatalog>(std::move(*catalog));

  const sources::SourceFactory factory = sources::SourceFactory::with_builtin_types();
  Result<std::unique_ptr<sources::FailoverSource>> all_sources =
      sources::build_sources(factory, {.config = &config->sources,
                                       .catalog = shared_catalog,
                                       .clock = &clock,
                                       .metrics = &metrics});
  if (!all_sources.is_ok()) {
    std::cerr << "mystocks ingest: " << all_sources.status().message() << "\n";
    return 1;
  }
  services::JobSpecRules rules;
  for (const auto& source : (*all_sources)->sources())
    rules.known_sources.emplace_back(source->name());
  if (Result<services::SaveStrategy> strategy =
          services::parse_save_strategy(config->ingest.strategy);
      strategy.is_ok()) {
    rules.default_strategy = *strategy;
  }
  Result<services::IngestJobSpec> spec = services::parse_job_spec(parsed.fields, rules);
  if (!spec.is_ok()) {
    return usage_error(flag_of(spec.status().field()) + ": " + spec.status().message());
  }
  sources::IDataSource* source = spec->source.empty()
                                     ? static_cast<sources::IDataSource*>(all_sources->get())
                                     : (*all_sources)->find(spec->source);
  if (source == nullptr)
    return usage_error(fmt::format("--source: '{}' is not configured{}", spec->source,
                                   sources::unconfigured_source_hint(spec->source)));

  std::unique_ptr<services::DataStores> stores =
      open_data_plane_for_cli("ingest", *config, clock, metrics);
  if (stores == nullptr) return 1;
  services::DataManager& manager = *stores->data;
  const services::IngestPipeline pipeline(manager, *stores->catalog, clock,
                                          services::ingest_options(config->ingest));
  services::IngestProgress progress(clock);
  services::IngestSummary summary;
  // The run goes into the job history like an API job, so GET /api/v1/data/jobs and the series
  // inventory's `source` know it.
  services::JobHistory history(manager, clock, config->ingest.history_jobs);
  Result<std::string> job_id = history.next_id();
  if (!job_id.is_ok()) {
    std::cerr << "mystocks ingest: reading the job history: " << job_id.status().to_string()
              << "\n";
    return 1;
  }
  const int64_t submitted_ms = clock.now_ms();
  const auto record_job = [&] {
    const services::JobInfo job{.id = *job_id, .spec = *spec, .source = std::string(source->name()),
                                .description = spec->describe(), .submitted_at_ms = submitted_ms,
                                .progress = progress.snapshot()};
    if (Status recorded = history.record(job); !recorded.is_ok()) {
      std::cerr << "mystocks ingest: the job history misses this run: " << recorded.to_string()
                << "\n";
    }
  };
  progress.start(0);
  record_job();
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  std::thread worker([&] {
    // A pipeline that throws finishes the job with the failure, so the wait below ends.
    Status failed = run_thread("ingest", [&] { summary = pipeline.run(*spec, *source, progress); });
    if (!failed.is_ok()) progress.finish(failed);
  });

  const bool terminal = isatty(fileno(stderr)) != 0;
  int64_t last_log_ms = clock.now_ms();
  bool cancel_sent = false;
  while (!progress.wait_finished(terminal ? 200 : 500)) {
    if (g_interrupted.load() && !cancel_sent) {
      progress.request_cancel();
      cancel_sent = true;
      std::cerr << (terminal ? "\n" : "") << "mystocks ingest: cancelling after this chunk\n";
    }
    const services::ProgressSnapshot now = progress.snapshot();
    if (terminal) {
      std::cerr << "\r" << progress_line(now, true) << "\x1b[K" << std::flush;
    } else if (clock.now_ms() - last_log_ms >= 5000) {
      last_log_ms = clock.now_ms();
      std::cerr << "mystocks ingest: " << progress_line(now, false) << "\n";
    }
  }
  worker.join();
  record_job();
  if (terminal) std::cerr << "\r" << progress_line(summary.progress, true) << "\x1b[K\n";
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  print_summary(*spec, summary);
  return summary.progress.state == services::JobState::kSucceeded ? 0 : 1;
}

}  // namespace mystocks::cli
