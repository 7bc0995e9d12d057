#include "gateway/rbac_authority.h"

#include <utility>

namespace mystocks::gateway {

namespace {

std::atomic<uint64_t> next_instance_id{1};

// One entry per thread: a process has one authority, so a second one used alternately on the
// same thread only costs the mutex path, never a wrong answer (entries are keyed by instance).
struct ThreadCache {
  uint64_t instance_id = 0;
  uint64_t generation = 0;
  std::shared_ptr<const RbacEnforcer> enforcer;
};
thread_local ThreadCache thread_cache;

}  // namespace

RbacAuthority::RbacAuthority(std::string model_path, std::string policy_path,
                             std::shared_ptr<const RbacEnforcer> initial)
    : model_path_(std::move(model_path)),
      policy_path_(std::move(policy_path)),
      instance_id_(next_instance_id.fetch_add(1, std::memory_order_relaxed)),
      published_(std::move(initial)) {}

Result<std::unique_ptr<RbacAuthority>> RbacAuthority::open(std::string model_path,
                                                           std::string policy_path) {
  Result<std::shared_ptr<const RbacEnforcer>> enforcer =
      RbacEnforcer::load(model_path, policy_path);
  if (!enforcer) return enforcer.status();
  // The constructor is private, so no make_unique.
  return std::unique_ptr<RbacAuthority>(
      new RbacAuthority(std::move(model_path), std::move(policy_path), std::move(*enforcer)));
}

const std::shared_ptr<const RbacEnforcer>& RbacAuthority::cached() const {
  ThreadCache& cache = thread_cache;
  if (cache.instance_id != instance_id_ ||
      cache.generation != generation_.load(std::memory_order_acquire)) {
    std::lock_guard lock(publish_mutex_);
    // Read as a pair under the lock: this generation is the one published_ was stored with.
    cache = {instance_id_, generation_.load(std::memory_order_relaxed), published_};
  }
  return cache.enforcer;
}

Status RbacAuthority::reload() {
  // Held across the file reads on purpose: two overlapping reloads must not store an older
  // reading last. Only reloaders wait here; readers at most wait for the pointer swap below.
  std::lock_guard reload_lock(reload_mutex_);
  Result<std::shared_ptr<const RbacEnforcer>> enforcer =
      RbacEnforcer::load(model_path_, policy_path_);
  if (!enforcer) return enforcer.status().with_context("RBAC reload kept the previous policy");
  std::shared_ptr<const RbacEnforcer> previous;
  {
    std::lock_guard publish_lock(publish_mutex_);
    previous = std::exchange(published_, std::move(*enforcer));
    generation_.fetch_add(1, std::memory_order_release);
  }
  return Status::ok();  // `previous` is released here, outside the lock, if no reader holds it
}

}  // namespace mystocks::gateway
