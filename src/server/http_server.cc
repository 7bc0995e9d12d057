#include "server/http_server.h"

#include <list>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "core/endpoint.h"
#include "core/thread_guard.h"
#include "server/coroutine_failure.h"
#include "server/handler_pool.h"
#include "server/http_session.h"

namespace mystocks::server {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

class HttpServer::Impl {
 public:
  Impl(const ServerConfig& config, const gateway::Router& router, MetricsRegistry& metrics,
       RealtimeHooks realtime)
      : config_(config),
        router_(router),
        realtime_(std::move(realtime)),
        open_connections_(
            metrics.gauge("mystocks_http_connections", "Open HTTP connections.").get()),
        accepted_(
            metrics
                .counter("mystocks_http_connections_accepted_total", "HTTP connections accepted.")
                .get()) {
    auto threads = static_cast<size_t>(config.threads);
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    for (size_t index = 0; index < threads; ++index) {
      contexts_.push_back(std::make_unique<asio::io_context>(1));
      guards_.emplace_back(contexts_.back()->get_executor());
    }
    handlers_ = std::make_unique<HandlerPool>(static_cast<size_t>(config.handler_threads),
                                              static_cast<size_t>(config.handler_queue), metrics);
    limits_ = {std::chrono::milliseconds(config.read_timeout_ms),
               std::chrono::milliseconds(config.idle_timeout_ms),
               static_cast<uint64_t>(config.body_limit_bytes),
               static_cast<uint32_t>(config.header_limit_bytes), handlers_.get(),
               std::chrono::milliseconds(config.handler_timeout_ms)};
  }

  Status start() {
    Result<Endpoint> endpoint = parse_endpoint(config_.listen);
    if (!endpoint.is_ok()) return endpoint.status().with_context("server.listen");
    boost::system::error_code ec;
    const auto address =
        asio::ip::make_address(endpoint->host == "localhost" ? "127.0.0.1" : endpoint->host, ec);
    if (ec) {
      return field_error(ErrorCode::kInvalidConfig, "server.listen",
                         "server.listen '{}': '{}' is not an IP address", config_.listen,
                         endpoint->host);
    }
    acceptor_.emplace(*contexts_[0]);
    const tcp::endpoint bind_to(address, endpoint->port);
    acceptor_->open(bind_to.protocol(), ec);
    if (!ec) acceptor_->set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_->bind(bind_to, ec);
    if (!ec) acceptor_->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return error(ErrorCode::kUnavailable, "cannot listen on {} (server.listen): {}",
                   config_.listen, ec.message());
    }
    port_ = acceptor_->local_endpoint().port();
    return Status::ok();
  }

  uint16_t port() const { return port_; }

  void wait_hangup() {
    hangup_->async_wait([this](const boost::system::error_code& ec, int) {
      if (ec) return;  // cancelled by the drain
      spdlog::info("received SIGHUP, reloading");
      // Reads two small policy files on this I/O thread: rare, operator-triggered, bounded.
      realtime_.on_hangup();
      wait_hangup();
    });
  }

  Status run(bool handle_signals) {
    asio::io_context& main = *contexts_[0];
    if (handle_signals) {
      signals_.emplace(main, SIGINT, SIGTERM);
      signals_->async_wait([this](const boost::system::error_code& ec, int signal) {
        if (!ec) {
          spdlog::info("received signal {}, draining", signal);
          begin_drain();
        }
      });
    }
    if (handle_signals && realtime_.on_hangup) {
      hangup_.emplace(main, SIGHUP);
      wait_hangup();
    }
    grace_timer_.emplace(main);
    using Scope = LogCoroutineFailure::Scope;
    asio::co_spawn(main, accept_loop(),
                   LogCoroutineFailure("http-accept-loop", Scope::kServerLoop));
    if (realtime_.tick) {
      asio::co_spawn(main, tick_loop(),
                     LogCoroutineFailure("realtime-tick-loop", Scope::kServerLoop));
    }
    spdlog::info("listening on http://{}:{} with {} I/O threads",
                 acceptor_->local_endpoint().address().to_string(), port_, contexts_.size());

    std::vector<std::thread> workers;
    for (size_t index = 1; index < contexts_.size(); ++index) {
      workers.emplace_back([context = contexts_[index].get()] {
        (void)run_thread("http-io", [context] { (void)context->run(); });
      });
    }
    main.run();
    for (auto& worker : workers) worker.join();
    if (grace_expired_) {
      return error(ErrorCode::kDeadlineExceeded,
                   "shutdown grace of {} ms ran out with connections still open",
                   config_.shutdown_grace_ms);
    }
    spdlog::info("drained, all connections closed");
    return Status::ok();
  }

 private:
  asio::awaitable<void> accept_loop() {
    size_t next = 0;
    while (!draining_.load()) {
      asio::io_context& target = *contexts_[next++ % contexts_.size()];
      auto [ec, socket] =
          co_await acceptor_->async_accept(target, asio::as_tuple(asio::use_awaitable));
      if (ec) {
        if (ec == asio::error::operation_aborted || draining_.load()) break;
        spdlog::warn("accept failed: {}", ec.message());
        continue;
      }
      accepted_.inc();
      auto session = std::make_shared<HttpSession>(std::move(socket), router_, limits_, draining_,
                                                   realtime_.transports);
      track(session);
      asio::co_spawn(session->executor(), session->run(),
                     [this, session](const std::exception_ptr& failure) {
                       LogCoroutineFailure("http-connection")(failure);
                       untrack(session.get());
                     });
    }
  }

  // Drives realtime heartbeats and fan-out batches until shutdown.
  asio::awaitable<void> tick_loop() {
    asio::steady_timer timer(*contexts_[0]);
    while (!draining_.load()) {
      realtime_.tick();
      timer.expires_after(std::chrono::milliseconds(realtime_.tick_interval_ms));
      co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    }
  }

  void track(const std::shared_ptr<HttpSession>& session) {
    std::lock_guard lock(mutex_);
    sessions_.push_back(session);
    open_connections_.inc();
  }

  void untrack(HttpSession* session) {
    bool last_while_draining = false;
    {
      std::lock_guard lock(mutex_);
      sessions_.remove_if([session](const std::weak_ptr<HttpSession>& weak) {
        auto strong = weak.lock();
        return !strong || strong.get() == session;
      });
      open_connections_.dec();
      last_while_draining = draining_.load() && sessions_.empty();
    }
    if (last_while_draining) asio::post(*contexts_[0], [this] { finish_drain(); });
  }

  // Runs on contexts_[0].
  void begin_drain() {
    if (draining_.exchange(true)) return;
    boost::system::error_code ec;
    acceptor_->close(ec);
    if (signals_) signals_->cancel(ec);  // a pending wait would keep contexts_[0] running
    if (hangup_) hangup_->cancel(ec);
    if (realtime_.on_drain) realtime_.on_drain();  // long-lived WebSocket/poll sessions end
    std::vector<std::shared_ptr<HttpSession>> idle;
    {
      std::lock_guard lock(mutex_);
      for (auto& weak : sessions_) {
        if (auto session = weak.lock()) idle.push_back(std::move(session));
      }
    }
    for (auto& session : idle) {
      asio::post(session->executor(), [session] { session->cancel_if_idle(); });
    }
    for (auto& guard : guards_) guard.reset();
    grace_timer_->expires_after(std::chrono::milliseconds(config_.shutdown_grace_ms));
    grace_timer_->async_wait([this](const boost::system::error_code& wait_ec) {
      if (wait_ec) return;  // cancelled: drained in time
      spdlog::warn("shutdown grace period over, closing remaining connections");
      grace_expired_ = true;
      for (auto& context : contexts_) context->stop();
    });
    bool none_open = false;
    {
      std::lock_guard lock(mutex_);
      none_open = sessions_.empty();
    }
    if (none_open) finish_drain();
  }

  void finish_drain() { grace_timer_->cancel(); }

  ServerConfig config_;
  const gateway::Router& router_;
  RealtimeHooks realtime_;
  Gauge& open_connections_;
  Counter& accepted_;
  std::unique_ptr<HandlerPool> handlers_;
  SessionLimits limits_{};
  std::vector<std::unique_ptr<asio::io_context>> contexts_;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards_;
  std::optional<tcp::acceptor> acceptor_;
  std::optional<asio::steady_timer> grace_timer_;
  std::optional<asio::signal_set> signals_;
  std::optional<asio::signal_set> hangup_;  // SIGHUP: realtime_.on_hangup, re-armed each time
  std::atomic<bool> draining_{false};
  bool grace_expired_ = false;  // touched only on contexts_[0]
  uint16_t port_ = 0;
  std::mutex mutex_;
  std::list<std::weak_ptr<HttpSession>> sessions_;  // GUARDED_BY(mutex_)
};

HttpServer::HttpServer(const ServerConfig& config, const gateway::Router& router,
                       MetricsRegistry& metrics, RealtimeHooks realtime)
    : impl_(std::make_unique<Impl>(config, router, metrics, std::move(realtime))) {}
HttpServer::~HttpServer() = default;
Status HttpServer::start() { return impl_->start(); }
uint16_t HttpServer::port() const { return impl_->port(); }
Status HttpServer::run(bool handle_signals) { return impl_->run(handle_signals); }

}  // namespace mystocks::server
