// Engine.IO transports on the HTTP port under /socket.io/: HTTP long-polling (GET waits for
// queued packets, POST delivers client packets) and WebSocket (fresh or upgraded from polling
// with the 2probe/3probe/5 exchange). They move bytes between the network and a realtime
// SocketServer, which runs the protocol. Internal to server/ (includes Asio/Beast).
// Thread-safety: each call runs on the connection's executor; sessions are shared safely.
#pragma once

#include <string>
#include <string_view>

#include <memory>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "gateway/http_types.h"
#include "realtime/socket_server.h"

namespace mystocks::server {

class EngineIoTransport {
 public:
  // `path` is the mount point: "/socket.io/" for Socket.IO, "/engine.io/" for plain Engine.IO.
  explicit EngineIoTransport(realtime::SocketServer& server, std::string path = "/socket.io/")
      : server_(server), path_(std::move(path)) {}

  bool matches(std::string_view target) const { return target.starts_with(path_); }

  // GET (handshake or long-poll), POST (client packets) and OPTIONS (CORS preflight).
  boost::asio::awaitable<gateway::HttpResponse> handle_polling(
      const boost::beast::http::request<boost::beast::http::string_body>& request);

  // Takes over the connection for a WebSocket transport; returns when it closes. A plain socket
  // (not a tcp_stream) and a request freed right after the handshake keep the per-connection
  // footprint small: tens of thousands of these stay open.
  boost::asio::awaitable<void> run_websocket(
      boost::asio::ip::tcp::socket socket,
      std::unique_ptr<boost::beast::http::request<boost::beast::http::string_body>> request);

 private:
  realtime::SocketServer& server_;
  std::string path_;
};

}  // namespace mystocks::server
