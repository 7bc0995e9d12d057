#include "server/handler_pool.h"

#include <memory>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/thread_guard.h"

namespace mystocks::server {

namespace asio = boost::asio;

HandlerPool::HandlerPool(size_t threads, size_t max_pending, MetricsRegistry& metrics)
    : pool_(threads),
      max_pending_(max_pending),
      timeouts_(metrics
                    .counter("mystocks_http_handler_timeouts_total",
                             "Requests answered 504 because their handler ran past its timeout.")
                    .get()),
      refused_(metrics
                   .counter("mystocks_http_handler_refused_total",
                            "Requests answered 503 because the handler pool was full.")
                   .get()) {}

HandlerPool::~HandlerPool() {
  pool_.join();  // handlers still running finish; their responses go nowhere
}

asio::awaitable<HandlerPool::Result> HandlerPool::run(
    std::function<gateway::HttpResponse()>&& work, std::chrono::milliseconds timeout) {
  std::function<gateway::HttpResponse()> job = std::move(work);  // before any suspension
  if (pending_.fetch_add(1) >= max_pending_) {
    pending_.fetch_sub(1);
    refused_.inc();
    co_return Result{Outcome::kBusy, {}};
  }
  // Shared with the worker: the coroutine may have given up (timeout) before the handler ends.
  struct Call {
    explicit Call(const asio::any_io_executor& executor) : timer(executor) {}
    asio::steady_timer timer;
    bool finished = false;                          // the worker is done with the handler
    std::optional<gateway::HttpResponse> response;  // empty when the handler threw
  };
  asio::any_io_executor executor = co_await asio::this_coro::executor;
  auto call = std::make_shared<Call>(executor);
  call->timer.expires_after(timeout);
  asio::post(pool_, [this, call, executor, job = std::move(job)]() mutable {
    std::optional<gateway::HttpResponse> response;
    // The router turns what handlers throw into envelopes; anything past it is reported here
    // (logged, counted) rather than ending the worker and the process.
    (void)guard_thread_work("http-handler-pool", [&] { response = job(); });
    pending_.fetch_sub(1);
    // Back on the connection's thread: the timer and the response belong to it.
    asio::post(executor, [call, response = std::move(response)]() mutable {
      call->finished = true;
      call->response = std::move(response);
      call->timer.cancel();
    });
  });
  co_await call->timer.async_wait(asio::as_tuple(asio::use_awaitable));
  if (!call->finished) {
    timeouts_.inc();
    co_return Result{Outcome::kTimedOut, {}};
  }
  if (!call->response) co_return Result{Outcome::kFailed, {}};
  co_return Result{Outcome::kDone, std::move(*call->response)};
}

}  // namespace mystocks::server
