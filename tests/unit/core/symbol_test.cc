#include "core/symbol.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "support/source_dir.h"

namespace mystocks {
namespace {

// Data-driven: tests/golden/core/symbols.txt lists input -> canonical form or error fragment.
TEST(SymbolTest, GoldenCases) {
  std::ifstream in(test::source_path("tests/golden/core/symbols.txt"));
  ASSERT_TRUE(in) << "missing golden file";
  std::string line;
  int cases = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    // The input is the first column after leading blanks; the leading-blank case keeps them.
    const size_t start = line.find_first_not_of(' ');
    const size_t gap = line.find("  ", start);
    ASSERT_NE(gap, std::string::npos) << line;
    std::string input = line.substr(0, gap);
    if (input == "<empty>") input.clear();
    const std::string expected = line.substr(line.find_first_not_of(' ', gap));
    ++cases;
    Result<Symbol> parsed = Symbol::parse(input);
    if (expected.starts_with("error: ")) {
      ASSERT_FALSE(parsed.is_ok()) << "'" << input << "' should be rejected";
      EXPECT_EQ(parsed.status().code(), ErrorCode::kInvalidSymbol);
      EXPECT_EQ(parsed.status().field(), "symbol");
      EXPECT_NE(parsed.status().message().find(expected.substr(7)), std::string::npos)
          << parsed.status().message();
    } else {
      ASSERT_TRUE(parsed.is_ok()) << "'" << input << "': " << parsed.status().message();
      EXPECT_EQ(parsed->to_string(), expected) << "input '" << input << "'";
    }
  }
  EXPECT_GT(cases, 30);
}

TEST(SymbolTest, ErrorNamesFieldAndAcceptedForms) {
  Result<Symbol> parsed = Symbol::parse("xyz", "symbols[2]");
  ASSERT_FALSE(parsed.is_ok());
  EXPECT_EQ(parsed.status().field(), "symbols[2]");
  EXPECT_NE(parsed.status().message().find("symbols[2] 'xyz'"), std::string::npos);
  EXPECT_NE(parsed.status().message().find("600519.SH"), std::string::npos);
}

TEST(SymbolTest, OrdersAndCompares) {
  EXPECT_EQ(*Symbol::parse("600519"), *Symbol::parse("sh.600519"));
  EXPECT_LT(*Symbol::parse("000001.SZ"), *Symbol::parse("600519.SH"));
  EXPECT_EQ(Symbol::parse("600519")->exchange(), Exchange::kSH);
  EXPECT_EQ(Symbol::parse("600519")->code(), "600519");
}

}  // namespace
}  // namespace mystocks
