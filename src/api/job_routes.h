// Ingest job routes: POST /api/v1/data/jobs submits an ingest job (services::JobRunner), GET
// lists jobs or shows one with its progress, POST .../{id}/cancel stops it after its current
// chunk. A job larger than the caller's role allows is refused (403). Registered once at start-up; the runner outlives the routes.
#pragma once

#include <map>
#include <string>

#include "core/status.h"
#include "gateway/route_registry.h"
#include "services/ingest_spec.h"
#include "services/job_runner.h"

namespace mystocks::api {

// Per-role job sizes (security.job_max_symbol_days): role -> symbol-days, 0 = no limit. Empty:
// no limit for anyone.
struct JobSizeLimits {
  std::map<std::string, double, std::less<>> max_symbol_days;
};

Status register_job_routes(gateway::RouteRegistry& registry, services::JobRunner& jobs,
                           services::JobSpecRules rules, JobSizeLimits limits = {});

}  // namespace mystocks::api
