// IngestPipeline: runs one ingest job. The job is cut into symbol groups x date windows
// (ingest_plan.h); for each chunk it streams from the source in batches of at most chunk_rows
// rows (sources::BatchStream: a multi-GB CSV never sits in memory), and per batch normalises
// symbols, drops rows
// already stored (resume: a re-run fetches from each symbol's last stored row on), runs the
// quality checks (quality_checks.h; rejecting findings follow the job's SaveStrategy: rollback
// and retry fail the job, continue drops the rows), counts calendar gaps, and saves through
// DataManager::save, which publishes DataChanged; symbols of market data that the securities
// master lacks are registered there as inferred (ingest_symbols.h) and listed in the progress
// (registered_symbols). The findings go to data_quality_metrics when the job ends, whatever the
// outcome. A replace job (IngestJobSpec::replace) skips the resume step and saves each chunk
// through DataManager::replace instead: the chunk's symbols x dates are swapped for the fetched
// valid rows atomically (ingest_replace.h), so a replace reads each plan chunk in one batch.
// Cancellation (IngestProgress::request_cancel) is honoured between batches; stored batches stay
// written, so a re-run continues where it stopped (a stream hands out each symbol's rows in time
// order, so what is stored is a prefix).
// Thread-safety: run() may be called concurrently for different jobs (the pipeline holds only
// references to thread-safe parts); one IngestProgress per job.
#pragma once

#include <cstdint>
#include <string>

#include "core/clock.h"
#include "core/config.h"
#include "core/status.h"
#include "services/data_manager.h"
#include "services/ingest_progress.h"
#include "services/ingest_spec.h"
#include "services/quality_checks.h"
#include "sources/data_source.h"
#include "sources/simulator/trading_calendar.h"
#include "storage/table_schema.h"

namespace mystocks::services {

struct IngestOptions {
  int chunk_symbols = 50;  // symbols per fetch when the job does not say (ingest.chunk_symbols)
  size_t chunk_rows = 65536;  // rows per streamed batch (ingest.chunk_rows); 0 = one batch
  std::string quality_table = "data_quality_metrics";  // "" = do not record findings
  size_t max_symbol_quality_rows = 100;                // per-symbol metric rows per check and job
  // Trading days for the calendar_gap check; null = the built-in SH/SZ/BJ calendar.
  const sources::TradingCalendar* calendar = nullptr;
};

// The pipeline options the `ingest` configuration section sets.
IngestOptions ingest_options(const IngestConfig& config);

struct IngestSummary {
  Status status;  // OK, kCancelled, or why the job failed
  ProgressSnapshot progress;
  QualityReport quality;
  int64_t quality_rows_written = 0;
};

class IngestPipeline {
 public:
  // The catalog, manager and clock must outlive the pipeline.
  IngestPipeline(DataManager& manager, const storage::TableCatalog& catalog, const Clock& clock,
                 IngestOptions options = {});

  // Runs `spec` against `source` to the end, a failure or a cancellation, reporting into
  // `progress` (which it starts and finishes).
  IngestSummary run(const IngestJobSpec& spec, sources::IDataSource& source,
                    IngestProgress& progress) const;

  const IngestOptions& options() const { return options_; }

 private:
  class Job;

  DataManager& manager_;
  const storage::TableCatalog& catalog_;
  const Clock& clock_;
  IngestOptions options_;
};

}  // namespace mystocks::services
