// JSON shapes of the job API (POST/GET /api/v1/data/jobs): a JobInfo as the `data` of the
// envelope, so the routes only parse, call JobRunner and wrap. Field names are snake_case and
// stable; times are epoch ms, rates per second. Pure functions: safe from any thread.
#pragma once

#include <boost/json/object.hpp>

#include "services/job_runner.h"

namespace mystocks::services {

// {"id", "state", "description", "spec": {source, dataset, symbols | all, from, to, strategy},
//  "progress": {rows_fetched, rows_written, rows_rejected, rows_skipped, chunks_done,
//  chunks_total, quality_findings, rows_per_second, eta_ms, elapsed_ms}, "submitted_at",
//  "started_at", "finished_at" (null until then), "error": {code, message} | null}
//  "registered_symbols": [...] (symbols added to the securities master as inferred),
//  "notes": [...] (what the job did besides storing rows, e.g. the registration, as text)
boost::json::object job_info_json(const JobInfo& job);

// The spec alone, in the shape POST /api/v1/data/jobs accepts (parse_job_spec reads it back):
// {source, dataset, symbols | all, from, to, strategy, chunk_symbols?, chunk_days?}.
boost::json::object job_spec_json(const IngestJobSpec& spec);

}  // namespace mystocks::services
