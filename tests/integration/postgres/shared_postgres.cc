#include "integration/postgres/shared_postgres.h"

#include <atomic>
#include <memory>

#include <gtest/gtest.h>

namespace mystocks::storage::test {
namespace {

std::unique_ptr<mystocks::test::PostgresServer>& server_slot() {
  static std::unique_ptr<mystocks::test::PostgresServer> server;
  return server;
}

Status& start_status() {
  static Status status(ErrorCode::kFailedPrecondition, "the shared PostgreSQL was not started");
  return status;
}

class SharedPostgresEnvironment final : public ::testing::Environment {
 public:
  void SetUp() override {
    server_slot() = std::make_unique<mystocks::test::PostgresServer>();
    start_status() = server_slot()->start();
  }
  void TearDown() override { server_slot().reset(); }  // stops it and removes its directory
};

[[maybe_unused]] ::testing::Environment* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new SharedPostgresEnvironment);

}  // namespace

mystocks::test::PostgresServer& shared_postgres() { return *server_slot(); }

const Status& shared_postgres_status() { return start_status(); }

Result<std::string> fresh_postgres_database(const std::string& prefix) {
  MYSTOCKS_RETURN_IF_ERROR(start_status());
  static std::atomic<int> counter{0};
  const std::string name = fmt::format("{}_{}", prefix, counter++);
  MYSTOCKS_RETURN_IF_ERROR(shared_postgres().create_database(name));
  return shared_postgres().connection_string(name);
}

double metric(const MetricsRegistry& registry, const std::string& line_prefix) {
  const std::string text = registry.expose();
  const size_t at = text.find("\n" + line_prefix + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + line_prefix.size() + 2));
}

}  // namespace mystocks::storage::test
