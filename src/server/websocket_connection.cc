#include "server/websocket_connection.h"

#include <mutex>
#include <span>
#include <utility>

#include <boost/asio/execution_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

namespace mystocks::server {
namespace {

namespace asio = boost::asio;
using realtime::WebSocketReader;
using realtime::WsOpcode;

// How long a closing connection waits for the peer's close frame after sending its own.
constexpr auto kCloseTimeout = std::chrono::seconds(5);
// Write vectors above these capacities are released after a write, so a burst does not leave
// every idle connection holding its peak.
constexpr size_t kKeepPackets = 8;
constexpr size_t kKeepControlBytes = 0;  // control frames are rare: never keep their buffer

}  // namespace

// The connections of one io_context woken since the last drain. A wake-up from another thread
// costs a lock and a push; only the first one after a drain posts to the io_context, and the
// drain runs every woken connection's write in one handler.
class WakeList : public asio::execution_context::service {
 public:
  using key_type = WakeList;
  static inline asio::execution_context::id id;

  explicit WakeList(asio::execution_context& context) : asio::execution_context::service(context) {}

  void set_executor(const asio::any_io_executor& executor) {
    std::lock_guard lock(mutex_);
    if (!executor_) executor_ = executor;
  }

  void push(std::shared_ptr<WebSocketConnection> connection) {
    asio::any_io_executor executor;
    {
      std::lock_guard lock(mutex_);
      woken_.push_back(std::move(connection));
      if (scheduled_) return;
      scheduled_ = true;
      executor = executor_;
    }
    asio::post(executor, [this] { drain(); });
  }

 private:
  void shutdown() override {
    std::lock_guard lock(mutex_);
    woken_.clear();
    draining_.clear();
  }

  void drain() {
    {
      std::lock_guard lock(mutex_);
      draining_.swap(woken_);
      scheduled_ = false;
    }
    for (const auto& connection : draining_) connection->on_wake();
    draining_.clear();
    if (draining_.capacity() > 4096) std::vector<std::shared_ptr<WebSocketConnection>>().swap(draining_);
  }

  std::mutex mutex_;
  asio::any_io_executor executor_;                             // GUARDED_BY(mutex_)
  std::vector<std::shared_ptr<WebSocketConnection>> woken_;     // GUARDED_BY(mutex_)
  bool scheduled_ = false;                                     // GUARDED_BY(mutex_)
  std::vector<std::shared_ptr<WebSocketConnection>> draining_;  // the drain's thread only
};

namespace {

WakeList& wake_list_of(const asio::any_io_executor& executor) {
  auto& list = asio::use_service<WakeList>(asio::query(executor, asio::execution::context));
  list.set_executor(executor);
  return list;
}

uint16_t close_code_for(const std::string& reason) {
  if (reason == "slow consumer") return realtime::kWsClosePolicy;
  if (reason == "server shutting down") return realtime::kWsCloseGoingAway;
  return realtime::kWsCloseNormal;
}

}  // namespace

WebSocketConnection::WebSocketConnection(asio::ip::tcp::socket socket, realtime::SocketServer& server,
                                         std::shared_ptr<realtime::EngineSession> session,
                                         bool upgrading, std::string open_packet)
    : socket_(std::move(socket)),
      server_(server),
      session_(std::move(session)),
      reader_(static_cast<size_t>(server.options().engine.max_payload_bytes)),
      upgrading_(upgrading) {
  if (!open_packet.empty()) control_ = realtime::encode_ws_frame(WsOpcode::kText, open_packet);
}

WebSocketConnection::~WebSocketConnection() { detach(); }

void WebSocketConnection::start() {
  boost::system::error_code ec;
  socket_.non_blocking(true, ec);
  wake_list_ = &wake_list_of(socket_.get_executor());
  if (!upgrading_) attach();
  wait_readable();
  flush();
}

void WebSocketConnection::wake_from_any_thread() {
  // Called without the session's lock, possibly just after detach(): hence the weak owner.
  if (wake_pending_.exchange(true, std::memory_order_acq_rel)) return;
  wake_list_->push(shared_from_this());
}

void WebSocketConnection::on_wake() {
  wake_pending_.store(false, std::memory_order_release);
  flush();
}

void WebSocketConnection::attach() {
  attached_ = true;
  session_->set_waker([weak = weak_from_this()] {
    if (auto self = weak.lock()) self->wake_from_any_thread();
  });
}

void WebSocketConnection::detach() {
  if (!attached_) return;
  attached_ = false;
  session_->set_waker(nullptr);
}

void WebSocketConnection::wait_readable() {
  socket_.async_wait(asio::ip::tcp::socket::wait_read,
                     [self = shared_from_this()](const boost::system::error_code& ec) { self->on_readable(ec); });
}

void WebSocketConnection::on_readable(const boost::system::error_code& ec) {
  if (closed_) return;
  if (ec) {
    end_session("transport error");
    close_socket();
    return;
  }
  char buffer[4096];
  while (true) {
    boost::system::error_code read_ec;
    const size_t bytes = socket_.read_some(asio::buffer(buffer), read_ec);
    if (read_ec == asio::error::would_block || read_ec == asio::error::try_again) break;
    if (read_ec) {  // end of stream or reset without a close frame
      if (!close_sent_) end_session("transport error");
      close_socket();
      return;
    }
    reader_.feed(std::string_view(buffer, bytes));
    while (true) {
      WebSocketReader::Item item = reader_.next();
      if (item.kind == WebSocketReader::Kind::kNeedMore) break;
      if (!handle(item)) return;  // no more reading: the socket closes once our close frame is out
    }
    if (bytes < sizeof(buffer)) break;
  }
  reader_.trim();
  wait_readable();
  if (!pending_pong_.empty()) send_control(std::exchange(pending_pong_, {}));
}

bool WebSocketConnection::handle(WebSocketReader::Item& item) {
  using Kind = WebSocketReader::Kind;
  switch (item.kind) {
    case Kind::kError:
      spdlog::warn("realtime WebSocket {}: {}", session_->sid(), item.payload);
      end_session("transport error");
      stop_after_close_ = true;
      start_close(item.code, item.payload);
      return false;
    case Kind::kClose:
      stop_after_close_ = true;
      if (close_sent_) {
        if (!writing_) close_socket();  // the close handshake is complete
        return false;
      }
      end_session("transport close");
      start_close(item.code == 1005 ? realtime::kWsCloseNormal : item.code, {});
      return false;
    case Kind::kPing:
      // RFC 6455 5.5.3 lets us answer only the latest ping: one pong per read, not per ping, so
      // a ping flood costs the sender as much as us and buffers nothing here.
      if (!close_sent_) pending_pong_ = realtime::encode_ws_frame(WsOpcode::kPong, item.payload);
      return true;
    case Kind::kPong: return true;
    case Kind::kText:
    case Kind::kBinary: break;
    case Kind::kNeedMore: return true;
  }
  if (close_sent_) return true;  // data after our close frame is discarded
  if (upgrading_) return handle_probe(item);
  Result<realtime::EnginePacket> packet = realtime::decode_frame(item.payload, item.kind == Kind::kBinary);
  if (!packet.is_ok()) {
    spdlog::warn("realtime session {}: {}", session_->sid(), packet.status().message());
    server_.close_session(session_, "parse error");  // our waker sends the close frame
    return true;
  }
  // A failure closed the session; the close frame follows through the waker.
  (void)server_.on_packet(session_, std::move(*packet));
  return true;
}

bool WebSocketConnection::handle_probe(const WebSocketReader::Item& item) {
  // Upgrade: 2probe -> 3probe, release the pending poll with a noop, then wait for 5.
  if (item.kind == WebSocketReader::Kind::kText && item.payload == "2probe") {
    send_control(realtime::encode_ws_frame(WsOpcode::kText, "3probe"));
    session_->release_poll();
    return true;
  }
  if (item.kind == WebSocketReader::Kind::kText && item.payload == "5") {
    upgrading_ = false;
    session_->set_transport(realtime::TransportKind::kWebSocket);
    attach();
    return true;
  }
  session_->set_upgrading(false);
  upgrading_ = false;
  start_close(realtime::kWsCloseProtocolError, "bad upgrade");
  return true;
}

void WebSocketConnection::send_control(std::string frame) {
  if (close_sent_ || closed_) return;
  control_ += frame;
  flush();
}

void WebSocketConnection::start_close(uint16_t code, std::string_view reason) {
  if (close_sent_ || closed_) return;
  detach();
  close_sent_ = true;
  control_ += realtime::encode_ws_close(code, reason);
  flush();
}

void WebSocketConnection::end_session(const std::string& reason) {
  detach();  // the session's close must not wake us: we are ending already
  if (upgrading_) {
    session_->set_upgrading(false);  // the polling transport keeps the session
    upgrading_ = false;
    return;
  }
  server_.close_session(session_, reason);
}

void WebSocketConnection::flush() {
  // Each round writes everything pending in one gathered send. Usually the socket takes it all
  // at once and no asynchronous operation (reactor registration, completion handler) is needed;
  // only a full socket buffer falls back to async_write for the rest.
  while (!writing_ && !closed_) {
    if (attached_ && !close_sent_) {
      const bool session_closed = session_->take_all(batch_);
      if (batch_.empty() && session_closed) {
        const std::string reason = session_->close_reason();
        start_close(close_code_for(reason), reason);  // queues the frame and calls flush() again
        return;
      }
    }
    if (batch_.empty() && control_.empty()) return;
    control_out_.swap(control_);
    control_.clear();
    buffers_.clear();
    if (!control_out_.empty()) buffers_.emplace_back(control_out_.data(), control_out_.size());
    headers_.resize(batch_.size() * realtime::kWsMaxHeaderBytes);
    for (size_t index = 0; index < batch_.size(); ++index) {
      const realtime::WirePacket& packet = batch_[index];
      uint8_t* header = headers_.data() + index * realtime::kWsMaxHeaderBytes;
      const size_t header_size = realtime::encode_ws_header(
          packet.binary ? WsOpcode::kBinary : WsOpcode::kText, packet.bytes->size(), header);
      buffers_.emplace_back(header, header_size);
      buffers_.emplace_back(packet.bytes->data(), packet.bytes->size());
    }
    close_in_flight_ = close_sent_;  // the close frame is always the last frame written
    writing_ = true;

    boost::system::error_code ec;
    size_t written = socket_.write_some(buffers_, ec);  // non-blocking: at most one sendmsg
    if (ec == asio::error::would_block || ec == asio::error::try_again) {
      ec.clear();
      written = 0;
    }
    size_t first = 0;
    if (!ec) {
      while (first < buffers_.size() && written >= buffers_[first].size()) written -= buffers_[first++].size();
    }
    if (ec || first == buffers_.size()) {
      if (!on_written(ec)) return;
      continue;
    }
    buffers_[first] += written;
    asio::async_write(socket_, std::span<const asio::const_buffer>(buffers_).subspan(first),
                      [self = shared_from_this()](const boost::system::error_code& write_ec, size_t) {
                        if (self->on_written(write_ec)) self->flush();
                      });
    return;
  }
}

bool WebSocketConnection::on_written(const boost::system::error_code& ec) {
  writing_ = false;
  batch_.clear();
  if (batch_.capacity() > kKeepPackets) std::vector<realtime::WirePacket>().swap(batch_);
  if (buffers_.capacity() > 2 * kKeepPackets) std::vector<asio::const_buffer>().swap(buffers_);
  if (headers_.capacity() > kKeepPackets * realtime::kWsMaxHeaderBytes) std::vector<uint8_t>().swap(headers_);
  control_out_.clear();
  if (control_out_.capacity() > kKeepControlBytes) std::string().swap(control_out_);
  if (closed_) return false;
  if (ec) {
    end_session("transport error");
    close_socket();
    return false;
  }
  if (close_in_flight_) {
    // Our close frame is out: close now if the peer already closed or broke the protocol, else
    // give it a bounded time to answer (the reader keeps running and closes on its frame).
    if (stop_after_close_) {
      close_socket();
    } else {
      close_timer_ = std::make_unique<asio::steady_timer>(socket_.get_executor(), kCloseTimeout);
      close_timer_->async_wait([self = shared_from_this()](const boost::system::error_code& wait_ec) {
        if (!wait_ec) self->close_socket();
      });
    }
    return false;
  }
  return true;  // more may be pending: flush again
}

void WebSocketConnection::close_socket() {
  if (closed_) return;
  closed_ = true;
  detach();
  boost::system::error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  socket_.close(ec);
  if (close_timer_) close_timer_->cancel();
}

}  // namespace mystocks::server
