// The live feed tests' fixture: the simulator fixture (simulator_fixture.h) plus live feeds over
// its sources on the fixture's manual clock, options streaming a list of securities, and batches
// unwrapped with a test failure on error. One test thread; the clock is the fixture's own.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sources/simulator/live_feed.h"
#include "unit/sources/simulator_fixture.h"

namespace mystocks::sources::test {

class LiveFeedTest : public SimulatorTest {
 protected:
  // A feed starting at the clock's now (see LiveFeed::create); null when creation fails.
  std::unique_ptr<LiveFeed> feed(const SimulatorSource& source, const LiveOptions& options) {
    Result<std::unique_ptr<LiveFeed>> created =
        LiveFeed::create(source.simulator(), catalog(), clock_, options);
    EXPECT_TRUE(created.is_ok()) << created.status().to_string();
    return created.is_ok() ? std::move(created).value() : nullptr;
  }

  static LiveBatch ok_batch(Result<LiveBatch> result) {
    EXPECT_TRUE(result.is_ok()) << result.status().to_string();
    return result.is_ok() ? std::move(result).value() : LiveBatch{};
  }

  // Default options streaming only `symbols` (canonical text, e.g. from first_symbols).
  static LiveOptions options_for(const std::vector<std::string>& symbols) {
    LiveOptions options;
    for (const std::string& symbol : symbols) options.symbols.push_back(*Symbol::parse(symbol));
    return options;
  }

  // The same without the indices: the tests of what the securities' rows carry.
  static LiveOptions stock_options(const std::vector<std::string>& symbols) {
    LiveOptions options = options_for(symbols);
    options.index_quotes = false;
    return options;
  }
};

}  // namespace mystocks::sources::test
