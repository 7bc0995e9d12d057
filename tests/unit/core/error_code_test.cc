#include "core/error_code.h"

#include <fstream>
#include <set>

#include <gtest/gtest.h>

#include "core/status.h"
#include "support/source_dir.h"

namespace mystocks {
namespace {

TEST(ErrorCodeTest, NumbersAndNamesAreUnique) {
  std::set<int32_t> numbers;
  std::set<std::string_view> names;
  for (const ErrorInfo& info : all_error_codes()) {
    EXPECT_TRUE(numbers.insert(static_cast<int32_t>(info.code)).second) << info.name;
    EXPECT_TRUE(names.insert(info.name).second) << info.name;
  }
}

TEST(ErrorCodeTest, MapsToHttpStatusOnce) {
  EXPECT_EQ(http_status_of(ErrorCode::kInvalidSymbol), 400);
  EXPECT_EQ(http_status_of(ErrorCode::kRouteNotFound), 404);
  EXPECT_EQ(http_status_of(ErrorCode::kMethodNotAllowed), 405);
  EXPECT_EQ(http_status_of(ErrorCode::kPayloadTooLarge), 413);
  EXPECT_EQ(http_status_of(ErrorCode::kRateLimited), 429);
  EXPECT_EQ(http_status_of(ErrorCode::kUnavailable), 503);
  EXPECT_EQ(error_info(ErrorCode::kUnavailable).retry, RetryClass::kRetryCall);
  EXPECT_EQ(error_info(ErrorCode::kAborted).retry, RetryClass::kRetryHigher);
}

TEST(StatusTest, CarriesCodeMessageAndField) {
  Status status = field_error(ErrorCode::kInvalidSymbol, "symbol", "'{}' is not a symbol", "x");
  EXPECT_FALSE(status.is_ok());
  EXPECT_EQ(status.field(), "symbol");
  EXPECT_EQ(status.to_string(), "INVALID_SYMBOL: 'x' is not a symbol");
  EXPECT_EQ(status.with_context("query").message(), "query: 'x' is not a symbol");
  EXPECT_TRUE(Status::ok().is_ok());
}

TEST(ResultTest, HoldsValueOrStatus) {
  Result<int> good = 7;
  ASSERT_TRUE(good.is_ok());
  EXPECT_EQ(*good, 7);
  Result<int> bad = error(ErrorCode::kNotFound, "no {}", "thing");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_EQ(bad.status().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace mystocks

namespace mystocks {
namespace {

// docs/error-codes.md is what users read; it must list every registered code with its status.
TEST(ErrorCodeTest, DocumentationListsEveryCode) {
  std::ifstream in(test::source_path("docs/error-codes.md"));
  ASSERT_TRUE(in);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const ErrorInfo& info : all_error_codes()) {
    const std::string row = fmt::format("| {} | {} | {} |", static_cast<int32_t>(info.code),
                                        info.name, info.http_status);
    EXPECT_NE(text.find(row), std::string::npos) << "docs/error-codes.md lacks: " << row;
  }
}

}  // namespace
}  // namespace mystocks
