#include "sources/simulator/depth_book.h"

#include <algorithm>

#include "sources/simulator/random.h"

namespace mystocks::sources {

DepthBook make_depth_book(int64_t last, const PriceLimits& limits, int64_t level_lots,
                          uint64_t draw_seed) {
  DepthBook book;
  Rng rng(draw_seed);
  int64_t spread = rng.uniform() < 0.2 ? 2 : 1;
  if (last > 10000) spread += rng.uniform_int(0, 2);  // dear shares quote wider in ticks
  int64_t bid = 0;
  int64_t ask = 0;
  const bool at_up = last >= limits.up;
  const bool at_down = last <= limits.down;
  if (at_up) {
    bid = last;  // sealed at limit up: nobody sells, buyers queue at the limit
  } else if (at_down) {
    ask = last;
  } else if (rng.uniform() < 0.5) {
    // The last trade hit the bid (or lifted the offer, below): that side quotes at last.
    bid = last;
    ask = std::min(last + spread, limits.up);
  } else {
    ask = last;
    bid = std::max(last - spread, limits.down);
  }
  auto size = [&] {
    const double lots = static_cast<double>(level_lots) * (0.2 + 1.6 * rng.uniform());
    return std::max<int64_t>(1, static_cast<int64_t>(lots)) * kLotShares;
  };
  for (int level = 0; level < kBookLevels; ++level) {
    if (bid > 0) {
      book.bids[level] = {bid, size()};
      const int64_t next = bid - (rng.uniform() < 0.15 ? 2 : 1);
      bid = next >= limits.down ? next : 0;
    }
    if (ask > 0) {
      book.asks[level] = {ask, size()};
      const int64_t next = ask + (rng.uniform() < 0.15 ? 2 : 1);
      ask = next <= limits.up ? next : 0;
    }
  }
  if (at_up) book.bids[0].volume *= 20;
  if (at_down) book.asks[0].volume *= 20;
  return book;
}

}  // namespace mystocks::sources
