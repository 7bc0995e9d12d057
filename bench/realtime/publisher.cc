#include "realtime/publisher.h"

#include <chrono>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

namespace mystocks::bench {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

int64_t wall_clock_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

struct Publisher::Connection {
  asio::io_context context{1};
  beast::tcp_stream stream{context};
  beast::flat_buffer buffer;
};

Publisher::Publisher(std::string host, uint16_t port, std::string path, std::string bearer_token)
    : host_(std::move(host)),
      port_(port),
      path_(std::move(path)),
      bearer_token_(std::move(bearer_token)) {}

Publisher::~Publisher() = default;

std::string Publisher::publish(const std::string& kind, const std::string& symbol, uint32_t seq) {
  std::string failure;
  for (int attempt = 0; attempt < 2; ++attempt) {
    beast::error_code ec;
    if (!connection_) {
      connection_ = std::make_unique<Connection>();
      connection_->stream.connect(tcp::endpoint(asio::ip::make_address_v4(host_), port_), ec);
      if (ec) {
        connection_.reset();
        failure = "connect: " + ec.message();
        continue;
      }
      connection_->stream.socket().set_option(tcp::no_delay(true), ec);
    }
    // A plausible quote body around the two fields the clients need; the same bytes go to
    // both servers. The timestamp is taken last so request building is not counted as latency.
    const int64_t sent_us = wall_clock_us();
    http::request<http::string_body> request{http::verb::post, path_, 11};
    request.set(http::field::host, host_ + ":" + std::to_string(port_));
    request.set(http::field::content_type, "application/json");
    if (!bearer_token_.empty()) request.set(http::field::authorization, "Bearer " + bearer_token_);
    request.keep_alive(true);
    request.body() = fmt::format(
        R"({{"kind":"{}","symbol":"{}","data":{{"seq":{},"sent_us":{},"last":1688.52,)"
        R"("open":1675.00,"high":1692.10,"low":1671.30,"volume":2315400,"amount":3.89e9}},)"
        R"("timestamp":{}}})",
        kind, symbol, seq, sent_us, sent_us / 1000);
    request.prepare_payload();
    http::write(connection_->stream, request, ec);
    http::response<http::string_body> response;
    if (!ec) http::read(connection_->stream, connection_->buffer, response, ec);
    if (ec) {
      connection_.reset();  // the keep-alive connection may have timed out: reconnect once
      failure = "publish: " + ec.message();
      continue;
    }
    if (response.result_int() != 200) {
      return fmt::format("publish answered {}: {}", response.result_int(),
                         response.body().substr(0, 200));
    }
    if (!response.keep_alive()) connection_.reset();
    return {};
  }
  return failure;
}

}  // namespace mystocks::bench
