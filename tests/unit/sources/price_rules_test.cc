#include "sources/simulator/price_rules.h"

#include <gtest/gtest.h>

namespace mystocks::sources {
namespace {

TEST(PriceRulesTest, BoardsFollowTheCodeRanges) {
  const std::pair<std::string_view, Board> cases[] = {
      {"600519.SH", Board::kMain},    {"601318.SH", Board::kMain},    {"688981.SH", Board::kStar},
      {"689009.SH", Board::kStar},    {"000001.SZ", Board::kMain},    {"002594.SZ", Board::kMain},
      {"300750.SZ", Board::kChiNext}, {"301236.SZ", Board::kChiNext}, {"430047.BJ", Board::kBse},
      {"920002.BJ", Board::kBse},
  };
  for (const auto& [text, board] : cases) {
    EXPECT_EQ(board_of(*Symbol::parse(text)), board) << text;
  }
}

TEST(PriceRulesTest, LimitPercentByBoardAndSpecialTreatment) {
  EXPECT_EQ(limit_percent(Board::kMain, false), 10);
  EXPECT_EQ(limit_percent(Board::kMain, true), 5);
  EXPECT_EQ(limit_percent(Board::kChiNext, false), 20);
  EXPECT_EQ(limit_percent(Board::kChiNext, true), 20);
  EXPECT_EQ(limit_percent(Board::kStar, false), 20);
  EXPECT_EQ(limit_percent(Board::kBse, false), 30);
}

struct LimitCase {
  int64_t pre_close;  // cents
  int percent;
  int64_t up;
  int64_t down;
};

TEST(PriceRulesTest, LimitPricesRoundHalfUpToTheCent) {
  const LimitCase cases[] = {
      {1000, 10, 1100, 900},   // 10.00 -> 11.00 / 9.00
      {1005, 10, 1106, 905},   // 10.05 -> 11.055 -> 11.06 / 9.045 -> 9.05
      {1234, 10, 1357, 1111},  // 12.34 -> 13.574 -> 13.57 / 11.106 -> 11.11
      {1234, 20, 1481, 987},   // 12.34 -> 14.808 -> 14.81 / 9.872 -> 9.87
      {333, 5, 350, 316},      // 3.33 -> 3.4965 -> 3.50 / 3.1635 -> 3.16
      {999, 30, 1299, 699},    // 9.99 -> 12.987 -> 12.99 / 6.993 -> 6.99
      {1, 10, 1, 1},           // a cent stays a cent
  };
  for (const LimitCase& c : cases) {
    const PriceLimits limits = price_limits(c.pre_close, c.percent);
    EXPECT_EQ(limits.up, c.up) << c.pre_close << " +" << c.percent;
    EXPECT_EQ(limits.down, c.down) << c.pre_close << " -" << c.percent;
  }
}

}  // namespace
}  // namespace mystocks::sources
