// SocketServer: the Engine.IO v4 + Socket.IO v5 server logic, independent of sockets and HTTP.
// Transports (server/ layer: long-polling over HTTP, WebSocket) create sessions, feed it client
// packets and drain each session's queue; this class runs the protocol: handshake values,
// heartbeats, namespaces, CONNECT/CONNECT_ERROR with auth, events and acks in both directions
// (server acks time out), binary attachments, rooms, broadcasts with recovery offsets, and
// connection state recovery. Malformed input closes the offending session, never the server.
// Thread-safety: all public methods are safe from any thread.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include "core/clock.h"
#include "core/metrics.h"
#include "core/status.h"
#include "realtime/callout_mutex.h"
#include "realtime/engine_session.h"
#include "realtime/recovery_store.h"
#include "realtime/room_registry.h"
#include "realtime/socket.h"
#include "realtime/socketio_protocol.h"

namespace mystocks::realtime {

struct RealtimeOptions {
  EngineLimits engine;
  int64_t recovery_window_ms = 120000;   // connection state recovery window
  size_t recovery_max_packets = 100000;  // broadcasts kept for recovery
  int64_t ack_timeout_ms = 5000;         // server->client ack deadline
  double events_per_second = 50;         // per-socket client event rate (token bucket refill)
  double event_burst = 100;              // bucket capacity
  bool recovery = true;      // connection state recovery (pid in CONNECT, offsets on broadcasts)
  // Namespaces where recovery is on; a socket may opt out with CONNECT auth {"offsets": false}.
  std::set<std::string> recovery_namespaces = {"/", "/market"};
  bool engine_echo = false;  // plain Engine.IO echo server (protocol conformance), no Socket.IO
};

// Reply to a client event sent with an ack id; calling it is a no-op when the client wants none.
class Ack {
 public:
  using Reply = std::function<void(boost::json::array, std::vector<std::string>)>;
  Ack() = default;
  explicit Ack(Reply reply) : reply_(std::move(reply)) {}
  void operator()(boost::json::array args, std::vector<std::string> attachments = {}) const {
    if (reply_) reply_(std::move(args), std::move(attachments));
  }
  bool wanted() const { return static_cast<bool>(reply_); }

 private:
  Reply reply_;
};

// A client event: its arguments (binary ones as {"_placeholder":true,"num":i}) and attachments.
struct Event {
  std::string name;
  boost::json::array args;
  std::vector<std::string> attachments;
};
using EventHandler = std::function<void(const std::shared_ptr<Socket>&, Event& event, const Ack& ack)>;
using JoinHook = std::function<Status(const Socket&, const std::string& room)>;
// Who is connecting, from the CONNECT auth payload (null if none): an error refuses the
// connection with CONNECT_ERROR {message} naming the reason. Called without locks held.
using AuthHook = std::function<Result<gateway::Principal>(const boost::json::value& auth)>;
// Whether `socket` may send client event `event`; an error is answered with an "error" event
// (and the ack, when one is wanted) and the handler does not run.
using EventGuard = std::function<Status(const Socket&, const std::string& event)>;
// Runs after a socket connected to its namespace, with the CONNECT auth payload (null if none).
using ConnectHook = std::function<void(const std::shared_ptr<Socket>&, const boost::json::value& auth)>;

class SocketServer {
 public:
  SocketServer(RealtimeOptions options, const Clock& clock, MetricsRegistry& metrics);
  ~SocketServer();

  // ---- Engine.IO, called by transports ----
  std::shared_ptr<EngineSession> open_session(TransportKind transport);
  // The handshake packet body after the type digit: {"sid",...,"maxPayload"}.
  std::string handshake_json(const EngineSession& session, bool allow_upgrade) const;
  // The live session with this id; a session whose heartbeat deadline has passed is closed here,
  // so a request arriving after the timeout never races the periodic scan.
  std::shared_ptr<EngineSession> find_session(const std::string& sid);
  // Handles one client packet; a failed Status means the session was closed for it.
  Status on_packet(const std::shared_ptr<EngineSession>& session, EnginePacket packet);
  // The transport is gone (close packet, network error, heartbeat timeout, slow consumer).
  void close_session(const std::shared_ptr<EngineSession>& session, const std::string& reason);
  // Heartbeats, ack timeouts, recovery expiry, and disconnecting sockets whose credential expired
  // (event "auth_expired", then DISCONNECT). Call every few milliseconds; cheap when idle.
  void tick();
  // Closes every session (server shutdown); transports then finish their close handshakes.
  void close_all(const std::string& reason);

  // ---- Socket.IO, called by features ----
  void add_namespace(const std::string& nsp);
  void on(const std::string& nsp, const std::string& event, EventHandler handler);
  void set_join_hook(JoinHook hook);
  void set_connect_hook(ConnectHook hook);
  void set_auth_hook(AuthHook hook);
  void set_event_guard(EventGuard guard);

  void emit(const std::shared_ptr<Socket>& socket, const std::string& event, boost::json::array args,
            std::vector<std::string> attachments = {});
  void emit_with_ack(const std::shared_ptr<Socket>& socket, const std::string& event,
                     boost::json::array args, AckCallback callback, int64_t timeout_ms = 0);
  Status join(const std::shared_ptr<Socket>& socket, const std::string& room);
  bool leave(const std::shared_ptr<Socket>& socket, const std::string& room);
  // Sends to every member of `room` in `nsp`; the packet is encoded once, gets a recovery offset
  // and, with a conflation key, replaces an unsent older one in slow clients' queues.
  size_t broadcast(const std::string& nsp, const std::string& room, const std::string& event,
                   boost::json::array args, const std::string& conflation_key = {});

  size_t session_count() const;
  size_t room_count() const { return rooms_.room_count(); }
  size_t membership_count() const { return rooms_.membership_count(); }
  struct QueueDepth {
    size_t total = 0;  // packets waiting in all client queues
    size_t max = 0;    // the deepest single queue
  };
  QueueDepth queue_depth() const;
  const RealtimeOptions& options() const { return options_; }

 private:
  struct SessionState;
  // Decode a text packet / add a binary attachment; a value once the packet is complete.
  Result<std::optional<SocketPacket>> start_packet(SessionState& state, std::string_view text);
  Result<std::optional<SocketPacket>> add_attachment(SessionState& state, std::string attachment);
  Status handle_socket_packet(const std::shared_ptr<EngineSession>& session, SocketPacket packet);
  void handle_connect(const std::shared_ptr<EngineSession>& session, const SocketPacket& packet);
  void handle_event(const std::shared_ptr<Socket>& socket, SocketPacket packet);
  void handle_ack(const std::shared_ptr<Socket>& socket, SocketPacket packet);
  void disconnect_socket(const std::shared_ptr<Socket>& socket, bool recoverable);
  void send_packet(const std::shared_ptr<Socket>& socket, const SocketPacket& packet);
  void deliver(const std::shared_ptr<EngineSession>& session, WirePacket packet,
               const std::string& conflation_key = {});
  void overflow(const std::shared_ptr<EngineSession>& session);  // slow consumer: close it
  void end_expired(const std::shared_ptr<Socket>& socket);        // its credential expired
  bool take_token(Socket& socket, int64_t now_ms);
  // Whether a socket connecting to `nsp` with this CONNECT auth gets offsets and recovery.
  bool recovery_on(const std::string& nsp, const boost::json::object* auth) const;
  std::shared_ptr<SessionState> state_of(const std::string& sid) const;

  const RealtimeOptions options_;
  const Clock& clock_;
  RoomRegistry rooms_;
  RecoveryStore recovery_;

  mutable CalloutMutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<SessionState>> sessions_;  // GUARDED_BY(mutex_)
  std::map<std::string, std::map<std::string, EventHandler>> handlers_;     // nsp -> event
  JoinHook join_hook_;
  ConnectHook connect_hook_;
  AuthHook auth_hook_;
  EventGuard event_guard_;
  int64_t last_heartbeat_scan_ms_ = 0;  // GUARDED_BY(mutex_)

  Gauge& sessions_gauge_;
  Gauge& rooms_gauge_;
  Gauge& memberships_gauge_;
  Counter& messages_in_;
  Counter& messages_out_;
  Counter& dropped_;
  Counter& conflated_;
  Family<Counter>& disconnects_;
  Counter& recovered_;
  Counter& auth_expired_;
  Gauge& queued_total_;
  Gauge& queued_max_;
};

}  // namespace mystocks::realtime
