#include "services/identity/user_directory.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "services/table_rows.h"

namespace mystocks::services {
namespace {

constexpr std::string_view kTable = "users";

bool valid_username(std::string_view name) {
  return name.size() >= 3 && name.size() <= 64 &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.' ||
                  c == '@' || c == '-';
         });
}

Status check_username(std::string_view name) {
  if (valid_username(name)) return Status::ok();
  return field_error(ErrorCode::kInvalidArgument, "username",
                     "username '{}' is not valid: expected 3-64 characters of A-Z a-z 0-9 _ . @ -",
                     name.substr(0, 80));
}

Status check_password(std::string_view password) {
  if (password.size() >= 8 && password.size() <= 1024) return Status::ok();
  return field_error(ErrorCode::kInvalidArgument, "password",
                     "the password must have 8 to 1024 bytes (it has {})", password.size());
}

int64_t timestamp_or_zero(const RecordBatch& batch, std::string_view column, size_t row) {
  const Column* values = batch.column(column);
  return values->is_null(row) ? 0 : values->as<int64_t>()[row];
}

std::vector<User> users_of(const RecordBatch& batch) {
  std::vector<User> users;
  users.reserve(batch.num_rows());
  for (size_t row = 0; row < batch.num_rows(); ++row) {
    users.push_back({.user_id = string_at(batch, "user_id", row),
                     .username = string_at(batch, "username", row),
                     .role = string_at(batch, "role", row),
                     .status = string_at(batch, "status", row),
                     .password_hash = string_at(batch, "password_hash", row),
                     .created_at = int64_at(batch, "created_at", row),
                     .last_login_at = timestamp_or_zero(batch, "last_login_at", row)});
  }
  return users;
}

}  // namespace

Status check_role(std::string_view role) {
  if (std::find(kRoles.begin(), kRoles.end(), role) != kRoles.end()) return Status::ok();
  return field_error(ErrorCode::kInvalidArgument, "role",
                     "role '{}' is not known: expected one of {}", role.substr(0, 80),
                     fmt::join(kRoles, ", "));
}

UserDirectory::UserDirectory(DataManager& data, const Clock& clock, PasswordHashParams params)
    : data_(data), clock_(clock), params_(params) {
  Result<std::string> dummy = hash_password("not-a-real-password", params_);
  if (dummy.is_ok()) dummy_hash_ = std::move(*dummy);
}

Status UserDirectory::write(const User& user) {
  Result<const storage::TableSchema*> table = data_.catalog().find(kTable);
  MYSTOCKS_RETURN_IF_ERROR(table.status());
  const int64_t now = clock_.now_ms();
  Result<RecordBatch> rows = make_rows(
      **table,
      {"user_id", "username", "password_hash", "role", "status", "failed_logins", "last_login_at",
       "password_changed_at", "created_at", "updated_at"},
      {{user.user_id, user.username, user.password_hash, user.role, user.status, int64_t{0},
        user.last_login_at > 0 ? Cell(user.last_login_at) : Cell(std::monostate{}), now,
        user.created_at > 0 ? user.created_at : now, now}});
  MYSTOCKS_RETURN_IF_ERROR(rows.status());
  return data_.save(std::string(kTable), *rows).status();
}

Result<User> UserDirectory::create(std::string_view username, std::string_view password,
                                   std::string_view role) {
  MYSTOCKS_RETURN_IF_ERROR(check_username(username));
  MYSTOCKS_RETURN_IF_ERROR(check_password(password));
  MYSTOCKS_RETURN_IF_ERROR(check_role(role));
  Result<std::optional<User>> existing = find_by_name(username);
  MYSTOCKS_RETURN_IF_ERROR(existing.status());
  if (existing->has_value()) {
    return field_error(ErrorCode::kAlreadyExists, "username", "user '{}' already exists", username);
  }
  Result<std::string> hash = hash_password(password, params_);
  MYSTOCKS_RETURN_IF_ERROR(hash.status());
  User user{.user_id = new_id("u", clock_),
            .username = std::string(username),
            .role = std::string(role),
            .status = "active",
            .password_hash = std::move(*hash),
            .created_at = clock_.now_ms()};
  MYSTOCKS_RETURN_IF_ERROR(write(user));
  return user;
}

Result<User> UserDirectory::require(std::string_view username) {
  Result<std::optional<User>> user = find_by_name(username);
  MYSTOCKS_RETURN_IF_ERROR(user.status());
  if (!user->has_value()) {
    return field_error(ErrorCode::kNotFound, "username", "no user named '{}'", username.substr(0, 80));
  }
  return std::move(**user);
}

Status UserDirectory::set_password(std::string_view username, std::string_view password) {
  MYSTOCKS_RETURN_IF_ERROR(check_password(password));
  Result<User> user = require(username);
  MYSTOCKS_RETURN_IF_ERROR(user.status());
  Result<std::string> hash = hash_password(password, params_);
  MYSTOCKS_RETURN_IF_ERROR(hash.status());
  user->password_hash = std::move(*hash);
  return write(*user);
}

Status UserDirectory::set_role(std::string_view username, std::string_view role) {
  MYSTOCKS_RETURN_IF_ERROR(check_role(role));
  Result<User> user = require(username);
  MYSTOCKS_RETURN_IF_ERROR(user.status());
  user->role = std::string(role);
  return write(*user);
}

Status UserDirectory::set_status(std::string_view username, std::string_view status) {
  if (status != "active" && status != "disabled") {
    return field_error(ErrorCode::kInvalidArgument, "status",
                       "status '{}' is not valid: expected active or disabled", status.substr(0, 80));
  }
  Result<User> user = require(username);
  MYSTOCKS_RETURN_IF_ERROR(user.status());
  user->status = std::string(status);
  return write(*user);
}

Result<std::optional<User>> UserDirectory::find_by_name(std::string_view username) {
  LoadQuery query;
  query.filters = {storage::eq("username", std::string(username))};
  Result<RecordBatch> rows = data_.load(std::string(kTable), query);
  MYSTOCKS_RETURN_IF_ERROR(rows.status());
  std::vector<User> users = users_of(*rows);
  if (users.empty()) return std::optional<User>();
  return std::optional<User>(std::move(users.front()));
}

Result<std::optional<User>> UserDirectory::find_by_id(std::string_view user_id) {
  LoadQuery query;
  query.filters = {storage::eq("user_id", std::string(user_id))};
  Result<RecordBatch> rows = data_.load(std::string(kTable), query);
  MYSTOCKS_RETURN_IF_ERROR(rows.status());
  std::vector<User> users = users_of(*rows);
  if (users.empty()) return std::optional<User>();
  return std::optional<User>(std::move(users.front()));
}

Result<std::vector<User>> UserDirectory::list() {
  LoadQuery query;
  query.order_by = {{"username", storage::SortOrder::kAscending}};
  Result<RecordBatch> rows = data_.load(std::string(kTable), query);
  MYSTOCKS_RETURN_IF_ERROR(rows.status());
  return users_of(*rows);
}

Result<std::optional<User>> UserDirectory::check_login(std::string_view username,
                                                       std::string_view password) {
  Result<std::optional<User>> found =
      valid_username(username) ? find_by_name(username) : std::optional<User>();
  MYSTOCKS_RETURN_IF_ERROR(found.status());
  if (!found->has_value()) {
    (void)verify_password(dummy_hash_, password);  // same cost as a real check
    return std::optional<User>();
  }
  User& user = **found;
  if (!verify_password(user.password_hash, password) || !user.active()) {
    return std::optional<User>();
  }
  user.last_login_at = clock_.now_ms();
  if (needs_rehash(user.password_hash, params_)) {
    Result<std::string> hash = hash_password(password, params_);
    if (hash.is_ok()) user.password_hash = std::move(*hash);
  }
  MYSTOCKS_RETURN_IF_ERROR(write(user));
  return std::move(*found);
}

}  // namespace mystocks::services
