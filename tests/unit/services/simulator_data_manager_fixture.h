// The DataManager fixture (data_manager_fixture.h) plus a deterministic simulator source (seed 7,
// six securities) over the same catalog and manual clock, and live ingests of its feed: what the
// demo seed and live ingest tests feed the manager from. One test thread; the members are the
// fixture's own state.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "core/timestamp.h"
#include "services/live_ingest.h"
#include "sources/simulator/live_feed.h"
#include "sources/simulator/simulator_source.h"
#include "storage/table_schema.h"
#include "unit/services/data_manager_fixture.h"

namespace mystocks::services::test {

class SimulatorDataManagerTest : public DataManagerTest {
 protected:
  void SetUp() override {
    DataManagerTest::SetUp();
    shared_catalog_ = std::make_shared<const storage::TableCatalog>(catalog_);
    Result<std::unique_ptr<sources::SimulatorSource>> source = sources::SimulatorSource::create(
        "simulator", {.seed = 7, .symbol_count = 6}, shared_catalog_, clock_);
    ASSERT_TRUE(source.is_ok()) << source.status().to_string();
    source_ = std::move(*source);
  }

  // Options streaming the universe's first two securities (and the indices).
  sources::LiveOptions first_two_securities() const {
    sources::LiveOptions options;
    const auto& securities = source_->simulator()->universe().securities();
    options.symbols = {securities[0].symbol, securities[1].symbol};
    return options;
  }

  // A LiveIngest into manager_ of a feed over source_ that starts at `start` (Asia/Shanghai
  // ISO-8601; the manual clock is set to it). Null, failing the test, when the feed is refused.
  std::unique_ptr<LiveIngest> live_ingest_from(std::string_view start,
                                               const sources::LiveOptions& options) {
    clock_.set_ms(*parse_timestamp(start));
    Result<std::unique_ptr<sources::LiveFeed>> feed =
        sources::LiveFeed::create(source_->simulator(), shared_catalog_, clock_, options);
    EXPECT_TRUE(feed.is_ok()) << feed.status().to_string();
    if (!feed.is_ok()) return nullptr;
    return std::make_unique<LiveIngest>(std::move(*feed), *manager_, metrics_);
  }

  // Rows of `table` the manager handed the time-series store, over all its writes.
  int64_t time_series_rows(const std::string& table) const {
    int64_t rows = 0;
    for (const auto& [name, batch] : time_series_.written) {
      if (name == table) rows += static_cast<int64_t>(batch.num_rows());
    }
    return rows;
  }

  std::shared_ptr<const storage::TableCatalog> shared_catalog_;
  std::unique_ptr<sources::SimulatorSource> source_;
};

}  // namespace mystocks::services::test
