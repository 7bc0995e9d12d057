// A simulator source over the real tables.yaml with a manual clock, plus helpers the simulator
// tests share: requests, per-row cents, the limits of a symbol-day.
#pragma once

#include <memory>
#include <vector>

#include <gtest/gtest.h>

#include "core/clock.h"
#include "sources/simulator/price_rules.h"
#include "sources/simulator/simulator_source.h"
#include "unit/sources/sources_test_env.h"

namespace mystocks::sources::test {

class SimulatorTest : public ::testing::Test {
 protected:
  // 2026-11-25 10:00 Asia/Shanghai: after every report the fundamentals tests expect.
  SimulatorTest() : clock_(at(2026, 11, 25, 10, 0)) {}

  std::unique_ptr<SimulatorSource> make(int symbols = 40, uint64_t seed = 7,
                                        int64_t max_rows = SimulatorSource::kDefaultMaxRows) {
    Result<std::unique_ptr<SimulatorSource>> source = SimulatorSource::create(
        "sim", SimulatorOptions{seed, symbols}, catalog(), clock_, max_rows);
    EXPECT_TRUE(source.is_ok()) << source.status().to_string();
    return source.is_ok() ? std::move(source).value() : nullptr;
  }

  static SourceRequest request(std::vector<std::string_view> symbols, std::string_view from,
                               std::string_view to) {
    SourceRequest out;
    for (std::string_view text : symbols) out.symbols.push_back(*Symbol::parse(text));
    out.from = *parse_date(from);
    out.to = *parse_date(to);
    return out;
  }

  static RecordBatch ok(Result<RecordBatch> result) {
    EXPECT_TRUE(result.is_ok()) << result.status().to_string();
    return result.is_ok() ? std::move(result).value() : RecordBatch();
  }

  // The first `count` securities of a source, in symbol order.
  static std::vector<std::string> first_symbols(const SimulatorSource& source, size_t count) {
    std::vector<std::string> out;
    const Universe& universe = source.simulator()->universe();
    for (uint32_t index : universe.sorted_securities()) {
      if (out.size() == count) break;
      out.push_back(universe.securities()[index].canonical);
    }
    return out;
  }

  static SourceRequest request_for(const std::vector<std::string>& symbols, std::string_view from,
                                   std::string_view to) {
    std::vector<std::string_view> views(symbols.begin(), symbols.end());
    return request(views, from, to);
  }

  ManualClock clock_;
};

}  // namespace mystocks::sources::test
