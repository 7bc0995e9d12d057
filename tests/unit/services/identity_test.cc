// Users, login sessions (rotation, reuse detection, logout), API keys and login throttling
// against a real SQLite store on a manual clock.
#include <gtest/gtest.h>

#include "services/identity/login_throttle.h"
#include "unit/services/identity_fixture.h"

namespace mystocks::services::test {
namespace {

TEST_F(IdentityTest, CreatesUsersAndChecksPasswords) {
  const User alice = make_user("alice", "trader");
  EXPECT_EQ(alice.role, "trader");
  EXPECT_TRUE(alice.password_hash.starts_with("$argon2id$"));

  Result<User> again = users_->create("alice", "another password", "viewer");
  EXPECT_EQ(again.status().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(users_->create("x", "correct horse", "viewer").status().field(), "username");
  EXPECT_EQ(users_->create("bob", "short", "viewer").status().field(), "password");
  EXPECT_EQ(users_->create("bob", "correct horse", "root").status().field(), "role");

  Result<std::optional<User>> ok = users_->check_login("alice", "correct horse");
  ASSERT_TRUE(ok.is_ok());
  ASSERT_TRUE(ok->has_value());
  EXPECT_EQ((*ok)->user_id, alice.user_id);
  EXPECT_FALSE(users_->check_login("alice", "wrong horse")->has_value());
  EXPECT_FALSE(users_->check_login("nobody", "correct horse")->has_value());

  MYSTOCKS_ASSERT_OK(users_->set_status("alice", "disabled"));
  EXPECT_FALSE(users_->check_login("alice", "correct horse")->has_value());
}

TEST_F(IdentityTest, RehashesAtLoginWhenTheParametersChange) {
  make_user("carol", "viewer");
  UserDirectory stronger(*data_, clock_, {.ops_limit = 2, .mem_limit_bytes = 16 * 1024});
  const std::string before = (*users_->find_by_name("carol"))->password_hash;
  ASSERT_TRUE(stronger.check_login("carol", "correct horse")->has_value());
  const std::string after = (*users_->find_by_name("carol"))->password_hash;
  EXPECT_NE(before, after);
  EXPECT_FALSE(needs_rehash(after, {.ops_limit = 2, .mem_limit_bytes = 16 * 1024}));
  EXPECT_TRUE(stronger.check_login("carol", "correct horse")->has_value());
}

TEST_F(IdentityTest, AccessTokensCarryTheUserAndExpire) {
  const User dave = make_user("dave", "operator");
  Result<TokenPair> pair = sessions_->start(dave, "127.0.0.1");
  ASSERT_TRUE(pair.is_ok()) << pair.status().to_string();
  Result<gateway::Principal> who =
      sessions_->verify_access(pair->access_token, gateway::AuthMethod::kBearer);
  ASSERT_TRUE(who.is_ok()) << who.status().to_string();
  EXPECT_EQ(who->subject, dave.user_id);
  EXPECT_EQ(who->username, "dave");
  EXPECT_EQ(who->roles, std::vector<std::string>{"operator"});
  EXPECT_EQ(who->session_id, pair->session_id);

  clock_.advance_ms((900 + 31) * 1000);
  EXPECT_EQ(sessions_->verify_access(pair->access_token, gateway::AuthMethod::kBearer).status().message(),
            "token expired");
}

TEST_F(IdentityTest, RefreshRotatesAndReuseRevokesTheWholeSession) {
  const User erin = make_user("erin", "viewer");
  TokenPair first = *sessions_->start(erin, "127.0.0.1");
  Result<TokenPair> second = sessions_->refresh(first.refresh_token, "127.0.0.1");
  ASSERT_TRUE(second.is_ok()) << second.status().to_string();
  EXPECT_NE(second->refresh_token, first.refresh_token);
  EXPECT_EQ(second->session_id, first.session_id);

  // The rotated token again: a copy is in someone else's hands.
  Result<TokenPair> replay = sessions_->refresh(first.refresh_token, "10.0.0.9");
  EXPECT_EQ(replay.status().code(), ErrorCode::kUnauthenticated);
  EXPECT_NE(replay.status().message().find("already used"), std::string::npos);
  // ... so the newest token and the session's access tokens stop working too.
  EXPECT_EQ(sessions_->refresh(second->refresh_token, "127.0.0.1").status().code(),
            ErrorCode::kUnauthenticated);
  EXPECT_EQ(sessions_->verify_access(second->access_token, gateway::AuthMethod::kBearer).status().message(),
            "the session was logged out");
}

TEST_F(IdentityTest, LogoutAndExpiryEndTheSession) {
  const User fay = make_user("fay", "viewer");
  TokenPair pair = *sessions_->start(fay, "127.0.0.1");
  MYSTOCKS_ASSERT_OK(sessions_->revoke(pair.session_id));
  EXPECT_FALSE(sessions_->verify_access(pair.access_token, gateway::AuthMethod::kBearer).is_ok());
  EXPECT_FALSE(sessions_->refresh(pair.refresh_token, "127.0.0.1").is_ok());

  TokenPair later = *sessions_->start(fay, "127.0.0.1");
  clock_.advance_ms(8LL * 24 * 3600 * 1000);
  EXPECT_NE(sessions_->refresh(later.refresh_token, "127.0.0.1").status().message().find("expired"),
            std::string::npos);
  EXPECT_FALSE(sessions_->refresh("not-a-token", "127.0.0.1").is_ok());
}

TEST_F(IdentityTest, RefreshRefusesDisabledUsersAndPicksUpNewRoles) {
  const User gus = make_user("gus", "viewer");
  TokenPair pair = *sessions_->start(gus, "127.0.0.1");
  MYSTOCKS_ASSERT_OK(users_->set_role("gus", "trader"));
  Result<TokenPair> promoted = sessions_->refresh(pair.refresh_token, "127.0.0.1");
  ASSERT_TRUE(promoted.is_ok());
  EXPECT_EQ(sessions_->verify_access(promoted->access_token, gateway::AuthMethod::kBearer)->roles,
            std::vector<std::string>{"trader"});
  MYSTOCKS_ASSERT_OK(users_->set_status("gus", "disabled"));
  EXPECT_EQ(sessions_->refresh(promoted->refresh_token, "127.0.0.1").status().code(),
            ErrorCode::kUnauthenticated);
}

TEST_F(IdentityTest, ApiKeysAreOwnedStoredEncryptedAndRevocable) {
  const User hal = make_user("hal", "trader");
  const User ida = make_user("ida", "viewer");
  Result<NewApiKey> key = api_keys_->create(hal.user_id, "backtester");
  ASSERT_TRUE(key.is_ok()) << key.status().to_string();
  EXPECT_GE(key->secret.size(), 40u);

  // Stored encrypted, never in clear.
  LoadQuery query;
  query.filters = {storage::eq("key_id", key->info.key_id)};
  RecordBatch row = *data_->load("api_keys", query);
  const std::string stored = row.column("secret")->as<std::string>()[0];
  EXPECT_TRUE(stored.starts_with("enc:v1:"));
  EXPECT_EQ(stored.find(key->secret), std::string::npos);

  // Not cached yet: the I/O thread may not read the store.
  EXPECT_FALSE(api_keys_->lookup(key->info.key_id, /*may_block=*/false).has_value());
  auto found = api_keys_->lookup(key->info.key_id, /*may_block=*/true);
  ASSERT_TRUE(found && found->is_ok());
  EXPECT_EQ((**found)->secret, key->secret);
  EXPECT_EQ((**found)->owner.username, "hal");
  EXPECT_TRUE(api_keys_->lookup(key->info.key_id, false).has_value());

  EXPECT_EQ(api_keys_->revoke(ida.user_id, key->info.key_id).code(), ErrorCode::kNotFound);
  MYSTOCKS_ASSERT_OK(api_keys_->revoke(hal.user_id, key->info.key_id));
  auto gone = api_keys_->lookup(key->info.key_id, true);
  ASSERT_TRUE(gone.has_value());
  EXPECT_EQ(gone->status().code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ((*api_keys_->list(hal.user_id))[0].status, "revoked");
  EXPECT_TRUE(api_keys_->list(ida.user_id)->empty());
}

TEST_F(IdentityTest, LoginThrottleDelaysThenLocksPerUserAndAddress) {
  LoginThrottle throttle({.free_failures = 2, .lock_failures = 5, .lock_ms = 60000}, clock_, metrics_);
  int64_t wait = 0;
  for (int attempt = 0; attempt < 2; ++attempt) {
    MYSTOCKS_ASSERT_OK(throttle.check("jo", "10.0.0.1", &wait));
    throttle.record_failure("jo", "10.0.0.1");
  }
  MYSTOCKS_ASSERT_OK(throttle.check("jo", "10.0.0.1", &wait));
  throttle.record_failure("jo", "10.0.0.1");  // third: 1 s
  EXPECT_EQ(throttle.check("jo", "10.0.0.1", &wait).code(), ErrorCode::kRateLimited);
  EXPECT_EQ(wait, 1);
  EXPECT_EQ(throttle.check("jo", "10.0.0.2", &wait).code(), ErrorCode::kRateLimited);  // the name
  EXPECT_EQ(throttle.check("kim", "10.0.0.1", &wait).code(), ErrorCode::kRateLimited);  // the address
  clock_.advance_ms(1000);
  throttle.record_failure("jo", "10.0.0.1");  // fourth: 2 s
  EXPECT_EQ(throttle.check("jo", "10.0.0.3", &wait).code(), ErrorCode::kRateLimited);
  EXPECT_EQ(wait, 2);
  clock_.advance_ms(2000);
  throttle.record_failure("jo", "10.0.0.1");  // fifth: locked for a minute
  EXPECT_EQ(throttle.check("jo", "10.0.0.3", &wait).code(), ErrorCode::kRateLimited);
  EXPECT_EQ(wait, 60);
  throttle.record_success("jo");
  MYSTOCKS_ASSERT_OK(throttle.check("jo", "10.0.0.3", &wait));
  EXPECT_EQ(throttle.check("jo", "10.0.0.1", &wait).code(), ErrorCode::kRateLimited);
}

}  // namespace
}  // namespace mystocks::services::test
