#include "services/job_json.h"

#include <boost/json.hpp>

#include "services/ingest_symbols.h"

namespace mystocks::services {
namespace {

boost::json::value time_or_null(int64_t ms) {
  return ms == 0 ? boost::json::value(nullptr) : boost::json::value(ms);
}

}  // namespace

boost::json::object job_spec_json(const IngestJobSpec& spec) {
  boost::json::object spec_json;
  spec_json["source"] = spec.source;
  spec_json["dataset"] = spec.dataset.to_string();
  if (spec.all_symbols) {
    spec_json["all"] = true;
  } else {
    boost::json::array symbols;
    for (const Symbol& symbol : spec.symbols) symbols.emplace_back(symbol.to_string());
    spec_json["symbols"] = std::move(symbols);
  }
  if (dataset_uses_dates(spec.dataset.type)) {
    spec_json["from"] = spec.from.to_string();
    spec_json["to"] = spec.to.to_string();
  }
  spec_json["strategy"] = save_strategy_name(spec.strategy);
  spec_json["replace"] = spec.replace;
  if (spec.chunk_symbols > 0) spec_json["chunk_symbols"] = spec.chunk_symbols;
  if (spec.chunk_days > 0) spec_json["chunk_days"] = spec.chunk_days;
  return spec_json;
}

boost::json::object job_info_json(const JobInfo& job) {
  boost::json::object spec_json = job_spec_json(job.spec);

  const ProgressSnapshot& progress = job.progress;
  boost::json::object progress_json;
  progress_json["rows_fetched"] = progress.rows_fetched;
  progress_json["rows_written"] = progress.rows_written;
  progress_json["rows_rejected"] = progress.rows_rejected;
  progress_json["rows_skipped"] = progress.rows_skipped;
  progress_json["rows_deleted"] = progress.rows_deleted;
  progress_json["chunks_done"] = progress.chunks_done;
  progress_json["chunks_total"] = progress.chunks_total;
  progress_json["quality_findings"] = progress.quality_findings;
  progress_json["rows_per_second"] = progress.rows_per_second;
  progress_json["eta_ms"] =
      progress.eta_ms < 0 ? boost::json::value(nullptr) : boost::json::value(progress.eta_ms);
  progress_json["elapsed_ms"] = progress.elapsed_ms;

  boost::json::object out;
  out["id"] = job.id;
  out["state"] = job_state_name(progress.state);
  out["description"] = job.description;
  out["spec"] = std::move(spec_json);
  out["progress"] = std::move(progress_json);
  out["submitted_at"] = job.submitted_at_ms;
  out["started_at"] = time_or_null(progress.started_at_ms);
  out["finished_at"] = time_or_null(progress.finished_at_ms);
  boost::json::array registered;
  for (const std::string& symbol : progress.registered_symbols) registered.emplace_back(symbol);
  out["registered_symbols"] = std::move(registered);
  boost::json::array notes;
  if (!progress.registered_symbols.empty()) {
    notes.emplace_back(registered_symbols_note(progress.registered_symbols));
  }
  out["notes"] = std::move(notes);
  if (progress.error_code == ErrorCode::kOk) {
    out["error"] = nullptr;
  } else {
    out["error"] = boost::json::object{{"code", error_info(progress.error_code).name},
                                       {"message", progress.error}};
  }
  return out;
}

}  // namespace mystocks::services
