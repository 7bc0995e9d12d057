// System routes: liveness and readiness, Prometheus metrics, the OpenAPI document, Swagger UI
// and version information. Registered once at start-up; handlers are thread-safe.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "core/clock.h"
#include "core/health.h"
#include "core/metrics.h"
#include "core/status.h"
#include "gateway/route_registry.h"

namespace mystocks::api {

// One named part of GET /api/v1/system/status ("realtime", later stores and breakers); the
// function returns that component's current state as JSON.
struct StatusSection {
  std::string name;
  std::function<boost::json::value()> read;
};

struct SystemContext {
  MetricsRegistry* metrics = nullptr;
  const HealthChecks* health = nullptr;
  const gateway::RouteRegistry* registry = nullptr;  // for the OpenAPI document
  std::string version;
  std::string swagger_ui_dir;  // directory of the swagger-ui-dist package
  int64_t started_at_ms = 0;
  std::vector<StatusSection> status_sections;
};

Status register_system_routes(gateway::RouteRegistry& registry, const SystemContext& context);

}  // namespace mystocks::api
