#include "server/engineio_transport.h"

#include <cctype>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/url/parse.hpp>
#include <spdlog/spdlog.h>

#include "server/websocket_connection.h"

namespace mystocks::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using gateway::HttpResponse;
using realtime::EnginePacketType;
using realtime::TransportKind;

constexpr auto kAwaitable = asio::as_tuple(asio::use_awaitable);

struct EngineQuery {
  std::string eio;
  std::string transport;
  std::string sid;
};

EngineQuery parse_query(std::string_view target) {
  EngineQuery query;
  auto url = boost::urls::parse_origin_form(target);
  if (!url) return query;
  for (auto param : url->params()) {
    if (param.key == "EIO") query.eio = param.value;
    else if (param.key == "transport") query.transport = param.value;
    else if (param.key == "sid") query.sid = param.value;
  }
  return query;
}

// Engine.IO's own error body, which stock clients understand: {"code":N,"message":"..."}.
HttpResponse engine_error(int status, int code, std::string_view message) {
  HttpResponse response;
  response.status = status;
  response.body = fmt::format(R"({{"code":{},"message":"{}"}})", code, message);
  return response;
}

// Browsers poll cross-origin: reflect the Origin with credentials (the gateway's CORS whitelist
// will narrow this).
void add_cors(HttpResponse& response, std::string_view origin) {
  if (origin.empty()) return;
  response.set_header("Access-Control-Allow-Origin", std::string(origin));
  response.set_header("Access-Control-Allow-Credentials", "true");
}

// RFC 6455 4.2.1: the key is the base64 encoding of 16 bytes, so 22 characters and "==".
bool valid_websocket_key(std::string_view key) {
  if (key.size() != 24 || !key.ends_with("==")) return false;
  for (const char c : key.substr(0, 22)) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '/') return false;
  }
  return true;
}

// Wakes a waiting coroutine from any thread: the session's waker posts a cancel to the timer.
struct Signal {
  explicit Signal(asio::any_io_executor executor) : timer(executor) {}
  asio::steady_timer timer;
};

std::function<void()> waker_for(const std::shared_ptr<Signal>& signal) {
  std::weak_ptr<Signal> weak = signal;
  auto executor = signal->timer.get_executor();
  return [weak, executor] {
    asio::post(executor, [weak] {
      if (auto alive = weak.lock()) alive->timer.cancel();
    });
  };
}

}  // namespace

asio::awaitable<HttpResponse> EngineIoTransport::handle_polling(
    const http::request<http::string_body>& request) {
  const std::string origin(request[http::field::origin]);
  const EngineQuery query = parse_query(std::string_view(request.target()));
  HttpResponse response;
  if (request.method() == http::verb::options) {
    response.status = 204;
    response.content_type.clear();
    response.set_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
    response.set_header("Access-Control-Allow-Headers", "Content-Type");
    add_cors(response, origin);
    co_return response;
  }
  if (query.eio != "4") {
    response = engine_error(400, 5, "Unsupported protocol version");
  } else if (query.transport != "polling") {
    response = engine_error(400, 0, "Transport unknown");
  } else if (query.sid.empty()) {
    if (request.method() != http::verb::get) {
      response = engine_error(400, 2, "Bad handshake method");
    } else {
      auto session = server_.open_session(TransportKind::kPolling);
      response.content_type = "text/plain; charset=UTF-8";
      response.body = "0" + server_.handshake_json(*session, /*allow_upgrade=*/true);
    }
  } else if (auto session = server_.find_session(query.sid); !session) {
    response = engine_error(400, 1, "Session ID unknown");
  } else if (request.method() == http::verb::post &&
             static_cast<int64_t>(request.body().size()) > server_.options().engine.max_payload_bytes) {
    server_.close_session(session, "payload too large");
    response = engine_error(413, 3, "Payload too large");
  } else if (request.method() == http::verb::post) {
    Result<std::vector<realtime::EnginePacket>> packets = realtime::decode_payload(request.body());
    if (!packets.is_ok()) {
      spdlog::warn("realtime session {}: bad polling payload: {}", session->sid(), packets.status().message());
      server_.close_session(session, "parse error");
      response = engine_error(400, 3, "Bad request");
    } else {
      for (auto& packet : *packets) {
        if (!server_.on_packet(session, std::move(packet)).is_ok()) break;
      }
      response.content_type = "text/html";
      response.body = "ok";
    }
  } else if (request.method() == http::verb::get) {
    if (session->transport() != TransportKind::kPolling) {
      response = engine_error(400, 3, "Bad request");
    } else if (!session->begin_poll()) {
      // Two concurrent GETs break the ordering guarantee: the protocol closes the session.
      server_.close_session(session, "multiple polls");
      response = engine_error(400, 3, "Bad request");
    } else {
      auto signal = std::make_shared<Signal>(co_await asio::this_coro::executor);
      const uint64_t waker = session->set_waker(waker_for(signal));
      std::vector<realtime::WirePacket> packets;
      const auto limit = std::chrono::milliseconds(session->limits().ping_interval_ms +
                                                   session->limits().ping_timeout_ms);
      const auto deadline = std::chrono::steady_clock::now() + limit;
      while (true) {
        if (session->take_poll_release()) {
          packets.assign(1, realtime::encode_packet(EnginePacketType::kNoop));
          break;
        }
        packets = session->take_all();
        if (!packets.empty() || session->closed() || std::chrono::steady_clock::now() >= deadline) break;
        signal->timer.expires_at(deadline);
        co_await signal->timer.async_wait(kAwaitable);
      }
      session->clear_waker(waker);  // not the WebSocket's, if the client upgraded meanwhile
      session->end_poll();
      if (packets.empty() && session->closed() && session->close_reason() != "transport close") {
        // Closed by the server (duplicate poll, timeout): tell the client. A close the client
        // asked for itself just ends this poll with a noop, as the reference server does.
        packets.push_back(realtime::encode_packet(EnginePacketType::kClose));
      } else if (packets.empty()) {
        packets.push_back(realtime::encode_packet(EnginePacketType::kNoop));
      }
      response.content_type = "text/plain; charset=UTF-8";
      response.body = realtime::encode_payload(packets);
    }
  } else {
    response = engine_error(400, 2, "Bad handshake method");
  }
  add_cors(response, origin);
  co_return response;
}

asio::awaitable<void> EngineIoTransport::run_websocket(
    asio::ip::tcp::socket socket, std::unique_ptr<http::request<http::string_body>> request) {
  const EngineQuery query = parse_query(std::string_view(request->target()));
  websocket::stream<asio::ip::tcp::socket> ws(std::move(socket));
  websocket::stream_base::timeout timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
  timeouts.idle_timeout = websocket::stream_base::none();  // Engine.IO heartbeats detect dead peers
  ws.set_option(timeouts);
  ws.read_message_max(static_cast<size_t>(server_.options().engine.max_payload_bytes));
  ws.set_option(websocket::stream_base::decorator([](websocket::response_type& response) {
    response.set(http::field::server, "mystocks");
  }));
  const bool key_valid =
      valid_websocket_key(std::string_view((*request)[http::field::sec_websocket_key]));
  if (query.eio != "4" || query.transport != "websocket" || !key_valid) {
    // Refuse the upgrade with Engine.IO's error format instead of a WebSocket.
    http::response<http::string_body> refusal{http::status::bad_request, request->version()};
    refusal.set(http::field::content_type, "application/json");
    refusal.body() =
        query.eio != "4" ? R"({"code":5,"message":"Unsupported protocol version"})"
        : query.transport != "websocket"
            ? R"({"code":0,"message":"Transport unknown"})"
            : R"({"code":3,"message":"Bad request: Sec-WebSocket-Key is not the base64 of 16 bytes"})";
    refusal.prepare_payload();
    co_await http::async_write(ws.next_layer(), refusal, kAwaitable);
    co_return;
  }
  auto [accept_ec] = co_await ws.async_accept(*request, kAwaitable);
  request.reset();  // headers are not needed once the handshake is done
  if (accept_ec) co_return;

  // From here on the connection does its own framing on the plain socket (no Beast stream, no
  // coroutine frame, no buffers while idle): see WebSocketConnection.
  std::shared_ptr<realtime::EngineSession> session;
  std::string open;
  bool upgrading = false;
  if (query.sid.empty()) {
    session = server_.open_session(TransportKind::kWebSocket);
    open = "0" + server_.handshake_json(*session, /*allow_upgrade=*/false);
  } else {
    session = server_.find_session(query.sid);
    if (!session || session->transport() != TransportKind::kPolling || session->upgrading()) {
      co_await ws.async_close(websocket::close_reason(websocket::close_code::policy_error, "Session ID unknown"), kAwaitable);
      co_return;
    }
    session->set_upgrading(true);
    upgrading = true;
  }
  auto connection = std::make_shared<WebSocketConnection>(std::move(ws.next_layer()), server_,
                                                          std::move(session), upgrading, std::move(open));
  connection->start();
}

}  // namespace mystocks::server
