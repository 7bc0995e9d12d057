#include "server/http_session.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <spdlog/spdlog.h>

#include "gateway/request_id.h"
#include "server/coroutine_failure.h"
#include "server/engineio_transport.h"
#include "server/handler_pool.h"

namespace mystocks::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using gateway::HttpRequest;
using gateway::HttpResponse;

constexpr auto kAwaitable = asio::as_tuple(asio::use_awaitable);
// Request coalescing for cached routes: how long a request waits for another one computing the
// same answer, and how often it looks. Past the wait it computes the answer itself.
constexpr auto kCoalesceWait = std::chrono::milliseconds(50);
constexpr auto kCoalescePoll = std::chrono::microseconds(200);

HttpRequest to_gateway(http::request<http::string_body>&& message, const std::string& remote) {
  HttpRequest request;
  request.method = gateway::method_from(std::string_view(message.method_string()));
  request.target = std::string(message.target());
  request.headers.reserve(8);
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    request.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  request.body = std::move(message.body());
  request.remote_address = remote;
  return request;
}

template <typename Body>
void copy_headers(http::response<Body>& message, const HttpResponse& response) {
  message.set(http::field::server, "mystocks");
  if (!response.content_type.empty()) message.set(http::field::content_type, response.content_type);
  // insert, not set: a response may carry a header twice (two Set-Cookie lines).
  for (const auto& [name, value] : response.headers) message.insert(name, value);
}

// Maps parser failures to a precise client error; nullopt means "just close" (EOF, timeout).
std::optional<Status> classify_read_error(const beast::error_code& ec, uint64_t body_limit,
                                          uint32_t header_limit) {
  if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
      ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
      ec == asio::error::eof || ec == http::error::partial_message) {
    return std::nullopt;
  }
  if (ec == http::error::body_limit) {
    return error(ErrorCode::kPayloadTooLarge, "request body exceeds the limit of {} bytes "
                 "(server.body_limit_bytes)", body_limit);
  }
  if (ec == http::error::header_limit) {
    return error(ErrorCode::kPayloadTooLarge, "request headers exceed the limit of {} bytes "
                 "(server.header_limit_bytes)", header_limit);
  }
  return error(ErrorCode::kMalformedRequest, "malformed HTTP request: {}", ec.message());
}

}  // namespace

HttpSession::HttpSession(asio::ip::tcp::socket socket, const gateway::Router& router,
                         const SessionLimits& limits, const std::atomic<bool>& draining,
                         std::vector<EngineIoTransport*> realtime)
    : stream_(std::move(socket)),
      router_(router),
      limits_(limits),
      draining_(draining),
      realtime_(std::move(realtime)) {
  beast::error_code ec;
  auto endpoint = stream_.socket().remote_endpoint(ec);
  if (!ec) remote_address_ = endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
  // Small JSON responses on keep-alive connections: do not wait for Nagle.
  stream_.socket().set_option(asio::ip::tcp::no_delay(true), ec);
}

void HttpSession::cancel_if_idle() {
  if (idle_) {
    beast::error_code ec;
    stream_.socket().cancel(ec);
  }
}

asio::awaitable<HttpResponse> HttpSession::route(HttpRequest request) {
  const gateway::RouteSpec* spec = router_.route_for(request);
  if (limits_.handlers == nullptr || spec == nullptr || !spec->blocking) {
    co_return router_.handle(request);
  }
  // A cached answer is a copy of shared text: served here, without the hop to the pool. When
  // another request is computing the same answer (just after an invalidation), wait for it a
  // little instead of sending one more copy of the work to the pool.
  gateway::Router::CacheMiss claim;  // this request's claim on computing the answer, if any
  if (router_.caches(*spec)) {
    const auto wait_until = std::chrono::steady_clock::now() + kCoalesceWait;
    bool waited = false;
    for (;;) {
      gateway::Router::CacheMiss miss;
      if (std::optional<HttpResponse> cached = router_.handle_cached(request, &miss)) {
        co_return std::move(*cached);
      }
      if (!miss.filling) {
        // After a wait the fill ended without an entry (an error, or a write meanwhile): compute
        // without claiming, so requests for an uncacheable answer are not serialised.
        if (!waited) claim = std::move(miss);
        break;
      }
      if (std::chrono::steady_clock::now() >= wait_until) break;
      waited = true;
      asio::steady_timer pause(stream_.get_executor(), kCoalescePoll);
      auto [wait_ec] = co_await pause.async_wait(kAwaitable);
      if (wait_ec) break;  // cancelled: the connection is going away
    }
  }
  const std::chrono::milliseconds timeout =
      spec->timeout_ms > 0 ? std::chrono::milliseconds(spec->timeout_ms) : limits_.handler_timeout;
  const std::string request_id_header(request.header("x-request-id"));
  const std::string label = std::string(gateway::method_name(request.method)) + " " + spec->path;
  // The worker shares the request: after a timeout this coroutine moves on without it.
  // Named locals only around the co_await: GCC 12 mishandles temporaries in its full-expression.
  auto shared = std::make_shared<HttpRequest>(std::move(request));
  std::function<HttpResponse()> work = [router = &router_, shared] {
    return router->handle(*shared);
  };
  HandlerPool::Result result = co_await limits_.handlers->run(std::move(work), timeout);
  if (result.outcome == HandlerPool::Outcome::kTimedOut) {
    result.response = router_.reject(
        error(ErrorCode::kDeadlineExceeded, "{} did not finish within its {} ms timeout", label,
              timeout.count()),
        request_id_header);
  } else if (result.outcome == HandlerPool::Outcome::kBusy) {
    result.response = router_.reject(
        error(ErrorCode::kResourceExhausted,
              "the server is busy: too many requests are waiting for storage; retry shortly"),
        request_id_header);
  } else if (result.outcome == HandlerPool::Outcome::kFailed) {
    result.response = router_.reject(
        error(ErrorCode::kInternal, "internal error while handling {}", label), request_id_header);
  }
  co_return std::move(result.response);
}

asio::awaitable<beast::error_code> HttpSession::read_request(
    beast::flat_buffer& buffer, http::request_parser<http::string_body>& parser) {
  auto [header_ec, header_bytes] =
      co_await http::async_read_header(stream_, buffer, parser, kAwaitable);
  if (header_ec || parser.is_done()) co_return header_ec;
  // RFC 9110 10.1.1: a client that sent "Expect: 100-continue" waits for this before its body.
  // A body over the limit was refused with the header already (413), so none is invited here.
  if (beast::iequals(parser.get()[http::field::expect], "100-continue")) {
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    auto [continue_ec, continue_bytes] =
        co_await asio::async_write(stream_, asio::buffer(kContinue), kAwaitable);
    if (continue_ec) co_return continue_ec;
  }
  auto [body_ec, body_bytes] = co_await http::async_read(stream_, buffer, parser, kAwaitable);
  co_return body_ec;
}

asio::awaitable<bool> HttpSession::write_response(HttpResponse response, unsigned version,
                                                  bool head, bool close) {
  stream_.expires_after(limits_.read_timeout);
  beast::error_code write_ec;
  if (head) {
    http::response<http::empty_body> message{static_cast<http::status>(response.status), version};
    copy_headers(message, response);
    message.content_length(response.body.size());
    message.keep_alive(!close);
    std::tie(write_ec, std::ignore) = co_await http::async_write(stream_, message, kAwaitable);
  } else {
    http::response<http::string_body> message{static_cast<http::status>(response.status), version};
    copy_headers(message, response);
    message.body() = std::move(response.body);
    message.keep_alive(!close);
    message.prepare_payload();
    std::tie(write_ec, std::ignore) = co_await http::async_write(stream_, message, kAwaitable);
  }
  co_return !write_ec;
}

asio::awaitable<void> HttpSession::run() {
  auto self = shared_from_this();
  beast::flat_buffer buffer;
  for (;;) {
    if (draining_.load()) break;
    // Phase 1: wait for the first byte under the idle timeout (keep-alive), unless a pipelined
    // request is already buffered. Phase 2: the whole request under the read timeout.
    if (buffer.size() == 0) {
      idle_ = true;
      stream_.expires_after(limits_.idle_timeout);
      auto [ec, bytes] = co_await stream_.async_read_some(buffer.prepare(4096), kAwaitable);
      idle_ = false;
      if (ec) break;
      buffer.commit(bytes);
    }
    idle_ = false;
    http::request_parser<http::string_body> parser;
    parser.header_limit(limits_.header_limit);
    parser.body_limit(limits_.body_limit);
    stream_.expires_after(limits_.read_timeout);
    beast::error_code read_ec = co_await read_request(buffer, parser);
    if (read_ec) {
      std::optional<Status> problem =
          classify_read_error(read_ec, limits_.body_limit, limits_.header_limit);
      if (problem) {
        HttpResponse response = router_.reject(*problem, "");
        http::response<http::string_body> message{static_cast<http::status>(response.status), 11};
        copy_headers(message, response);
        message.body() = std::move(response.body);
        message.keep_alive(false);
        message.prepare_payload();
        stream_.expires_after(limits_.read_timeout);
        co_await http::async_write(stream_, message, kAwaitable);
      }
      break;
    }
    http::request<http::string_body> incoming = parser.release();
    const bool head = incoming.method() == http::verb::head;
    const bool keep_alive = incoming.keep_alive();
    const unsigned version = incoming.version();
    HttpResponse response;
    if (gateway::method_from(std::string_view(incoming.method_string())) ==
        gateway::HttpMethod::kOther) {
      // RFC 9110 15.6.2: a method the server does not implement is 501 on every resource.
      response = router_.reject(
          error(
              ErrorCode::kUnsupported,
              "method '{}' is not implemented; use GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS",
              std::string_view(incoming.method_string())),
          std::string_view(incoming["X-Request-ID"]));
      const bool write_ok =
          co_await write_response(std::move(response), version, false, !keep_alive);
      if (!write_ok || !keep_alive) break;
      continue;
    }
    EngineIoTransport* transport = nullptr;
    for (EngineIoTransport* candidate : realtime_) {
      if (candidate->matches(std::string_view(incoming.target()))) transport = candidate;
    }
    if (transport != nullptr) {
      if (beast::websocket::is_upgrade(incoming)) {
        // The connection now belongs to the WebSocket transport, in a coroutine of its own so
        // this session's buffers and frame are freed for the connection's long life.
        auto executor = stream_.get_executor();
        asio::co_spawn(executor,
                       transport->run_websocket(
                           stream_.release_socket(),
                           std::make_unique<http::request<http::string_body>>(std::move(incoming))),
                       LogCoroutineFailure("websocket-connection"));
        co_return;
      }
      response = co_await transport->handle_polling(incoming);
      response.set_header("X-Request-ID", gateway::choose_request_id(
                                              std::string_view(incoming["X-Request-ID"])));
    } else {
      response = co_await route(to_gateway(std::move(incoming), remote_address_));
    }
    const bool close = !keep_alive || response.close_connection || draining_.load();
    const bool write_ok = co_await write_response(std::move(response), version, head, close);
    if (!write_ok || close) break;
  }
  beast::error_code ec;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  stream_.socket().close(ec);
}

}  // namespace mystocks::server
