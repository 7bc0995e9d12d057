// Proves the integration-test harness against the real servers: a PostgreSQL cluster (databases,
// rows through libpq, restart, crash and recovery), a primary + streaming replica pair, and a
// Redis server (SET/GET, PUBLISH/SUBSCRIBE, restart, kill), each leaving no process or directory.
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>
#include <libpq-fe.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "support/assert_status.h"
#include "support/child_process.h"
#include "support/postgres_server.h"
#include "support/redis_server.h"

namespace mystocks::test {
namespace {

// Runs one statement on a fresh connection and returns its single value.
std::string scalar(const PostgresServer& server, const std::string& dbname,
                   const std::string& sql) {
  Result<PgConnection> connection = server.connect(dbname);
  if (!connection.is_ok()) return "<" + connection.status().to_string() + ">";
  Result<std::string> value = connection->query_scalar(sql);
  return value.is_ok() ? *value : "<" + value.status().to_string() + ">";
}

Status execute(const PostgresServer& server, const std::string& dbname, const std::string& sql) {
  Result<PgConnection> connection = server.connect(dbname);
  if (!connection.is_ok()) return connection.status();
  return connection->execute(sql);
}

TEST(PostgresServerTest, CreatesDatabaseAndRoundTripsRowsThroughLibpq) {
  PostgresServer server;
  MYSTOCKS_ASSERT_OK(server.start());
  EXPECT_TRUE(server.is_running());
  EXPECT_GT(server.port(), 0);
  EXPECT_EQ(server.host(), "127.0.0.1");
  MYSTOCKS_ASSERT_OK(server.create_database("market data"));  // a name that needs quoting

  std::unique_ptr<PGconn, decltype(&PQfinish)> conn(
      PQconnectdb(server.connection_string("market data").c_str()), &PQfinish);
  ASSERT_EQ(PQstatus(conn.get()), CONNECTION_OK) << PQerrorMessage(conn.get());
  using ResultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;
  ResultPtr created(
      PQexec(conn.get(), "CREATE TABLE bars (symbol text PRIMARY KEY, close numeric NOT NULL)"),
      &PQclear);
  ASSERT_EQ(PQresultStatus(created.get()), PGRES_COMMAND_OK) << PQerrorMessage(conn.get());

  const char* insert_params[] = {"AAPL", "189.25"};
  ResultPtr inserted(PQexecParams(conn.get(), "INSERT INTO bars VALUES ($1, $2)", 2, nullptr,
                                  insert_params, nullptr, nullptr, 0),
                     &PQclear);
  ASSERT_EQ(PQresultStatus(inserted.get()), PGRES_COMMAND_OK) << PQerrorMessage(conn.get());

  const char* select_params[] = {"AAPL"};
  ResultPtr selected(PQexecParams(conn.get(), "SELECT close FROM bars WHERE symbol = $1", 1,
                                  nullptr, select_params, nullptr, nullptr, 0),
                     &PQclear);
  ASSERT_EQ(PQresultStatus(selected.get()), PGRES_TUPLES_OK) << PQerrorMessage(conn.get());
  ASSERT_EQ(PQntuples(selected.get()), 1);
  EXPECT_STREQ(PQgetvalue(selected.get(), 0, 0), "189.25");
}

TEST(PostgresServerTest, RestartKeepsPortAndDataAndKillIsRecoveredFrom) {
  PostgresServer server;
  MYSTOCKS_ASSERT_OK(server.start());
  MYSTOCKS_ASSERT_OK(
      execute(server, "postgres", "CREATE TABLE ticks (id int); INSERT INTO ticks VALUES (1)"));
  const int port = server.port();
  const std::optional<pid_t> first_pid = server.postmaster_pid();
  ASSERT_TRUE(first_pid.has_value());

  MYSTOCKS_ASSERT_OK(server.restart());
  EXPECT_EQ(server.port(), port);
  EXPECT_FALSE(process_alive(*first_pid));
  EXPECT_EQ(scalar(server, "postgres", "SELECT count(*) FROM ticks"), "1");

  // Committed rows survive an immediate stop: the next start replays the WAL.
  MYSTOCKS_ASSERT_OK(execute(server, "postgres", "INSERT INTO ticks VALUES (2)"));
  const std::optional<pid_t> second_pid = server.postmaster_pid();
  MYSTOCKS_ASSERT_OK(server.kill());
  EXPECT_FALSE(server.is_running());
  ASSERT_TRUE(second_pid.has_value());
  EXPECT_FALSE(process_alive(*second_pid));
  EXPECT_FALSE(server.connect().is_ok());
  MYSTOCKS_ASSERT_OK(server.restart());
  EXPECT_EQ(server.port(), port);
  EXPECT_EQ(scalar(server, "postgres", "SELECT count(*) FROM ticks"), "2");

  MYSTOCKS_ASSERT_OK(server.stop());
  EXPECT_FALSE(server.postmaster_pid().has_value());
}

TEST(PostgresServerTest, ReplicaStreamsPrimaryWritesAndRejectsItsOwn) {
  PostgresServer primary;
  MYSTOCKS_ASSERT_OK(primary.start());
  MYSTOCKS_ASSERT_OK(execute(primary, "postgres",
                             "CREATE TABLE quotes (symbol text); "
                             "INSERT INTO quotes VALUES ('AAPL')"));
  PostgresServer replica;
  MYSTOCKS_ASSERT_OK(replica.start_replica_of(primary));
  EXPECT_TRUE(replica.is_replica());
  EXPECT_NE(replica.port(), primary.port());
  EXPECT_EQ(scalar(replica, "postgres", "SELECT pg_is_in_recovery()"), "t");

  MYSTOCKS_ASSERT_OK(execute(primary, "postgres", "INSERT INTO quotes VALUES ('MSFT')"));
  MYSTOCKS_ASSERT_OK(replica.wait_for_replay(primary));
  EXPECT_EQ(
      scalar(replica, "postgres", "SELECT string_agg(symbol, ',' ORDER BY symbol) FROM quotes"),
      "AAPL,MSFT");

  const Status write = execute(replica, "postgres", "INSERT INTO quotes VALUES ('TSLA')");
  EXPECT_FALSE(write.is_ok());
  EXPECT_NE(write.message().find("read-only transaction"), std::string::npos) << write.message();

  // The replica reconnects to a restarted primary (same port) and keeps streaming.
  MYSTOCKS_ASSERT_OK(primary.restart());
  MYSTOCKS_ASSERT_OK(execute(primary, "postgres", "INSERT INTO quotes VALUES ('NVDA')"));
  MYSTOCKS_ASSERT_OK(replica.wait_for_replay(primary));
  EXPECT_EQ(scalar(replica, "postgres", "SELECT count(*) FROM quotes"), "3");
  EXPECT_FALSE(primary.wait_for_replay(replica).is_ok());  // only a replica replays
}

TEST(PostgresServerTest, DestructorStopsServerAndRemovesDirectory) {
  pid_t pid = -1;
  std::filesystem::path root;
  {
    PostgresServer server;
    MYSTOCKS_ASSERT_OK(server.start());
    pid = server.postmaster_pid().value_or(-1);
    root = server.root_dir();
    ASSERT_TRUE(process_alive(pid));
    ASSERT_TRUE(std::filesystem::exists(server.data_dir() / "PG_VERSION"));
  }
  EXPECT_FALSE(process_alive(pid));
  EXPECT_FALSE(std::filesystem::exists(root));
}

TEST(PostgresServerTest, FailedStartExplainsAndStillCleansUp) {
  std::filesystem::path root;
  {
    PostgresServer server(PostgresOptions{.bin_dir = "/nonexistent/postgresql/bin"});
    const Status started = server.start();
    root = server.root_dir();
    ASSERT_FALSE(started.is_ok());
    EXPECT_NE(started.message().find("/nonexistent/postgresql/bin/initdb"), std::string::npos)
        << started.message();
    EXPECT_FALSE(server.is_running());
  }
  EXPECT_FALSE(root.empty());
  EXPECT_FALSE(std::filesystem::exists(root));
}

TEST(PostgresServerTest, StartFailureQuotesTheServerLog) {
  PostgresServer server(PostgresOptions{.extra_config = {"shared_buffers = 'plenty'"}});
  const Status started = server.start();
  ASSERT_FALSE(started.is_ok());
  EXPECT_EQ(started.code(), ErrorCode::kUnavailable);
  EXPECT_NE(started.message().find("invalid value for parameter \"shared_buffers\""),
            std::string::npos)
      << started.message();
  EXPECT_FALSE(server.is_running());
}

using RedisContextPtr = std::unique_ptr<redisContext, decltype(&redisFree)>;
using RedisReplyPtr = std::unique_ptr<redisReply, decltype(&freeReplyObject)>;

RedisContextPtr redis_connect(const RedisServer& server) {
  RedisContextPtr context(redisConnect(server.host().c_str(), server.port()), &redisFree);
  if (context != nullptr && context->err == 0) {
    const timeval timeout{5, 0};  // a missing reply fails the test instead of hanging it
    redisSetTimeout(context.get(), timeout);
  }
  return context;
}

RedisReplyPtr redis_command(redisContext* context, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  for (const std::string& arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  return RedisReplyPtr(static_cast<redisReply*>(redisCommandArgv(
                           context, static_cast<int>(argv.size()), argv.data(), lengths.data())),
                       &freeReplyObject);
}

std::string reply_text(const redisReply* reply) {
  if (reply == nullptr) return "<no reply>";
  if (reply->type == REDIS_REPLY_NIL) return "<nil>";
  if (reply->type == REDIS_REPLY_INTEGER) return std::to_string(reply->integer);
  if (reply->type == REDIS_REPLY_ARRAY) {
    std::string text;
    for (size_t element_idx = 0; element_idx < reply->elements; ++element_idx) {
      text += (element_idx == 0 ? "" : " ") + reply_text(reply->element[element_idx]);
    }
    return "[" + text + "]";
  }
  return std::string(reply->str, reply->len);
}

TEST(RedisServerTest, AnswersSetGetAndDeliversPublishedMessages) {
  RedisServer server;
  MYSTOCKS_ASSERT_OK(server.start());
  EXPECT_TRUE(server.is_running());
  RedisContextPtr client = redis_connect(server);
  ASSERT_TRUE(client != nullptr && client->err == 0);
  EXPECT_EQ(reply_text(redis_command(client.get(), {"SET", "quote:AAPL", "189.25"}).get()), "OK");
  EXPECT_EQ(reply_text(redis_command(client.get(), {"GET", "quote:AAPL"}).get()), "189.25");

  RedisContextPtr subscriber = redis_connect(server);
  ASSERT_TRUE(subscriber != nullptr && subscriber->err == 0);
  EXPECT_EQ(reply_text(redis_command(subscriber.get(), {"SUBSCRIBE", "ticks"}).get()),
            "[subscribe ticks 1]");
  EXPECT_EQ(reply_text(redis_command(client.get(), {"PUBLISH", "ticks", "AAPL 189.30"}).get()),
            "1");
  void* raw_message = nullptr;
  ASSERT_EQ(redisGetReply(subscriber.get(), &raw_message), REDIS_OK) << subscriber->errstr;
  RedisReplyPtr message(static_cast<redisReply*>(raw_message), &freeReplyObject);
  EXPECT_EQ(reply_text(message.get()), "[message ticks AAPL 189.30]");
}

TEST(RedisServerTest, RestartKeepsPortButNotData) {
  RedisServer server;
  MYSTOCKS_ASSERT_OK(server.start());
  const int port = server.port();
  const std::optional<pid_t> first_pid = server.pid();
  {
    RedisContextPtr client = redis_connect(server);
    ASSERT_TRUE(client != nullptr && client->err == 0);
    EXPECT_EQ(reply_text(redis_command(client.get(), {"SET", "k", "v"}).get()), "OK");
  }
  MYSTOCKS_ASSERT_OK(server.restart());
  EXPECT_EQ(server.port(), port);
  ASSERT_TRUE(first_pid.has_value());
  EXPECT_FALSE(process_alive(*first_pid));
  RedisContextPtr client = redis_connect(server);
  ASSERT_TRUE(client != nullptr && client->err == 0);
  EXPECT_EQ(reply_text(redis_command(client.get(), {"GET", "k"}).get()), "<nil>");
}

TEST(RedisServerTest, KillLooksLikeACrashAndRestartRecovers) {
  RedisServer server;
  MYSTOCKS_ASSERT_OK(server.start());
  const std::optional<pid_t> pid = server.pid();
  MYSTOCKS_ASSERT_OK(server.kill());
  EXPECT_FALSE(server.is_running());
  ASSERT_TRUE(pid.has_value());
  EXPECT_FALSE(process_alive(*pid));
  EXPECT_FALSE(redis_ping(server.host(), server.port()).is_ok());
  MYSTOCKS_ASSERT_OK(server.restart());
  MYSTOCKS_ASSERT_OK(redis_ping(server.host(), server.port()));
}

TEST(RedisServerTest, DestructorStopsServerAndRemovesDirectory) {
  pid_t pid = -1;
  std::filesystem::path root;
  {
    RedisServer server;
    MYSTOCKS_ASSERT_OK(server.start());
    pid = server.pid().value_or(-1);
    root = server.root_dir();
    ASSERT_TRUE(process_alive(pid));
    ASSERT_TRUE(std::filesystem::is_directory(root));
  }
  EXPECT_FALSE(process_alive(pid));
  EXPECT_FALSE(std::filesystem::exists(root));
}

}  // namespace
}  // namespace mystocks::test
