// Readiness checks: each configured component (store, cache, upstream) registers a named check;
// GET /health/ready runs them all. Checks are registered at start-up on one thread; run_all()
// is then thread-safe as long as each check is.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/status.h"

namespace mystocks {

class HealthChecks {
 public:
  using Check = std::function<Status()>;

  void add(std::string name, Check check) { checks_.push_back({std::move(name), std::move(check)}); }

  struct Outcome {
    std::string name;
    Status status;
    double seconds = 0;
  };
  std::vector<Outcome> run_all() const;

 private:
  struct Entry {
    std::string name;
    Check check;
  };
  std::vector<Entry> checks_;
};

}  // namespace mystocks
