// JSON Schema validation of request bodies: the "integer" type at the edges of int64_t, where
// the fuzzer found a cast of an out-of-range double to int64_t (undefined behaviour), and the
// fuzz findings replayed (tests/golden/fuzz/json_body: a selector byte, then the body).
#include "gateway/json_schema.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "support/fuzz_findings.h"

namespace mystocks::gateway {
namespace {

namespace json = boost::json;

struct IntegerCase {
  const char* number;  // JSON text
  bool integer;
};

// Table of JSON numbers and whether "type": "integer" accepts them.
constexpr IntegerCase kIntegerCases[] = {
    {"5", true},
    {"5.0", true},
    {"-5e3", true},
    {"5.5", false},
    {"1e22", false},  // beyond int64_t: no longer a cast with undefined result
    {"-1e22", false},
    {"1e308", false},
    {"9223372036854775807", true},     // int64 max (parsed as int64)
    {"18446744073709551615", true},    // uint64 max (parsed as uint64)
    {"9223372036854775808.0", false},  // 2^63 as a double: one past int64_t
    {"-9223372036854775808.0", true},  // -2^63 as a double: int64_t's minimum
    {"10184467440737095516160", false},
};

TEST(JsonSchemaTest, IntegerTypeAcceptsOnlyWholeNumbersThatFitInt64) {
  const json::value schema = json::parse(R"({"type": "integer"})");
  for (const IntegerCase& test_case : kIntegerCases) {
    std::vector<FieldError> errors;
    validate_json(schema, json::parse(test_case.number), "quantity", errors);
    EXPECT_EQ(errors.empty(), test_case.integer) << test_case.number;
  }
}

TEST(JsonSchemaTest, FuzzFindingsValidateWithoutUndefinedBehaviour) {
  const json::value schema = json::parse(R"({"type": "object", "properties": {
      "quantity": {"type": "integer", "minimum": 100}, "price": {"type": "number"}}})");
  const auto findings = test::fuzz_findings("json_body");
  ASSERT_FALSE(findings.empty());
  for (const auto& [name, input] : findings) {
    boost::system::error_code ec;
    const json::value body = json::parse(std::string_view(input).substr(1), ec);
    ASSERT_FALSE(ec) << name;
    std::vector<FieldError> errors;
    validate_json(schema, body, "", errors);
    EXPECT_FALSE(errors.empty()) << name;
  }
}

}  // namespace
}  // namespace mystocks::gateway
