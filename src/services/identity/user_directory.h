// UserDirectory: the accounts in the `users` table: create, change password, role or status,
// look up, list, and check a password at login (argon2id, core/password_hash.h), re-hashing a
// stored hash made with other cost parameters. Roles are the RBAC roles a user may hold
// (kRoles); the policy decides what each may do.
// Thread-safety: every method may be called from any thread (the DataManager serialises writes;
// read-modify-write runs in one transaction). Hashing is slow on purpose (~100 ms, 64 MiB):
// call login paths from the handler pool, never from an I/O thread.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/password_hash.h"
#include "core/status.h"
#include "services/data_manager.h"

namespace mystocks::services {

// The roles an account may hold, weakest first ("anonymous" is for callers without one).
inline constexpr std::array<std::string_view, 4> kRoles = {"viewer", "trader", "operator",
                                                           "admin"};
Status check_role(std::string_view role);

struct User {
  std::string user_id;
  std::string username;
  std::string role;
  std::string status;  // active | disabled | locked
  std::string password_hash;
  int64_t created_at = 0;
  int64_t last_login_at = 0;  // 0 = never
  bool active() const { return status == "active"; }
};

class UserDirectory {
 public:
  UserDirectory(DataManager& data, const Clock& clock, PasswordHashParams params);

  // kAlreadyExists when the username is taken; kInvalidArgument naming the field for a bad
  // username (3-64 of A-Z a-z 0-9 _ . @ -), password (8-1024 bytes) or role.
  Result<User> create(std::string_view username, std::string_view password, std::string_view role);
  Status set_password(std::string_view username, std::string_view password);
  Status set_role(std::string_view username, std::string_view role);
  Status set_status(std::string_view username, std::string_view status);  // active | disabled

  Result<std::optional<User>> find_by_name(std::string_view username);
  Result<std::optional<User>> find_by_id(std::string_view user_id);
  Result<std::vector<User>> list();

  // The user when `password` is right and the account active; nullopt otherwise (the caller
  // says "invalid username or password" either way, so nobody learns which names exist). A
  // correct password whose stored hash used other parameters is re-hashed.
  Result<std::optional<User>> check_login(std::string_view username, std::string_view password);

 private:
  Status write(const User& user);
  Result<User> require(std::string_view username);

  DataManager& data_;
  const Clock& clock_;
  const PasswordHashParams params_;
  std::string dummy_hash_;  // verified against for unknown names, so timing does not tell
};

}  // namespace mystocks::services
