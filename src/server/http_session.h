// One HTTP/1.1 connection: a coroutine that reads a request (idle timeout while waiting for the
// first byte, read timeout for the rest, header and body limits), hands it to the Router as a
// transport-neutral HttpRequest and writes the response, until the peer closes, a timeout hits,
// the request asks to close, or the server drains. Internal to server/ (includes Asio/Beast).
// Thread-safety: a session lives on one io_context (one thread); cancel_if_idle() is posted
// to that context by the server.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "core/config.h"
#include "gateway/router.h"

namespace mystocks::server {

class EngineIoTransport;
class HandlerPool;

struct SessionLimits {
  std::chrono::milliseconds read_timeout;
  std::chrono::milliseconds idle_timeout;
  uint64_t body_limit = 0;
  uint32_t header_limit = 0;
  // Blocking routes run here (nullptr: inline), answered 504 after their timeout or this one.
  HandlerPool* handlers = nullptr;
  std::chrono::milliseconds handler_timeout{10000};
};

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(boost::asio::ip::tcp::socket socket, const gateway::Router& router,
              const SessionLimits& limits, const std::atomic<bool>& draining,
              std::vector<EngineIoTransport*> realtime);

  boost::asio::awaitable<void> run();
  // Closes the connection if it is waiting for a request; busy connections finish first.
  void cancel_if_idle();
  boost::asio::any_io_executor executor() { return stream_.get_executor(); }

 private:
  // The router's response, from the handler pool for blocking routes.
  boost::asio::awaitable<gateway::HttpResponse> route(gateway::HttpRequest request);
  // Reads one request, answering "Expect: 100-continue" between its header and its body.
  boost::asio::awaitable<boost::beast::error_code> read_request(
      boost::beast::flat_buffer& buffer,
      boost::beast::http::request_parser<boost::beast::http::string_body>& parser);
  // Writes a response (headers only for HEAD); false when the write failed.
  boost::asio::awaitable<bool> write_response(gateway::HttpResponse response, unsigned version,
                                              bool head, bool close);

 private:
  boost::beast::tcp_stream stream_;
  const gateway::Router& router_;
  SessionLimits limits_;
  const std::atomic<bool>& draining_;
  bool idle_ = true;
  std::string remote_address_;
  std::vector<EngineIoTransport*> realtime_;  // empty when the realtime server is off
};

}  // namespace mystocks::server
