// The simulator's order book (depth_book.h) against its invariants over a sweep of prices from
// limit down to limit up, cheap and dear shares, 10%/20%/30% limits and many draw seeds: side
// ordering, the tick grid (cents), limits, whole lots, bid 1 < ask 1 around last, the sealed
// side at a limit, and determinism.
#include "sources/simulator/depth_book.h"

#include <algorithm>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace mystocks::sources::test {
namespace {

struct BookCase {
  int64_t pre_close;  // cents
  int percent;        // daily limit, percent
  int64_t level_lots;
};

// An empty string when `book` keeps every invariant around `last`, else the first broken one.
std::string broken_invariant(const DepthBook& book, int64_t last, const PriceLimits& limits,
                             int64_t level_lots) {
  const int64_t most_lots = level_lots * 2;  // sizes are 0.2x..1.8x the typical level
  for (const bool bid_side : {true, false}) {
    const auto& side = bid_side ? book.bids : book.asks;
    const char* name = bid_side ? "bid" : "ask";
    bool ended = false;
    for (int level = 0; level < kBookLevels; ++level) {
      const BookLevel& entry = side[level];
      if (entry.price == 0) {
        if (entry.volume != 0) return fmt::format("{}{} has a size but no price", name, level + 1);
        ended = true;
        continue;
      }
      if (ended) return fmt::format("{}{} follows an empty level", name, level + 1);
      if (entry.price < limits.down || entry.price > limits.up) {
        return fmt::format("{}{} {} outside [{}, {}]", name, level + 1, entry.price, limits.down,
                           limits.up);
      }
      if (entry.volume <= 0 || entry.volume % kLotShares != 0) {
        return fmt::format("{}{} size {} is not whole lots", name, level + 1, entry.volume);
      }
      const bool sealed_queue = level == 0 && (bid_side ? last >= limits.up : last <= limits.down);
      if (!sealed_queue && entry.volume / kLotShares > most_lots) {
        return fmt::format("{}{} size {} is over 1.8x {} lots", name, level + 1, entry.volume,
                           level_lots);
      }
      if (level > 0) {
        const int64_t step =
            bid_side ? side[level - 1].price - entry.price : entry.price - side[level - 1].price;
        if (step < 1 || step > 2) {
          return fmt::format("{}{} is {} ticks from the level before", name, level + 1, step);
        }
      }
    }
  }
  const BookLevel& bid = book.bids[0];
  const BookLevel& ask = book.asks[0];
  if (bid.price == 0 && ask.price == 0) return "both sides empty";
  if (bid.price > 0 && bid.price > last) return fmt::format("bid1 {} above last", bid.price);
  if (ask.price > 0 && ask.price < last) return fmt::format("ask1 {} below last", ask.price);
  if (bid.price > 0 && ask.price > 0 && bid.price >= ask.price) {
    return fmt::format("bid1 {} not below ask1 {}", bid.price, ask.price);
  }
  if (bid.price != last && ask.price != last) return "neither side quotes at last";
  if (last >= limits.up && ask.price != 0) return "asks at limit up";
  if (last <= limits.down && bid.price != 0) return "bids at limit down";
  return "";
}

TEST(DepthBookTest, KeepsEveryInvariantFromLimitDownToLimitUp) {
  const BookCase cases[] = {
      {1000, 10, 50},    // 10.00 yuan, main board
      {253, 10, 3},      // a 2.53 yuan penny stock: limits only 25 ticks away
      {18'500, 20, 12},  // 185.00 yuan on ChiNext/STAR: dear shares quote wider
      {168'000, 10, 1},  // 1680.00 yuan, thin book
      {4'210, 30, 400},  // BJ board, 30%
      {400, 5, 20},      // ST, 5%: limits 20 ticks away
  };
  int checked = 0;
  for (const BookCase& c : cases) {
    const PriceLimits limits = price_limits(c.pre_close, c.percent);
    ASSERT_LT(limits.down, limits.up);
    // Every price near the limits (where sides are cut short), a stride through the middle.
    const int64_t stride = std::max<int64_t>(1, (limits.up - limits.down) / 40);
    const auto next = [&](int64_t last) {
      const bool near_limit = last - limits.down < 6 || limits.up - last < 6;
      return near_limit ? last + 1 : std::min(last + stride, limits.up - 5);
    };
    for (int64_t last = limits.down; last <= limits.up; last = next(last)) {
      for (uint64_t seed = 0; seed < 64; ++seed) {
        const DepthBook book = make_depth_book(last, limits, c.level_lots, seed * 7919 + 17);
        const std::string broken = broken_invariant(book, last, limits, c.level_lots);
        ASSERT_EQ(broken, "") << "pre_close " << c.pre_close << " limit " << c.percent << "% last "
                              << last << " seed " << seed;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 10'000);
}

TEST(DepthBookTest, AFullBookAwayFromTheLimitsHasFiveLevelsASide) {
  const PriceLimits limits = price_limits(1000, 10);
  for (uint64_t seed = 0; seed < 200; ++seed) {
    const DepthBook book = make_depth_book(1003, limits, 40, seed);
    for (int level = 0; level < kBookLevels; ++level) {
      ASSERT_GT(book.bids[level].price, 0) << "seed " << seed << " bid" << level + 1;
      ASSERT_GT(book.asks[level].price, 0) << "seed " << seed << " ask" << level + 1;
    }
    // A cheap share's spread is one or two ticks; the side at last is the one that traded.
    const int64_t spread = book.asks[0].price - book.bids[0].price;
    ASSERT_TRUE(spread == 1 || spread == 2) << "seed " << seed << " spread " << spread;
  }
}

TEST(DepthBookTest, ASealedLimitHasOneSideWithADeepQueueAtTheLimit) {
  const PriceLimits limits = price_limits(1000, 10);  // 9.00 .. 11.00
  for (uint64_t seed = 0; seed < 100; ++seed) {
    const DepthBook up = make_depth_book(limits.up, limits, 10, seed);
    EXPECT_EQ(up.bids[0].price, limits.up);
    EXPECT_GE(up.bids[0].volume, 20 * kLotShares);  // the queue of buyers at the limit
    EXPECT_EQ(up.asks[0].price, 0);
    const DepthBook down = make_depth_book(limits.down, limits, 10, seed);
    EXPECT_EQ(down.asks[0].price, limits.down);
    EXPECT_GE(down.asks[0].volume, 20 * kLotShares);
    EXPECT_EQ(down.bids[0].price, 0);
  }
  // One tick below limit up the ask side stops at the limit: at most the levels that fit.
  for (uint64_t seed = 0; seed < 100; ++seed) {
    const DepthBook near = make_depth_book(limits.up - 1, limits, 10, seed);
    for (const BookLevel& ask : near.asks) EXPECT_LE(ask.price, limits.up);
    EXPECT_EQ(near.asks[2].price, 0) << "seed " << seed << ": only up-1 and up can be offered";
  }
}

TEST(DepthBookTest, SameSeedSameBookOtherSeedOtherBook) {
  const PriceLimits limits = price_limits(2'345, 10);
  int differing = 0;
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    const DepthBook first = make_depth_book(2'350, limits, 30, seed);
    const DepthBook again = make_depth_book(2'350, limits, 30, seed);
    const DepthBook other = make_depth_book(2'350, limits, 30, seed + 1000);
    for (int level = 0; level < kBookLevels; ++level) {
      ASSERT_EQ(first.bids[level].price, again.bids[level].price);
      ASSERT_EQ(first.bids[level].volume, again.bids[level].volume);
      ASSERT_EQ(first.asks[level].price, again.asks[level].price);
      ASSERT_EQ(first.asks[level].volume, again.asks[level].volume);
      if (first.bids[level].volume != other.bids[level].volume) ++differing;
    }
  }
  EXPECT_GT(differing, 100);  // the seed, not the arguments alone, draws the sizes
}

}  // namespace
}  // namespace mystocks::sources::test
