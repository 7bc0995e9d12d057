// The thread guard: what a body returns passes through, an exception (std:: or not) becomes a
// kInternal Status naming the thread, is counted in mystocks_thread_failures_total{thread}, and a
// whole-thread guard that caught leaves the thread marked stopped for readiness until it runs
// again. Each test uses its own thread names: the counter and the stopped set are process-wide.
#include "core/thread_guard.h"

#include <stdexcept>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "core/metrics.h"

namespace mystocks {
namespace {

double failures_of(const std::string& thread) {
  return MetricsRegistry::global()
      .counter("mystocks_thread_failures_total", "", {"thread"})
      .with({thread})
      .value();
}

TEST(ThreadGuardTest, WhatTheBodyReturnsPassesThroughUncounted) {
  EXPECT_TRUE(guard_thread_work("guard-test-ok", [] {}).is_ok());
  const Status refused = guard_thread_work(
      "guard-test-ok", [] { return error(ErrorCode::kUnavailable, "store is down"); });
  EXPECT_EQ(refused.code(), ErrorCode::kUnavailable);
  EXPECT_EQ(refused.message(), "store is down");
  EXPECT_EQ(failures_of("guard-test-ok"), 0.0);
}

TEST(ThreadGuardTest, AnExceptionBecomesInternalNamingTheThreadAndIsCounted) {
  const Status failed =
      guard_thread_work("guard-test-throw", [] { throw std::runtime_error("disk on fire"); });
  EXPECT_EQ(failed.code(), ErrorCode::kInternal);
  EXPECT_EQ(failed.message(), "thread 'guard-test-throw' failed: disk on fire");
  const Status odd = guard_thread_work("guard-test-throw", [] { throw 42; });
  EXPECT_EQ(odd.message(),
            "thread 'guard-test-throw' failed: an exception that is not a std::exception");
  EXPECT_EQ(failures_of("guard-test-throw"), 2.0);
  const std::string exposed = MetricsRegistry::global().expose();
  EXPECT_NE(exposed.find("mystocks_thread_failures_total{thread=\"guard-test-throw\"} 2"),
            std::string::npos)
      << exposed;
}

TEST(ThreadGuardTest, AThreadThatThrowsIsReportedStoppedUntilItRunsAgain) {
  ASSERT_TRUE(stopped_threads_status().is_ok()) << stopped_threads_status().to_string();
  Status outcome;
  std::thread worker([&] {
    outcome = run_thread("guard-test-worker", [] { throw std::logic_error("bad state"); });
  });
  worker.join();  // the exception did not reach std::terminate
  EXPECT_EQ(outcome.code(), ErrorCode::kInternal);
  const Status readiness = stopped_threads_status();
  EXPECT_EQ(readiness.code(), ErrorCode::kUnavailable);
  EXPECT_EQ(readiness.message(),
            "1 thread(s) stopped by a failure: thread 'guard-test-worker' failed: bad state");

  // A work unit's failure does not stop its thread; a clean run clears the mark.
  (void)guard_thread_work("guard-test-unit", [] { throw std::runtime_error("one bad batch"); });
  EXPECT_EQ(stopped_threads_status().message(), readiness.message());
  EXPECT_TRUE(run_thread("guard-test-worker", [] {}).is_ok());
  EXPECT_TRUE(stopped_threads_status().is_ok()) << stopped_threads_status().to_string();
}

TEST(ThreadGuardTest, ANullExceptionPointerReportsNothing) {
  EXPECT_TRUE(report_thread_failure("guard-test-null", std::exception_ptr()).is_ok());
  EXPECT_EQ(failures_of("guard-test-null"), 0.0);
}

}  // namespace
}  // namespace mystocks
