// Ingest job routes: POST /api/v1/data/jobs submits an ingest job (services::JobRunner), GET
// lists jobs or shows one with its progress, POST .../{id}/cancel stops it after its current
// chunk. Registered once at start-up; the runner outlives the routes.
#pragma once

#include "core/status.h"
#include "gateway/route_registry.h"
#include "services/ingest_spec.h"
#include "services/job_runner.h"

namespace mystocks::api {

Status register_job_routes(gateway::RouteRegistry& registry, services::JobRunner& jobs,
                           services::JobSpecRules rules);

}  // namespace mystocks::api
