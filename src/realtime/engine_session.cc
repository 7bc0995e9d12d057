#include "realtime/engine_session.h"

#include <utility>

namespace mystocks::realtime {

EngineSession::EngineSession(std::string sid, TransportKind transport, const EngineLimits& limits,
                             int64_t now_ms)
    : sid_(std::move(sid)),
      limits_(limits),
      transport_(transport),
      next_ping_ms_(now_ms + limits.ping_interval_ms) {}

EngineSession::SendResult EngineSession::send(WirePacket packet, const std::string& conflation_key) {
  if (conflation_key.empty()) return send(std::move(packet), ConflationKey());
  return send(std::move(packet), std::make_shared<const std::string>(conflation_key));
}

EngineSession::SendResult EngineSession::send(WirePacket packet, const ConflationKey& key) {
  Waker waker;
  {
    std::lock_guard lock(mutex_);
    if (closed_) return SendResult::kClosed;
    if (key) {
      for (const auto& [pending_key, sequence] : pending_) {
        if (pending_key == key || *pending_key == *key) {
          queue_[sequence - front_sequence_] = std::move(packet);
          return SendResult::kConflated;  // the writer already knows there is data
        }
      }
    }
    if (queue_.size() >= limits_.max_queue_packets) return SendResult::kOverflow;
    if (key) pending_.emplace_back(key, front_sequence_ + queue_.size());
    queue_.push_back(std::move(packet));
    // A non-empty queue has already woken the transport, which has not drained it yet.
    if (queue_.size() == 1) waker = waker_;
  }
  wake(waker);
  return SendResult::kQueued;
}

std::vector<WirePacket> EngineSession::take_all() {
  std::lock_guard lock(mutex_);
  std::vector<WirePacket> packets;
  packets.swap(queue_);
  front_sequence_ += packets.size();
  pending_.clear();
  return packets;
}

bool EngineSession::take_all(std::vector<WirePacket>& out) {
  out.clear();
  std::lock_guard lock(mutex_);
  out.swap(queue_);
  front_sequence_ += out.size();
  pending_.clear();
  return closed_;
}

size_t EngineSession::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

uint64_t EngineSession::set_waker(std::function<void()> waker) {
  Waker wake_now;
  uint64_t token = 0;
  {
    std::lock_guard lock(mutex_);
    waker_ = waker ? std::make_shared<const std::function<void()>>(std::move(waker)) : nullptr;
    if (!queue_.empty() || closed_) wake_now = waker_;
    token = ++waker_token_;
  }
  wake(wake_now);
  return token;
}

void EngineSession::clear_waker(uint64_t token) {
  std::lock_guard lock(mutex_);
  if (token == waker_token_) waker_ = nullptr;
}

void EngineSession::wake(const Waker& waker) {
  if (!waker) return;
  assert_no_lock_held();
  (*waker)();
}

bool EngineSession::heartbeat_due(int64_t now_ms, bool& timed_out) {
  std::lock_guard lock(mutex_);
  timed_out = false;
  if (closed_) return false;
  if (pong_deadline_ms_ >= 0) {
    timed_out = now_ms >= pong_deadline_ms_;
    return false;
  }
  if (now_ms < next_ping_ms_) return false;
  // Deadlines follow the schedule, not the moment a periodic scan noticed it: a client is gone
  // exactly ping_interval + ping_timeout after its last pong, as with the reference server.
  pong_deadline_ms_ = next_ping_ms_ + limits_.ping_timeout_ms;
  if (now_ms >= pong_deadline_ms_) {
    timed_out = true;
    return false;
  }
  return true;
}

void EngineSession::on_pong(int64_t now_ms) {
  std::lock_guard lock(mutex_);
  pong_deadline_ms_ = -1;
  next_ping_ms_ = now_ms + limits_.ping_interval_ms;
}

TransportKind EngineSession::transport() const {
  std::lock_guard lock(mutex_);
  return transport_;
}

void EngineSession::set_transport(TransportKind transport) {
  Waker waker;
  {
    std::lock_guard lock(mutex_);
    transport_ = transport;
    upgrading_ = false;
    waker = waker_;
  }
  wake(waker);
}

bool EngineSession::upgrading() const {
  std::lock_guard lock(mutex_);
  return upgrading_;
}

void EngineSession::set_upgrading(bool upgrading) {
  std::lock_guard lock(mutex_);
  upgrading_ = upgrading;
}

void EngineSession::close(std::string reason) {
  Waker waker;
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    closed_ = true;
    close_reason_ = std::move(reason);
    waker = waker_;
  }
  wake(waker);
}

bool EngineSession::closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

std::string EngineSession::close_reason() const {
  std::lock_guard lock(mutex_);
  return close_reason_;
}

bool EngineSession::begin_poll() {
  std::lock_guard lock(mutex_);
  if (polling_) return false;
  polling_ = true;
  return true;
}

void EngineSession::end_poll() {
  std::lock_guard lock(mutex_);
  polling_ = false;
}

void EngineSession::release_poll() {
  Waker waker;
  {
    std::lock_guard lock(mutex_);
    poll_released_ = true;
    waker = waker_;
  }
  wake(waker);
}

bool EngineSession::take_poll_release() {
  std::lock_guard lock(mutex_);
  return std::exchange(poll_released_, false);
}

}  // namespace mystocks::realtime
