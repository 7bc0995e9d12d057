// HandlerPool: blocking handlers run off the calling thread; a handler past its timeout yields
// kTimedOut while it goes on; a full pool refuses at once.
#include "server/handler_pool.h"

#include <latch>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace mystocks::server
