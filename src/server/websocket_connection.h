// WebSocketConnection: the Engine.IO WebSocket transport of one client after the HTTP upgrade
// handshake, written for tens of thousands of mostly idle connections fed by broadcasts. It owns
// the plain TCP socket and does its own RFC 6455 framing (realtime/websocket_frame.h):
// - idle cost: no read buffer (it waits for readability, then reads into a stack buffer), no
//   timer, no coroutine frame; only this object, the socket and one pending wait;
// - sending: a session wake-up marks the connection in its io_context's wake list (one post per
//   list drain, not per packet); the drain takes every queued packet and writes them all, each
//   its own frame, in one gathered write whose payloads are the broadcast's shared immutable
//   buffers (no per-recipient copy);
// - closing: session closes become a close frame (1008 slow consumer, 1001 shutdown, 1000
//   otherwise), peer close frames are answered, protocol violations close with 1002/1007/1009.
// The polling->WebSocket upgrade (2probe/3probe, noop, 5) also runs here.
// Thread-safety: everything runs on the socket's executor (one thread); the session's waker,
// called from any thread, only marks the connection and posts.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "realtime/socket_server.h"
#include "realtime/websocket_frame.h"

namespace mystocks::server {

class WakeList;  // per io_context list of woken connections (websocket_connection.cc)

class WebSocketConnection : public std::enable_shared_from_this<WebSocketConnection> {
 public:
  // `session` is a fresh WebSocket session (`open_packet` is its handshake, sent first) or, with
  // `upgrading`, the polling session this connection probes to take over.
  WebSocketConnection(boost::asio::ip::tcp::socket socket, realtime::SocketServer& server,
                      std::shared_ptr<realtime::EngineSession> session, bool upgrading,
                      std::string open_packet);
  ~WebSocketConnection();
  WebSocketConnection(const WebSocketConnection&) = delete;
  WebSocketConnection& operator=(const WebSocketConnection&) = delete;

  // Starts reading (and writing the open packet); call once on the socket's executor.
  void start();
  // Drains the session queue into one write; called from the io_context's wake list.
  void on_wake();

 private:
  void wake_from_any_thread();
  void attach();
  void detach();
  void wait_readable();
  void on_readable(const boost::system::error_code& ec);
  bool handle(realtime::WebSocketReader::Item& item);  // false: stop reading
  bool handle_probe(const realtime::WebSocketReader::Item& item);
  void send_control(std::string frame);
  void flush();
  bool on_written(const boost::system::error_code& ec);  // true: flush again
  void start_close(uint16_t code, std::string_view reason);  // close frame, then wait for the peer
  void end_session(const std::string& reason);
  void close_socket();

  boost::asio::ip::tcp::socket socket_;
  realtime::SocketServer& server_;
  std::shared_ptr<realtime::EngineSession> session_;
  realtime::WebSocketReader reader_;
  WakeList* wake_list_ = nullptr;                // of the socket's io_context
  std::string control_;                          // framed control/handshake bytes to write first
  std::string control_out_;                      // control bytes being written
  std::string pending_pong_;                     // answer to the latest ping of this read
  std::vector<realtime::WirePacket> batch_;      // packets being written (keeps payloads alive)
  std::vector<uint8_t> headers_;                 // their frame headers
  std::vector<boost::asio::const_buffer> buffers_;
  std::unique_ptr<boost::asio::steady_timer> close_timer_;  // only while closing
  std::atomic<bool> wake_pending_{false};
  bool upgrading_ = false;   // polling session not taken over yet: leave its queue alone
  bool attached_ = false;    // our waker is installed in the session
  bool writing_ = false;
  bool close_sent_ = false;  // our close frame is queued or written: nothing may follow it
  bool close_in_flight_ = false;   // the write in progress carries our close frame
  bool stop_after_close_ = false;  // peer closed or broke the protocol: no waiting for its close
  bool closed_ = false;      // socket closed
};

}  // namespace mystocks::server
