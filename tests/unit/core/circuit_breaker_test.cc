#include "core/circuit_breaker.h"

#include <gtest/gtest.h>

namespace mystocks {
namespace {

Status down() { return error(ErrorCode::kUnavailable, "connection refused"); }

TEST(CircuitBreakerTest, OpensAfterConsecutiveRetryableFailuresAndRecoversThroughHalfOpen) {
  MetricsRegistry metrics;
  ManualClock clock(0);
  CircuitBreaker breaker("postgres", {.failure_threshold = 3, .success_threshold = 2, .open_timeout_ms = 1000},
                         clock, metrics);
  for (int i = 0; i < 2; ++i) breaker.record(down());
  breaker.record(Status::ok());  // a success resets the count
  for (int i = 0; i < 2; ++i) breaker.record(down());
  EXPECT_EQ(breaker.state(), BreakerState::kClosed);
  breaker.record(down());
  EXPECT_EQ(breaker.state(), BreakerState::kOpen);
  Status refused = breaker.admit();
  EXPECT_EQ(refused.code(), ErrorCode::kUnavailable);
  EXPECT_NE(refused.message().find("upstream 'postgres' is unavailable (circuit open); retry in 1 s"), std::string::npos);
  EXPECT_EQ(breaker.retry_after_ms(), 1000);

  clock.advance_ms(1000);
  EXPECT_EQ(breaker.state(), BreakerState::kHalfOpen);
  EXPECT_TRUE(breaker.admit().is_ok()) << "one probe";
  EXPECT_FALSE(breaker.admit().is_ok()) << "only one probe at a time";
  breaker.record(Status::ok());
  EXPECT_TRUE(breaker.admit().is_ok());
  breaker.record(Status::ok());
  EXPECT_EQ(breaker.state(), BreakerState::kClosed);
  EXPECT_NE(metrics.expose().find(R"(mystocks_breaker_opened_total{upstream="postgres"} 1)"), std::string::npos);
}

TEST(CircuitBreakerTest, HalfOpenFailureReopensAndInputErrorsDoNotCount) {
  MetricsRegistry metrics;
  ManualClock clock(0);
  CircuitBreaker breaker("source:eastmoney", {.failure_threshold = 1, .open_timeout_ms = 500}, clock, metrics);
  for (int i = 0; i < 10; ++i) breaker.record(error(ErrorCode::kInvalidArgument, "bad symbol"));
  EXPECT_EQ(breaker.state(), BreakerState::kClosed);
  Result<int> result = breaker.run([]() -> Result<int> { return Status(ErrorCode::kDeadlineExceeded, "slow"); });
  EXPECT_FALSE(result.is_ok());
  EXPECT_EQ(breaker.state(), BreakerState::kOpen);
  clock.advance_ms(500);
  EXPECT_FALSE(breaker.run([] { return down(); }).is_ok());
  EXPECT_EQ(breaker.state(), BreakerState::kOpen) << "the failed probe reopened it";
  EXPECT_EQ(breaker.run([]() -> Result<int> { return 1; }).status().code(), ErrorCode::kUnavailable);
}

TEST(BreakerRegistryTest, OneBreakerPerUpstream) {
  MetricsRegistry metrics;
  ManualClock clock(0);
  BreakerRegistry registry({}, clock, metrics);
  EXPECT_EQ(&registry.get("sqlite"), &registry.get("sqlite"));
  registry.get("postgres");
  EXPECT_EQ(registry.all().size(), 2u);
}

}  // namespace
}  // namespace mystocks
