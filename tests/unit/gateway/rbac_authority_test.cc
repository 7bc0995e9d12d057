// RbacAuthority: reload swaps in new files, keeps the old policy when they fail to parse, and
// readers keep answering (from a consistent snapshot) while reloads run.
#include "gateway/rbac_authority.h"

#include <atomic>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "support/assert_status.h"
#include "support/temp_dir.h"

namespace mystocks::gateway {
namespace {

constexpr std::string_view kModel =
    "[request_definition]\nr = sub, obj, act\n[policy_definition]\np = sub, obj, act, eft\n"
    "[role_definition]\ng = _, _\n[policy_effect]\n"
    "e = some(where (p.eft == allow)) && !some(where (p.eft == deny))\n[matchers]\n"
    "m = g(r.sub, p.sub) && keyMatch(r.obj, p.obj) && r.act == p.act\n";

class RbacAuthorityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<test::TempDir> dir = test::TempDir::create("rbac_authority_");
    ASSERT_TRUE(dir.is_ok()) << dir.status().to_string();
    dir_.emplace(std::move(*dir));
    write("model.conf", kModel);
    write("policy.csv", "g, alice, reader\np, reader, market, read, allow\n");
  }

  void write(const std::string& name, std::string_view text) {
    std::ofstream out(path(name), std::ios::binary | std::ios::trunc);
    out << text;
    ASSERT_TRUE(out.good()) << path(name);
  }
  std::string path(const std::string& name) const { return (dir_->path() / name).string(); }

  std::optional<test::TempDir> dir_;
};

TEST_F(RbacAuthorityTest, ReloadKeepsTheOldPolicyOnError) {
  auto authority = RbacAuthority::open(path("model.conf"), path("policy.csv"));
  ASSERT_TRUE(authority.is_ok()) << authority.status().to_string();
  RbacAuthority& rbac = **authority;
  EXPECT_EQ(rbac.generation(), 1u);
  EXPECT_TRUE(rbac.enforce("alice", "market", "read"));
  EXPECT_FALSE(rbac.enforce("alice", "orders", "write"));

  // A broken model: the error names the file and line, the old policy stays in force.
  write("model.conf", std::string(kModel) + "[matchers]\nm = r.sub == p.sub\n");
  write("policy.csv", "g, alice, reader\np, reader, orders, write, allow\n");
  const Status broken_model = rbac.reload();
  ASSERT_FALSE(broken_model.is_ok());
  EXPECT_EQ(broken_model.code(), ErrorCode::kInvalidConfig);
  EXPECT_NE(broken_model.message().find(path("model.conf") + ":12: a second 'm'"),
            std::string::npos)
      << broken_model.message();
  EXPECT_EQ(rbac.generation(), 1u);
  EXPECT_TRUE(rbac.enforce("alice", "market", "read"));
  EXPECT_FALSE(rbac.enforce("alice", "orders", "write"));

  // A broken policy: the same.
  write("model.conf", kModel);
  write("policy.csv", "g, alice, reader\np, reader, orders, write, perhaps\n");
  const Status broken_policy = rbac.reload();
  ASSERT_FALSE(broken_policy.is_ok());
  EXPECT_NE(broken_policy.message().find(path("policy.csv") + ":2: unknown eft 'perhaps'"),
            std::string::npos)
      << broken_policy.message();
  EXPECT_TRUE(rbac.enforce("alice", "market", "read"));

  // Missing files: the same.
  std::filesystem::remove(path("policy.csv"));
  EXPECT_FALSE(rbac.reload().is_ok());
  EXPECT_TRUE(rbac.enforce("alice", "market", "read"));

  // Fixed: the new policy replaces the old; a snapshot taken before keeps answering as before.
  const std::shared_ptr<const RbacEnforcer> before = rbac.current();
  write("policy.csv", "g, alice, reader\np, reader, orders, write, allow\n");
  MYSTOCKS_ASSERT_OK(rbac.reload());
  EXPECT_EQ(rbac.generation(), 2u);
  EXPECT_TRUE(rbac.enforce("alice", "orders", "write"));
  EXPECT_FALSE(rbac.enforce("alice", "market", "read"));
  EXPECT_TRUE(before->enforce("alice", "market", "read"));
}

TEST_F(RbacAuthorityTest, OpenFailsOnABadFile) {
  write("policy.csv", "p, reader, market\n");
  auto authority = RbacAuthority::open(path("model.conf"), path("policy.csv"));
  ASSERT_FALSE(authority.is_ok());
  EXPECT_NE(authority.status().message().find(path("policy.csv") + ":1: 'p' line has 2 values"),
            std::string::npos)
      << authority.status().message();
  EXPECT_FALSE(RbacAuthority::open(path("missing.conf"), path("policy.csv")).is_ok());
}

// Each thread caches the enforcer in force; two authorities used alternately on one thread must
// still each answer from their own files.
TEST_F(RbacAuthorityTest, TwoAuthoritiesOnOneThreadKeepTheirOwnPolicies) {
  write("other.csv", "g, alice, reader\np, reader, orders, write, allow\n");
  auto first = RbacAuthority::open(path("model.conf"), path("policy.csv"));
  auto second = RbacAuthority::open(path("model.conf"), path("other.csv"));
  ASSERT_TRUE(first.is_ok() && second.is_ok());
  for (int round = 0; round < 3; ++round) {
    EXPECT_TRUE((*first)->enforce("alice", "market", "read"));
    EXPECT_FALSE((*second)->enforce("alice", "market", "read"));
    EXPECT_FALSE((*first)->enforce("alice", "orders", "write"));
    EXPECT_TRUE((*second)->enforce("alice", "orders", "write"));
  }
}

// Readers on other threads always see one whole policy: A (alice reads market) or B (alice
// writes orders), never both or neither, while reloads alternate between them.
TEST_F(RbacAuthorityTest, ReadersSeeWholePoliciesDuringReloads) {
  auto authority = RbacAuthority::open(path("model.conf"), path("policy.csv"));
  ASSERT_TRUE(authority.is_ok()) << authority.status().to_string();
  RbacAuthority& rbac = **authority;
  std::atomic<bool> done{false};
  std::atomic<int> torn{0};
  std::atomic<int> checks{0};
  std::vector<std::thread> readers;
  for (int reader = 0; reader < 2; ++reader) {
    readers.emplace_back([&] {
      // At least a few checks each, however fast the reloads finish.
      for (int round = 0; round < 200 || !done.load(); ++round) {
        const std::shared_ptr<const RbacEnforcer> snapshot = rbac.current();
        const bool a = snapshot->enforce("alice", "market", "read");
        const bool b = snapshot->enforce("alice", "orders", "write");
        if (a == b) torn.fetch_add(1);
        checks.fetch_add(1);
      }
    });
  }
  for (int reload = 0; reload < 30; ++reload) {
    write("policy.csv", reload % 2 == 0 ? "g, alice, r\np, r, orders, write, allow\n"
                                        : "g, alice, r\np, r, market, read, allow\n");
    MYSTOCKS_EXPECT_OK(rbac.reload());
  }
  done.store(true);
  for (std::thread& reader : readers) reader.join();
  EXPECT_EQ(torn.load(), 0);
  EXPECT_GE(checks.load(), 400);
  EXPECT_EQ(rbac.generation(), 31u);
}

}  // namespace
}  // namespace mystocks::gateway
