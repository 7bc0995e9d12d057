// EngineSession: one Engine.IO client session (sid) independent of its transport. It owns the
// bounded outgoing queue shared by broadcasts (packets are immutable shared buffers, serialised
// once), conflation of superseded packets (the newest quote per symbol wins while a slow client
// has not read the older one), heartbeat bookkeeping and the transport/upgrade state.
// Thread-safety: every public method is safe from any thread (one mutex). The waker is called
// after the lock is released (callout_mutex.h), from whichever thread queued or closed; a call
// may still arrive shortly after set_waker()/clear_waker() replaced it, so a waker holds its
// transport weakly and only notes or posts work.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "realtime/callout_mutex.h"
#include "realtime/engineio_protocol.h"

namespace mystocks::realtime {

enum class TransportKind : uint8_t { kPolling, kWebSocket };

struct EngineLimits {
  int64_t ping_interval_ms = 25000;
  int64_t ping_timeout_ms = 20000;
  int64_t max_payload_bytes = 1000000;  // largest accepted HTTP body / WebSocket message
  size_t max_queue_packets = 2000;      // queued beyond this after conflation = slow consumer
};

class EngineSession {
 public:
  EngineSession(std::string sid, TransportKind transport, const EngineLimits& limits,
                int64_t now_ms);

  const std::string& sid() const { return sid_; }

  enum class SendResult { kQueued, kConflated, kOverflow, kClosed };
  // A conflation key shared by every recipient of one broadcast (no per-recipient copy).
  using ConflationKey = std::shared_ptr<const std::string>;
  // Queues a packet. A non-null `key` replaces an unsent packet with an equal key in place.
  // kOverflow means the client is too slow: the caller closes the session.
  SendResult send(WirePacket packet, const ConflationKey& key);
  SendResult send(WirePacket packet, const std::string& conflation_key = {});

  // Takes every queued packet (a polling response or a WebSocket writer's batch).
  std::vector<WirePacket> take_all();
  // The same into `out` (cleared first), swapping vectors so their capacity is reused. Returns
  // whether the session is closed (read under the same lock).
  bool take_all(std::vector<WirePacket>& out);
  size_t queued() const;

  // The transport's wake-up: called when the queue becomes non-empty, on transport change and
  // when the session closes (and at once if either already holds). Replaces any previous waker;
  // pass nullptr to detach. Returns a token for clear_waker.
  uint64_t set_waker(std::function<void()> waker);
  // Detaches the waker only if it is still the one `token` installed: a long-poll ending after
  // the client upgraded must not detach the WebSocket's waker.
  void clear_waker(uint64_t token);

  // Heartbeat: returns true when a ping should be sent now; sets `timed_out` when the client did
  // not answer the previous ping within ping_timeout.
  bool heartbeat_due(int64_t now_ms, bool& timed_out);
  void on_pong(int64_t now_ms);

  TransportKind transport() const;
  void set_transport(TransportKind transport);
  bool upgrading() const;
  void set_upgrading(bool upgrading);

  // Closing is idempotent; the reason is kept for logs and metrics.
  void close(std::string reason);
  bool closed() const;
  std::string close_reason() const;

  // Polling: only one GET may wait at a time (the protocol closes the session otherwise).
  bool begin_poll();
  void end_poll();
  // Upgrade: the pending (or next) long-poll ends with a noop and leaves the queue to the
  // WebSocket. The noop is never queued, so it cannot be drained by the WebSocket instead.
  void release_poll();
  bool take_poll_release();  // true once after release_poll()

  const EngineLimits& limits() const { return limits_; }

 private:
  using Waker = std::shared_ptr<const std::function<void()>>;
  static void wake(const Waker& waker);  // REQUIRES: mutex_ not held

  const std::string sid_;
  const EngineLimits limits_;
  mutable CalloutMutex mutex_;
  // A vector, not a deque: take_all() always drains everything, and an idle session (the common
  // case) then holds no allocation at all. Keyed packets still queued are found by a linear scan
  // of `pending_`: it holds one entry per distinct key waiting (usually none or one; at most the
  // queue bound for a slow consumer), and needs no allocation per packet, unlike a hash map.
  std::vector<WirePacket> queue_;                                // GUARDED_BY(mutex_)
  std::vector<std::pair<ConflationKey, uint64_t>> pending_;      // key, sequence; GUARDED_BY(mutex_)
  uint64_t front_sequence_ = 0;                        // sequence of queue_[0]
  Waker waker_;                                        // GUARDED_BY(mutex_)
  uint64_t waker_token_ = 0;                           // GUARDED_BY(mutex_)
  TransportKind transport_;
  bool upgrading_ = false;
  bool closed_ = false;
  bool polling_ = false;
  bool poll_released_ = false;
  std::string close_reason_;
  int64_t next_ping_ms_;
  int64_t pong_deadline_ms_ = -1;  // -1: no ping outstanding
};

}  // namespace mystocks::realtime
