#include "services/identity/api_key_service.h"

#include <algorithm>

#include "core/random_token.h"
#include "services/table_rows.h"

namespace mystocks::services {
namespace {

constexpr std::string_view kTable = "api_keys";
constexpr size_t kMaxCachedKeys = 100000;

std::vector<ApiKeyInfo> keys_of(const RecordBatch& batch) {
  std::vector<ApiKeyInfo> keys;
  for (size_t row = 0; row < batch.num_rows(); ++row) {
    keys.push_back({.key_id = string_at(batch, "key_id", row),
                    .user_id = string_at(batch, "user_id", row),
                    .name = string_at(batch, "name", row),
                    .status = string_at(batch, "status", row),
                    .created_at = int64_at(batch, "created_at", row)});
  }
  return keys;
}

Status unknown_key() { return error(ErrorCode::kUnauthenticated, "unknown or revoked API key"); }

}  // namespace

ApiKeyService::ApiKeyService(DataManager& data, UserDirectory& users, const MasterKey& master_key,
                             const Clock& clock, int64_t cache_ttl_ms)
    : data_(data), users_(users), master_key_(master_key), clock_(clock), cache_ttl_ms_(cache_ttl_ms) {}

Result<NewApiKey> ApiKeyService::create(const std::string& user_id, std::string_view name) {
  const bool printable = std::all_of(name.begin(), name.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x20 && c != 0x7f;
  });
  if (name.empty() || name.size() > 64 || !printable) {
    return field_error(ErrorCode::kInvalidArgument, "name",
                       "an API key name must have 1-64 printable characters");
  }
  Result<std::vector<ApiKeyInfo>> existing = list(user_id);
  MYSTOCKS_RETURN_IF_ERROR(existing.status());
  const auto active = std::count_if(existing->begin(), existing->end(),
                                    [](const ApiKeyInfo& key) { return key.status == "active"; });
  if (static_cast<size_t>(active) >= kMaxKeysPerUser) {
    return error(ErrorCode::kResourceExhausted,
                 "a user may hold at most {} active API keys; revoke one first", kMaxKeysPerUser);
  }
  NewApiKey key{.info = {.key_id = "mk_" + random_token(12),
                         .user_id = user_id,
                         .name = std::string(name),
                         .status = "active",
                         .created_at = clock_.now_ms()},
                .secret = random_token(32)};
  Result<const storage::TableSchema*> table = data_.catalog().find(kTable);
  MYSTOCKS_RETURN_IF_ERROR(table.status());
  Result<RecordBatch> row = make_rows(
      **table, {"key_id", "user_id", "name", "secret", "status", "created_at"},
      {{key.info.key_id, user_id, key.info.name, encrypt_secret(master_key_, key.secret),
        std::string("active"), key.info.created_at}});
  MYSTOCKS_RETURN_IF_ERROR(row.status());
  MYSTOCKS_RETURN_IF_ERROR(data_.save(std::string(kTable), *row).status());
  return key;
}

Result<std::vector<ApiKeyInfo>> ApiKeyService::list(const std::string& user_id) {
  LoadQuery query;
  query.columns = {"key_id", "user_id", "name", "status", "created_at"};
  query.filters = {storage::eq("user_id", user_id)};
  query.order_by = {{"created_at", storage::SortOrder::kAscending}};
  Result<RecordBatch> rows = data_.load(std::string(kTable), query);
  MYSTOCKS_RETURN_IF_ERROR(rows.status());
  return keys_of(*rows);
}

Status ApiKeyService::revoke(const std::string& user_id, std::string_view key_id) {
  const std::string id(key_id);
  MYSTOCKS_RETURN_IF_ERROR(data_.transaction([&](storage::RelationalOps& ops) -> Status {
    storage::RelationalQuery query;
    query.filters = {storage::eq("key_id", id), storage::eq("user_id", user_id),
                     storage::eq("status", std::string("active"))};
    Result<RecordBatch> rows = ops.query(std::string(kTable), query);
    MYSTOCKS_RETURN_IF_ERROR(rows.status());
    if (rows->num_rows() == 0) {
      return field_error(ErrorCode::kNotFound, "key_id", "you have no active API key '{}'",
                         id.substr(0, 80));
    }
    Result<const storage::TableSchema*> table = data_.catalog().find(kTable);
    MYSTOCKS_RETURN_IF_ERROR(table.status());
    Result<RecordBatch> row = make_rows(
        **table, {"key_id", "user_id", "name", "secret", "status", "created_at", "revoked_at"},
        {{id, user_id, string_at(*rows, "name", 0), string_at(*rows, "secret", 0),
          std::string("revoked"), int64_at(*rows, "created_at", 0), clock_.now_ms()}});
    MYSTOCKS_RETURN_IF_ERROR(row.status());
    return ops.upsert(std::string(kTable), *row);
  }));
  std::lock_guard lock(mutex_);
  cache_.erase(id);
  return Status::ok();
}

Result<std::shared_ptr<const ApiKeyCredential>> ApiKeyService::load(const std::string& key_id) {
  LoadQuery query;
  query.filters = {storage::eq("key_id", key_id), storage::eq("status", std::string("active"))};
  Result<RecordBatch> rows = data_.load(std::string(kTable), query);
  MYSTOCKS_RETURN_IF_ERROR(rows.status());
  if (rows->num_rows() == 0) return unknown_key();
  Result<std::string> secret = decrypt_secret(master_key_, string_at(*rows, "secret", 0));
  if (!secret.is_ok()) {
    return error(ErrorCode::kUnauthenticated,
                 "API key '{}' cannot be used: its stored secret does not decrypt with master "
                 "key {}",
                 key_id, master_key_.id());
  }
  Result<std::optional<User>> owner = users_.find_by_id(string_at(*rows, "user_id", 0));
  MYSTOCKS_RETURN_IF_ERROR(owner.status());
  if (!owner->has_value() || !(*owner)->active()) {
    return error(ErrorCode::kUnauthenticated, "the owner of this API key is disabled");
  }
  return std::shared_ptr<const ApiKeyCredential>(
      new ApiKeyCredential{key_id, std::move(*secret), std::move(**owner)});
}

std::optional<Result<std::shared_ptr<const ApiKeyCredential>>> ApiKeyService::lookup(
    std::string_view key_id, bool may_block) {
  const int64_t now = clock_.now_ms();
  const std::string id(key_id);
  {
    std::lock_guard lock(mutex_);
    if (auto found = cache_.find(id); found != cache_.end() && now - found->second.loaded_ms < cache_ttl_ms_) {
      return Result<std::shared_ptr<const ApiKeyCredential>>(found->second.credential);
    }
  }
  if (!may_block) return std::nullopt;
  if (key_id.size() > 64) return Result<std::shared_ptr<const ApiKeyCredential>>(unknown_key());
  Result<std::shared_ptr<const ApiKeyCredential>> loaded = load(id);
  if (loaded.is_ok()) {
    std::lock_guard lock(mutex_);
    if (cache_.size() >= kMaxCachedKeys) cache_.clear();  // rare; the next requests reload
    cache_[id] = {*loaded, now};
  }
  return loaded;
}

}  // namespace mystocks::services
