#include "core/circuit_breaker.h"

namespace mystocks {

std::string_view breaker_state_name(BreakerState state) {
  switch (state) {
    case BreakerState::kClosed: return "closed";
    case BreakerState::kOpen: return "open";
    case BreakerState::kHalfOpen: return "half_open";
  }
  return "closed";
}

CircuitBreaker::CircuitBreaker(std::string name, BreakerOptions options, const Clock& clock,
                               MetricsRegistry& metrics)
    : name_(std::move(name)),
      options_(options),
      clock_(clock),
      state_gauge_(metrics.gauge("mystocks_breaker_state",
                                 "Circuit state per upstream: 0 closed, 1 open, 2 half-open.",
                                 {"upstream"}).with({name_})),
      opened_(metrics.counter("mystocks_breaker_opened_total", "Times a circuit opened.",
                              {"upstream"}).with({name_})),
      rejected_(metrics.counter("mystocks_breaker_rejected_total",
                                "Calls refused because the circuit was open.", {"upstream"})
                    .with({name_})) {}

void CircuitBreaker::transition(BreakerState next) {
  if (next == BreakerState::kOpen) {
    opened_at_ms_ = clock_.now_ms();
    opened_.inc();
  }
  state_ = next;
  failures_ = 0;
  successes_ = 0;
  probe_in_flight_ = false;
  state_gauge_.set(static_cast<double>(next));
}

Status CircuitBreaker::admit() {
  std::lock_guard lock(mutex_);
  if (state_ == BreakerState::kOpen && clock_.now_ms() - opened_at_ms_ >= options_.open_timeout_ms) {
    transition(BreakerState::kHalfOpen);
  }
  if (state_ == BreakerState::kClosed) return Status::ok();
  if (state_ == BreakerState::kHalfOpen && !probe_in_flight_) {
    probe_in_flight_ = true;
    return Status::ok();
  }
  rejected_.inc();
  const int64_t wait_ms = state_ == BreakerState::kOpen
                              ? options_.open_timeout_ms - (clock_.now_ms() - opened_at_ms_)
                              : 1000;
  return error(ErrorCode::kUnavailable, "upstream '{}' is unavailable (circuit {}); retry in {} s",
               name_, breaker_state_name(state_), (wait_ms + 999) / 1000);
}

void CircuitBreaker::record(const Status& outcome) {
  std::lock_guard lock(mutex_);
  const bool failure = !outcome.is_ok() && outcome.retry() == RetryClass::kRetryCall;
  if (state_ == BreakerState::kHalfOpen) {
    probe_in_flight_ = false;
    if (failure) {
      transition(BreakerState::kOpen);
    } else if (++successes_ >= options_.success_threshold) {
      transition(BreakerState::kClosed);
    }
    return;
  }
  if (state_ != BreakerState::kClosed) return;
  failures_ = failure ? failures_ + 1 : 0;
  if (failures_ >= options_.failure_threshold) transition(BreakerState::kOpen);
}

BreakerState CircuitBreaker::state() const {
  std::lock_guard lock(mutex_);
  if (state_ == BreakerState::kOpen && clock_.now_ms() - opened_at_ms_ >= options_.open_timeout_ms) {
    return BreakerState::kHalfOpen;  // the next admit() will let a probe through
  }
  return state_;
}

int64_t CircuitBreaker::retry_after_ms() const {
  std::lock_guard lock(mutex_);
  if (state_ != BreakerState::kOpen) return 0;
  return std::max<int64_t>(0, options_.open_timeout_ms - (clock_.now_ms() - opened_at_ms_));
}

CircuitBreaker& BreakerRegistry::get(const std::string& upstream) {
  std::lock_guard lock(mutex_);
  auto& slot = breakers_[upstream];
  if (!slot) slot = std::make_unique<CircuitBreaker>(upstream, defaults_, clock_, metrics_);
  return *slot;
}

std::vector<const CircuitBreaker*> BreakerRegistry::all() const {
  std::lock_guard lock(mutex_);
  std::vector<const CircuitBreaker*> out;
  for (const auto& [name, breaker] : breakers_) out.push_back(breaker.get());
  return out;
}

}  // namespace mystocks
