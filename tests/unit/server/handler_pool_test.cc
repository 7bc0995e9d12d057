// HandlerPool: blocking handlers run off the calling thread; a handler past its timeout yields
// kTimedOut while it goes on; a full pool refuses at once; a handler that throws fails only its
// request. LogCoroutineFailure: a detached coroutine's exception is reported, not rethrown.
#include "server/handler_pool.h"

#include <latch>
#include <stdexcept>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "core/metrics.h"
#include "core/thread_guard.h"
#include "server/coroutine_failure.h"

namespace mystocks::server {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// Runs one coroutine calling pool.run on `io` until it finishes. `io` must outlive the pool:
// an abandoned handler still posts its late response there, as it does to a server's I/O thread.
HandlerPool::Result run_one(asio::io_context& io, HandlerPool& pool,
                            std::function<gateway::HttpResponse()> work,
                            std::chrono::milliseconds timeout) {
  io.restart();
  HandlerPool::Result result;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> { result = co_await pool.run(std::move(work), timeout); },
      asio::detached);
  io.run();
  return result;
}

gateway::HttpResponse answer(int status) {
  gateway::HttpResponse response;
  response.status = status;
  return response;
}

TEST(HandlerPoolTest, RunsTheHandlerOnAWorkerAndReturnsItsResponse) {
  MetricsRegistry metrics;
  asio::io_context io;
  HandlerPool pool(2, 8, metrics);
  const std::thread::id caller = std::this_thread::get_id();
  std::thread::id worker;
  HandlerPool::Result result = run_one(io, pool, [&] {
    worker = std::this_thread::get_id();
    return answer(201);
  }, 5s);
  EXPECT_EQ(result.outcome, HandlerPool::Outcome::kDone);
  EXPECT_EQ(result.response.status, 201);
  EXPECT_NE(worker, caller);
}

TEST(HandlerPoolTest, AHandlerPastItsTimeoutIsAbandonedAndTheNextOneStillRuns) {
  MetricsRegistry metrics;
  asio::io_context io;
  std::latch release(1);
  HandlerPool pool(2, 8, metrics);  // declared last: destroyed (joined) first
  HandlerPool::Result late = run_one(io, pool, [&release] {
    release.wait();
    return answer(200);
  }, 20ms);
  EXPECT_EQ(late.outcome, HandlerPool::Outcome::kTimedOut);
  release.count_down();  // the abandoned handler finishes; its response goes nowhere
  EXPECT_EQ(run_one(io, pool, [] { return answer(200); }, 5s).outcome,
            HandlerPool::Outcome::kDone);
  EXPECT_NE(metrics.expose().find("mystocks_http_handler_timeouts_total 1"), std::string::npos);
}

TEST(HandlerPoolTest, AFullPoolRefusesAtOnce) {
  MetricsRegistry metrics;
  asio::io_context io;
  asio::io_context other;
  std::latch release(1);
  std::latch started(1);
  HandlerPool::Result first;
  HandlerPool pool(1, 1, metrics);  // declared last: destroyed (joined) first
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    std::function<gateway::HttpResponse()> blocked = [&] {
      started.count_down();
      release.wait();
      return answer(200);
    };
    first = co_await pool.run(std::move(blocked), 5s);
  }, asio::detached);
  std::thread runner([&] { io.run(); });
  started.wait();  // the only slot is taken
  EXPECT_EQ(run_one(other, pool, [] { return answer(200); }, 5s).outcome,
            HandlerPool::Outcome::kBusy);
  release.count_down();
  runner.join();
  EXPECT_EQ(first.outcome, HandlerPool::Outcome::kDone);
  EXPECT_EQ(run_one(other, pool, [] { return answer(204); }, 5s).response.status, 204);
}

// A handler that throws past the router's catch: the worker reports it (counted under
// http-handler-pool), the request gets kFailed rather than a 504 after its timeout, and the
// worker thread serves the next request.
TEST(HandlerPoolTest, AHandlerThatThrowsFailsThatRequestOnly) {
  asio::io_context io;
  HandlerPool pool(1, 4, MetricsRegistry::global());
  Counter& failures = MetricsRegistry::global()
                          .counter("mystocks_thread_failures_total", "", {"thread"})
                          .with({"http-handler-pool"});
  const double before = failures.value();
  HandlerPool::Result thrown = run_one(
      io, pool, []() -> gateway::HttpResponse { throw std::runtime_error("boom"); }, 10s);
  EXPECT_EQ(thrown.outcome, HandlerPool::Outcome::kFailed);
  EXPECT_EQ(failures.value(), before + 1);
  HandlerPool::Result next = run_one(
      io, pool, [] { return answer(200); }, 10s);
  EXPECT_EQ(next.outcome, HandlerPool::Outcome::kDone);
  EXPECT_EQ(next.response.status, 200);
}

// A detached coroutine that throws completes through LogCoroutineFailure: io_context::run()
// returns normally, the failure is counted, and a server-long loop is reported stopped.
TEST(LogCoroutineFailureTest, ACoroutineThatThrowsIsReportedNotRethrown) {
  asio::io_context io;
  asio::co_spawn(
      io,
      []() -> asio::awaitable<void> {
        throw std::runtime_error("accept broke");
        co_return;
      },
      LogCoroutineFailure("coroutine-test-loop", LogCoroutineFailure::Scope::kServerLoop));
  asio::co_spawn(
      io, []() -> asio::awaitable<void> { co_return; },
      LogCoroutineFailure("coroutine-test-clean"));
  EXPECT_NO_THROW(io.run());
  const double failed = MetricsRegistry::global()
                            .counter("mystocks_thread_failures_total", "", {"thread"})
                            .with({"coroutine-test-loop"})
                            .value();
  EXPECT_EQ(failed, 1.0);
  EXPECT_EQ(stopped_threads_status().message(),
            "1 thread(s) stopped by a failure: thread 'coroutine-test-loop' failed: accept broke");
  EXPECT_TRUE(run_thread("coroutine-test-loop", [] {}).is_ok());  // clears the mark
  EXPECT_TRUE(stopped_threads_status().is_ok());
}

}  // namespace
}  // namespace mystocks::server
