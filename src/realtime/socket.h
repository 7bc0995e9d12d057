// Socket: one client's connection to one Socket.IO namespace on top of an EngineSession. Holds
// its rooms, the private id used for connection-state recovery, pending server->client acks,
// per-socket data (market stream filters) and its event rate limit.
// Thread-safety: fields after `mutex` are guarded by it; id/nsp/pid/session are immutable.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/status.h"
#include "realtime/callout_mutex.h"
#include "gateway/principal.h"
#include "realtime/engine_session.h"

namespace mystocks::realtime {

// Server->client ack outcome: the client's reply arguments, or DeadlineExceeded.
using AckCallback = std::function<void(Result<boost::json::array>)>;

struct Socket {
  Socket(std::string id_in, std::string nsp_in, std::string pid_in,
         std::shared_ptr<EngineSession> session_in, bool offsets_in = true)
      : id(std::move(id_in)),
        nsp(std::move(nsp_in)),
        pid(std::move(pid_in)),
        session(std::move(session_in)),
        offsets(offsets_in) {}

  const std::string id;
  const std::string nsp;
  const std::string pid;  // private id for connection state recovery
  const std::shared_ptr<EngineSession> session;
  // Room broadcasts carry the recovery offset as their last argument, and the socket's state is
  // kept for recovery after an unexpected disconnect (off: plain event arguments, no recovery).
  const bool offsets;
  // Who connected (SocketServer::set_auth_hook); set before the socket is shared, then read-only.
  gateway::Principal principal = gateway::Principal::anonymous_caller();

  struct PendingAck {
    int64_t deadline_ms;
    AckCallback callback;
  };

  CalloutMutex mutex;
  std::set<std::string> rooms;               // GUARDED_BY(mutex)
  boost::json::object data;                  // GUARDED_BY(mutex): stream filters etc.
  std::map<int64_t, PendingAck> pending_acks;  // GUARDED_BY(mutex)
  int64_t next_ack_id = 0;                   // GUARDED_BY(mutex)
  double tokens = 0;                         // GUARDED_BY(mutex): event rate limit bucket
  int64_t tokens_at_ms = 0;                  // GUARDED_BY(mutex)
  bool connected = true;                     // GUARDED_BY(mutex)
};

}  // namespace mystocks::realtime
