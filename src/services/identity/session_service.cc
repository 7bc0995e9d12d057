#include "services/identity/session_service.h"

#include <optional>

#include <spdlog/spdlog.h>

#include "core/random_token.h"
#include "gateway/hmac_sha256.h"
#include "services/table_rows.h"

namespace mystocks::services {
namespace {

constexpr std::string_view kTable = "auth_sessions";

std::string token_hash(std::string_view token) { return gateway::to_hex(gateway::sha256(token)); }

Status refused(std::string_view reason) {
  return error(ErrorCode::kUnauthenticated, "refresh token refused: {}", reason);
}

}  // namespace

SessionService::SessionService(DataManager& data, UserDirectory& users,
                               const gateway::JwtKeyring& keys, const Clock& clock,
                               SessionOptions options)
    : data_(data), users_(users), keys_(keys), clock_(clock), options_(options) {
  // Sessions revoked shortly before a restart may still have live access tokens out there.
  LoadQuery query;
  query.columns = {"family_id", "rotated_at"};
  query.filters = {storage::eq("status", std::string("revoked")),
                   storage::cmp("rotated_at", storage::FilterOp::kGe,
                                clock_.now_ms() - options_.access_ttl_seconds * 1000)};
  if (Result<RecordBatch> rows = data_.load(std::string(kTable), query); rows.is_ok()) {
    for (size_t row = 0; row < rows->num_rows(); ++row)
      remember_revoked(string_at(*rows, "family_id", row));
  } else {
    spdlog::warn("sessions: cannot read recent revocations: {}", rows.status().message());
  }
}

Result<TokenPair> SessionService::start(const User& user, std::string_view client_address) {
  return issue(user, random_token(16), client_address);
}

Result<TokenPair> SessionService::issue(const User& user, const std::string& session_id,
                                        std::string_view client_address) {
  const int64_t now_ms = clock_.now_ms();
  const int64_t now_s = now_ms / 1000;
  gateway::JwtClaims claims{.sub = user.user_id,
                            .roles = {user.role},
                            .iat = now_s,
                            .exp = now_s + options_.access_ttl_seconds,
                            .jti = random_token(16),
                            .sid = session_id,
                            .name = user.username};
  TokenPair pair{.access_token = keys_.sign(claims),
                 .access_expires_at_ms = claims.exp * 1000,
                 .refresh_token = random_token(32),
                 .refresh_expires_at_ms = now_ms + options_.refresh_ttl_seconds * 1000,
                 .session_id = session_id,
                 .user = user};
  Result<const storage::TableSchema*> table = data_.catalog().find(kTable);
  MYSTOCKS_RETURN_IF_ERROR(table.status());
  Result<RecordBatch> row = make_rows(
      **table,
      {"token_hash", "family_id", "user_id", "status", "client_address", "created_at",
       "expires_at"},
      {{token_hash(pair.refresh_token), session_id, user.user_id, std::string("active"),
        std::string(client_address), now_ms, pair.refresh_expires_at_ms}});
  MYSTOCKS_RETURN_IF_ERROR(row.status());
  MYSTOCKS_RETURN_IF_ERROR(data_.save(std::string(kTable), *row).status());
  return pair;
}

Status SessionService::revoke_family(storage::RelationalOps& ops, const std::string& family_id) {
  storage::RelationalQuery query;
  query.filters = {storage::eq("family_id", family_id)};
  Result<RecordBatch> rows = ops.query(std::string(kTable), query);
  MYSTOCKS_RETURN_IF_ERROR(rows.status());
  if (rows->num_rows() == 0) return Status::ok();
  // Rewrite each row with status revoked; rotated_at records when.
  const RecordBatch& batch = *rows;
  Result<const storage::TableSchema*> table = data_.catalog().find(kTable);
  MYSTOCKS_RETURN_IF_ERROR(table.status());
  std::vector<std::vector<Cell>> updated;
  for (size_t row = 0; row < batch.num_rows(); ++row) {
    updated.push_back({string_at(batch, "token_hash", row), family_id,
                       string_at(batch, "user_id", row), std::string("revoked"),
                       int64_at(batch, "created_at", row), int64_at(batch, "expires_at", row),
                       clock_.now_ms()});
  }
  Result<RecordBatch> rewrite = make_rows(
      **table,
      {"token_hash", "family_id", "user_id", "status", "created_at", "expires_at", "rotated_at"},
      updated);
  MYSTOCKS_RETURN_IF_ERROR(rewrite.status());
  return ops.upsert(std::string(kTable), *rewrite);
}

Result<TokenPair> SessionService::refresh(std::string_view refresh_token,
                                          std::string_view client_address) {
  if (refresh_token.empty() || refresh_token.size() > 256) return refused("malformed token");
  const std::string hash = token_hash(refresh_token);
  const int64_t now = clock_.now_ms();
  std::string family;
  std::string user_id;
  bool reused = false;
  Status rotated = data_.transaction([&](storage::RelationalOps& ops) -> Status {
    storage::RelationalQuery query;
    query.filters = {storage::eq("token_hash", hash)};
    Result<RecordBatch> rows = ops.query(std::string(kTable), query);
    MYSTOCKS_RETURN_IF_ERROR(rows.status());
    if (rows->num_rows() == 0) return refused("unknown token");
    family = string_at(*rows, "family_id", 0);
    user_id = string_at(*rows, "user_id", 0);
    const std::string& status = string_at(*rows, "status", 0);
    if (status == "rotated") {
      reused = true;
      return revoke_family(ops, family);  // commit the revocation, then refuse
    }
    if (status != "active") return refused("the session was revoked");
    if (int64_at(*rows, "expires_at", 0) <= now) return refused("token expired");
    Result<const storage::TableSchema*> table = data_.catalog().find(kTable);
    MYSTOCKS_RETURN_IF_ERROR(table.status());
    Result<RecordBatch> row = make_rows(
        **table,
        {"token_hash", "family_id", "user_id", "status", "created_at", "expires_at", "rotated_at"},
        {{hash, family, user_id, std::string("rotated"), int64_at(*rows, "created_at", 0),
          int64_at(*rows, "expires_at", 0), now}});
    MYSTOCKS_RETURN_IF_ERROR(row.status());
    return ops.upsert(std::string(kTable), *row);
  });
  MYSTOCKS_RETURN_IF_ERROR(rotated);
  if (reused) {
    remember_revoked(family);
    spdlog::warn(
        "sessions: a rotated refresh token of user {} was presented again; session {} revoked",
        user_id, family);
    return refused("token already used; the session is revoked, log in again");
  }
  Result<std::optional<User>> user = users_.find_by_id(user_id);
  MYSTOCKS_RETURN_IF_ERROR(user.status());
  if (!user->has_value() || !(*user)->active()) return refused("the user is disabled");
  return issue(**user, family, client_address);
}

Status SessionService::revoke(std::string_view session_id) {
  const std::string family(session_id);
  MYSTOCKS_RETURN_IF_ERROR(
      data_.transaction([&](storage::RelationalOps& ops) { return revoke_family(ops, family); }));
  remember_revoked(family);
  return Status::ok();
}

void SessionService::remember_revoked(const std::string& session_id) {
  const int64_t now = clock_.now_ms();
  const int64_t forget_after = now + (options_.access_ttl_seconds + options_.skew_seconds) * 1000;
  std::lock_guard lock(revoked_mutex_);
  // Bounded by the sessions revoked within one access-token lifetime.
  std::erase_if(revoked_, [now](const auto& entry) { return entry.second < now; });
  revoked_[session_id] = forget_after;
}

bool SessionService::is_revoked(const std::string& session_id) const {
  std::lock_guard lock(revoked_mutex_);
  return revoked_.contains(session_id);
}

Result<gateway::Principal> SessionService::verify_access(std::string_view token,
                                                         gateway::AuthMethod method) const {
  const int64_t now = clock_.now_ms();
  VerifiedShard& shard = verified_[TokenHash{}(token) % kVerifiedShards];
  std::optional<gateway::Principal> known;
  {
    std::lock_guard lock(shard.mutex);
    if (auto found = shard.tokens.find(token); found != shard.tokens.end()) {
      if (found->second.valid_until_ms >= now) {
        known = found->second.principal;
      } else {
        shard.tokens.erase(found);
      }
    }
  }
  if (!known) {
    Result<gateway::Principal> verified = verify_uncached(token);
    if (!verified.is_ok()) return verified;
    known = std::move(*verified);
    std::lock_guard lock(shard.mutex);
    // Full of live tokens (a flood of logins): start over rather than grow; they verify again.
    if (shard.tokens.size() >= kVerifiedPerShard) shard.tokens.clear();
    shard.tokens.emplace(
        std::string(token),
        VerifiedToken{*known, known->expires_at_ms + options_.skew_seconds * 1000});
  }
  // Checked on every use, cached or not: logout must take effect at once.
  if (!known->session_id.empty() && is_revoked(known->session_id)) {
    return error(ErrorCode::kUnauthenticated, "the session was logged out");
  }
  known->method = method;
  return std::move(*known);
}

Result<gateway::Principal> SessionService::verify_uncached(std::string_view token) const {
  Result<gateway::JwtClaims> claims =
      keys_.verify(token, clock_.now_ms() / 1000, options_.skew_seconds);
  MYSTOCKS_RETURN_IF_ERROR(claims.status());
  if (claims->typ != "access") {
    return error(ErrorCode::kUnauthenticated, "token of type '{}' is not an access token",
                 claims->typ.substr(0, 32));
  }
  if (claims->sub.empty() || claims->roles.empty()) {
    return error(ErrorCode::kUnauthenticated, "malformed token: no subject or roles");
  }
  gateway::Principal principal;
  principal.subject = std::move(claims->sub);
  principal.username = std::move(claims->name);
  principal.roles = std::move(claims->roles);
  principal.session_id = std::move(claims->sid);
  principal.expires_at_ms = claims->exp * 1000;
  return principal;
}

}  // namespace mystocks::services
