#include "core/logging.h"

#include <fstream>
#include <sstream>

#include <boost/json.hpp>
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

namespace mystocks {
namespace {

TEST(LoggingTest, JsonLinesCarryRequestIdAndEscapeMessages) {
  const std::string path = ::testing::TempDir() + "/mystocks_log_test.jsonl";
  std::remove(path.c_str());
  LoggingConfig config;
  config.file = path;
  ASSERT_TRUE(logging::init(config).is_ok());
  {
    logging::RequestIdScope scope("req-123");
    spdlog::info("quote \"{}\"\nnext line", "600519.SH");
  }
  spdlog::warn("outside");
  spdlog::default_logger()->flush();
  std::ifstream in(path);
  std::string first;
  std::string second;
  ASSERT_TRUE(std::getline(in, first));
  ASSERT_TRUE(std::getline(in, second));
  boost::json::object line = boost::json::parse(first).as_object();
  EXPECT_EQ(line["request_id"].as_string(), "req-123");
  EXPECT_EQ(line["level"].as_string(), "info");
  EXPECT_EQ(line["msg"].as_string(), "quote \"600519.SH\"\nnext line");
  EXPECT_EQ(boost::json::parse(second).as_object()["request_id"].as_string(), "");
  EXPECT_EQ(logging::current_request_id(), "");
}

TEST(LoggingTest, UnwritableFileIsAConfigError) {
  LoggingConfig config;
  config.file = "/dev/null/x.log";  // a path below a file can never be created
  Status status = logging::init(config);
  ASSERT_FALSE(status.is_ok());
  EXPECT_EQ(status.field(), "logging.file");
}

}  // namespace
}  // namespace mystocks
