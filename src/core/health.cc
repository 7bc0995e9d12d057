#include "core/health.h"

#include <chrono>

namespace mystocks {

std::vector<HealthChecks::Outcome> HealthChecks::run_all() const {
  std::vector<Outcome> outcomes;
  outcomes.reserve(checks_.size());
  for (const Entry& entry : checks_) {
    const auto started = std::chrono::steady_clock::now();
    Status status;
    try {
      status = entry.check();
    } catch (const std::exception& e) {
      status = error(ErrorCode::kInternal, "check '{}' threw: {}", entry.name, e.what());
    }
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started;
    outcomes.push_back({entry.name, std::move(status), elapsed.count()});
  }
  return outcomes;
}

}  // namespace mystocks
