// RbacAuthority: the RBAC enforcer in force, read from a model and a policy file and replaced
// whole by reload(). Readers get a snapshot and keep using it while a reload swaps in a new one;
// a reload whose files fail to parse keeps the old enforcer and returns the error.
// Thread-safety: every method may be called from any thread. Readers are lock-free: each thread
// caches the enforcer with its generation and, while the generation is unchanged, reads one atomic
// and touches no shared cache line; only the first call on a thread after a reload takes the
// mutex to refresh its copy. Reloads read and parse the files before taking that mutex for a
// pointer swap, and are serialised among themselves so the later file state always wins.
// (std::atomic<std::shared_ptr> is not used: libstdc++ 12 releases its internal lock with a
// relaxed store in load(), which ThreadSanitizer reports as a data race.)
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "core/status.h"
#include "gateway/rbac_enforcer.h"

namespace mystocks::gateway {

class RbacAuthority {
 public:
  // Loads both files once; fails like RbacEnforcer::load.
  static Result<std::unique_ptr<RbacAuthority>> open(std::string model_path,
                                                     std::string policy_path);

  // The enforcer in force. Take it once per request so a reload cannot change the answer
  // halfway; it stays valid however long it is held.
  std::shared_ptr<const RbacEnforcer> current() const { return cached(); }

  bool enforce(std::string_view subject, std::string_view object, std::string_view action) const {
    return cached()->enforce(subject, object, action);
  }

  // Re-reads both files. On error the current enforcer stays and the Status says why.
  Status reload();

  // 1 after open(), plus one per successful reload().
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
  const std::string& model_path() const { return model_path_; }
  const std::string& policy_path() const { return policy_path_; }

 private:
  RbacAuthority(std::string model_path, std::string policy_path,
                std::shared_ptr<const RbacEnforcer> initial);
  // This thread's copy of the enforcer in force, refreshed when the generation moved.
  const std::shared_ptr<const RbacEnforcer>& cached() const;

  const std::string model_path_;
  const std::string policy_path_;
  const uint64_t instance_id_;  // tells thread caches of different authorities apart
  std::mutex reload_mutex_;     // serialises reload(); readers never take it
  mutable std::mutex publish_mutex_;
  std::shared_ptr<const RbacEnforcer> published_;  // GUARDED_BY(publish_mutex_)
  // Bumped under publish_mutex_ after published_ changes; readers compare it without the lock.
  std::atomic<uint64_t> generation_{1};
};

}  // namespace mystocks::gateway
