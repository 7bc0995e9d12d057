// ApiKeyService: API keys for programs. A key has a public id (sent as X-API-Key) and a secret
// that signs requests (gateway/request_signature.h); the secret is shown once at creation and
// stored encrypted with the master key (`api_keys.secret`, enc:v1:...), because verifying an
// HMAC needs it in clear. A key acts with its owner's current role. Active keys are cached in
// memory for cache_ttl_ms so a signed request costs no store read; revoking through this
// instance takes effect at once, through another instance within cache_ttl_ms.
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "core/secret_box.h"
#include "core/status.h"
#include "services/data_manager.h"
#include "services/identity/user_directory.h"

namespace mystocks::services {

struct ApiKeyInfo {
  std::string key_id;
  std::string user_id;
  std::string name;
  std::string status;  // active | revoked
  int64_t created_at = 0;
};

struct NewApiKey {
  ApiKeyInfo info;
  std::string secret;  // shown to the owner once; never stored in clear
};

// What verifying a signed request needs.
struct ApiKeyCredential {
  std::string key_id;
  std::string secret;
  User owner;
};

class ApiKeyService {
 public:
  static constexpr size_t kMaxKeysPerUser = 20;

  ApiKeyService(DataManager& data, UserDirectory& users, const MasterKey& master_key,
                const Clock& clock, int64_t cache_ttl_ms = 60000);

  // kInvalidArgument for a bad name (1-64 printable characters); kResourceExhausted beyond
  // kMaxKeysPerUser active keys.
  Result<NewApiKey> create(const std::string& user_id, std::string_view name);
  Result<std::vector<ApiKeyInfo>> list(const std::string& user_id);
  // kNotFound unless `user_id` owns an active key `key_id`.
  Status revoke(const std::string& user_id, std::string_view key_id);

  // The active key `key_id` with its owner (active too), or kUnauthenticated. With may_block
  // false, a key not cached yet returns nullopt instead of reading the store.
  std::optional<Result<std::shared_ptr<const ApiKeyCredential>>> lookup(std::string_view key_id,
                                                                        bool may_block);

 private:
  Result<std::shared_ptr<const ApiKeyCredential>> load(const std::string& key_id);

  DataManager& data_;
  UserDirectory& users_;
  const MasterKey& master_key_;
  const Clock& clock_;
  const int64_t cache_ttl_ms_;
  struct Cached {
    std::shared_ptr<const ApiKeyCredential> credential;
    int64_t loaded_ms = 0;
  };
  std::mutex mutex_;
  std::unordered_map<std::string, Cached> cache_;  // GUARDED_BY(mutex_); active keys only
};

}  // namespace mystocks::services
