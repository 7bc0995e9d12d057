// Accept header negotiation: quality values, specificity, defaults.
#include "gateway/content_negotiation.h"

#include <gtest/gtest.h>

namespace mystocks::gateway {
namespace {

TEST(ContentNegotiationTest, PicksTheOfferedTypeTheClientPrefers) {
  const std::pair<const char*, size_t> cases[] = {
      {"", 0},
      {"*/*", 0},
      {"text/csv", 1},
      {"TEXT/CSV", 1},
      {"application/json", 0},
      {"text/csv;q=0.5, application/json", 0},
      {"application/json;q=0.2, text/csv;q=0.9", 1},
      {"text/*", 1},
      {"text/*;q=0.3, */*;q=0.5", 0},
      {"text/csv;q=0, */*", 0},
      {"image/png", 0},  // nothing offered matches: the default, never 406
      {"text/html, text/csv; charset=utf-8", 1},
  };
  for (const auto& [accept, expected] : cases) {
    EXPECT_EQ(negotiate_media_type(accept, {"application/json", "text/csv"}), expected) << accept;
  }
}

}  // namespace
}  // namespace mystocks::gateway
