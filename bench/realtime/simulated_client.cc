#include "realtime/simulated_client.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <limits>
#include <string>
#include <string_view>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json/parse.hpp>
#include <netinet/in.h>
#include <sys/socket.h>

#include "realtime/load_state.h"

namespace mystocks::bench {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace json = boost::json;
using tcp = asio::ip::tcp;

constexpr auto kAwaitable = asio::as_tuple(asio::use_awaitable);
constexpr auto kConnectTimeout = std::chrono::seconds(30);

int64_t wall_clock_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The integer after `key` (e.g. "\"sent_us\":") in a frame. A substring search instead of a JSON
// parse keeps the per-message cost of the generator far below the servers' (see check_shape for
// the full parse done once per client).
template <typename Integer>
bool find_integer(std::string_view frame, std::string_view key, Integer& value) {
  const size_t at = frame.find(key);
  if (at == std::string_view::npos) return false;
  const char* begin = frame.data() + at + key.size();
  return std::from_chars(begin, frame.data() + frame.size(), value).ec == std::errc();
}

class SimulatedClient {
 public:
  SimulatedClient(asio::any_io_executor executor, LoadState& state, size_t thread_index,
                  size_t client_index)
      : state_(state),
        settings_(state.settings),
        stats_(state.thread_stats[thread_index]),
        client_index_(client_index),
        ws_(executor) {
    const std::string nsp_prefix = settings_.nsp == "/" ? "" : settings_.nsp + ",";
    connect_prefix_ = "40" + nsp_prefix;
    connect_error_prefix_ = "44" + nsp_prefix;
    event_prefix_ = "42" + nsp_prefix + "[";
    room_event_prefix_ = event_prefix_ + "\"" + settings_.kind() + "\",";
  }

  asio::awaitable<void> run() {
    if (!co_await join_room()) co_return;
    state_.subscribed.fetch_add(1, std::memory_order_relaxed);
    state_.in_flight.fetch_sub(1, std::memory_order_relaxed);
    state_.socket_fds[client_index_].store(beast::get_lowest_layer(ws_).socket().native_handle(),
                                           std::memory_order_relaxed);
    while (true) {
      const beast::error_code ec = co_await read_frame();
      if (ec) {
        state_.socket_fds[client_index_].store(-1, std::memory_order_relaxed);
        state_.lost.fetch_add(1, std::memory_order_relaxed);
        state_.count_failure("closed after subscribing: " + ec.message());
        co_return;
      }
      if (frame().starts_with(room_event_prefix_)) on_room_event();
    }
  }

 private:
  // Connect, WebSocket handshake, Engine.IO open, Socket.IO CONNECT, subscribe. On failure the
  // reason is counted and false returned.
  asio::awaitable<bool> join_room() {
    auto fail = [this](std::string_view stage, std::string detail) {
      state_.count_failure(std::string(stage) + ": " + detail);
      state_.failed.fetch_add(1, std::memory_order_relaxed);
      state_.in_flight.fetch_sub(1, std::memory_order_relaxed);
      return false;
    };
    beast::tcp_stream& stream = beast::get_lowest_layer(ws_);
    beast::error_code ec;
    stream.socket().open(tcp::v4(), ec);
    if (ec) co_return fail("socket", ec.message());
    if (!settings_.source_ips.empty()) {
      // Defers the port choice to connect(), so each source address gets the whole ephemeral
      // range per destination instead of bind()'s one global range.
      const int enable = 1;
      ::setsockopt(stream.socket().native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &enable,
                   sizeof enable);
      const std::string& source = settings_.source_ips[client_index_ % settings_.source_ips.size()];
      stream.socket().bind(tcp::endpoint(asio::ip::make_address_v4(source), 0), ec);
      if (ec) co_return fail("bind " + source, ec.message());
    }
    stream.expires_after(kConnectTimeout);
    const tcp::endpoint server(asio::ip::make_address_v4(settings_.host), settings_.port);
    std::tie(ec) = co_await stream.async_connect(server, kAwaitable);
    if (ec) co_return fail("connect", ec.message());
    stream.socket().set_option(tcp::no_delay(true), ec);
    stream.expires_never();
    websocket::stream_base::timeout timeouts =
        websocket::stream_base::timeout::suggested(beast::role_type::client);
    timeouts.idle_timeout = websocket::stream_base::none();  // Engine.IO pings watch liveness
    ws_.set_option(timeouts);
    const std::string host = settings_.host + ":" + std::to_string(settings_.port);
    std::tie(ec) =
        co_await ws_.async_handshake(host, "/socket.io/?EIO=4&transport=websocket", kAwaitable);
    if (ec) co_return fail("websocket handshake", ec.message());
    ws_.text(true);

    if ((ec = co_await read_frame())) co_return fail("engine.io open", ec.message());
    if (!frame().starts_with("0{")) co_return fail("engine.io open", "unexpected " + excerpt());
    if ((ec = co_await write_text(connect_prefix_)))
      co_return fail("socket.io connect", ec.message());
    while (true) {
      if ((ec = co_await read_frame())) co_return fail("socket.io connect", ec.message());
      if (frame().starts_with(connect_error_prefix_)) co_return fail("connect_error", excerpt());
      if (frame().starts_with(connect_prefix_ + "{")) break;
    }
    const std::string subscribe =
        event_prefix_ + R"("subscribe",{"room":")" + settings_.room + "\"}]";
    if ((ec = co_await write_text(subscribe))) co_return fail("subscribe", ec.message());
    const std::string subscribed = event_prefix_ + "\"subscribed\",";
    const std::string error_event = event_prefix_ + "\"error\",";
    while (true) {
      if ((ec = co_await read_frame())) co_return fail("subscribe", ec.message());
      if (frame().starts_with(error_event)) co_return fail("subscribe", "error event " + excerpt());
      if (frame().starts_with(subscribed)) break;
    }
    co_return true;
  }

  // Reads the next Engine.IO packet other than a ping, which it answers on the way.
  asio::awaitable<beast::error_code> read_frame() {
    while (true) {
      buffer_.clear();
      auto [ec, bytes] = co_await ws_.async_read(buffer_, kAwaitable);
      if (ec) co_return ec;
      received_us_ = wall_clock_us();  // before any parsing: the parse is not server latency
      ++stats_.frames;
      stats_.bytes += bytes;
      if (frame() != "2") co_return beast::error_code{};
      ++stats_.pings;
      if ((ec = co_await write_text("3"))) co_return ec;
    }
  }

  asio::awaitable<beast::error_code> write_text(std::string_view text) {
    auto [ec, bytes] = co_await ws_.async_write(asio::buffer(text.data(), text.size()), kAwaitable);
    co_return ec;
  }

  std::string_view frame() const {
    return {static_cast<const char*>(buffer_.data().data()), buffer_.size()};
  }

  std::string excerpt() const { return std::string(frame().substr(0, 120)); }

  void on_room_event() {
    ++stats_.events;
    uint32_t seq = 0;
    int64_t sent_us = 0;
    if (!find_integer(frame(), "\"seq\":", seq) ||
        !find_integer(frame(), "\"sent_us\":", sent_us)) {
      note_shape_error("no data.seq / data.sent_us in " + excerpt());
      return;
    }
    if (seq >= state_.received.size()) return;  // not one of this run's broadcasts
    state_.received[seq].fetch_add(1, std::memory_order_relaxed);
    const int phase = seq < settings_.latency_broadcasts ? 0 : 1;
    stats_.last_receive_us[phase] = std::max(stats_.last_receive_us[phase], received_us_);
    if (phase == 1 || seq >= settings_.warmup_broadcasts) {
      const int64_t latency =
          std::clamp<int64_t>(received_us_ - sent_us, 0, std::numeric_limits<uint32_t>::max());
      stats_.latency_us[phase].push_back(static_cast<uint32_t>(latency));
    }
    if (!shape_checked_) check_shape();
  }

  // Once per client: the full payload is [kind, {symbol, data, timestamp}, offset?] on both
  // servers, so they do the same work per message.
  void check_shape() {
    shape_checked_ = true;
    ++stats_.shapes_checked;
    boost::system::error_code ec;
    const json::value packet = json::parse(frame().substr(event_prefix_.size() - 1), ec);
    if (ec || !packet.is_array()) return note_shape_error("not a JSON array: " + excerpt());
    const json::array& args = packet.as_array();
    const json::object* body = args.size() >= 2 ? args[1].if_object() : nullptr;
    if (body == nullptr || !body->contains("data") || !body->contains("timestamp") ||
        !body->contains("symbol") || body->at("symbol") != json::value(settings_.symbol())) {
      return note_shape_error("expected [kind, {symbol, data, timestamp}, offset?]: " + excerpt());
    }
    if (args.size() == 3 && args[2].is_string()) ++stats_.offsets_seen;
  }

  void note_shape_error(std::string message) {
    if (stats_.shape_errors++ == 0) stats_.first_shape_error = std::move(message);
  }

  LoadState& state_;
  const LoadSettings& settings_;
  ThreadStats& stats_;
  const size_t client_index_;
  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  int64_t received_us_ = 0;
  bool shape_checked_ = false;
  std::string connect_prefix_;        // "40/market,"
  std::string connect_error_prefix_;  // "44/market,"
  std::string event_prefix_;          // "42/market,["
  std::string room_event_prefix_;     // "42/market,[\"quote\","
};

asio::awaitable<void> run_client(LoadState& state, size_t thread_index, size_t client_index) {
  SimulatedClient client(co_await asio::this_coro::executor, state, thread_index, client_index);
  co_await client.run();
}

}  // namespace

void spawn_client(asio::io_context& context, LoadState& state, size_t thread_index,
                  size_t client_index) {
  asio::co_spawn(context, run_client(state, thread_index, client_index),
                 [&state](std::exception_ptr failure) {
                   if (!failure) return;
                   try {
                     std::rethrow_exception(failure);
                   } catch (const std::exception& e) {
                     state.count_failure(std::string("exception: ") + e.what());
                   }
                 });
}

}  // namespace mystocks::bench
